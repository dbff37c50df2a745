"""CT asset requests as a product for senior leadership (``ctpse report asset-requests``):
every request with its status, deadline and time left, the week's movements, what is overdue
or at risk and every decline with its reason, and an email draft to SLT with the exceptions.
Built from one audited reading of the requests (:mod:`ctpse_core.tasking.assets`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from ctpse_core.domain.common import LONDON, day_text, london, time_text
from ctpse_core.domain.marking import Marking, highest
from ctpse_core.domain.surveillance import AssetRequest
from ctpse_core.errors import InputError, Problem
from ctpse_core.reports.document import Chart, Column, Facts, Notice, Report, Section, Table
from ctpse_core.storage.base import UnitOfWork

__all__ = ["FLOOR", "as_at", "asset_requests"]

#: Requests name operations, officers and objectives.
FLOOR = Marking.parse("OFFICIAL-SENSITIVE")
_REQUESTS: list[str | Column] = [
    "id", "kind", "operation_id", "status", "requesting_unit", "asset_home",
    Column("deadline", "Deadline", "datetime"), "time_left", "objectives", "last_step", "marking"]
_MOVED: list[str | Column] = ["id", "status", "by", Column("at", "At", "datetime"), "why"]


def _day(requests: list[AssetRequest], as_of: dt.date | None) -> dt.date:
    """``as_of``, else the day of the latest step any request took."""
    if as_of is not None:
        return as_of
    steps = [t.at for r in requests for t in r.history] + [r.requested_at for r in requests if r.requested_at]
    if not steps:
        raise InputError([Problem("asset_requests", "no CT asset request is stored (ctpse assets request)")])
    return london(max(steps)).date()


def as_at(requests: list[AssetRequest], now: dt.datetime) -> list[AssetRequest]:
    """The requests made by ``now``, each with the status and history it had then."""
    out = []
    for r in requests:
        steps = tuple(t for t in r.history if t.at <= now)
        made = r.requested_at or (r.history[0].at if r.history else None)
        if made is not None and made > now:
            continue
        out.append(attrs.evolve(r, status=steps[-1].status if steps else "requested", history=steps))
    return out


def asset_requests(uow: UnitOfWork, as_of: dt.date | None) -> Report:
    """The requests as at the end of ``as_of`` (default: the day of the latest step): those
    made by then, each with the status it had then, and the week holding ``as_of`` (Monday to
    Sunday) for what moved."""
    from ctpse_core.tasking.assets import at_risk, overdue, row, slt_summary

    stored: list[AssetRequest] = sorted(uow.asset_requests.list(), key=lambda r: (r.deadline, r.id))
    uow.record_event("consultation", "asset_requests", None, f"asset requests product: {len(stored)} read")
    day = _day(stored, as_of)
    week = day - dt.timedelta(days=day.weekday())
    now = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=LONDON)
    requests = as_at(stored, now)
    summary = slt_summary(requests, week, now)

    def rows(items: list[AssetRequest]) -> list[dict[str, Any]]:
        return [{**row(r, now), "deadline": r.deadline} for r in items]

    late, risky = rows(overdue(requests, now)), rows(at_risk(requests, now))
    moved = [{"id": r.id, "status": t.status, "by": t.by, "at": t.at, "why": t.why}
             for r in requests for t in r.history if week <= london(t.at).date() < week + dt.timedelta(days=7)]
    moved.sort(key=lambda m: (m["at"], m["id"]))
    declined = summary["declined"]
    statuses = list(summary["by_status"])
    facts = Facts([
        ("As at", time_text(now)),
        ("Week", f"{day_text(week)} to {day_text(week + dt.timedelta(days=6))}"),
        ("Requests", len(requests)),
        *((f"Status {s}", n) for s, n in summary["by_status"].items()),
        ("Overdue (deadline passed, not deployed)", len(late)),
        ("At risk (deadline within 48 hours)", len(risky)),
        ("Declined", len(declined)),
    ], title="Position")
    exceptions = [
        Section("Overdue", [Table("Overdue", _REQUESTS, late)]),
        Section("At risk", [Table("At risk", _REQUESTS, risky)]),
        Section("Declined", [Table("Declined", ["id", "operation_id", "why"], declined)]),
    ]
    notice = Notice(group="SLT", to=("slt@example.invalid",),
                    subject=f"CT asset requests, week of {day_text(week)}: {len(late)} overdue, {len(risky)} at risk",
                    sections=[Section("Position", [facts]), *exceptions])
    return Report(
        kind="asset-requests", title=f"CT asset requests, week of {day_text(week)}",
        subtitle=f"For senior leadership; as at {time_text(now)}",
        marking=highest([FLOOR, *(r.marking for r in requests)]), floor=FLOOR, stamp=now, as_of=day,
        notices=[notice],
        sections=[
            Section("Summary", [facts, Chart("Requests by status", statuses,
                                             [("Requests", [summary["by_status"][s] for s in statuses])])]),
            Section("Requests", [Table("Requests", _REQUESTS, rows(requests), primary=True,
                                       title="Every request, soonest deadline first")]),
            *exceptions,
            Section("Moved this week", [Table("Moved", _MOVED, moved, title="Every step taken in the week")]),
        ],
    )
