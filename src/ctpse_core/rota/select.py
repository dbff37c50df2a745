"""Short-notice selection: N people for a deployment, qualified, available and rested."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from ctpse_core.domain.common import LONDON, day_text, time_text
from ctpse_core.errors import UnknownName
from ctpse_core.rota.model import Roster, RotaProblem
from ctpse_core.rota.timing import days_text, interval

__all__ = ["Candidate", "Selection", "select_staff"]


@attrs.frozen
class Candidate:
    staff_id: str
    name: str
    number: str | None
    eligible: bool
    reasons: tuple[str, ...]
    rank_key: tuple[float, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "staff_id": self.staff_id,
            "name": self.name,
            "number": self.number,
            "eligible": self.eligible,
            "reasons": list(self.reasons),
        }


@attrs.frozen
class Selection:
    chosen: list[Candidate]
    ranked: list[Candidate]
    rejected: list[Candidate]
    wanted: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "wanted": self.wanted,
            "chosen": [c.as_dict() for c in self.chosen],
            "reserves": [c.as_dict() for c in self.ranked[len(self.chosen) :]],
            "rejected": [c.as_dict() for c in self.rejected],
        }


def select_staff(
    problem: RotaProblem,
    roster: Roster,
    *,
    start: dt.datetime,
    end: dt.datetime,
    count: int,
    qualification: str | None = None,
    rest_hours: float | None = None,
) -> Selection:
    """Rank everyone for a deployment from ``start`` to ``end`` (aware datetimes).

    Eligible people hold ``qualification``, are not on leave or a fixed day off on any
    day it touches, are not rostered or committed during it, and have ``rest_hours``
    (default: the problem's daily rest, 11 hours) before it and after it until their next
    duty. They are ranked by fewest hours worked in the 7 days before, then most rest.
    """
    if qualification is not None:
        known = {q for person in problem.staff for q in person.qualifications}
        known |= {r.qualification for r in problem.roles if r.qualification}
        if qualification not in known:  # a typo would otherwise look like "nobody is qualified"
            raise UnknownName("qualification", qualification, sorted(known), field="qualification")
    rest = dt.timedelta(hours=problem.rest.daily_rest_hours if rest_hours is None else rest_hours)
    shifts = {s.id: s for s in problem.shifts}
    first, last = (
        start.astimezone(LONDON).date(),
        (end - dt.timedelta(seconds=1)).astimezone(LONDON).date(),
    )
    away: dict[str, list[str]] = {}
    for leave in problem.leave:
        if leave.first_day <= last and first <= leave.last_day:
            away.setdefault(leave.staff_id, []).append(
                f"on {leave.kind} leave {days_text(leave.first_day, leave.last_day)}"
            )
    duty: dict[str, list[tuple[dt.datetime, dt.datetime, str]]] = {}
    for a in roster.assignments:
        if a.shift in shifts:
            s, e = interval(a.day, shifts[a.shift])
            duty.setdefault(a.staff_id, []).append((s, e, shifts[a.shift].label or a.shift))
    for c in problem.commitments:
        duty.setdefault(c.staff_id, []).append((c.start, c.end, c.label))
    ranked: list[Candidate] = []
    rejected: list[Candidate] = []
    week_before = start - dt.timedelta(days=7)
    for person in problem.staff:
        reasons: list[str] = []
        bad: list[str] = []
        if qualification is not None:
            if qualification in person.qualifications:
                reasons.append(f"qualified ({qualification})")
            else:
                bad.append(f"not qualified ({qualification})")
        bad.extend(away.get(person.id, []))
        bad.extend(
            f"fixed day off {day_text(d)}" for d in sorted(person.days_off) if first <= d <= last
        )
        spans = sorted(duty.get(person.id, []))
        before = [s for s in spans if s[1] <= start]
        after = [s for s in spans if s[0] >= end]
        for s, e, label in spans:
            if s < end and start < e:
                bad.append(f"busy: {label} {time_text(s)} to {time_text(e)}")
        rest_before = start - before[-1][1] if before else None
        rest_after = after[0][0] - end if after else None
        if rest_before is not None and rest_before < rest:
            bad.append(
                f"not rested: {rest_before.total_seconds() / 3600:g} h since "
                f"{before[-1][2]} ended {time_text(before[-1][1])}"
            )
        if rest_after is not None and rest_after < rest:
            bad.append(f"would not be rested for {after[0][2]} at {time_text(after[0][0])}")
        worked = sum(
            (min(e, start) - max(s, week_before)).total_seconds() / 3600
            for s, e, _l in before
            if e > week_before
        )
        if not bad:
            reasons.append("available")
            reasons.append(
                "rested: "
                + (
                    f"{rest_before.total_seconds() / 3600:g} h since last duty"
                    if rest_before is not None
                    else "no duty before"
                )
            )
            reasons.append(f"{worked:g} h worked in the 7 days before")
            if after:
                reasons.append(f"next duty {after[0][2]} {time_text(after[0][0])}")
        if not person.numbers:
            reasons.append("no contact number on file")
        key = (worked, -(rest_before.total_seconds() if rest_before is not None else 1e12))
        cand = Candidate(person.id, person.name, person.phone, not bad, tuple(bad or reasons), key)
        (rejected if bad else ranked).append(cand)
    ranked.sort(key=lambda c: (*c.rank_key, c.staff_id))
    return Selection(ranked[:count], ranked, rejected, count)
