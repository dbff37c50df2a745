"""Reporting periods: ISO weeks (Monday to Sunday), calendar months and quarters."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import attrs

__all__ = ["PERIOD_KINDS", "Period", "PeriodKind", "period_of", "periods_back"]

PeriodKind = Literal["week", "month", "quarter"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("week", "month", "quarter")


@attrs.frozen
class Period:
    """Days ``start`` to ``end`` inclusive."""

    kind: PeriodKind
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.start:%b %Y}"
        return f"{self.start.year} Q{(self.start.month - 1) // 3 + 1}"

    def previous(self) -> Period:
        return period_of(self.kind, self.start - dt.timedelta(days=1))

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def period_of(kind: str, day: dt.date) -> Period:
    """The period of ``kind`` that contains ``day``."""
    if kind == "week":
        start = day - dt.timedelta(days=day.weekday())
        return Period("week", start, start + dt.timedelta(days=6))
    if kind == "month":
        return Period("month", day.replace(day=1), _month_end(day.year, day.month))
    if kind == "quarter":
        first = 3 * ((day.month - 1) // 3) + 1
        return Period("quarter", dt.date(day.year, first, 1), _month_end(day.year, first + 2))
    raise ValueError(f"{kind!r} is not a period (use one of {', '.join(PERIOD_KINDS)})")


def periods_back(kind: str, as_of: dt.date, count: int) -> list[Period]:
    """The ``count`` periods of ``kind`` ending with the one containing ``as_of``, oldest first."""
    periods = [period_of(kind, as_of)]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return periods[::-1]
