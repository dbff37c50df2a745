"""The built-in solver: registered, deterministic for a seed, within its time limit."""

from __future__ import annotations

import time

from rota_strategies import small_problem
from test_benchmark_optimum import INSTANCE

from ctpse_core.rota.benchmark_format import parse_benchmark
from ctpse_core.rota.search import LocalSearchSolver
from ctpse_core.rota.solvers import solvers
from ctpse_core.rota.synth import synthetic_ct_problem
from ctpse_core.rota.validate import validate


def test_builtin_solver_is_registered_through_the_hook() -> None:
    """`builtin` is in the rota-solver registry (filled by ctpse_register_rota_solvers)."""
    assert "builtin" in solvers().names()
    assert isinstance(solvers().get("builtin"), LocalSearchSolver)


def test_same_seed_same_rota() -> None:
    """With a fixed move budget, the same seed gives the same rota."""
    problem = synthetic_ct_problem(staff=36, weeks=2, seed=3)
    a = LocalSearchSolver().solve(problem, seed=9, time_limit=60, iterations=3000)
    b = LocalSearchSolver().solve(problem, seed=9, time_limit=60, iterations=3000)
    assert a.roster.assignments == b.roster.assignments
    assert a.objective == b.objective


def test_time_limit_is_respected() -> None:
    """A 1-second limit on the 13-week instance returns after well under 10 seconds of CPU
    (construction included), with a rota the validator can check and a solver-reported hard
    count that matches. CPU time, not the wall clock: on a loaded machine the wall clock
    measures the other jobs, not whether the solver stopped."""
    problem = synthetic_ct_problem(staff=60, weeks=13, seed=1)
    t0 = time.process_time()
    result = LocalSearchSolver().solve(problem, seed=1, time_limit=1.0)
    assert time.process_time() - t0 < 10
    report = validate(problem, result.roster)
    assert (report.hard_count == 0) == (result.hard == 0)


def test_without_a_budget_the_search_uses_the_whole_time_limit() -> None:
    """No `iterations`: the search goes on until the time limit (this instance cannot reach
    objective 0, and without price and branch no lower bound stops it early), and still
    returns a rota with no hard violation."""
    problem = parse_benchmark(INSTANCE)
    result = LocalSearchSolver(price_share=0).solve(problem, seed=2, time_limit=2.0)
    assert 1.9 <= result.seconds < 4.0
    assert result.hard == 0 and validate(problem, result.roster).hard_count == 0
    budgeted = LocalSearchSolver().solve(problem, seed=2, time_limit=2.0, iterations=500)
    assert budgeted.iterations == 500 and result.iterations > 500


def test_price_and_branch_proves_the_optimum_and_stops_early() -> None:
    """With price and branch (the default) the column generation's lower bound is reached
    on this instance, so the solver returns well before its time limit, with the same
    rota value as the whole-limit search and no hard violation."""
    problem = parse_benchmark(INSTANCE)
    result = LocalSearchSolver().solve(problem, seed=2, time_limit=20.0)
    assert result.seconds < 15.0
    assert result.hard == 0 and validate(problem, result.roster).hard_count == 0
    searched = LocalSearchSolver(price_share=0).solve(problem, seed=2, time_limit=2.0)
    assert result.objective <= searched.objective


def test_a_move_budget_gives_the_same_rota_twice_and_spends_exactly_that() -> None:
    problem = parse_benchmark(INSTANCE)
    runs = [LocalSearchSolver().solve(problem, seed=5, time_limit=30, iterations=4000) for _ in "ab"]
    assert runs[0].roster.assignments == runs[1].roster.assignments
    assert runs[0].objective == runs[1].objective
    assert runs[0].iterations == runs[1].iterations == 4000


def test_small_problem_is_solved_perfectly() -> None:
    """The small problem has a perfect rota and the solver finds it."""
    problem = small_problem()
    result = LocalSearchSolver().solve(problem, seed=0, time_limit=10)
    assert result.objective == 0 and result.hard == 0
