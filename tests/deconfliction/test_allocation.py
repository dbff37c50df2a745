"""Allocation: reasons for what is left out, pins, minimal change, and the engine's verdict."""

from __future__ import annotations

import datetime as dt

import attrs
import numpy as np
import pytest

from ctpse_core.deconfliction.allocation import Availability, allocate
from ctpse_core.deconfliction.engine import find_conflicts
from ctpse_core.deconfliction.frame import DeploymentFrame
from ctpse_core.deconfliction.model import Severity
from ctpse_core.deconfliction.oracle import best_allocation
from ctpse_core.deconfliction.rules import PairRule, builtin_rules
from ctpse_core.domain.common import LONDON
from ctpse_core.domain.staff import Leave, Staff
from ctpse_core.domain.surveillance import Deployment, Location, Operation, TaskingRequest, Team, TeamUnavailability
from ctpse_core.errors import InputError
from ctpse_core.synthetic.deployments import synthetic_week
from ctpse_core.synthetic.tasking import synthetic_tasking

MON = dt.datetime(2025, 3, 24, 8, 0, tzinfo=LONDON)
H = dt.timedelta(hours=1)


def req(i: str, start: dt.datetime, hours: float = 4, **kw: object) -> TaskingRequest:
    return TaskingRequest(
        id=i,
        operation_id=str(kw.pop("op", "op-a")),
        requested_by="DCI Ada Sample",
        start=start,
        end=start + dt.timedelta(hours=hours),
        **kw,  # type: ignore[arg-type]
    )


def team(i: str, capacity: int = 8, skills: tuple[str, ...] = ("mobile",), kind: str = "SV") -> Team:
    return Team(id=i, name=i, capacity=capacity, skills=frozenset(skills), team_type=kind)


def test_each_unallocated_request_has_its_reason() -> None:
    """Requests nobody can serve come back with the reason: skills nobody has, no team of the
    type, more officers than any team (counting leave), a named officer on leave, a clash with
    another operation's subject, and all suitable teams taken (naming them and what they do)."""
    teams = [team("SV-A", 8, ("mobile", "rural")), team("SV-B", 6)]
    staff = [Staff(id="s1", forenames="Ada", surname="Example", home_team="SV-A")]
    leave = [Leave(id="l1", staff_id="s1", first_day=MON.date(), last_day=MON.date())]
    booked = Deployment(
        id="dep-x", operation_id="op-x", team_id="SV-B", start=MON + 30 * H, end=MON + 34 * H, subject_ids=("subj-1",)
    )
    requests = [
        req("maritime", MON, skills=frozenset({"maritime"})),
        req("tsu", MON, team_type="TSU"),
        req("big", MON, officers=8),  # SV-A has 8 but one is on leave Monday
        req("named", MON, staff_ids=("s1",)),
        req("clash", MON + 31 * H, subject_ids=("subj-1",)),
        req("p1-a", MON + 48 * H, priority=1),
        req("p1-b", MON + 49 * H, priority=1),
        req("low", MON + 50 * H, priority=5),
    ]
    plan = allocate(requests, teams, Availability(deployments=(booked,), staff=tuple(staff), leave=tuple(leave)),
                    rules=builtin_rules())
    why = {u.request_id: " ".join(u.reasons) for u in plan.unallocated}
    assert set(plan.assignments) == {"p1-a", "p1-b"}
    assert "no SV team has the skills maritime" in why["maritime"]
    assert "no team of type TSU" in why["tsu"]
    assert "SV-A can field 7 officers (1 on leave); 8 are needed" in why["big"]
    assert "Ada Example (s1) is on annual leave 24/03/2025" in why["named"]
    assert "subject-clash" in why["clash"] and "dep-x" in why["clash"] and "subj-1" in why["clash"]
    assert why["low"].startswith("all suitable teams are taken at that time")
    assert "SV-A (on p1-" in why["low"] and "SV-B (on p1-" in why["low"]


def test_team_unavailability_and_existing_bookings_are_respected() -> None:
    """A team away training, or already booked, is not given a request then; the reason says so."""
    teams = [team("SV-A"), team("SV-B")]
    away = TeamUnavailability(id="u1", team_id="SV-A", start=MON, end=MON + 10 * H, reason="training")
    booked = Deployment(id="dep-1", operation_id="op-z", team_id="SV-B", start=MON - H, end=MON + 2 * H)
    plan = allocate([req("r1", MON)], teams, Availability(deployments=(booked,), unavailable=(away,)),
                    rules=builtin_rules())
    assert plan.assignments == {}
    text = " ".join(plan.unallocated[0].reasons)
    assert "SV-A is unavailable (training)" in text and "dep-1" in text


def test_pinned_assignments_stay_even_against_higher_priority() -> None:
    """A published (pinned) assignment is kept on re-planning even when a new priority-1
    request wants the same team at the same time; unpinned, the new request would take it."""
    teams = [team("SV-A", skills=("mobile", "rural"))]
    old = req("old", MON, priority=5)
    new = req("new", MON + H, priority=1, skills=frozenset({"rural"}))
    free = allocate([old, new], teams, previous={"old": "SV-A"}, rules=builtin_rules())
    assert free.assignments == {"new": "SV-A"}
    assert [(c.request_id, c.before, c.after) for c in free.changes] == [("old", "SV-A", None)]
    pinned = allocate([old, new], teams, previous={"old": "SV-A"}, pinned=["old"], rules=builtin_rules())
    assert pinned.assignments == {"old": "SV-A"} and pinned.pinned == ("old",)
    assert "SV-A (on old" in " ".join(pinned.unallocated[0].reasons)


def test_pin_that_became_impossible_is_released_with_reason() -> None:
    """A pin whose team can no longer take the request (now away) is released, with the reason."""
    teams = [team("SV-A"), team("SV-B")]
    away = TeamUnavailability(id="u1", team_id="SV-A", start=MON, end=MON + 10 * H, reason="court")
    plan = allocate([req("r1", MON)], teams, Availability(unavailable=(away,)), previous={"r1": "SV-A"},
                    pinned=["r1"], rules=builtin_rules())
    assert plan.assignments == {"r1": "SV-B"}
    assert plan.released[0].request_id == "r1" and "court" in plan.released[0].reasons[0]


def test_replan_after_amendment_changes_as_little_as_possible() -> None:
    """After one request is amended to overlap another on its team, the re-plan keeps every
    other assignment and moves exactly one request, although other optimal plans move more."""
    teams = [team("SV-A"), team("SV-B"), team("SV-C")]
    requests = [req(f"r{k}", MON + 24 * k * H) for k in range(6)]  # one a day: anything fits
    first = allocate(requests, teams, rules=builtin_rules())
    assert len(first.assignments) == 6
    # a plan is reversed in the order of teams, to show the tie is broken by the previous plan
    previous = dict(first.assignments)
    moved = attrs.evolve(requests[1], start=requests[0].start + H, end=requests[0].end + H)
    amended = [requests[0], moved, *requests[2:]]
    again = allocate(amended, teams, previous=previous, rules=builtin_rules())
    assert len(again.assignments) == 6
    assert len(again.changes) == (1 if previous["r0"] == previous["r1"] else 0)
    assert again.kept == 6 - len(again.changes)
    assert (again.coverage, again.kept) == best_allocation(amended, teams, previous=previous)


def test_coverage_comes_before_keeping_the_previous_plan() -> None:
    """When keeping the previous plan would cover less, the re-plan changes it (lexicographic:
    coverage first), and then changes no more than needed."""
    teams = [team("SV-A", skills=("mobile", "rural")), team("SV-B")]
    a = req("a", MON)  # can go anywhere; previously on SV-A
    b = req("b", MON + H, skills=frozenset({"rural"}))  # new, only SV-A can do it
    c = req("c", MON + 48 * H)  # untouched, previously on SV-B
    plan = allocate([a, b, c], teams, previous={"a": "SV-A", "c": "SV-B"}, rules=builtin_rules())
    assert plan.assignments == {"a": "SV-B", "b": "SV-A", "c": "SV-B"}
    assert [(ch.request_id, ch.before, ch.after) for ch in plan.changes] == [("a", "SV-A", "SV-B")]


def test_allowed_rules_and_hard_rules() -> None:
    """Proximity with another operation is avoided unless allowed (then reported as an allowed
    conflict); allowing a hard rule is refused."""
    here = Location(lat=51.455, lon=-0.975, radius_m=200)
    teams = [team("SV-A"), team("SV-B")]
    requests = [req("r1", MON, op="op-a", location=here, priority=1), req("r2", MON, op="op-b", location=here)]
    strict = allocate(requests, teams, rules=builtin_rules())
    assert set(strict.assignments) == {"r1"}
    assert "proximity" in strict.unallocated[0].reasons[0] and "r1" in strict.unallocated[0].reasons[0]
    loose = allocate(requests, teams, allow=["proximity"], rules=builtin_rules())
    assert set(loose.assignments) == {"r1", "r2"}
    assert [c.rule for c in loose.allowed_conflicts] == ["proximity"]
    with pytest.raises(InputError, match="hard rule"):
        allocate(requests, teams, allow=["rest"], rules=builtin_rules())


def test_rest_rule_for_named_officers() -> None:
    """A named officer is not given two deployments less than 11 hours apart (a gap of
    exactly 11 hours is enough)."""
    teams = [team("SV-A"), team("SV-B")]
    first = req("r1", MON, staff_ids=("s9",), priority=1)
    short = req("r2", MON + 4 * H + 10 * H, staff_ids=("s9",))
    enough = req("r3", MON + 4 * H + 11 * H, staff_ids=("s9",))
    assert set(allocate([first, short], teams, rules=builtin_rules()).assignments) == {"r1"}
    assert set(allocate([first, enough], teams, rules=builtin_rules()).assignments) == {"r1", "r3"}


def test_plugin_rule_is_honoured() -> None:
    """A plugin's team-keyed rule (no team on two operations within 12 hours) is obeyed by the
    plan: the engine finds none of its conflicts among the allocated deployments."""
    rule = PairRule(
        name="one-op-per-shift",
        key="team",
        predicate=lambda fr, a, b, s: fr.op[a] != fr.op[b],
        explain=lambda fr, a, b, s: f"{fr.ids[a]} and {fr.ids[b]}",
        severity=Severity.HIGH,
        slack=lambda s: 12 * 3_600_000_000,
    )
    teams = [team("SV-A")]
    requests = [req("r1", MON, op="op-a"), req("r2", MON + 6 * H, op="op-b"), req("r3", MON + 30 * H, op="op-b")]
    plan = allocate(requests, teams, rules=[*builtin_rules(), rule])
    assert len(plan.assignments) == 2 and "r3" in plan.assignments
    frame = DeploymentFrame.from_deployments(plan.deployments, {"SV-A": 8})
    assert len(find_conflicts(frame, [rule]).conflicts()) == 0


def test_synthetic_week_plan_has_no_blocking_conflict_by_the_engine() -> None:
    """Allocating a synthetic week's requests around a booked synthetic week creates no hard
    conflict, subject clash or proximity involving an allocated deployment, by the conflict
    engine's own full run over everything; and every request is allocated or explained."""
    tasking = synthetic_tasking(60, seed=7)
    booked = synthetic_week(30, seed=7).deployments()
    teams = tasking.teams or ()
    plan = allocate(
        tasking.requests,
        teams,
        Availability(deployments=tuple(booked), staff=tasking.staff or (), leave=tasking.leave or (),
                     unavailable=tasking.unavailable),
        operations=tasking.operations or (),
        rules=builtin_rules(),
    )
    assert len(plan.assignments) > 10 and plan.unallocated
    assert len(plan.assignments) + len(plan.unallocated) == 60
    assert all(u.reasons for u in plan.unallocated)
    frame = DeploymentFrame.from_deployments([*booked, *plan.deployments], {t.id: t.capacity for t in teams})
    new = {d.id for d in plan.deployments}
    found = find_conflicts(frame, builtin_rules()).conflicts()
    assert found  # the booked week has conflicts of its own
    assert [c for c in found if set(c.deployment_ids) & new] == []
    assert plan.coverage == sum(
        6 - (1 if next(o for o in tasking.operations or () if o.id == r.operation_id).national_priority else r.priority)
        for r in tasking.requests
        if r.id in plan.assignments
    )
    ops: dict[str, Operation] = {o.id: o for o in tasking.operations or ()}
    assert np.all([d.operation_id in ops for d in plan.deployments])
