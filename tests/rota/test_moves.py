"""The built-in solver's neighbourhood: incremental costs agree with a recount from scratch,
undo restores the schedule, and no move gives anyone a shift they are not available for."""

from __future__ import annotations

import random

from ctpse_core.rota.compiled import OFF, compile_problem
from ctpse_core.rota.moves import Neighbourhood, State
from ctpse_core.rota.search import LocalSearchSolver, PersonScorer
from ctpse_core.rota.synth import synthetic_ct_problem


def _state(seed: int) -> tuple[State, Neighbourhood]:
    problem = synthetic_ct_problem(staff=18, weeks=2, seed=seed)
    c = compile_problem(problem)
    scorer = PersonScorer(c)
    sched = [[OFF] * c.n_days for _ in range(c.n_staff)]
    rng = random.Random(seed)
    LocalSearchSolver()._construct(c, scorer, sched, rng)
    st = State(c, scorer, sched)
    return st, Neighbourhood(st, rng)


def test_incremental_costs_match_a_recount_after_many_moves() -> None:
    """Every kind of move, kept or undone at random, leaves the running hard count, soft
    penalty and per-person scores equal to a fresh count of the same schedule."""
    st, nb = _state(3)
    kinds = {name: 0 for name in nb.KINDS}
    rng = random.Random(1)
    for step in range(3000):
        k = step % len(nb.KINDS)
        changes = getattr(nb, nb.KINDS[k])()
        if not changes:
            continue
        kinds[nb.KINDS[k]] += 1
        _h, _s, undo = st.apply(changes)
        if rng.random() < 0.5:
            st.apply(undo)
    fresh = State(st.c, PersonScorer(st.c), st.sched)
    assert (st.hard, st.soft) == (fresh.hard, fresh.soft) == st.total()
    assert st.person == fresh.person
    assert st.count == fresh.count and st.under == fresh.under and st.over == fresh.over
    assert all(kinds.values()), kinds  # every kind of move was made at least once


def test_undo_restores_the_schedule_and_its_cost() -> None:
    st, nb = _state(5)
    for _ in range(500):
        changes = nb.propose()
        if not changes:
            continue
        before, cost = st.snapshot(), (st.hard, st.soft)
        d_hard, d_soft, undo = st.apply(changes)
        assert (st.hard, st.soft) == (cost[0] + d_hard, cost[1] + d_soft)
        st.apply(undo)
        assert st.sched == before and (st.hard, st.soft) == cost


def test_moves_never_give_a_shift_to_someone_unavailable() -> None:
    """Leave, fixed days off, qualifications and commitments pin a cell to a day off."""
    st, nb = _state(7)
    avail = st.c.avail
    for _ in range(3000):
        changes = nb.propose() or []
        assert all(s == OFF or avail[n][d][s] for n, d, s in changes)
        if changes:
            st.apply(changes)
    assert all(
        s == OFF or avail[n][d][s] for n, row in enumerate(st.sched) for d, s in enumerate(row)
    )



def test_a_hard_violation_outweighs_any_soft_penalty_on_a_costly_instance() -> None:
    """With cover weights that take the soft penalty past the old fixed weight of a hard
    violation (100,000; passed on 100 staff x 364 days), a rota breaking a rule still costs
    more than one that breaks none: here each extra shift on a short slot saves 500,000 and
    breaks a rule or two, and the rota with it costs more than the rule-abiding one (the
    built-in judges feasibility, and its best rota, by the cost)."""
    from ctpse_core.rota.benchmark_format import parse_benchmark
    from ctpse_core.rota.moves import HARD

    from .rota_strategies import benchmark_text

    text = benchmark_text(5, days=28, staff=6, tight=True).replace(",100,1\n", ",500000,1\n")
    problem = parse_benchmark(text)
    c = compile_problem(problem)
    st = State(c, PersonScorer(c), c.schedule_of(LocalSearchSolver().construct(problem, seed=5)))
    assert st.hard == 0 and st.soft > HARD
    feasible = st.cost
    tried = 0
    for n in range(c.n_staff):
        for d in range(c.n_days):
            for s in range(c.n_shifts):
                if st.sched[n][d] == OFF and c.avail[n][d][s] and st.count[d][s] < c.requirement[d][s]:
                    d_hard, d_soft, undo = st.apply([(n, d, s)])
                    if d_hard > 0:
                        tried += 1
                        assert d_soft < -HARD * d_hard and st.cost > feasible
                    st.revert(undo)
    assert tried
