"""Contact details kept current (seed 003 key area 5): numbers not verified recently.

Each person's numbers (:class:`~ctpse_core.domain.staff.ContactNumber`) and each role's
dedicated on-call number carry the day they were last verified. :func:`stale_numbers`
lists those not verified within ``days`` of ``today`` (never verified counts as stale);
:func:`without_working_number` lists people rostered with no number verified within
that window. ``ctpse staff stale`` and the rota's quality report show both.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ctpse_core.rota.model import Roster, RotaProblem

__all__ = ["STALE_DAYS", "stale_numbers", "without_working_number"]

#: default window: a number not verified in this many days is stale (configuration)
STALE_DAYS = 180


def _fresh(verified: dt.date | None, today: dt.date, days: int) -> bool:
    return verified is not None and (today - verified).days <= days


def stale_numbers(problem: RotaProblem, *, today: dt.date, days: int = STALE_DAYS) -> list[dict[str, Any]]:
    """Every staff number and role on-call number not verified within ``days`` of ``today``:
    ``who``, ``name``, ``kind`` (person or role), ``label``, ``number``, ``verified``
    (ISO day or None) and ``age_days`` (None when never verified)."""
    out: list[dict[str, Any]] = []
    for p in problem.staff:
        for n in p.numbers:
            if not _fresh(n.verified, today, days):
                out.append(_row(p.id, p.name, "person", n.label, n.number, n.verified, today))
    for r in problem.roles:
        if r.on_call_number is not None and not _fresh(r.number_verified, today, days):
            out.append(_row(r.id, r.name, "role", "on-call", r.on_call_number, r.number_verified, today))
    return out


def _row(who: str, name: str, kind: str, label: str, number: str, verified: dt.date | None,
         today: dt.date) -> dict[str, Any]:
    return {
        "who": who,
        "name": name,
        "kind": kind,
        "label": label,
        "number": number,
        "verified": verified.isoformat() if verified else None,
        "age_days": (today - verified).days if verified else None,
    }


def without_working_number(
    problem: RotaProblem, roster: Roster, *, today: dt.date, days: int = STALE_DAYS
) -> list[dict[str, Any]]:
    """People on ``roster`` with no number verified within ``days`` of ``today`` (no
    number at all, or only stale ones): ``id``, ``name``, ``why``."""
    rostered = {a.staff_id for a in roster.assignments}
    out = []
    for p in problem.staff:
        if p.id not in rostered:
            continue
        if not p.numbers:
            out.append({"id": p.id, "name": p.name, "why": "no number"})
        elif not any(_fresh(n.verified, today, days) for n in p.numbers):
            out.append({"id": p.id, "name": p.name, "why": f"no number verified in the last {days} days"})
    return out
