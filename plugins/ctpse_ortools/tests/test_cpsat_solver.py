"""The CP-SAT solver plugin: registered by entry point, same model, checked by the validator.

Instances are small and time limits a few seconds with 2 workers, so these run fast.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from ctpse_ortools.cpsat import CpSatSolver
from hypothesis import HealthCheck, given, settings
from rota_strategies import benchmark_text, problems, small_problem

from ctpse_core.cli import make_cli
from ctpse_core.rota.benchmark_format import read_benchmark
from ctpse_core.rota.model import RotaProblem
from ctpse_core.rota.rules import BUILTIN_RULES
from ctpse_core.rota.solvers import SolverError, solve, solvers
from ctpse_core.rota.synth import synthetic_ct_problem
from ctpse_core.rota.validate import validate

DATA = Path(__file__).resolve().parents[3] / "tests" / "rota" / "data"


def test_cpsat_is_registered_through_the_entry_point() -> None:
    """Installing ctpse_ortools registers the `cpsat` solver via the `ctpse` entry-point group."""
    assert "cpsat" in solvers().names()
    assert isinstance(solvers().get("cpsat"), CpSatSolver)


def test_small_problem_optimal_and_valid() -> None:
    """CP-SAT solves the small problem to a rota the validator passes, objective 0."""
    result, report = solve(small_problem(), "cpsat", seed=0, time_limit=5)
    assert report.hard_count == 0
    assert result.objective == report.soft_penalty == 0


def test_benchmark_instance(tmp_path: Path) -> None:
    """The translated hand-made benchmark instance solves with no hard violations."""
    problem = read_benchmark(DATA / "tiny_benchmark.txt")
    result, report = solve(problem, "cpsat", seed=0, time_limit=5)
    assert report.hard_count == 0
    assert result.objective == report.soft_penalty


def test_two_weeks_of_the_ct_instance() -> None:
    """Two weeks of the synthetic CT instance (60 staff, 6 roles): no hard violations,
    everything covered, and the objective is what the validator charges."""
    problem = synthetic_ct_problem(staff=60, weeks=2, seed=2)
    result, report = solve(problem, "cpsat", seed=0, time_limit=20)
    assert report.hard_count == 0
    assert result.objective == report.soft_penalty
    assert "under_cover" not in report.penalty_by_rule()


@settings(deadline=None, max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_any_cpsat_rota_passes_the_validator(problem: RotaProblem) -> None:
    """For random feasible problems, the CP-SAT rota breaks no hard rule and its objective
    equals the validator's soft penalty (the two encodings of the rules agree)."""
    result = CpSatSolver(workers=2).solve(problem, seed=0, time_limit=3)
    report = validate(problem, result.roster, BUILTIN_RULES)
    assert report.hard == []
    assert result.objective == report.soft_penalty


def test_impossible_rules_are_a_clear_error() -> None:
    """Minimum hours nobody can reach give a SolverError saying the rules cannot all hold."""
    import attrs

    problem = small_problem(days=3)
    problem = attrs.evolve(
        problem,
        staff=tuple(
            attrs.evolve(p, rules=attrs.evolve(p.rules, min_total_minutes=10_000))
            for p in problem.staff
        ),
    )
    with pytest.raises(SolverError, match="cannot all be met"):
        CpSatSolver().solve(problem, time_limit=5)


def test_cli_build_with_cpsat(tmp_path: Path) -> None:
    """`ctpse rota build --solver cpsat` writes a rota that `rota check` passes."""
    runner = CliRunner()
    cli = make_cli()
    problem, rota = tmp_path / "p.json", tmp_path / "r.json"
    assert (
        runner.invoke(
            cli, ["synth", "rota", "--weeks", "1", "--seed", "3", "--out", str(problem)]
        ).exit_code
        == 0
    )
    result = runner.invoke(
        cli,
        [
            "rota",
            "build",
            str(problem),
            "--solver",
            "cpsat",
            "--time-limit",
            "10",
            "--out",
            str(rota),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "hard violations 0" in result.stderr
    assert (
        runner.invoke(cli, ["rota", "check", str(problem), str(rota), "--format", "json"]).exit_code
        == 0
    )


def test_synthetic_problems_are_feasible_by_default() -> None:
    """`synth rota --staff 20 --weeks 2` as drawn has no feasible rota (CP-SAT proves it);
    made feasible (the default), CP-SAT finds a rota breaking no hard rule."""
    drawn = synthetic_ct_problem(staff=20, weeks=2, seed=1, feasible=False)
    with pytest.raises(SolverError, match="cannot all be met"):
        CpSatSolver().solve(drawn, time_limit=20)
    problem = synthetic_ct_problem(staff=20, weeks=2, seed=1)
    result = CpSatSolver().solve(problem, time_limit=20)
    assert validate(problem, result.roster).hard_count == 0


def _hint_is_complete_and_exact(problem: RotaProblem) -> None:
    """The built-in's construction, hinted on every variable and fixed there, is a
    solution of the CP-SAT model whose objective is the validator's soft penalty."""
    from ctpse_ortools.cpsat import build_model
    from ortools.sat.python import cp_model

    from ctpse_core.rota.compiled import compile_problem
    from ctpse_core.rota.search import LocalSearchSolver

    roster = LocalSearchSolver().construct(problem, seed=0)
    report = validate(problem, roster, BUILTIN_RULES)
    if report.hard:
        return  # a start breaking a rule is no solution of the model
    c = compile_problem(problem)
    built = build_model(c)
    built.hint(c.schedule_of(roster))
    proto = built.model.proto
    free = {i for i, v in enumerate(proto.variables) if len(set(v.domain)) > 1}
    assert set(proto.solution_hint.vars) >= free
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    assert solver.solve(built.model) == cp_model.OPTIMAL
    assert round(solver.objective_value) == report.soft_penalty


def test_the_hint_is_complete_on_the_ct_instance() -> None:
    """On two weeks of the synthetic CT instance (weekly rest, fairness, roles) every
    variable is hinted and the hint is the construction's exact cost."""
    _hint_is_complete_and_exact(synthetic_ct_problem(staff=30, weeks=2, seed=2))


@settings(deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_the_hint_is_complete_and_exact(problem: RotaProblem) -> None:
    """For random problems the complete hint of a rule-keeping construction is a solution of
    the model, with the validator's objective (a wrong derived value makes it infeasible)."""
    _hint_is_complete_and_exact(problem)


@pytest.mark.parametrize("seed", range(3))
def test_price_first_proves_the_optimum_cpsat_alone_proves(seed: int) -> None:
    """With the built-in's price and branch first, on small instances with the published
    instances' rules: the rota reaches the column generation's lower bound, so it is returned
    without running CP-SAT (no branches), at the optimum CP-SAT alone proves; with almost no
    time for it, its rota is only CP-SAT's hint and CP-SAT ends at that optimum too. No hard
    rule broken, the objective the validator's."""
    from ctpse_core.rota.benchmark_format import parse_benchmark

    problem = parse_benchmark(benchmark_text(seed, days=28, staff=6, tight=True))
    alone = CpSatSolver(price_first=0).solve(problem, seed=seed, time_limit=20)
    proved = CpSatSolver(price_first=0.5).solve(problem, seed=seed, time_limit=30)
    hinted = CpSatSolver(price_first=0.01).solve(problem, seed=seed, time_limit=20)
    assert proved.iterations == 0
    assert proved.objective == alone.objective == hinted.objective
    for result in (proved, hinted):
        report = validate(problem, result.roster)
        assert report.hard_count == 0
        assert report.soft_penalty == result.objective


def test_price_first_falls_back_to_cpsat_where_the_pricer_does_not_model_the_rules() -> None:
    """Weekly rest (the CT-style problem) is not in the pricer's programme: CP-SAT solves it
    alone, to the optimum it proves without the start."""
    problem = small_problem()
    result = CpSatSolver(price_first=0.5).solve(problem, seed=0, time_limit=5)
    assert validate(problem, result.roster).hard_count == 0
    assert result.objective == CpSatSolver(price_first=0).solve(problem, seed=0, time_limit=5).objective == 0


def test_without_the_price_and_branch_a_rota_comes_back_even_if_cp_sat_finds_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where the pricer does not model the rules (weekly rest here; too many states on a long
    horizon), the built-in's construction is CP-SAT's complete hint and the answer if CP-SAT
    finds no rota in the time (as on a 100 x 364 instance in 55 s): a rota keeping every hard
    rule, not an error."""
    problem = synthetic_ct_problem(staff=30, weeks=2, seed=2)

    def nothing(*_args: object, **_kwargs: object) -> None:
        raise SolverError("cpsat: no rota found within the time (UNKNOWN); allow more time")

    monkeypatch.setattr(CpSatSolver, "_proved", lambda *_a, **_k: None)
    monkeypatch.setattr(CpSatSolver, "_cpsat", nothing)
    result = CpSatSolver().solve(problem, seed=1, time_limit=5)
    report = validate(problem, result.roster)
    assert result.hard == report.hard_count == 0
    assert result.objective == report.soft_penalty
    with pytest.raises(SolverError):
        CpSatSolver(price_first=0).solve(problem, seed=1, time_limit=5)


@pytest.mark.parametrize("seed", range(2))
def test_the_polisher_improves_each_rota_it_is_offered(seed: int) -> None:
    """The thread beside the price and branch: from a rota it is offered (the construction
    here, a dive's in the solver) it keeps the best of what CP-SAT finds, no worse than the
    rota and breaking no hard rule, its cost the search's own; it goes on from that best
    rota while nothing waits, a better rota offered later is taken, and it stops when told."""
    import time

    from ctpse_ortools.cpsat import _Polisher, build_model

    from ctpse_core.rota.benchmark_format import parse_benchmark
    from ctpse_core.rota.compiled import compile_problem
    from ctpse_core.rota.moves import State
    from ctpse_core.rota.scoring import PersonScorer
    from ctpse_core.rota.search import LocalSearchSolver

    problem = parse_benchmark(benchmark_text(seed, days=28, staff=8, tight=True))
    c = compile_problem(problem)
    scorer = PersonScorer(c)
    start = c.schedule_of(LocalSearchSolver().construct(problem, seed=seed))
    cost = State(c, scorer, start).cost
    polisher = _Polisher(CpSatSolver(), build_model(c), seed, 0.5, time.perf_counter() + 20)
    polisher.start()
    polisher.offer(start, cost)
    time.sleep(1.5)
    polisher.stop()
    assert not polisher.thread.is_alive()
    assert polisher.polished >= 1
    assert polisher.best is not None
    best, value = polisher.best
    state = State(c, scorer, best)
    assert state.hard == 0
    assert state.cost == value <= cost
    if value < cost:
        assert best != start


def test_the_default_polishes_the_dives_beside_the_price_and_branch() -> None:
    """With the polisher (the default) on an instance the price and branch does not prove at
    once, the result breaks no hard rule and its objective is the validator's (the thread
    has stopped, so its rota cannot change under the last stage)."""
    from ctpse_core.rota.benchmark_format import parse_benchmark

    problem = parse_benchmark(benchmark_text(3, days=28, staff=10, tight=True))
    result = CpSatSolver(probe_first=0.0).solve(problem, seed=3, time_limit=8)
    report = validate(problem, result.roster)
    assert report.hard_count == 0
    assert report.soft_penalty == result.objective


def test_with_one_dive_cpsat_takes_over_after_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """``dives=1``: the price and branch hands over after its first dive (its rota the only
    one offered to the polisher) without the integer master, and CP-SAT's rota from there
    breaks no hard rule, costs what the validator says and no more than that dive's."""
    from ctpse_ortools import cpsat

    from ctpse_core.rota import columns
    from ctpse_core.rota.benchmark_format import parse_benchmark

    def no_master(self: object, seconds: float) -> None:
        raise AssertionError("the integer master ran")

    offered: list[int] = []
    offer = cpsat._Polisher.offer

    def spy(self: cpsat._Polisher, sched: list[list[int]], value: int) -> None:
        offered.append(value)
        offer(self, sched, value)

    monkeypatch.setattr(columns.ColumnPool, "integer", no_master)
    monkeypatch.setattr(cpsat._Polisher, "offer", spy)
    problem = parse_benchmark(benchmark_text(1, days=28, staff=8, tight=True))
    result = CpSatSolver(probe_first=0.0, dives=1).solve(problem, seed=2, time_limit=8)
    assert len(offered) == 1
    report = validate(problem, result.roster)
    assert report.hard_count == 0
    assert report.soft_penalty == result.objective <= offered[0]
