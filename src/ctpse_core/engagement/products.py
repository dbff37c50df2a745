"""The engagement tracker and compliance as a product (``ctpse report engagement-tracker``):
every nominal with a plan in force and when their next contact is due, compliance over the
month before the as-of day per manager, force and region, each manager's caseload and the
nominals flagged (no manager, no plan). Built from one audited reading of nominals, plans
and contacts (:func:`~ctpse_core.engagement.service.load_cases`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from ctpse_core.casework import Period
from ctpse_core.domain.common import LONDON, day_text
from ctpse_core.domain.marking import Marking, highest
from ctpse_core.reports.document import Chart, Column, Facts, Paragraph, Report, Section, Table

__all__ = ["FLOOR", "casework_stamp", "dated", "engagement_tracker", "previous_month"]

#: The tracker names people of CT interest and their managers.
FLOOR = Marking.parse("OFFICIAL-SENSITIVE [PERSONAL]")
LEVELS = ("manager", "force", "region")


def casework_stamp(day: dt.date) -> dt.datetime:
    """A casework product is stamped with the day it is as of, never the clock (same data, same bytes)."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=LONDON)


def previous_month(day: dt.date) -> Period:
    last = day.replace(day=1) - dt.timedelta(days=1)
    return Period.month(last.year, last.month)


def dated(rows: Iterable[Mapping[str, Any]], *keys: str) -> list[dict[str, Any]]:
    """``rows`` with the ISO dates under ``keys`` as dates (blank as ``None``), for date columns."""
    out = []
    for row in rows:
        item = dict(row)
        for key in keys:
            value = item.get(key)
            item[key] = dt.date.fromisoformat(value) if isinstance(value, str) and value else None
        out.append(item)
    return out


_TRACKER: list[str | Column] = [
    "nominal_id", Column("name", "Name"), "manager", "force", "status", Column("risk_tier", "Tier"),
    Column("every_days", "Every (days)", "int"), Column("last_contact", "Last contact", "date"),
    Column("due_on", "Next due", "date"), Column("days_overdue", "Days overdue", "int"), "state"]


def _compliance_table(level: str, rows: list[dict[str, Any]]) -> Table:
    return Table(f"Compliance by {level}", [Column(level, level.capitalize()), "period",
                                           Column("compliant", "Compliant", "int"),
                                           Column("required", "Required", "int"),
                                           Column("percent", "Compliance", "percent")], rows,
                 title=f"Compliance by {level}")


def engagement_tracker(uow: Any, as_of: dt.date | None) -> Report:
    """The tracker as of ``as_of`` (default: the day of the latest completed contact)."""
    from ctpse_core.engagement.service import caseload, compliance_rows, load_cases, load_policy, tracker_rows

    policy = load_policy()
    load = load_cases(uow, as_of, policy, "engagement tracker product")
    day = load.as_of
    month = previous_month(day)
    rows = dated(tracker_rows(load, policy.soon_days), "last_contact", "due_on")
    compliance = {level: compliance_rows(load, month, level) for level in LEVELS}
    managers = caseload(load, policy)
    flagged = [{"nominal_id": n, "manager": m, "reason": r} for n, m, r in load.flagged]
    region = compliance["region"][0] if compliance["region"] else None
    states = {s: sum(1 for r in rows if r["state"] == s) for s in ("overdue", "due soon", "in date")}
    facts = Facts([
        ("As of", day_text(day)),
        ("Nominals with a plan in force", len(rows)),
        ("Overdue a contact", states["overdue"]),
        (f"Due within {policy.soon_days} days", states["due soon"]),
        ("In date", states["in date"]),
        (f"Compliance {day_text(month.first)} to {day_text(month.last)} (region)",
         f"{region['percent']}% ({region['compliant']} of {region['required']})"
         if region and region["required"] else "no contact was required"),
        ("Flagged (no manager or no plan)", len(flagged)),
    ], title="Position")
    chart = Chart("Overdue and due soon per manager", [m["manager"] for m in managers],
                  [("Overdue", [m["overdue"] for m in managers]), ("Due soon", [m["due_soon"] for m in managers])])
    caseload_table = Table("Caseload", ["manager", Column("nominals", "Nominals", "int"),
                                        *(Column(f"tier_{t}", f"Tier {t}", "int") for t in "1234"),
                                        Column("no_tier", "No tier", "int"), Column("overdue", "Overdue", "int"),
                                        Column("due_soon", "Due soon", "int"),
                                        Column("capacity_per_day", "Contacts a day", "int")], managers,
                           title="Caseload per nominal manager")
    return Report(
        kind="engagement-tracker",
        title=f"Engagement tracker and compliance as of {day_text(day)}",
        subtitle=f"Contact policy: {policy.source or 'packaged'}; compliance over the month before the as-of day",
        marking=highest([FLOOR, load.marking]), floor=FLOOR, stamp=casework_stamp(day), as_of=day,
        sections=[
            Section("Summary", [facts, chart]),
            Section("Tracker", [Paragraph("Every nominal with a contact plan in force, soonest deadline first."),
                                Table("Tracker", _TRACKER, rows, primary=True, title="Next contact due")]),
            Section("Compliance", [_compliance_table(level, compliance[level]) for level in LEVELS]),
            Section("Caseload", [caseload_table]),
            Section("Flagged", [Table("Flagged", ["nominal_id", "manager", "reason"], flagged,
                                      title="Nominals with no manager or no contact plan")]),
        ],
    )
