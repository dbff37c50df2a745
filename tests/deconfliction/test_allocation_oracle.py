"""Allocation agrees with exhaustive enumeration on small random instances."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctpse_core.deconfliction.allocation import Availability, allocate
from ctpse_core.deconfliction.engine import find_conflicts
from ctpse_core.deconfliction.frame import DeploymentFrame
from ctpse_core.deconfliction.oracle import best_allocation, brute_force
from ctpse_core.deconfliction.rules import builtin_rules
from ctpse_core.domain.common import UTC
from ctpse_core.domain.staff import Leave, Staff
from ctpse_core.domain.surveillance import Deployment, Location, TaskingRequest, Team, TeamUnavailability
from ctpse_core.errors import CtpseError

#: Saturday evening before the spring clock change (Sunday 30/03/2025 01:00 UTC).
BASE = dt.datetime(2025, 3, 29, 18, 0, tzinfo=UTC)
PLACES = [(51.4550, -0.9750), (51.4562, -0.9750), (51.4700, -0.9750)]


@st.composite
def window(draw: st.DrawFn) -> tuple[dt.datetime, dt.datetime]:
    start = BASE + dt.timedelta(minutes=30 * draw(st.integers(0, 40)))
    return start, start + dt.timedelta(minutes=30 * draw(st.sampled_from([0, 2, 4, 8, 16, 24])))


@st.composite
def location(draw: st.DrawFn) -> Location | None:
    if draw(st.booleans()):
        return None
    lat, lon = draw(st.sampled_from(PLACES))
    return Location(lat=lat, lon=lon, radius_m=draw(st.sampled_from([0.0, 100.0, 600.0])))


@st.composite
def instance(draw: st.DrawFn) -> dict[str, object]:
    teams = [
        Team(
            id=f"T{k}",
            name=f"T{k}",
            capacity=draw(st.integers(2, 6)),
            skills=frozenset(draw(st.sets(st.sampled_from(["mobile", "rural"])))),
            team_type=draw(st.sampled_from(["SV", "SV", "TSU"])),
        )
        for k in range(draw(st.integers(1, 3)))
    ]
    people = st.lists(st.sampled_from(["p1", "p2", "p3"]), max_size=2, unique=True).map(tuple)
    subjects = st.lists(st.sampled_from(["s1", "s2"]), max_size=2, unique=True).map(tuple)
    requests = []
    for i in range(draw(st.integers(1, 4))):
        start, end = draw(window())
        requests.append(
            TaskingRequest(
                id=f"r{i}",
                operation_id=draw(st.sampled_from(["op0", "op1", "op2"])),
                requested_by="DCI Sample",
                start=start,
                end=end,
                officers=draw(st.integers(1, 6)),
                skills=frozenset(draw(st.sets(st.sampled_from(["mobile", "rural"]), max_size=1))),
                team_type=draw(st.sampled_from(["SV", "SV", "SV", "TSU"])),
                priority=draw(st.integers(1, 5)),
                location=draw(location()),
                subject_ids=draw(subjects),
                staff_ids=draw(people) if draw(st.integers(0, 3)) == 0 else (),
            )
        )
    existing = []
    for k in range(draw(st.integers(0, 3))):
        start, end = draw(window())
        existing.append(
            Deployment(
                id=f"d{k}",
                operation_id=draw(st.sampled_from(["op0", "op1", "op9"])),
                team_id=draw(st.sampled_from([t.id for t in teams])),
                start=start,
                end=end,
                officers=draw(st.integers(1, 3)),
                location=draw(location()),
                subject_ids=draw(subjects),
                staff_ids=draw(people),
            )
        )
    staff = [Staff(id=p, forenames="Sam", surname=f"Sample{p}", home_team=draw(st.sampled_from([t.id for t in teams])))
             for p in ("p1", "p2", "p3")]
    leave = [Leave(id="lv1", staff_id=draw(st.sampled_from(["p1", "p2", "p3"])), first_day=dt.date(2025, 3, 30),
                   last_day=dt.date(2025, 3, 30))] if draw(st.booleans()) else []
    unavailable = []
    if draw(st.booleans()):
        start, end = draw(window())
        unavailable.append(TeamUnavailability(id="u1", team_id=teams[0].id, start=start, end=end, reason="training"))
    previous = {r.id: draw(st.sampled_from([t.id for t in teams])) for r in requests if draw(st.booleans())}
    pinned = sorted(k for k in previous if draw(st.booleans()))
    allow = sorted(draw(st.sets(st.sampled_from(["subject-clash", "proximity"]))))
    return {"teams": teams, "requests": requests, "existing": existing, "staff": staff, "leave": leave,
            "unavailable": unavailable, "previous": previous, "pinned": pinned, "allow": allow}


BLOCKING_SOFT = {"subject-clash", "proximity"}


@given(instance())
def test_milp_optimum_equals_exhaustive_enumeration(case: dict[str, object]) -> None:
    """On random small weeks (clock-change night, shared subjects and officers, nearby places,
    leave, unavailability, previous plans, pins, allowed rules) the MILP's lexicographic optimum
    (coverage, then kept assignments) equals the best found by enumerating every assignment, and
    the plan creates no blocking conflict according to the independent brute-force conflict oracle
    nor the conflict engine."""
    teams = case["teams"]
    requests = case["requests"]
    existing = case["existing"]
    assert isinstance(teams, list) and isinstance(requests, list) and isinstance(existing, list)
    kwargs = {"previous": case["previous"], "pinned": case["pinned"], "allow": case["allow"]}
    avail = Availability(
        deployments=tuple(existing),
        leave=tuple(case["leave"]),  # type: ignore[arg-type]
        staff=tuple(case["staff"]),  # type: ignore[arg-type]
        unavailable=tuple(case["unavailable"]),  # type: ignore[arg-type]
    )
    # pins the oracle must honour: those that are possible on their own
    possible = [
        rid for rid in case["pinned"]  # type: ignore[attr-defined]
        if best_allocation(
            [r for r in requests if r.id == rid],
            [t for t in teams if t.id == case["previous"][rid]],  # type: ignore[index]
            existing, leave=avail.leave, staff=avail.staff, unavailable=avail.unavailable,
            previous={rid: case["previous"][rid]}, pinned=[rid], allow=case["allow"],  # type: ignore[index, arg-type]
        ) not in (None, (0, 0))
    ]
    expected = best_allocation(
        requests, teams, existing, leave=avail.leave, staff=avail.staff, unavailable=avail.unavailable,
        previous=case["previous"], pinned=possible, allow=case["allow"],  # type: ignore[arg-type]
    )
    if expected is None:
        with pytest.raises(CtpseError, match="pinned"):
            allocate(requests, teams, avail, rules=builtin_rules(), **kwargs)  # type: ignore[arg-type]
        return
    plan = allocate(requests, teams, avail, rules=builtin_rules(), **kwargs)  # type: ignore[arg-type]
    assert (plan.coverage, plan.kept) == expected
    assert set(plan.pinned) == set(possible)
    new_ids = {d.id for d in plan.deployments}
    bad = [
        (rule, ids)
        for rule, ids in brute_force([*existing, *plan.deployments], {t.id: t.capacity for t in teams})
        if set(ids) & new_ids and (rule not in BLOCKING_SOFT or rule not in case["allow"])  # type: ignore[operator]
    ]
    assert bad == []
    frame = DeploymentFrame.from_deployments([*existing, *plan.deployments], {t.id: t.capacity for t in teams})
    by_engine = [
        c for c in find_conflicts(frame, builtin_rules()).conflicts()
        if set(c.deployment_ids) & new_ids and (c.hard or c.rule not in case["allow"])  # type: ignore[operator]
    ]
    assert by_engine == []
    assert len(plan.unallocated) + len(plan.assignments) == len(requests)
    assert all(u.reasons for u in plan.unallocated)
