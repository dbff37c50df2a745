"""Fairness over time: nights, weekends and bank holidays counted with a rolling history."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from ctpse_core.rota.fairness import bank_holidays, counts, fair_terms, history_from, penalty
from ctpse_core.rota.model import (
    Assignment,
    Cover,
    Fairness,
    FairnessCounts,
    Person,
    RestRules,
    Roster,
    RotaProblem,
    ShiftDef,
)
from ctpse_core.rota.quality import quality
from ctpse_core.rota.solvers import solve, solvers
from ctpse_core.rota.validate import validate

MONDAY = dt.date(2025, 8, 18)  # the week of the August bank holiday (Monday 25 August 2025)
PEOPLE = ("P1", "P2", "P3", "P4")
HISTORY = {"P1": FairnessCounts(nights=3), "P3": FairnessCounts(nights=1)}


def _problem(history: dict[str, FairnessCounts] | None = None) -> RotaProblem:
    """Four people, seven nights needing one each (cover worth far more than fairness)."""
    return RotaProblem(
        name="fair-nights",
        start=MONDAY,
        days=7,
        shifts=(ShiftDef(id="N", starts=dt.time(20), minutes=720),),
        staff=tuple(Person(id=p, name=f"Person {p}") for p in PEOPLE),
        cover=tuple(Cover(day=MONDAY + dt.timedelta(days=d), shift="N", requirement=1, under_weight=1000)
                    for d in range(7)),
        rest=RestRules(daily_rest_hours=0, weekly_rest_hours=0),
        fairness=Fairness(weights={"nights": 5}, history=history or {}),
    )


def _brute_force(problem: RotaProblem) -> tuple[int, int]:
    """(least fairness penalty, least spread of nights with the history) over every rota
    covering each night with one person."""
    term = fair_terms(problem)[0]
    past = {p: problem.fairness.history.get(p, FairnessCounts()).nights for p in PEOPLE}
    best_penalty = best_spread = 10**9
    for who in itertools.product(PEOPLE, repeat=problem.days):
        k = {p: who.count(p) for p in PEOPLE}
        best_penalty = min(best_penalty, sum(penalty(term.weight, term.low[p], k[p]) for p in PEOPLE))
        totals = [past[p] + k[p] for p in PEOPLE]
        best_spread = min(best_spread, max(totals) - min(totals))
    return best_penalty, best_spread


@pytest.mark.parametrize("history", [None, HISTORY])
def test_every_solver_reaches_the_brute_force_fairness_optimum(history: dict[str, FairnessCounts] | None) -> None:
    """On a week of nights for four people, with and without a history (P1 did three
    nights last time, P3 one), every installed solver's rota has the brute-force least
    fairness penalty and the least spread of nights counted with the history."""
    problem = _problem(history)
    best_penalty, best_spread = _brute_force(problem)
    for name in solvers().names():
        result, report = solve(problem, name, seed=1, time_limit=10)
        assert report.hard_count == 0
        assert report.penalty_by_rule().get("fairness", 0) == best_penalty, name
        spread = quality(problem, result.roster, report).fairness["measures"]["nights"]["with_history"]["spread"]
        assert spread == best_spread, name


def test_the_history_moves_the_nights_to_those_who_did_fewer() -> None:
    """With the history, P1 (three nights last time) gets no more nights than anyone else
    this week; the quality report shows the history and both spreads."""
    problem = _problem(HISTORY)
    result, report = solve(problem, "builtin", seed=1, time_limit=10)
    done = counts(problem, result.roster.assignments)
    mine = {p: done.get(p, {}).get("nights", 0) for p in PEOPLE}
    assert mine["P1"] == min(mine.values())
    q = quality(problem, result.roster, report).fairness["measures"]["nights"]
    assert q["with_history"]["spread"] <= 1 and q["weight"] == 5


def test_history_is_counted_from_published_rotas_in_a_rolling_window() -> None:
    """history_from counts nights, weekend shifts and bank-holiday shifts (England and
    Wales, from `holidays`: 25 August 2025) of earlier rotas, only inside the window."""
    old = _problem()
    roster = Roster(problem="last-august", assignments=(
        Assignment(day=MONDAY + dt.timedelta(days=d), shift="N", staff_id="P2") for d in range(7)
    ))
    assert dt.date(2025, 8, 25) in bank_holidays(dt.date(2025, 8, 1), dt.date(2025, 8, 31))
    later = RotaProblem(name="next", start=MONDAY + dt.timedelta(days=14), days=7, shifts=old.shifts,
                        staff=old.staff)
    fairness = history_from(later, [(old, roster)], window_days=30)
    assert fairness.history["P2"] == FairnessCounts(nights=7, weekends=2, bank_holidays=0)
    assert fairness.sources == ("last-august (2025-08-18 to 2025-08-24)",)
    bank_week = RotaProblem(name="b", start=MONDAY + dt.timedelta(days=7), days=7, shifts=old.shifts, staff=old.staff)
    roster2 = Roster(problem="aug-bank", assignments=(Assignment(day=dt.date(2025, 8, 25), shift="N", staff_id="P4"),))
    assert history_from(later, [(bank_week, roster2)]).history["P4"].bank_holidays == 1
    assert history_from(later, [(old, roster)], window_days=3).history == {}


def test_fairness_is_a_soft_rule_the_validator_reports() -> None:
    """A rota giving every night to P1 has a fairness penalty per person named by the
    validator, and no hard violation."""
    problem = _problem()
    roster = Roster(problem=problem.name, assignments=tuple(
        Assignment(day=MONDAY + dt.timedelta(days=d), shift="N", staff_id="P1") for d in range(7)
    ))
    report = validate(problem, roster)
    rows = [v for v in report.soft if v.rule == "fairness"]
    assert {v.staff_id for v in rows} == set(PEOPLE) and report.hard_count == 0
    assert all("nights" in v.detail for v in rows)
