"""Shift instants: Europe/London wall-clock handoffs turned into UTC intervals.

A shift starts at its wall-clock time on its day and ends at the wall-clock time
``minutes`` later, so handoffs stay at the same time on the clock across a change:
the autumn night is an hour longer and the spring night an hour shorter in real time.
A start in the spring-forward gap is read with the offset before the change, and an
ambiguous autumn time as its first occurrence (``fold=0``), as :mod:`zoneinfo` does.
"""

from __future__ import annotations

import datetime as dt

from ctpse_core.domain.common import LONDON, UTC, day_text
from ctpse_core.rota.model import ShiftDef

__all__ = ["days_text", "interval", "minutes_between", "real_minutes"]


def interval(day: dt.date, shift: ShiftDef) -> tuple[dt.datetime, dt.datetime]:
    """The UTC start and end of ``shift`` worked on ``day``."""
    wall_start = dt.datetime.combine(day, shift.starts)
    wall_end = wall_start + dt.timedelta(minutes=shift.minutes)
    start = wall_start.replace(tzinfo=LONDON).astimezone(UTC)
    end = wall_end.replace(tzinfo=LONDON).astimezone(UTC)
    return start, end


def real_minutes(day: dt.date, shift: ShiftDef) -> int:
    """Minutes actually worked (differs from ``shift.minutes`` over a clock change)."""
    start, end = interval(day, shift)
    return minutes_between(start, end)


def minutes_between(start: dt.datetime, end: dt.datetime) -> int:
    return int((end - start).total_seconds() // 60)


def days_text(first: dt.date, last: dt.date) -> str:
    """``Sat 28 Mar 2026``, or ``Sat 28 Mar 2026 to Mon 30 Mar 2026`` for several days."""
    return day_text(first) if first == last else f"{day_text(first)} to {day_text(last)}"
