"""The weekly returns as products: the Weekly Secret Meeting Return, the National Weekly
Tasking document and the Daily Management Meeting brief, from the tasking service's
marked returns (:mod:`ctpse_core.tasking.returns`), laid out as tables per section with
each row's own marking shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ctpse_core.domain.common import LONDON, day_text
from ctpse_core.domain.marking import Marking, highest
from ctpse_core.reports.document import Chart, Column, Facts, Paragraph, Report, Section, Table
from ctpse_core.storage.base import UnitOfWork

__all__ = ["FLOOR_SECRET", "dmm_brief", "national_weekly_tasking", "weekly_secret_meeting_return"]

FLOOR_SECRET = Marking.parse("SECRET")
#: The DMM brief meets in the morning: its clock (what is overdue) is 08:00 on the day.
MEETS_AT = dt.time(8)


def _default_day(uow: UnitOfWork) -> dt.date:
    """The day of the latest stored deployment (the week the store is about), else today."""
    starts: list[dt.datetime] = [d.start for d in uow.deployments.list()]
    latest = max(starts) if starts else dt.datetime.now(LONDON)
    return latest.astimezone(LONDON).date()


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _cell(value: Any) -> Any:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return value


def report_from_return(ret: Any, floor: Marking, stamp: dt.datetime, kind: str) -> Report:
    """A tasking ``Return`` as a report: a summary, then one table per section (its rows'
    own markings in a column), a section's marking beside its heading."""
    counts = [(s.title, len(s.rows)) for s in ret.sections]
    sections = [Section("Summary", [
        Paragraph(f"{day_text(ret.first_day)} to {day_text(ret.last_day)}." if ret.first_day != ret.last_day
                  else f"{day_text(ret.first_day)}."),
        Facts(counts, title="Entries by section"),
        Chart("Entries by section", [t for t, _ in counts], [("Entries", [n for _, n in counts])]),
    ])]
    for s in ret.sections:
        keys: dict[str, None] = {}
        for row in s.rows:
            keys.update(dict.fromkeys(str(k) for k in row))
        if "marking" in keys:  # the row's own marking last
            keys.pop("marking")
            keys["marking"] = None
        rows = [{k: _cell(r.get(k)) for k in keys} for r in s.rows]
        columns = [Column(k, k.replace("_", " ").capitalize()) for k in keys] or [Column("none", "Entries")]
        sections.append(Section(f"{s.title} ({s.marking})", [Table(s.title[:31], columns, rows, title=s.title)]))
    return Report(kind=kind, title=ret.title, marking=highest([floor, ret.marking]), floor=floor, stamp=stamp,
                  sections=sections)


def _weekly(uow: UnitOfWork, as_of: dt.date | None, make: Callable[..., Any], kind: str) -> Report:
    week = _monday(as_of or _default_day(uow))
    now = dt.datetime.combine(week + dt.timedelta(days=7), dt.time(0), tzinfo=LONDON)  # the week complete
    return report_from_return(make(uow, week, now), FLOOR_SECRET, now, kind)


def weekly_secret_meeting_return(uow: UnitOfWork, as_of: dt.date | None) -> Report:
    """The Weekly Secret Meeting Return for the week holding ``as_of`` (default: the latest data's)."""
    from ctpse_core.tasking.returns import weekly_secret_meeting_return as make

    return _weekly(uow, as_of, make, "weekly-secret-meeting-return")


def national_weekly_tasking(uow: UnitOfWork, as_of: dt.date | None) -> Report:
    """The National Weekly Tasking document for the week holding ``as_of``."""
    from ctpse_core.tasking.returns import national_weekly_tasking as make

    return _weekly(uow, as_of, make, "national-weekly-tasking")


def dmm_brief(uow: UnitOfWork, as_of: dt.date | None) -> Report:
    """The Daily Management Meeting brief for ``as_of`` (default: the latest data's day),
    as at 08:00 that day."""
    from ctpse_core.tasking.returns import dmm_brief as make

    day = as_of or _default_day(uow)
    now = dt.datetime.combine(day, MEETS_AT, tzinfo=LONDON)
    return report_from_return(make(uow, day, now), Marking.parse("OFFICIAL-SENSITIVE"), now, "dmm-brief")
