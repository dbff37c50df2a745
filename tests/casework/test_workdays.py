"""Working-day clocks with England and Wales bank holidays (from the `holidays` package)."""

from __future__ import annotations

import datetime as dt

import pytest

from ctpse_core.workdays import add_working_days, is_working_day, working_days_between


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # Christmas 2026: Fri 25 Dec, Boxing Day substitute Mon 28 Dec, New Year Fri 1 Jan 2027
        (dt.date(2026, 12, 24), 5, dt.date(2027, 1, 5)),
        (dt.date(2026, 12, 23), 1, dt.date(2026, 12, 24)),
        (dt.date(2026, 12, 24), 1, dt.date(2026, 12, 29)),
        # Easter 2026: Good Friday 3 Apr, Easter Monday 6 Apr
        (dt.date(2026, 4, 2), 1, dt.date(2026, 4, 7)),
        (dt.date(2026, 4, 1), 3, dt.date(2026, 4, 8)),
        # Early May bank holiday Monday 4 May 2026; spring bank holiday Monday 25 May 2026
        (dt.date(2026, 5, 1), 1, dt.date(2026, 5, 5)),
        (dt.date(2026, 5, 22), 5, dt.date(2026, 6, 1)),
        # an ordinary week
        (dt.date(2026, 3, 16), 5, dt.date(2026, 3, 23)),
    ],
)
def test_deadline_clock(received: dt.date, days: int, due: dt.date) -> None:
    """N working days after receipt skips weekends and England and Wales bank holidays."""
    assert add_working_days(received, days) == due
    assert working_days_between(received, due) == days


def test_bank_holidays_are_not_working_days() -> None:
    """Christmas Day, the Boxing Day substitute, Good Friday and a bank-holiday Monday are closed."""
    for day in (dt.date(2026, 12, 25), dt.date(2026, 12, 28), dt.date(2026, 4, 3), dt.date(2026, 5, 4)):
        assert not is_working_day(day)
    assert is_working_day(dt.date(2026, 12, 29))


def test_zero_days_moves_to_a_working_day() -> None:
    """Received on Good Friday with 0 days: due the next working day (Tue 7 Apr 2026)."""
    assert add_working_days(dt.date(2026, 4, 3), 0) == dt.date(2026, 4, 7)


def test_negative_days_refused() -> None:
    """A negative clock is a mistake, not a guess."""
    with pytest.raises(ValueError, match="must not be negative"):
        add_working_days(dt.date(2026, 1, 5), -1)
