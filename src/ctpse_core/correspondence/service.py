"""Correspondence rules (pure) and services over a unit of work."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ctpse_core.casework import Figure, Period, consult, load_config, local_day, marking_of
from ctpse_core.domain.engagement import Correspondence, CorrespondenceStatus, Direction
from ctpse_core.domain.marking import Marking
from ctpse_core.errors import InputError, Problem
from ctpse_core.workdays import add_working_days, working_days_between

__all__ = [
    "ENV",
    "correspondence_on_time",
    "due_on",
    "is_open",
    "item_rows",
    "load_rules",
    "record_item",
    "response_times",
]

ENV = "CTPSE_CORRESPONDENCE"


def load_rules(override: Path | None = None) -> dict[str, Any]:
    """Working days per kind (``working_days``) and ``soon_days``, packaged with any override over it."""
    data = load_config("ctpse_core.correspondence", "correspondence.toml", override, ENV)
    problems = [Problem(f"working_days.{k}", f"{v!r} must be a whole number of working days >= 0",
                        str(override or "correspondence.toml"))
                for k, v in dict(data.get("working_days", {})).items()
                if not isinstance(v, int) or isinstance(v, bool) or v < 0]
    if problems:
        raise InputError(problems)
    return data


def due_on(item: Correspondence, working_days: Mapping[str, int]) -> dt.date | None:
    """The day ``item`` is due: its own deadline's London day, else received day plus the
    kind's working days (``None`` when neither is known)."""
    if item.deadline is not None:
        return local_day(item.deadline)
    days = working_days.get(str(item.kind))
    if days is None:
        return None
    return add_working_days(local_day(item.received_at), days)


def is_open(item: Correspondence, as_of: dt.date) -> bool:
    """Not answered or closed by the end of ``as_of``."""
    if item.responded_at is not None and local_day(item.responded_at) <= as_of:
        return False
    return item.status == CorrespondenceStatus.OPEN or item.responded_at is not None


def on_time(item: Correspondence, working_days: Mapping[str, int]) -> bool | None:
    """Answered by the day it was due (``None`` when unanswered or without a due day)."""
    due = due_on(item, working_days)
    if due is None or item.responded_at is None:
        return None
    return local_day(item.responded_at) <= due


def item_rows(items: list[Correspondence], as_of: dt.date, working_days: Mapping[str, int],
              keep: str = "all", soon: int = 3) -> list[dict[str, Any]]:
    """Rows for the log (``all``), items due within ``soon`` working days (``due``) or past due (``overdue``)."""
    rows = []
    for item in items:
        if local_day(item.received_at) > as_of:
            continue
        due = due_on(item, working_days)
        still_open = is_open(item, as_of)
        left = working_days_between(as_of, due) if due else None
        if keep == "overdue" and not (still_open and due is not None and due < as_of):
            continue
        if keep == "due" and not (still_open and due is not None and left is not None and 0 <= left <= soon):
            continue
        rows.append({
            "id": item.id, "direction": str(item.direction), "kind": str(item.kind), "partner": item.partner,
            "subject": item.subject, "nominals": "; ".join(item.nominal_ids), "owner": item.owner or "",
            "received": local_day(item.received_at).isoformat(), "due_on": due.isoformat() if due else "",
            "working_days_left": left if still_open else "", "status": "open" if still_open else str(item.status),
            "responded": local_day(item.responded_at).isoformat() if item.responded_at else "",
            "on_time": on_time(item, working_days), "outcome": item.outcome or "",
        })
    rows.sort(key=lambda r: (r["due_on"] or "9999", r["id"]))
    return rows


def response_times(items: list[Correspondence], period: Period | None,
                   working_days: Mapping[str, int]) -> list[dict[str, Any]]:
    """Per partner: items answered (received in ``period``), median and longest response in
    working days, share answered on time."""
    by_partner: dict[str, list[Correspondence]] = {}
    for item in items:
        if item.direction != Direction.INCOMING or item.responded_at is None:
            continue
        if period is not None and local_day(item.received_at) not in period:
            continue
        by_partner.setdefault(item.partner, []).append(item)
    rows = []
    for partner, group in sorted(by_partner.items()):
        spans = [working_days_between(local_day(i.received_at), local_day(i.responded_at)) for i in group
                 if i.responded_at is not None]
        verdicts = [on_time(i, working_days) for i in group]
        timed = [v for v in verdicts if v is not None]
        rows.append({"partner": partner, "answered": len(group), "median_working_days": statistics.median(spans),
                     "longest_working_days": max(spans), "on_time": sum(timed),
                     "percent_on_time": round(100 * sum(timed) / len(timed), 1) if timed else None})
    return rows


def correspondence_on_time(uow: Any, as_of: dt.date, period: Period, rules: Mapping[str, Any] | None = None) -> Figure:
    """Incoming items due in ``period`` (before ``as_of``) answered by their due day, out of all
    items due then; groups per partner."""
    working_days = dict((rules or load_rules()).get("working_days", {}))
    items: list[Correspondence] = consult(uow, "correspondence", "correspondence on time")
    groups: dict[str, list[int]] = {}
    for item in items:
        due = due_on(item, working_days)
        if item.direction != Direction.INCOMING or due is None or due not in period or due >= as_of:
            continue
        ok = item.responded_at is not None and local_day(item.responded_at) <= due
        tally = groups.setdefault(item.partner, [0, 0])
        tally[0] += int(ok)
        tally[1] += 1
    return Figure(sum(v[0] for v in groups.values()), sum(v[1] for v in groups.values()), marking_of(items),
                  {k: (v[0], v[1]) for k, v in sorted(groups.items())})


def record_item(uow: Any, item: Correspondence, purpose: str = "correspondence", *, agreement: str | None = None,
                fields: Iterable[str] = (), recipient_person: str | None = None,
                today: dt.date | None = None) -> Correspondence:
    """Log one item. An outgoing item with personal data is first put to the unit of work's
    access decision with the item as the target (``uow.can``: the ``ctpse_access_decision``
    hook sees its partner, time and marking, then the role policy; a refusal is an
    :class:`InputError`). It is then a disclosure of the nominals it
    names, made only under an information-sharing agreement with its partner
    (:func:`~ctpse_core.security.agreements.disclose_in`: ``agreement``, or the live one with
    ``item.partner`` for ``purpose``) carrying ``fields`` of them (their IDs always go); outside
    one it is refused (:class:`~ctpse_core.security.agreements.DisclosureRefused`, the refusal
    logged) and nothing is stored. Inside, one disclosure entry per nominal names the partner,
    the agreement and the fields, in the same transaction as the item."""
    from ctpse_core.security.agreements import disclose_in

    if uow.correspondence.find(item.id) is not None:
        raise InputError([Problem("id", f"correspondence {item.id!r} is already logged")])
    for nominal_id in item.nominal_ids:
        if uow.nominals.find(nominal_id) is None:
            raise InputError([Problem("nominal_ids", f"no nominal {nominal_id!r} in the store")])
    disclosure = item.direction == Direction.OUTGOING and item.personal_data
    if disclosure and not uow.can("disclose", item, purpose):  # the hook sees the item: partner, time, marking
        raise InputError([Problem("partner", f"disclosure of {item.marking} material to {item.partner!r} "
                                  f"for {purpose} is refused by the access rules")])
    if disclosure and not item.nominal_ids:
        raise InputError([Problem("nominal_ids", "an outgoing item with personal data must name the nominal(s) "
                                  "whose data it carries (--nominal)", item.id)])
    stored: Correspondence = uow.correspondence.add(item)
    uow.record_event("collection", "correspondence", stored.id, f"{item.direction} {item.kind} {item.partner}")
    if disclosure:
        disclose_in(uow, agreement, recipient_person=recipient_person or item.partner, purpose=purpose,
                    collection="nominals", record_ids=item.nominal_ids, fields=fields, partner=item.partner,
                    today=today, detail=f"correspondence {stored.id} to {item.partner}")
    return stored


def log(uow: Any, purpose: str) -> tuple[list[Correspondence], Marking]:
    items: list[Correspondence] = consult(uow, "correspondence", purpose)
    return items, marking_of(items)
