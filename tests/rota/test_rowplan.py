"""The one-person planner (rota/rowplan.py) against brute force, and the built-in solver's
construction on a tight instance: no hard rule broken from the start."""

from __future__ import annotations

import itertools
import random

import pytest

from ctpse_core.rota.benchmark_format import parse_benchmark
from ctpse_core.rota.compiled import OFF, compile_problem
from ctpse_core.rota.model import RotaProblem
from ctpse_core.rota.moves import State
from ctpse_core.rota.rowplan import RowPlanner
from ctpse_core.rota.scoring import PersonScorer
from ctpse_core.rota.search import LocalSearchSolver
from ctpse_core.rota.solvers import solve
from ctpse_core.rota.validate import validate

from .rota_strategies import benchmark_text as _random_instance
from .rota_strategies import small_problem


def _brute_force(problem: RotaProblem, n: int, cost: list[list[int]]) -> int | None:
    """The least value (cost of the shifts worked plus the scorer's soft penalty less the
    requests) over every schedule of person ``n`` that breaks none of their rules."""
    c = compile_problem(problem)
    scorer = PersonScorer(c)
    req = {
        (d, s): c.off_req.get((n, d, s), 0) - c.on_req.get((n, d, s), 0)
        for d in range(c.n_days)
        for s in range(c.n_shifts)
    }
    options = [[OFF] + [s for s in range(c.n_shifts) if c.avail[n][d][s]] for d in range(c.n_days)]
    best = None
    for row in itertools.product(*options):
        hard, soft = scorer.score(n, list(row))
        if hard:
            continue
        value = soft + sum(cost[d][s] - req[d, s] for d, s in enumerate(row) if s != OFF)
        best = value if best is None else min(best, value)
    return best


@pytest.mark.parametrize("seed", range(6))
def test_the_planner_finds_the_cheapest_rule_abiding_schedule(seed: int) -> None:
    """Without a node budget the planner is exact: on small random instances (all the
    benchmark's rules, random bounds) its value equals brute force over every schedule of
    each person, and it finds none exactly when no schedule keeps every rule."""
    problem = parse_benchmark(_random_instance(seed, days=8, staff=4, tight=False))
    c = compile_problem(problem)
    planner = RowPlanner(c)
    rng = random.Random(seed)
    for n in range(c.n_staff):
        cost = [[rng.randint(-6, 6) for _ in range(c.n_shifts)] for _ in range(c.n_days)]
        got = planner.plan(n, cost, random.Random(seed), nodes=None)
        expected = _brute_force(problem, n, cost)
        assert (got[1] if got else None) == expected
        if got is not None:
            assert PersonScorer(c).score(n, got[0])[0] == 0


def test_the_planner_keeps_rest_qualifications_and_weekly_rest() -> None:
    """The same on the CT-style problem (clock times, daily and weekly rest, roles,
    commitments and leave): the planner's value equals brute force for every person."""
    problem = small_problem(days=7)
    c = compile_problem(problem)
    planner = RowPlanner(c)
    rng = random.Random(3)
    for n in range(c.n_staff):
        cost = [[rng.randint(-5, 5) for _ in range(c.n_shifts)] for _ in range(c.n_days)]
        got = planner.plan(n, cost, rng, nodes=None)
        assert (got[1] if got else None) == _brute_force(problem, n, cost)


@pytest.mark.parametrize("seed", range(3))
def test_the_construction_breaks_no_hard_rule_on_a_tight_instance(seed: int) -> None:
    """On a 28-day instance with the published instances' tight rules the old day-by-day
    construction left dozens of breaches (runs too short, rests too short, minimum hours)
    for the search and the final repair to mend; each person's schedule is now planned
    whole, and the construction alone breaks none."""
    problem = parse_benchmark(_random_instance(seed, days=28, staff=12, tight=True))
    roster = LocalSearchSolver().construct(problem, seed=seed)
    assert validate(problem, roster).hard_by_rule() == {}


def test_the_builtin_returns_a_feasible_rota_with_almost_no_search() -> None:
    """With a budget of 50 moves (far too few for the search to mend anything) the
    built-in's rota on the tight instance breaks no hard rule, and the validator agrees."""
    problem = parse_benchmark(_random_instance(7, days=28, staff=12, tight=True))
    result, report = solve(problem, "builtin", seed=1, iterations=50, time_limit=60)
    assert result.hard == 0 == report.hard_count


def test_the_repair_replans_a_person_breaking_rules() -> None:
    """A person given a schedule breaking several rules (runs of one day, too few hours,
    every weekend) is planned again by the final repair, which ends with none broken."""
    from ctpse_core.rota.feasibility import restore

    problem = parse_benchmark(_random_instance(2, days=28, staff=6, tight=True))
    c = compile_problem(problem)
    solver = LocalSearchSolver()
    sched = c.schedule_of(solver.construct(problem, seed=2))
    sched[0] = [1 if d % 2 == 0 and c.avail[0][d][1] else OFF for d in range(c.n_days)]
    st = State(c, PersonScorer(c), sched)
    assert st.person[0][0] > 0
    import time

    restore(st, random.Random(0), deadline=time.perf_counter() + 30)
    assert st.hard == 0
    assert validate(problem, c.roster(st.sched, "t", 0, None)).hard_count == 0


@pytest.mark.parametrize("seed", range(6))
def test_the_planner_is_exact_with_shifts_of_different_lengths(seed: int) -> None:
    """The bound counts the days a person can still work (their minimum and maximum minutes
    over the longest and shortest shift): with shifts of 6, 8, 10 and 12 hours, minutes
    that must reach a minimum and keep under a maximum, the planner still equals brute force."""
    text = _random_instance(seed, days=8, staff=4, tight=False)
    text = text.replace("E,480,", "E,360,").replace("D,480,E", "D,600,E").replace("N,480,", "N,720,")
    rng = random.Random(seed)
    lines = text.splitlines()
    start = lines.index("SECTION_STAFF") + 1
    for i in range(start, start + 4):
        cells = lines[i].split(",")
        most = rng.randint(4, 8) * 480
        cells[2], cells[3] = str(most), str(rng.randint(0, most - 600))
        lines[i] = ",".join(cells)
    problem = parse_benchmark("\n".join(lines) + "\n")
    c = compile_problem(problem)
    planner = RowPlanner(c)
    for n in range(c.n_staff):
        cost = [[rng.randint(-6, 6) for _ in range(c.n_shifts)] for _ in range(c.n_days)]
        got = planner.plan(n, cost, random.Random(seed), nodes=None)
        assert (got[1] if got else None) == _brute_force(problem, n, cost)


def _bound_by_recursion(
    planner: RowPlanner, n: int, gain: list[int | None], least: bool
) -> dict[tuple[int, ...], int]:
    """The planner's bound tables by their definition, one cell at a time (memoised
    recursion): from day ``d``, after a run of ``length`` days of work (``on``) or rest,
    ``exempt`` from its minimum length, ``w`` more weekends allowed, the least (or most)
    ``gain`` summed over the days worked, keeping run lengths and weekends only."""
    import functools

    c = planner.c
    k, min_cons, min_off = c.max_cons[n], c.min_cons[n], c.min_off[n]
    cap = max(k or 0, min_cons, min_off, 1) + 1
    limit = c.max_weekends[n]
    top = 0 if limit is None else min(limit, len(c.weekends))
    group = planner.group_of

    @functools.cache
    def f(d: int, on: int, length: int, exempt: int, w: int) -> int:
        if d == c.n_days:
            return 0
        # resting is the first option; if it is not allowed, "none" (1 << 60 or 0) is
        options = [1 << 60 if least else 0]
        if not on or exempt or length >= min_cons:
            options = [f(d + 1, 0, 1 if on else min(cap, length + 1), 0 if on else exempt, w)]
        if gain[d] is not None:
            starts = top > 0 and group[d] >= 0
            new = starts and not (on and d > 0 and group[d - 1] == group[d])
            if not new or w > 0:
                if on and (k is None or length + 1 <= k):
                    options.append(gain[d] + f(d + 1, 1, min(cap, length + 1), exempt, w - new))
                elif not on and (exempt or length >= min_off):
                    options.append(gain[d] + f(d + 1, 1, 1, 0, w - new))
        return min(options) if least else max([0, *options])

    return {
        (d, on, length, ex, w): f(d, on, length, ex, w)
        for d in range(c.n_days)
        for on in (0, 1)
        for length in range(cap + 1)
        for ex in (0, 1)
        for w in range(top + 1)
    }


@pytest.mark.parametrize("seed", range(4))
def test_the_bound_tables_match_their_definition(seed: int) -> None:
    """The planner's two bound tables (least cost to come, most minutes to come), worked out
    a day at a time with numpy, equal a plain recursion over their definition, on random
    instances with weekends to count (many weekends: a long horizon)."""
    problem = parse_benchmark(_random_instance(seed, days=42, staff=4, tight=seed % 2 == 0))
    c = compile_problem(problem)
    assert all(len(c.periods[n]) == 1 for n in range(c.n_staff))
    planner = RowPlanner(c)
    rng = random.Random(seed)
    for n in range(c.n_staff):
        cost = [[rng.randint(-6, 6) for _ in range(c.n_shifts)] for _ in range(c.n_days)]
        avail = c.avail[n]
        shifts = [[s for s in range(c.n_shifts) if avail[d][s]] for d in range(c.n_days)]
        cheapest = [min((cost[d][s] for s in line), default=None) for d, line in enumerate(shifts)]
        longest = [max((c.minutes[d][s] for s in line), default=None) for d, line in enumerate(shifts)]
        tables = {"least": (planner._least_cost(n, cost), cheapest), "most": (planner._most_minutes(n), longest)}
        for kind, (table, gain) in tables.items():
            expected = _bound_by_recursion(planner, n, gain, kind == "least")
            got = {key: table[key[0]][key[1]][key[2]][key[3]][key[4]] for key in expected}
            bad = [(key, got[key], expected[key]) for key in expected if got[key] != expected[key]]
            assert not bad, (kind, bad[:5])
