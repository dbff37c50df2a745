"""The ``ics`` format: iCalendar (RFC 5545) feeds of a report's events, one per calendar.

Every event carries the marking as a ``[MARKING]`` prefix of its SUMMARY and DESCRIPTION
(first and last line) and in its CATEGORIES; DTSTAMP is the report's stamp, so the same
report always gives the same bytes.
"""

from __future__ import annotations

from typing import Any

from ctpse_core.domain.common import LONDON, UTC
from ctpse_core.reports.document import Report, as_report

__all__ = ["render_ics"]


def _feed(report: Report, name: str) -> bytes:
    import icalendar

    marking = str(report.marking)
    prefix = f"[{marking}]"
    cal = icalendar.Calendar()
    cal.add("prodid", "-//ctpse_core//products//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{report.title}: {name}" if name != "all" else report.title)
    cal.add("x-wr-timezone", "Europe/London")
    for e in report.events:
        if e.calendar != name:
            continue
        event = icalendar.Event()
        event.add("uid", e.uid)
        event.add("dtstamp", report.stamp.astimezone(UTC))
        event.add("dtstart", e.start.astimezone(LONDON))
        event.add("dtend", e.end.astimezone(LONDON))
        event.add("summary", f"{prefix} {e.summary}")
        event.add("description", f"{prefix}\n{e.description}\n{prefix}")
        event.add("class", "CONFIDENTIAL")
        if e.contact:
            event.add("contact", e.contact)
        event.add("categories", ["ON-CALL", marking])
        cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def render_ics(product: Any) -> dict[str, bytes]:
    """``<calendar>.ics`` per calendar the report's events name."""
    report = as_report(product)
    names = list(dict.fromkeys(e.calendar for e in report.events))
    return {f"{name}.ics": _feed(report, name) for name in names}
