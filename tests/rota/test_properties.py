"""Hypothesis: whatever the solver returns passes the validator; the solver's own scoring
and the independent validator agree on who breaks a hard rule; breaks are caught."""

from __future__ import annotations

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rota_strategies import problems, rosters, small_problem

from ctpse_core.rota.compiled import compile_problem
from ctpse_core.rota.model import Assignment, RotaProblem
from ctpse_core.rota.rules import BUILTIN_RULES
from ctpse_core.rota.search import LocalSearchSolver, PersonScorer
from ctpse_core.rota.validate import validate

SLOW = settings(deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(problems(), st.integers(0, 3))
def test_builtin_solver_output_passes_the_validator(problem: RotaProblem, seed: int) -> None:
    """For any feasible problem, the built-in solver's rota has no hard violation and its
    objective is the validator's soft penalty."""
    result = LocalSearchSolver().solve(problem, seed=seed, time_limit=5, iterations=4000)
    report = validate(problem, result.roster, BUILTIN_RULES)
    assert report.hard == []
    assert result.hard == 0
    assert result.objective == report.soft_penalty


@SLOW
@given(st.data())
def test_solver_scoring_agrees_with_the_validator(data: st.DataObject) -> None:
    """On a random schedule, a person has hard violations in the solver's scoring exactly
    when the validator reports a hard violation for them."""
    problem = data.draw(problems())
    sched = data.draw(rosters(problem))
    c = compile_problem(problem)
    scorer = PersonScorer(c)
    roster = c.roster(sched, "random", None, None)
    report = validate(problem, roster, BUILTIN_RULES)
    flagged = {v.staff_id for v in report.hard}
    for n, sid in enumerate(c.staff_ids):
        hard, _soft = scorer.score(n, sched[n])
        assert (hard > 0) == (sid in flagged), (
            sid,
            hard,
            [v for v in report.hard if v.staff_id == sid],
        )


@settings(deadline=None, max_examples=30)
@given(st.data())
def test_breaking_a_solved_rota_is_caught(data: st.DataObject) -> None:
    """Take a valid rota and break it one way, chosen at random: the validator names the
    broken rule, the person and the day."""
    problem = small_problem()
    result = LocalSearchSolver().solve(problem, seed=0, time_limit=5, iterations=3000)
    assert validate(problem, result.roster).hard_count == 0
    victim = data.draw(st.sampled_from(sorted(result.roster.assignments)))
    how = data.draw(st.sampled_from(["day_off", "leave", "qualification", "one_shift_per_day"]))
    roster = result.roster
    if how == "day_off":
        problem = attrs.evolve(
            problem,
            staff=tuple(
                attrs.evolve(p, days_off=p.days_off | {victim.day})
                if p.id == victim.staff_id
                else p
                for p in problem.staff
            ),
        )
    elif how == "leave":
        from ctpse_core.rota.model import RotaLeave

        problem = attrs.evolve(
            problem,
            leave=(RotaLeave(staff_id=victim.staff_id, first_day=victim.day, last_day=victim.day),),
        )
    elif how == "qualification":
        problem = attrs.evolve(
            problem,
            staff=tuple(
                attrs.evolve(p, qualifications=frozenset()) if p.id == victim.staff_id else p
                for p in problem.staff
            ),
        )
    else:
        other = next(s.id for s in problem.shifts if s.id != victim.shift)
        roster = attrs.evolve(
            roster,
            assignments=(
                *roster.assignments,
                Assignment(day=victim.day, shift=other, staff_id=victim.staff_id),
            ),
        )
    report = validate(problem, roster)
    assert any(
        v.rule == how and v.staff_id == victim.staff_id and v.day == victim.day for v in report.hard
    ), report.hard
