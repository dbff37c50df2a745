"""Price and branch in the built-in solver: the pricer (rota/pricing.py) against brute
force, and the column generation's lower bound (rota/columns.py) against the rotas found."""

from __future__ import annotations

import itertools
import math
import random
import time

import numpy as np
import pytest

from ctpse_core.rota.benchmark_format import parse_benchmark
from ctpse_core.rota.columns import ColumnPool, price_and_branch
from ctpse_core.rota.compiled import OFF, WORK, compile_problem
from ctpse_core.rota.moves import State
from ctpse_core.rota.pricing import RowPricer
from ctpse_core.rota.rowplan import RowPlanner
from ctpse_core.rota.scoring import PersonScorer
from ctpse_core.rota.search import LocalSearchSolver
from ctpse_core.rota.solvers import solve

from .rota_strategies import benchmark_text as _random_instance
from .rota_strategies import small_problem


@pytest.mark.parametrize("seed", range(8))
def test_the_pricer_finds_the_cheapest_rule_abiding_schedule(seed: int) -> None:
    """On small random instances (every rule of the benchmark, random bounds and caps on
    shift types, real-valued cell costs) the pricer's cheapest schedule costs what brute
    force over every schedule of the person that keeps their rules costs, its bound is no
    higher, and it returns nothing exactly when no schedule keeps the rules."""
    problem = parse_benchmark(_random_instance(seed, days=8, staff=3, tight=seed % 2 == 0))
    c = compile_problem(problem)
    pricer = RowPricer(RowPlanner(c))
    assert pricer.supported
    scorer = PersonScorer(c)
    rng = random.Random(seed)
    for n in range(c.n_staff):
        cost = [[rng.uniform(-5, 5) for _ in range(c.n_shifts)] for _ in range(c.n_days)]
        options = [[OFF] + [s for s in range(c.n_shifts) if c.avail[n][d][s]] for d in range(c.n_days)]
        values = [
            sum(cost[d][s] for d, s in enumerate(row) if s != OFF)
            for row in itertools.product(*options)
            if scorer.score(n, list(row))[0] == 0
        ]
        bound, rows = pricer.price(n, cost, columns=3, below=1e9)
        if not values:
            assert rows == []
            continue
        best = min(values)
        assert rows, (n, best)
        assert sum(cost[d][s] for d, s in enumerate(rows[0]) if s != OFF) == pytest.approx(best)
        assert bound <= best + 1e-9
        for row in rows:
            assert scorer.score(n, row)[0] == 0


@pytest.mark.parametrize("seed", range(8))
def test_the_pricer_keeps_cell_fixings(seed: int) -> None:
    """With some days fixed to a shift or to a day off (as a dive fixes cells), the pricer's
    cheapest schedule is brute force's cheapest among the rule-abiding schedules that keep
    the fixings, every schedule it returns keeps them, its bound is no higher, and it
    returns nothing (and an infinite bound) exactly when no schedule keeps them."""
    problem = parse_benchmark(_random_instance(seed, days=7, staff=3, tight=seed % 2 == 0))
    c = compile_problem(problem)
    pricer = RowPricer(RowPlanner(c))
    scorer = PersonScorer(c)
    rng = random.Random(100 + seed)
    for n in range(c.n_staff):
        options = [[OFF] + [s for s in range(c.n_shifts) if c.avail[n][d][s]] for d in range(c.n_days)]
        rows = [list(row) for row in itertools.product(*options) if scorer.score(n, list(row))[0] == 0]
        for _trial in range(4):
            cost = [[rng.uniform(-5, 5) for _ in range(c.n_shifts)] for _ in range(c.n_days)]
            days = rng.sample(range(c.n_days), rng.randint(1, 3))
            if rows and rng.random() < 0.7:
                model = rng.choice(rows)  # fixings some schedule keeps
                fix = {d: model[d] for d in days}
            else:
                fix = {d: rng.choice([OFF, WORK, *range(c.n_shifts)]) for d in days}
            if rng.random() < 0.3:
                fix = {d: WORK if s != OFF else s for d, s in fix.items()}  # work, whichever shift
            keeping = [row for row in rows if all(_keeps(row[d], s) for d, s in fix.items())]
            bound, got = pricer.price(n, cost, columns=3, below=1e9, fix=fix)
            if not keeping:
                assert got == [] and bound == math.inf, (n, fix)
                continue
            best = min(sum(cost[d][s] for d, s in enumerate(row) if s != OFF) for row in keeping)
            assert got, (n, fix, best)
            assert sum(cost[d][s] for d, s in enumerate(got[0]) if s != OFF) == pytest.approx(best)
            assert bound <= best + 1e-9
            for row in got:
                assert all(_keeps(row[d], s) for d, s in fix.items())
                assert scorer.score(n, row)[0] == 0
            # the pool keeps exactly the schedules that keep the fixings
            pool = ColumnPool(c, scorer)
            pool.add_all([list(row) for row in rows[:1] or [[OFF] * c.n_days]] * c.n_staff)
            for row in rows[:40]:
                pool.add(n, list(row))
            allowed = pool.allowed({n: fix})
            for j, row in enumerate(pool.rows):
                assert allowed[j] == (pool.person[j] != n or all(_keeps(row[d], s) for d, s in fix.items()))


def _keeps(worked: int, fixed: int) -> bool:
    """Does a day ``worked`` (a shift or OFF) keep the fixing ``fixed`` (a shift, OFF or WORK)?"""
    return worked != OFF if fixed == WORK else worked == fixed


def test_the_pricer_leaves_out_rules_it_does_not_model() -> None:
    """Weekly rest (the CT-style problem) is not in the programme: the pricer says so, and
    the built-in solver then searches without column generation."""
    c = compile_problem(small_problem(days=7))
    pricer = RowPricer(RowPlanner(c))
    assert not pricer.supported
    assert pricer.why


@pytest.mark.parametrize("seed", range(2))
def test_the_bound_is_below_every_rota_found(seed: int) -> None:
    """On a 28-day instance with the published instances' tight rules, the column
    generation's lower bound is no higher than the price-and-branch rota, the construction
    it started from, or the built-in's rota; the price-and-branch rota breaks no hard rule
    and its value is the search's own cost of it."""
    problem = parse_benchmark(_random_instance(seed, days=28, staff=10, tight=True))
    c = compile_problem(problem)
    scorer = PersonScorer(c)
    start = c.schedule_of(LocalSearchSolver().construct(problem, seed=seed))
    pool = ColumnPool(c, scorer)
    pool.add_all(start)
    now = time.process_time()
    got = price_and_branch(
        RowPricer(RowPlanner(c)),
        pool,
        deadline=now + 20,
        dive_until=now + 30,
        mip_seconds=5,
        clock=time.process_time,
    )
    assert got.sched is not None and got.value is not None
    state = State(c, scorer, got.sched)
    assert state.hard == 0
    assert state.cost == got.value
    assert got.bound <= got.lp + 1e-6
    assert got.bound <= got.value + 1e-6
    assert got.bound <= State(c, scorer, start).cost + 1e-6
    result, report = solve(problem, "builtin", seed=seed, time_limit=3)
    assert report.hard_count == 0
    assert got.bound <= result.objective + 1e-6


def test_price_alone_gives_a_feasible_rota_and_a_bound_below_it() -> None:
    """``LocalSearchSolver.price`` (the start another solver takes): its rota breaks no hard
    rule, its value is the search's own cost of it, and its bound is no higher than that
    value or the full built-in's; on a problem the pricer does not model it gives nothing."""
    problem = parse_benchmark(_random_instance(1, days=28, staff=6, tight=True))
    # it ends when its rota reaches the bound (about 2 s); the rest is headroom under load
    got = LocalSearchSolver().price(problem, seed=1, time_limit=30)
    assert got is not None
    roster, value, bound = got
    c = compile_problem(problem)
    state = State(c, PersonScorer(c), c.schedule_of(roster))
    assert state.hard == 0
    assert state.cost == value
    assert 0 < bound <= value
    result, report = solve(problem, "builtin", seed=1, time_limit=3)
    assert report.hard_count == 0
    assert bound <= result.objective
    assert LocalSearchSolver().price(small_problem(days=7), seed=1, time_limit=2) is None


def test_price_reports_each_dives_rota_as_it_is_found() -> None:
    """``on_rota`` gets each dive's rota with its cost: a rota breaking no hard rule, one
    schedule per person, the cost the search's own; the rota returned is no worse than the
    best of them."""
    problem = parse_benchmark(_random_instance(0, days=28, staff=8, tight=True))
    c = compile_problem(problem)
    scorer = PersonScorer(c)
    seen: list[tuple[list[list[int]], int]] = []
    got = LocalSearchSolver().price(
        problem, seed=2, time_limit=10, on_rota=lambda sched, value: seen.append((sched, value))
    )
    assert got is not None
    assert seen
    for sched, value in seen:
        assert len(sched) == c.n_staff
        state = State(c, scorer, sched)
        assert state.hard == 0
        assert state.cost == value
    assert got[1] <= min(value for _sched, value in seen)


def test_price_ends_after_max_dives_and_without_a_share_leaves_the_master_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With ``max_dives=1`` the price and branch ends after its first dive, and with no share
    for the integer master it never solves it: the rota returned is that dive's."""
    from ctpse_core.rota import columns

    def no_master(self: object, seconds: float) -> None:
        raise AssertionError("the integer master ran")

    monkeypatch.setattr(columns.ColumnPool, "integer", no_master)
    # an instance whose first dive does not reach the bound (without the limit a second
    # dive follows: 1,044 then 943)
    problem = parse_benchmark(_random_instance(1, days=28, staff=8, tight=True))
    seen: list[int] = []
    got = LocalSearchSolver(mip_share=0.0).price(
        problem, seed=2, time_limit=6, on_rota=lambda _sched, value: seen.append(value), max_dives=1
    )
    assert got is not None
    _roster, value, proved = got
    assert len(seen) == 1
    assert proved < seen[0]  # only the limit ended the dives
    assert value == seen[0]


@pytest.mark.parametrize("seed", [1, 2, 3, 6])
def test_a_cell_dive_gives_a_feasible_rota_no_better_than_the_optimum(seed: int) -> None:
    """On tiny instances with a brute-force optimum (every pair of rule-abiding schedules),
    the root's bound is at most the optimum, and a dive on cells (first greedy, then drawn
    at random) ends in a rota that breaks no hard rule, whose value is the search's own
    cost of it and at least the optimum."""
    from ctpse_core.rota.columns import _dive, _generate, _value

    problem = parse_benchmark(_random_instance(seed, days=6, staff=2, tight=False))
    c = compile_problem(problem)
    scorer = PersonScorer(c)
    pricer = RowPricer(RowPlanner(c))
    each = [
        [
            list(row)
            for row in itertools.product(*[[OFF, *range(c.n_shifts)] for _ in range(c.n_days)])
            if scorer.score(n, list(row))[0] == 0
        ]
        for n in range(c.n_staff)
    ]
    # these seeds' instances have a schedule keeping every rule for each person (0, 4 and 5 do not)
    assert all(each)
    pool = ColumnPool(c, scorer)
    pool.add_all([rows[0] for rows in each])
    optimum = min(_value(c, pool, [a, b]) for a in each[0] for b in each[1])
    now = time.process_time()
    _lp, bound, _rounds = _generate(pricer, pool, {}, now + 20, 3, 0.5, time.process_time, None)
    assert bound <= optimum + 1e-6
    for rng, work_first in itertools.product((None, random.Random(seed)), (True, False)):
        got = _dive(pricer, pool, time.process_time() + 20, 3, time.process_time, rng, work_first=work_first)
        assert got is not None
        state = State(c, scorer, got[0])
        assert state.hard == 0
        assert state.cost == _value(c, pool, got[0]) >= optimum


def test_a_fractional_step_fixes_one_cell_per_person_and_per_slot() -> None:
    """When no cell is at the threshold, a dive step fixes the fractional cell the master
    fills most, and with it each other person's cell filled to at least ``extra`` whose
    person and slot no cell picked before has: two people each half on one slot are not
    both fixed to it, nor one person to two shifts on a day."""
    from ctpse_core.rota.columns import _fractional_step

    share = np.zeros((4, 3, 3))  # people, days, shifts + the day off's index
    share[0, 0, 0] = 0.8  # the most: picked first
    share[0, 1, 1] = 0.7  # person 0 again: left
    share[1, 0, 0] = 0.6  # slot (0, 0) again: left
    share[1, 2, 1] = 0.55  # person 1, a free slot: picked
    share[2, 2, 1] = 0.5  # slot (2, 1) again: left
    share[2, 1, 0] = 0.45  # below extra: left
    share[3, 1, 1] = 1.0  # whole: not fractional
    assert _fractional_step(share, None, 0.5) == [(0, 0, 0), (1, 2, 1)]
    assert _fractional_step(share, None, 0.4) == [(0, 0, 0), (1, 2, 1), (2, 1, 0)]
    assert _fractional_step(share, None, 2.0) == [(0, 0, 0)]
    assert _fractional_step(np.zeros((2, 2, 2)), None, 0.5) == []
    for seed in range(20):
        got = _fractional_step(share, random.Random(seed), 0.5)
        assert len({n for n, _d, _s in got}) == len(got)
        assert len({(d, s) for _n, d, s in got}) == len(got)
        assert all(share[cell] >= 0.5 for cell in got[1:])
    # drawn in proportion to the shares: the first cell is not always the largest
    firsts = {_fractional_step(share, random.Random(seed), 0.5)[0] for seed in range(50)}
    assert len(firsts) > 1


def test_a_work_step_fixes_days_worked_before_shifts() -> None:
    """A dive's work step sums each (person, day)'s shares over the shifts: pairs worked to
    the threshold are fixed to WORK (whichever shift) even where no one cell reaches it;
    when those are all whole, the fractional pair worked the most joins them (one per
    person and per day); days already fixed or banned are left; and when every day's
    work is whole the step is empty, so that the dive goes on to cells."""
    from ctpse_core.rota.columns import _work_step

    share = np.zeros((3, 3, 3))  # people, days, shifts + the day off's index
    share[:, :, 2] = 1.0
    share[0, 0, :] = [0.5, 0.45, 0.05]  # worked 0.95, no shift at 0.9: fixed to WORK
    share[1, 1, :] = [1.0, 0.0, 0.0]  # whole: fixed to WORK
    assert _work_step(share, {}, set(), None, 0.9, 0.5) == [(0, 0, WORK), (1, 1, WORK)]
    # all at the threshold whole: the fractional pair worked the most joins them
    share[0, 0, :] = [0.2, 0.5, 0.3]  # worked 0.7
    share[2, 2, :] = [0.3, 0.3, 0.4]  # worked 0.6
    assert _work_step(share, {}, set(), None, 0.9, 0.5) == [(1, 1, WORK), (0, 0, WORK), (2, 2, WORK)]
    assert _work_step(share, {1: {1: 0}}, set(), None, 0.9, 0.5) == [(0, 0, WORK), (2, 2, WORK)]
    assert _work_step(share, {1: {1: 0}}, {(0, 0, WORK)}, None, 0.9, 0.5) == [(2, 2, WORK)]
    whole = np.zeros((3, 3, 3))
    whole[:, :, 2] = 1.0
    assert _work_step(whole, {}, set(), None, 0.9, 0.5) == []
