"""RAG at its boundaries, trend, and reporting periods."""

from __future__ import annotations

import datetime as dt

import pytest

from ctpse_core.performance import period_of, periods_back, rag, trend


@pytest.mark.parametrize(
    ("value", "expected"),
    [(95.0, "green"), (99.0, "green"), (94.999, "amber"), (90.0, "amber"), (89.99, "red"), (None, "grey")],
)
def test_rag_higher_is_better(value: float | None, expected: str) -> None:
    """Higher is better: on target is green, the tolerance edge is still amber, beyond it red."""
    assert rag(value, target=95, tolerance=5, direction="higher") == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(0.0, "green"), (3.0, "green"), (3.5, "amber"), (6.0, "amber"), (6.01, "red")]
)
def test_rag_lower_is_better(value: float, expected: str) -> None:
    """Lower is better: at or under target green, up to target + tolerance amber, above red."""
    assert rag(value, target=3, tolerance=3, direction="lower") == expected


def test_rag_is_not_decided_by_float_noise() -> None:
    """0.1 + 0.2 against a target of 0.3 is on target, not a hair short of it."""
    assert rag(0.1 + 0.2, target=0.3, tolerance=0, direction="higher") == "green"
    assert rag(0.1 + 0.2, target=0.3, tolerance=0, direction="lower") == "green"


def test_trend_follows_direction() -> None:
    """A rise is better when higher is better and worse when lower is better; gaps are skipped."""
    assert trend([80.0, None, 90.0], "higher") == "better"
    assert trend([80.0, 90.0], "lower") == "worse"
    assert trend([5.0, 5.0], "lower") == "same"
    assert trend([None, 5.0], "lower") == "new"
    assert trend([5.0, None], "lower") == "new"


def test_periods() -> None:
    """Weeks run Monday to Sunday, months and quarters by the calendar; history is oldest first."""
    week = period_of("week", dt.date(2026, 12, 4))
    assert (week.start, week.end, week.label) == (dt.date(2026, 11, 30), dt.date(2026, 12, 6), "2026-W49")
    quarter = period_of("quarter", dt.date(2026, 2, 28))
    assert (quarter.start, quarter.end, quarter.label) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31), "2026 Q1")
    months = periods_back("month", dt.date(2026, 3, 15), 3)
    assert [m.start for m in months] == [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)]
    assert months[1].end == dt.date(2026, 2, 28)
    with pytest.raises(ValueError, match="not a period"):
        period_of("fortnight", dt.date(2026, 1, 1))
