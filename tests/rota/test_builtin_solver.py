"""The built-in solver: registered, deterministic for a seed, within its time limit."""

from __future__ import annotations

import time

from rota_strategies import small_problem

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
    """A 1-second limit on the 13-week instance returns in well under 10 seconds, with a rota
    the validator can check and a solver-reported hard count that matches."""
    problem = synthetic_ct_problem(staff=60, weeks=13, seed=1)
    t0 = time.perf_counter()
    result = LocalSearchSolver().solve(problem, seed=1, time_limit=1.0)
    assert time.perf_counter() - t0 < 10
    report = validate(problem, result.roster)
    assert (report.hard_count == 0) == (result.hard == 0)


def test_small_problem_is_solved_perfectly() -> None:
    """The small problem has a perfect rota and the solver finds it."""
    problem = small_problem()
    result = LocalSearchSolver().solve(problem, seed=0, time_limit=10)
    assert result.objective == 0 and result.hard == 0
