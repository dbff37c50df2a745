"""The quality report: coverage, balance, spread, gaps and missing numbers."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st
from rota_strategies import MONDAY, small_problem

from ctpse_core.rota.model import Assignment, Roster
from ctpse_core.rota.quality import balance_score, quality


@given(st.lists(st.sampled_from([0.0, 0.0, 4.0, 11.0, 12.0, 13.0, 36.5]), max_size=9))
def test_balance_is_the_mean_pairwise_min_over_max(hours: list[float]) -> None:
    """balance_score equals the brute-force mean over pairs of min/max (two zeros count 1)."""
    pairs = list(itertools.combinations(hours, 2))
    expected = (
        1.0
        if not pairs
        else sum(1.0 if max(a, b) == 0 else min(a, b) / max(a, b) for a, b in pairs) / len(pairs)
    )
    assert abs(balance_score(hours) - expected) < 1e-9


def test_quality_figures_for_a_known_rota() -> None:
    """Coverage, hours, nights, gaps in 30 days and people without a number are counted."""
    problem = small_problem(days=2)
    roster = Roster(
        problem="small",
        assignments=(
            Assignment(day=MONDAY, shift="sio-day", staff_id="P1"),
            Assignment(day=MONDAY, shift="sio-night", staff_id="P2"),
            Assignment(day=MONDAY, shift="ds-day", staff_id="P6"),
            Assignment(day=MONDAY + dt.timedelta(days=1), shift="ds-day", staff_id="P4"),
        ),
    )
    q = quality(problem, roster)
    assert q.coverage == round(100 * 4 / 6, 2)
    people = {p["id"]: p for p in q.people}
    assert people["P2"]["nights"] == 1 and people["P2"]["hours"] == 12.0
    assert people["P3"]["hours"] == 0.0
    assert {(g["day"], g["shift"]) for g in q.gaps} == {
        ("2025-03-25", "sio-day"),
        ("2025-03-25", "sio-night"),
    }
    assert q.no_number == [{"id": "P6", "name": "Person 6"}]
    assert q.penalty_by_rule == {"under_cover": 200}
    # four people on 12 h and two on 0 h: pairs (0,0)=1, (0,12)=0 x8, (12,12)=1 x6
    assert q.balance == round((1 + 6) / 15, 4)
    assert q.spread["hours"]["max"] == 12.0


def test_gaps_are_looked_for_in_the_30_days_from_a_date() -> None:
    """Only uncovered slots in [today, today + 30 days) are gaps."""
    problem = small_problem(days=40)
    q = quality(problem, Roster(problem="small"), today=MONDAY + dt.timedelta(days=20))
    days = sorted({g["day"] for g in q.gaps})
    assert days[0] == "2025-04-13" and len(days) == 20
