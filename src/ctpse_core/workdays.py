"""Working days in England and Wales: weekends and bank holidays are not working days.

Bank holidays come from the kept `holidays <https://pypi.org/project/holidays/>`_ package
(``country_holidays("GB", subdiv="ENG")``: England and Wales share one list, including
substitute days when a holiday falls at a weekend and one-off days such as coronations).
Deadline clocks count whole working days after the day something arrived, so an enquiry
received on Christmas Eve with five working days is due on 2 January (or later).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache

__all__ = ["add_working_days", "bank_holidays", "is_working_day", "working_days_between"]


@cache
def _year(year: int) -> frozenset[dt.date]:
    import holidays

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def bank_holidays(years: Iterable[int]) -> frozenset[dt.date]:
    """England and Wales bank holidays in the given years."""
    out: set[dt.date] = set()
    for year in years:
        out |= _year(year)
    return frozenset(out)


def is_working_day(day: dt.date, extra_closed: frozenset[dt.date] = frozenset()) -> bool:
    """Monday to Friday and not an England and Wales bank holiday (nor one of ``extra_closed``)."""
    return day.weekday() < 5 and day not in _year(day.year) and day not in extra_closed


def add_working_days(start: dt.date, days: int, extra_closed: frozenset[dt.date] = frozenset()) -> dt.date:
    """The working day ``days`` working days after ``start`` (``start`` itself never counts;
    ``days == 0`` gives ``start`` moved forward to a working day)."""
    if days < 0:
        raise ValueError(f"{days} working days: must not be negative")
    day = start
    if days == 0:
        while not is_working_day(day, extra_closed):
            day += dt.timedelta(days=1)
        return day
    left = days
    while left:
        day += dt.timedelta(days=1)
        if is_working_day(day, extra_closed):
            left -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, extra_closed: frozenset[dt.date] = frozenset()) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
    if end < start:
        return -working_days_between(end, start, extra_closed)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day, extra_closed):
            count += 1
    return count
