"""No broken hard rule while a feasible rota exists: the built-in's final repair and the
synthetic generator's feasibility witness."""

from __future__ import annotations

import random
import time

from ctpse_core.rota.benchmark_format import parse_benchmark
from ctpse_core.rota.compiled import OFF, compile_problem
from ctpse_core.rota.feasibility import restore, witness
from ctpse_core.rota.moves import State
from ctpse_core.rota.scoring import PersonScorer
from ctpse_core.rota.search import LocalSearchSolver
from ctpse_core.rota.synth import make_feasible, synthetic_ct_problem
from ctpse_core.rota.validate import validate

# A must work 8 of 14 days (3840 minutes) and at most one weekend; 2024-01-01 is a Monday
WEEKENDS = """\
SECTION_HORIZON
14

SECTION_SHIFTS
D,480,

SECTION_STAFF
A,D=14,6720,3840,5,1,1,1
B,D=14,6720,0,5,1,1,2

SECTION_COVER
0,D,1,100,1
"""


def test_a_max_weekends_break_the_old_polish_left_is_mended() -> None:
    """A works both weekends and exactly their minimum hours. Dropping any shift (all the
    old final polish tried) mends the weekends only by breaking the minimum, so the rota
    kept its max_weekends break; the final repair moves a weekend shift to a weekday and
    the validator finds no hard violation."""
    problem = parse_benchmark(WEEKENDS)
    c = compile_problem(problem)
    sched = [[OFF] * 14 for _ in range(2)]
    for d in (0, 1, 2, 5, 6, 8, 12, 13):
        sched[0][d] = 0
    st = State(c, PersonScorer(c), sched)
    before = validate(problem, c.roster(st.sched, "t", 0, None))
    assert before.hard_by_rule() == {"max_weekends": 1}
    # every single drop or block drop of 1-4 days (the old polish) gains nothing
    for d in range(14):
        for k in (1, 2, 3, 4):
            changes = [(0, x, OFF) for x in range(d, min(14, d + k))]
            d_hard, _soft, undo = st.apply(changes)
            st.apply(undo)
            assert d_hard >= 0
    restore(st, random.Random(0), deadline=time.perf_counter() + 30)
    after = validate(problem, c.roster(st.sched, "t", 0, None))
    assert after.hard_count == 0


def test_builtin_returns_a_feasible_rota_on_the_tight_synthetic_problem() -> None:
    """`synth rota --staff 20 --weeks 2` (made feasible): the built-in solver returns a
    rota breaking no hard rule (it used to return 8 breaches)."""
    problem = synthetic_ct_problem(staff=20, weeks=2, seed=1)
    result = LocalSearchSolver().solve(problem, seed=1, time_limit=8)
    assert validate(problem, result.roster).hard_count == 0 == result.hard


def test_the_generator_lowers_only_unreachable_minimums_and_proves_feasibility() -> None:
    """make_feasible lowers a minimum only where the person's own schedule cannot reach it,
    and the witness rota it builds breaks no hard rule of the result."""
    drawn = synthetic_ct_problem(staff=20, weeks=2, seed=1, feasible=False)
    fixed, lowered = make_feasible(drawn)
    assert lowered and len(lowered) < len(drawn.staff)
    roster, _minutes = witness(fixed)
    assert validate(fixed, roster).hard_count == 0
    mins = {p.id: p.rules.min_total_minutes for p in drawn.staff}
    for p in fixed.staff:
        assert (p.rules.min_total_minutes < mins[p.id]) == (p.id in lowered)
