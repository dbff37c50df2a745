"""The hybrid solver: the built-in's construction, CP-SAT-guided LNS, a built-in polish.

Small instances and short limits; assertions are about the rota (hard rules, objective,
optimum), never about time.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from ctpse_ortools.cpsat import CpSatSolver, build_model
from ctpse_ortools.hybrid import HybridSolver, Neighbourhoods, _cost
from hypothesis import HealthCheck, given, settings
from ortools.sat.python import cp_model
from rota_strategies import problems, small_problem
from test_benchmark_optimum import INSTANCE, _brute_force_optimum

from ctpse_core.rota.benchmark_format import parse_benchmark, read_benchmark
from ctpse_core.rota.compiled import compile_problem
from ctpse_core.rota.model import RotaProblem
from ctpse_core.rota.rules import BUILTIN_RULES
from ctpse_core.rota.search import LocalSearchSolver
from ctpse_core.rota.solvers import solve, solvers
from ctpse_core.rota.validate import validate

DATA = Path(__file__).resolve().parents[3] / "tests" / "rota" / "data"


def test_hybrid_is_registered() -> None:
    assert isinstance(solvers().get("hybrid"), HybridSolver)


def test_hybrid_reaches_the_brute_force_optimum() -> None:
    """On the hand-made week (optimum by enumeration) the hybrid finds the optimum, and
    its objective is the validator's."""
    problem = parse_benchmark(INSTANCE)
    result, report = solve(problem, "hybrid", seed=3, time_limit=10)
    assert report.hard_count == 0
    assert result.objective == report.soft_penalty == _brute_force_optimum()


def test_lns_alone_reaches_the_optimum_from_a_poor_start() -> None:
    """LNS from the built-in's construction, with no full solve, reaches CP-SAT's proved
    optimum of the tiny benchmark instance and never returns a rota breaking a hard rule."""
    problem = read_benchmark(DATA / "tiny_benchmark.txt")
    optimum = CpSatSolver().solve(problem, seed=0, time_limit=10).objective
    c = compile_problem(problem)
    start = c.schedule_of(LocalSearchSolver().construct(problem, seed=2))
    cost = _cost(c, start)
    assert cost[0] == 0
    best, best_cost, steps, _status = HybridSolver(window=2, full_share=0.0)._search(
        c, build_model(c), start, cost, random.Random(2), 2, time.perf_counter() + 10
    )
    assert steps >= 1
    assert best_cost <= cost
    assert best_cost == (0, optimum)
    assert best_cost == _cost(c, best)


def test_a_neighbourhood_freeing_everything_proves_the_optimum() -> None:
    """When the day window covers the whole horizon and CP-SAT closes it, LNS (with no full
    solve) stops with OPTIMAL: small instances are proved, as by the full solve."""
    problem = small_problem(days=7)
    c = compile_problem(problem)
    start = c.schedule_of(LocalSearchSolver().construct(problem, seed=0))
    solver = HybridSolver(window=c.n_days, sub_work=100.0, full_share=0.0)
    _best, best_cost, _steps, status = solver._search(
        c, build_model(c), start, _cost(c, start), random.Random(0), 0, time.perf_counter() + 60
    )
    assert status == cp_model.OPTIMAL
    assert best_cost == (0, CpSatSolver().solve(problem, seed=0, time_limit=10).objective)


def test_neighbourhoods_stay_inside_the_rota_and_adapt() -> None:
    """Drawn cells are real (person, day) pairs; sizes grow and shrink within bounds;
    kinds that keep improving are drawn more often."""
    problem = read_benchmark(DATA / "tiny_benchmark.txt")
    c = compile_problem(problem)
    sched = c.schedule_of(LocalSearchSolver().construct(problem, seed=0))
    hoods = Neighbourhoods.start(c, 3)
    rng = random.Random(0)
    for _ in range(50):
        kind, free = hoods.draw(sched, rng)
        assert free
        assert all(0 <= n < c.n_staff and 0 <= d < c.n_days for n, d in free)
        hoods.adapt(kind, rng.choice((1, -1)))
    for _ in range(100):
        hoods.adapt("days", 1)
        hoods.adapt("people", -1)
    assert hoods.size["days"] == c.n_days
    assert hoods.size["people"] == 2
    for _ in range(50):
        hoods.record("days", True)
        hoods.record("people", False)
        hoods.record("block", False)
    drawn = [hoods.draw(sched, rng)[0] for _ in range(300)]
    assert drawn.count("days") > 2 * drawn.count("people")
    assert drawn.count("people") > 0  # every kind keeps a floor


@settings(deadline=None, max_examples=8, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_any_hybrid_rota_passes_the_validator(problem: RotaProblem) -> None:
    """For random feasible problems the hybrid's rota breaks no hard rule and its
    objective is the validator's soft penalty."""
    result = HybridSolver().solve(problem, seed=0, time_limit=2)
    report = validate(problem, result.roster, BUILTIN_RULES)
    assert report.hard == []
    assert result.objective == report.soft_penalty
