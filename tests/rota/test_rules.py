"""The validator catches a hand-broken rota rule by rule, naming the person and the day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from rota_strategies import MONDAY, small_problem

from ctpse_core.domain.common import LONDON
from ctpse_core.rota.model import (
    Assignment,
    Commitment,
    Fairness,
    Roster,
    RotaLeave,
    RotaProblem,
    ShiftRequest,
)
from ctpse_core.rota.rules import BUILTIN_RULES
from ctpse_core.rota.solvers import solve
from ctpse_core.rota.validate import validate


def day(k: int) -> dt.date:
    return MONDAY + dt.timedelta(days=k)


def rules_for(person: str, **changes: Any) -> Callable[[RotaProblem], RotaProblem]:
    def change(problem: RotaProblem) -> RotaProblem:
        staff = tuple(
            attrs.evolve(p, rules=attrs.evolve(p.rules, **changes)) if p.id == person else p
            for p in problem.staff
        )
        return attrs.evolve(problem, staff=staff)

    return change


def same(problem: RotaProblem) -> RotaProblem:
    return problem


def at(hour: int, k: int) -> dt.datetime:
    return dt.datetime.combine(day(k), dt.time(hour)).replace(tzinfo=LONDON)


# (rule, change to the problem, assignments (person, day, shift), expected person, expected day)
CASES: list[
    tuple[str, Callable[[RotaProblem], RotaProblem], list[tuple[str, int, str]], str | None, int]
] = [
    ("assignment", same, [("P1", 0, "lunch")], "P1", 0),
    ("one_shift_per_day", same, [("P3", 0, "sio-day"), ("P3", 0, "ds-day")], "P3", 0),
    ("qualification", same, [("P4", 0, "sio-day")], "P4", 0),
    (
        "leave",
        lambda p: attrs.evolve(
            p, leave=(RotaLeave(staff_id="P1", first_day=day(2), last_day=day(4)),)
        ),
        [("P1", 3, "sio-day")],
        "P1",
        3,
    ),
    (
        "day_off",
        lambda p: attrs.evolve(
            p,
            staff=tuple(
                attrs.evolve(x, days_off=frozenset({day(3)})) if x.id == "P1" else x
                for x in p.staff
            ),
        ),
        [("P1", 3, "sio-day")],
        "P1",
        3,
    ),
    (
        "overlap",
        lambda p: attrs.evolve(
            p, commitments=(Commitment(staff_id="P1", start=at(10, 1), end=at(14, 1)),)
        ),
        [("P1", 1, "sio-day")],
        "P1",
        1,
    ),
    ("forbidden_succession", same, [("P3", 0, "sio-night"), ("P3", 1, "ds-day")], "P3", 1),
    (
        "max_shifts_per_type",
        rules_for("P1", max_shifts={"sio-day": 1}),
        [("P1", 0, "sio-day"), ("P1", 2, "sio-day")],
        "P1",
        2,
    ),
    ("min_total_minutes", rules_for("P1", min_total_minutes=1440), [("P1", 0, "sio-day")], "P1", 0),
    (
        "max_total_minutes",
        rules_for("P1", max_total_minutes=720),
        [("P1", 0, "sio-day"), ("P1", 2, "sio-day")],
        "P1",
        0,
    ),
    ("max_consecutive_shifts", same, [("P1", k, "sio-day") for k in range(4)], "P1", 3),
    (
        "min_consecutive_shifts",
        rules_for("P1", min_consecutive_shifts=2),
        [("P1", 2, "sio-day")],
        "P1",
        2,
    ),
    (
        "min_consecutive_days_off",
        rules_for("P1", min_consecutive_days_off=2),
        [("P1", 1, "sio-day"), ("P1", 3, "sio-day")],
        "P1",
        2,
    ),
    ("max_weekends", rules_for("P1", max_weekends=0), [("P1", 5, "sio-day")], "P1", 5),
    (
        "daily_rest",
        lambda p: attrs.evolve(
            p, commitments=(Commitment(staff_id="P1", start=at(12, 1), end=at(14, 1)),)
        ),
        [("P1", 0, "sio-night")],
        "P1",
        1,
    ),
    (
        "weekly_rest",
        rules_for("P1", max_consecutive_shifts=None),
        [("P1", k, "sio-day") for k in range(7)],
        "P1",
        0,
    ),
    (
        "shift_on_request",
        lambda p: attrs.evolve(
            p,
            shift_on_requests=(ShiftRequest(staff_id="P2", day=day(4), shift="sio-day", weight=3),),
        ),
        [],
        "P2",
        4,
    ),
    (
        "shift_off_request",
        lambda p: attrs.evolve(
            p,
            shift_off_requests=(
                ShiftRequest(staff_id="P2", day=day(4), shift="sio-day", weight=2),
            ),
        ),
        [("P2", 4, "sio-day")],
        "P2",
        4,
    ),
    (
        "fairness",
        lambda p: attrs.evolve(p, fairness=Fairness(weights={"nights": 5})),
        [("P1", 0, "sio-night"), ("P1", 2, "sio-night")],
        "P1",
        0,
    ),
    ("under_cover", same, [], None, 0),
    ("over_cover", same, [("P1", 0, "sio-day"), ("P2", 0, "sio-day")], None, 0),
]


def test_every_builtin_rule_has_a_case() -> None:
    """The table below covers every built-in rule."""
    assert {c[0] for c in CASES} == {r.name for r in BUILTIN_RULES}


@pytest.mark.parametrize(
    ("rule", "change", "items", "person", "offset"), CASES, ids=[c[0] for c in CASES]
)
def test_hand_broken_rota_is_caught(
    rule: str,
    change: Callable[[RotaProblem], RotaProblem],
    items: list[tuple[str, int, str]],
    person: str | None,
    offset: int,
) -> None:
    """Breaking one rule on purpose gives a violation of that rule for that person and day,
    hard or soft as the rule is."""
    problem = change(small_problem())
    roster = Roster(
        problem="small",
        assignments=tuple(Assignment(day=day(k), shift=s, staff_id=p) for p, k, s in items),
    )
    report = validate(problem, roster)
    hits = [v for v in report.violations if v.rule == rule]
    assert hits, f"{rule} not reported: {report.violations}"
    assert any(v.staff_id == person and v.day == day(offset) for v in hits), hits
    hard = {r.name: r.hard for r in BUILTIN_RULES}[rule]
    assert all(v.hard is hard for v in hits)
    if not hard:
        assert report.penalty_by_rule()[rule] == sum(v.penalty for v in hits) > 0


def test_soft_penalties_are_weight_times_amount() -> None:
    """Two short on a cover line weighted 100 costs 200; one over weighted 1 costs 1."""
    problem = small_problem(days=1)
    roster = Roster(
        problem="small",
        assignments=(
            Assignment(day=day(0), shift="sio-day", staff_id="P1"),
            Assignment(day=day(0), shift="sio-day", staff_id="P2"),
        ),
    )
    report = validate(problem, roster)
    assert report.penalty_by_rule() == {"over_cover": 1, "under_cover": 200}
    assert report.hard_count == 0


def test_a_solved_rota_has_no_violations() -> None:
    """The built-in solver's rota for the small problem breaks nothing, hard or soft."""
    problem = small_problem()
    result, report = solve(problem, seed=3, time_limit=10, iterations=20_000)
    assert report.hard_count == 0
    assert report.soft_penalty == result.objective
    assert all(
        set(row) == {"rule", "person", "day", "shift", "hard", "penalty", "detail"}
        for row in report.as_rows()
    )


def test_organisation_rules_come_through_the_hook() -> None:
    """A constraint registered with ctpse_register_rota_constraints is checked by the
    validator and kept by the built-in solver."""
    from ctpse_core.plugin import get_plugin_manager, hookimpl, reset
    from ctpse_core.rota.rules import FunctionConstraint, Violation

    def no_fridays(problem: RotaProblem, roster: Roster) -> list[Violation]:
        return [
            Violation(rule="no_fridays_for_p3", day=a.day, staff_id=a.staff_id)
            for a in roster.assignments
            if a.staff_id == "P3" and a.day.weekday() == 4
        ]

    class Plugin:
        @hookimpl
        def ctpse_register_rota_constraints(self, register: Any) -> None:
            register("no_fridays_for_p3", FunctionConstraint("no_fridays_for_p3", True, no_fridays))

    reset()
    get_plugin_manager().register(Plugin(), name="test-org-rules")
    try:
        problem = small_problem()
        friday = Roster(
            problem="small", assignments=(Assignment(day=day(4), shift="ds-day", staff_id="P3"),)
        )
        assert "no_fridays_for_p3" in validate(problem, friday).rules_broken()
        result, report = solve(problem, seed=1, time_limit=10, iterations=20_000)
        assert report.hard_count == 0
        assert not [
            a for a in result.roster.assignments if a.staff_id == "P3" and a.day.weekday() == 4
        ]
    finally:
        reset()
