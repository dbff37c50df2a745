"""Publishing rosters: the weekly rota report and iCalendar feeds.

:class:`RotaProduct` is a report product (``kind = "rota"``) rendered by any registered
format (json, md, html, csv) through :func:`ctpse_core.reports.render`. The iCalendar
feeds (RFC 5545, written with the ``icalendar`` package) are one per person or per role;
every event carries the role's on-call number and the person's own number, the marking
as a ``[MARKING]`` prefix of its SUMMARY and DESCRIPTION and in its CATEGORIES, and the
rota's publication stamp as DTSTAMP (:func:`publication_stamp`), so publishing the same
rota twice gives byte-identical feeds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ctpse_core.domain.common import LONDON, UTC, day_text, time_text, utc
from ctpse_core.domain.marking import Marking
from ctpse_core.rota.model import Assignment, Roster, RotaProblem
from ctpse_core.rota.products import StaffLookup
from ctpse_core.rota.quality import quality
from ctpse_core.rota.timing import interval
from ctpse_core.rota.validate import validate

__all__ = [
    "RotaProduct",
    "calendar_for_person",
    "calendar_for_role",
    "publication_stamp",
    "week_of",
]


def publication_stamp(
    problem: RotaProblem, roster: Roster, stamp: dt.datetime | None = None
) -> dt.datetime:
    """The DTSTAMP of a rota's feeds, in UTC: ``stamp`` when given (naive: Europe/London),
    else the time of the rota's last recorded change (override, swap, repair), else
    00:00 Europe/London on its first day. It depends only on the rota, never on the
    clock, so the same rota always publishes the same bytes; a change gives a later one.
    """
    if stamp is not None:
        return utc(stamp).replace(microsecond=0)
    if roster.changes:
        return max(utc(c.at) for c in roster.changes).replace(microsecond=0)
    return utc(dt.datetime.combine(problem.start, dt.time(0)))


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday to Sunday of the week holding ``day``."""
    first = day - dt.timedelta(days=day.weekday())
    return first, first + dt.timedelta(days=6)


class RotaProduct(StaffLookup):
    """The rota for ``first_day`` to ``last_day`` by role and day, with its quality;
    only ``staff_id``'s shifts or ``role_id``'s when given."""

    kind = "rota"

    def __init__(
        self,
        problem: RotaProblem,
        roster: Roster,
        first_day: dt.date | None = None,
        last_day: dt.date | None = None,
        *,
        staff_id: str | None = None,
        role_id: str | None = None,
    ) -> None:
        self.problem = problem
        self.roster = roster
        self.first_day = first_day or problem.start
        self.last_day = last_day or min(problem.end, self.first_day + dt.timedelta(days=6))
        self.staff_id = staff_id
        self.role_id = role_id
        self.title = f"On-call rota {day_text(self.first_day)} to {day_text(self.last_day)}"
        if staff_id is not None:
            self.title += f": {self.who(staff_id)}"
        if role_id is not None:
            self.title += f": {self.role_name(role_id)}"
        self.marking: Marking = problem.marking

    def _assignments(self) -> list[Assignment]:
        return [
            a
            for a in sorted(self.roster.assignments)
            if self.first_day <= a.day <= self.last_day
            and (self.staff_id is None or a.staff_id == self.staff_id)
        ]

    def data(self) -> dict[str, Any]:
        p = self.problem
        shifts = {s.id: s for s in p.shifts}
        people = {x.id: x for x in p.staff}
        roles = []
        for role in [*p.roles, None]:
            role_id = role.id if role is not None else None
            if self.role_id is not None and role_id != self.role_id:
                continue
            rows = []
            for a in self._assignments():
                shift = shifts.get(a.shift)
                if shift is None or shift.role != role_id:
                    continue
                start, end = interval(a.day, shift)
                person = people.get(a.staff_id)
                rows.append(
                    {
                        "day": a.day.isoformat(),
                        "shift": a.shift,
                        "label": shift.label or a.shift,
                        "start": time_text(start),
                        "end": time_text(end),
                        "staff_id": a.staff_id,
                        "name": person.name if person else a.staff_id,
                        "number": person.phone if person else None,
                    }
                )
            if (role is None or self.staff_id is not None) and not rows:
                continue
            roles.append(
                {
                    "id": role_id or "(no role)",
                    "name": role.name if role is not None else "Other shifts",
                    "on_call_number": role.on_call_number if role is not None else None,
                    "shifts": rows,
                }
            )
        report = validate(p, self.roster)
        q = quality(p, self.roster, report, today=self.first_day)
        in_week = [
            v
            for v in report.hard
            if (v.day is None or self.first_day <= v.day <= self.last_day)
            and (self.staff_id is None or v.staff_id == self.staff_id)
        ]
        return {
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "problem": p.name,
            "person": self.staff_id,
            "role": self.role_id,
            "solver": self.roster.solver,
            "roles": roles,
            "gaps": [g for g in q.gaps if g["day"] <= self.last_day.isoformat()],
            "no_number": q.no_number,
            "roles_without_number": q.roles_without_number,
            "hard_violations": [
                {
                    "rule": v.rule,
                    "person": v.staff_id,
                    "day": v.day.isoformat() if v.day else None,
                    "detail": v.detail,
                }
                for v in in_week
            ],
            "quality": {
                "coverage": q.coverage,
                "balance": q.balance,
                "soft_penalty": q.soft_penalty,
            },
            "changes": len(self.roster.changes),
        }

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for role in self.data()["roles"]:
            for row in role["shifts"]:
                out.append({"role": role["name"], **row})
        return out


#: Europe/London in the RRULE form (as Outlook and the icalendar library's zoneinfo export
#: write it): one DAYLIGHT and one STANDARD rule, the last Sunday of March at 01:00 GMT and
#: of October at 02:00 BST, in force since 1996. The RDATE form that
#: ``add_missing_timezones`` writes is read by dateutil (and so vobject and the clients
#: built on them) as +01:00 all year. :func:`london_rules_hold` checks the rules against
#: zoneinfo for the years a feed covers.
LONDON_VTIMEZONE = (
    ("DAYLIGHT", "BST", dt.timedelta(0), dt.timedelta(hours=1), dt.datetime(1996, 3, 31, 1), 3),
    ("STANDARD", "GMT", dt.timedelta(hours=1), dt.timedelta(0), dt.datetime(1996, 10, 27, 2), 10),
)


def _last_sunday(year: int, month: int) -> dt.date:
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() + 1) % 7)


def london_rules_hold(years: range) -> bool:
    """Whether the RRULEs of :data:`LONDON_VTIMEZONE` give zoneinfo's offset for Europe/London
    an hour before and after each clock change of ``years``, and at noon every day."""
    for year in years:
        for _kind, _name, before, after, first, month in LONDON_VTIMEZONE:
            day = _last_sunday(year, month)
            change = dt.datetime.combine(day, first.time()) - before  # UTC instant
            for instant, offset in ((change - dt.timedelta(hours=1), before),
                                    (change + dt.timedelta(hours=1), after)):
                if instant.replace(tzinfo=UTC).astimezone(LONDON).utcoffset() != offset:
                    return False
    return True


def _vtimezone() -> Any:
    import icalendar

    tz = icalendar.Timezone()
    tz.add("tzid", "Europe/London")
    for kind, name, before, after, first, month in LONDON_VTIMEZONE:
        part = icalendar.TimezoneDaylight() if kind == "DAYLIGHT" else icalendar.TimezoneStandard()
        part.add("tzname", name)
        part.add("tzoffsetfrom", before)
        part.add("tzoffsetto", after)
        part.add("dtstart", first)
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        tz.add_component(part)
    return tz


def _calendar(
    name: str, events: list[dict[str, Any]], marking: Marking, stamp: dt.datetime
) -> bytes:
    import icalendar

    years = {e["start"].year for e in events} | {e["end"].year for e in events}
    if years and not london_rules_hold(range(min(years), max(years) + 1)):
        raise ValueError("Europe/London's clock-change rules have changed: update LONDON_VTIMEZONE")
    cal = icalendar.Calendar()
    cal.add("prodid", "-//ctpse_core//rota//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/London")
    if events:
        cal.add_component(_vtimezone())
    stamp = stamp.astimezone(UTC)
    prefix = f"[{marking}]"
    for e in events:
        event = icalendar.Event()
        event.add("uid", e["uid"])
        event.add("dtstamp", stamp)
        event.add("sequence", e.get("sequence", 0))
        event.add("dtstart", e["start"].astimezone(LONDON))
        event.add("dtend", e["end"].astimezone(LONDON))
        event.add("summary", f"{prefix} {e['summary']}")
        event.add("description", f"{prefix}\n{e['description']}\n{prefix}")
        event.add("class", "CONFIDENTIAL")
        if e.get("number"):
            event.add("contact", e["number"])
        event.add("categories", ["ON-CALL", str(marking)])
        cal.add_component(event)
    return bytes(cal.to_ical())


def _events(
    problem: RotaProblem, roster: Roster, keep: Any, with_person: bool
) -> list[dict[str, Any]]:
    shifts = {s.id: s for s in problem.shifts}
    people = {x.id: x for x in problem.staff}
    roles = {r.id: r for r in problem.roles}
    # SEQUENCE (RFC 5545 3.8.7.4): how many recorded changes touched the event's day and shift
    touched: dict[tuple[dt.date, str], int] = {}
    for change in roster.changes:
        for key in {(x.day, x.shift) for x in (*change.removed, *change.added)}:
            touched[key] = touched.get(key, 0) + 1
    out = []
    for a in sorted(roster.assignments):
        shift = shifts.get(a.shift)
        if shift is None or not keep(a, shift):
            continue
        role = roles.get(shift.role or "")
        person = people.get(a.staff_id)
        start, end = interval(a.day, shift)
        on_call = role.on_call_number if role is not None else None
        own = person.phone if person is not None else None
        number = on_call or own
        name = person.name if person is not None else a.staff_id
        what = shift.label or (role.name if role is not None else shift.id)
        lines = [
            f"On-call number: {on_call or 'none set'}",
            f"On duty: {name} ({own or 'no number'})",
        ]
        out.append(
            {
                "uid": f"{a.day:%Y%m%d}-{a.shift}-{a.staff_id}@ctpse-rota",
                "start": start,
                "end": end,
                "summary": f"{what}: {name}" if with_person else what,
                "description": "\n".join(lines),
                "number": number,
                "sequence": touched.get((a.day, a.shift), 0),
            }
        )
    return out


def calendar_for_person(
    problem: RotaProblem,
    roster: Roster,
    staff_id: str,
    *,
    stamp: dt.datetime | None = None,
) -> bytes:
    """An iCalendar feed of one person's shifts; DTSTAMP is :func:`publication_stamp`."""
    person = problem.person(staff_id)
    events = _events(problem, roster, lambda a, _s: a.staff_id == staff_id, with_person=False)
    when = publication_stamp(problem, roster, stamp)
    return _calendar(f"On-call: {person.name}", events, problem.marking, when)


def calendar_for_role(
    problem: RotaProblem,
    roster: Roster,
    role_id: str,
    *,
    stamp: dt.datetime | None = None,
) -> bytes:
    """An iCalendar feed of everyone's shifts in one role; DTSTAMP is
    :func:`publication_stamp`."""
    role = problem.role(role_id)
    events = _events(problem, roster, lambda _a, s: s.role == role_id, with_person=True)
    when = publication_stamp(problem, roster, stamp)
    return _calendar(f"On-call: {role.name}", events, problem.marking, when)
