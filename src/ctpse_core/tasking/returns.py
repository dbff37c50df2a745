"""The weekly returns' data: the Weekly Secret Meeting Return, the National Weekly Tasking
document and the Regional/National Daily Management Meeting (DMM) brief.

Each service assembles a :class:`Return` - a marked, structured object the products helper
renders (DOCX, PPTX, ...) and ``ctpse_core.reports`` writes as json / md / html / csv.
``Return.data()`` has this shape (documented in ``docs/tasking.md``)::

    {"return": kind, "period": {"first_day": ISO, "last_day": ISO}, "generated_at": ISO,
     "marking": "SECRET", "summary": {...counts...},
     "sections": [{"key": ..., "title": ..., "marking": ..., "rows": [{..., "marking": ...}]}]}

Every row keeps its own marking, each section carries the highest of its rows, and the
return the highest of its sections.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from ctpse_core.domain.common import Record, london, non_empty, time_text, utcnow
from ctpse_core.domain.marking import Marking, highest
from ctpse_core.domain.surveillance import DeploymentStatus
from ctpse_core.storage.base import UnitOfWork

__all__ = ["Return", "Section", "SignificantIssue", "dmm_brief", "national_weekly_tasking",
           "weekly_secret_meeting_return"]


@attrs.frozen(kw_only=True)
class SignificantIssue(Record):
    """A significant issue the CATO enters for the week's returns."""

    week_starting: dt.date
    text: str = attrs.field(validator=non_empty)
    entered_by: str = attrs.field(validator=non_empty)
    entered_at: dt.datetime


@attrs.frozen
class Section:
    key: str
    title: str
    rows: tuple[Mapping[str, Any], ...]
    markings: tuple[Marking, ...] = ()

    @property
    def marking(self) -> Marking:
        return highest(self.markings)

    def data(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "marking": str(self.marking),
                "rows": [dict(r) for r in self.rows]}


@attrs.frozen
class Return:
    """A marked return: the product protocol (``kind``, ``title``, ``marking``, ``data()``)."""

    kind: str
    title: str
    first_day: dt.date
    last_day: dt.date
    sections: tuple[Section, ...]
    generated_at: dt.datetime = attrs.Factory(utcnow)

    @property
    def marking(self) -> Marking:
        return highest(s.marking for s in self.sections)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def data(self) -> dict[str, Any]:
        return {
            "return": self.kind,
            "period": {"first_day": self.first_day.isoformat(), "last_day": self.last_day.isoformat()},
            "generated_at": self.generated_at.isoformat(),
            "marking": str(self.marking),
            "summary": {s.key: len(s.rows) for s in self.sections},
            "sections": [s.data() for s in self.sections],
        }

    def rows(self) -> list[dict[str, Any]]:
        """Flat rows for CSV: one per row of every section, every row with every section's columns
        (a CSV has one header), ``section`` first."""
        flat = [{"section": s.key, **r} for s in self.sections for r in s.rows]
        keys = list(dict.fromkeys(k for r in flat for k in r))
        return [{k: r.get(k, "") for k in keys} for r in flat]


def _section(key: str, title: str, items: Iterable[Any], row: Callable[[Any], dict[str, Any]]) -> Section:
    chosen = list(items)
    return Section(key, title, tuple({**row(x), "marking": str(x.marking)} for x in chosen),
                   tuple(x.marking for x in chosen))


def _in(moment: dt.datetime | None, first: dt.date, last: dt.date) -> bool:
    return moment is not None and first <= london(moment).date() <= last


def _deployments(uow: UnitOfWork, first: dt.date, last: dt.date, national_only: bool = False) -> Section:
    ops = {o.id: o for o in uow.operations.list()}
    items = sorted((d for d in uow.deployments.list() if _in(d.start, first, last)
                    and (not national_only or (d.operation_id in ops and ops[d.operation_id].national_priority))),
                   key=lambda d: (d.start, d.id))
    uow.record_event("consultation", "deployments", None, f"returns {first}..{last}: {len(items)} deployments")
    return _section("deployments", "Deployments and amendments", items, lambda d: {
        "id": d.id, "operation": ops[d.operation_id].name if d.operation_id in ops else d.operation_id,
        "team": d.team_id, "start": time_text(d.start), "end": time_text(d.end), "officers": d.officers,
        "status": str(d.status), "version": d.version,
        "amended": d.version > 1 or d.status is DeploymentStatus.CANCELLED,
    })


def _assets(uow: UnitOfWork, first: dt.date, last: dt.date, now: dt.datetime) -> Section:
    from ctpse_core.tasking.assets import row

    items = sorted((r for r in uow.asset_requests.list()
                    if _in(r.deadline, first, last) or _in(r.requested_at, first, last)
                    or any(_in(t.at, first, last) for t in r.history)), key=lambda r: r.deadline)
    uow.record_event("consultation", "asset_requests", None, f"returns {first}..{last}: {len(items)} requests")
    return _section("asset_requests", "CT asset requests", items, lambda r: row(r, now))


def _events(uow: UnitOfWork, first: dt.date, last: dt.date, now: dt.datetime) -> Section:
    from ctpse_core.tasking.events import event_row

    items = sorted((e for e in uow.fast_time_events.list() if _in(e.occurred_at, first, last)),
                   key=lambda e: e.occurred_at)
    uow.record_event("consultation", "fast_time_events", None, f"returns {first}..{last}: {len(items)} events")
    return _section("fast_time_events", "Fast-time events", items, lambda e: event_row(e, now))


def _oncall(uow: UnitOfWork, first: dt.date, last: dt.date) -> Section:
    cover: dict[tuple[str, str], list[str]] = {}
    markings = []
    for rota in uow.rotas.list():
        for s in rota.shifts:
            if _in(s.start, first, last):
                cover.setdefault((london(s.start).date().isoformat(), s.role_id), []).append(s.staff_id)
                markings.append(rota.marking)
    uow.record_event("consultation", "rotas", None, f"returns {first}..{last}: on-call cover")
    rows = tuple({"day": day, "role": role, "staff": "; ".join(sorted(ids))}
                 for (day, role), ids in sorted(cover.items()))
    return Section("on_call", "On-call cover", rows, tuple(markings))


def _overtime(uow: UnitOfWork, first: dt.date, last: dt.date) -> Section:
    from ctpse_core.finance.bids import reconcile
    from ctpse_core.finance.publish import latest_authorisation
    from ctpse_core.finance.service import forecast_stored

    stored = forecast_stored(uow, first, last)
    bids = [b for b in uow.funding_bids.list() if b.period_start <= last and first <= b.period_end]
    if bids:
        bid = max(bids, key=lambda b: (b.period_start, b.id))
        lines = [x.as_dict() for x in reconcile(stored.forecast, bid, latest_authorisation(uow, bid.id))]
        rows = tuple({"bid": bid.id, **x} for x in lines)
    else:
        rows = tuple({"bid": "", **r} for r in stored.forecast.breakdown("operation"))
    return Section("overtime", "Overtime position", rows, (stored.marking,))


def _issues(uow: UnitOfWork, first: dt.date, last: dt.date) -> Section:
    week = first - dt.timedelta(days=first.weekday())
    items = sorted((i for i in uow.significant_issues.list() if week <= i.week_starting <= last),
                   key=lambda i: i.entered_at)
    return _section("significant_issues", "Significant issues", items, lambda i: {
        "id": i.id, "issue": i.text, "entered_by": i.entered_by, "entered_at": time_text(i.entered_at)})


def weekly_secret_meeting_return(uow: UnitOfWork, week: dt.date, now: dt.datetime | None = None) -> Return:
    """The Weekly Secret Meeting Return for the week starting Monday ``week``."""
    now = now or utcnow()
    last = week + dt.timedelta(days=6)
    return Return("weekly-secret-meeting-return", f"Weekly Secret Meeting Return, week of {week:%d/%m/%Y}", week,
                  last, (_deployments(uow, week, last), _assets(uow, week, last, now), _events(uow, week, last, now),
                         _oncall(uow, week, last), _overtime(uow, week, last), _issues(uow, week, last)), now)


def national_weekly_tasking(uow: UnitOfWork, week: dt.date, now: dt.datetime | None = None) -> Return:
    """The National Weekly Tasking document: national-priority deployments, CT asset requests
    (the national mobilisation desk's deadlines), the overtime position against the bids."""
    now = now or utcnow()
    last = week + dt.timedelta(days=6)
    return Return("national-weekly-tasking", f"National Weekly Tasking, week of {week:%d/%m/%Y}", week, last,
                  (_deployments(uow, week, last, national_only=True), _assets(uow, week, last, now),
                   _overtime(uow, week, last), _issues(uow, week, last)), now)


def dmm_brief(uow: UnitOfWork, day: dt.date, now: dt.datetime | None = None) -> Return:
    """The Daily Management Meeting brief for ``day``: the day's deployments, asset requests
    overdue or at risk, fast-time events and who is yet to acknowledge, on-call cover, issues."""
    from ctpse_core.tasking.assets import at_risk, overdue, row
    from ctpse_core.tasking.events import escalations

    now = now or utcnow()
    requests = list(uow.asset_requests.list())
    flagged = overdue(requests, now) + at_risk(requests, now)
    events = list(uow.fast_time_events.list())
    waiting = escalations(events, now)
    by_id = {e.id: e for e in events}
    uow.record_event("consultation", "asset_requests", None, f"DMM brief {day}")
    uow.record_event("consultation", "fast_time_events", None, f"DMM brief {day}")
    escalate = Section("escalations", "Fast-time events awaiting acknowledgement",
                       tuple(x.as_dict() for x in waiting), tuple(by_id[x.event_id].marking for x in waiting))
    return Return("dmm-brief", f"Daily Management Meeting brief, {day:%d/%m/%Y}", day, day,
                  (_deployments(uow, day, day), _section("assets_flagged", "Asset requests overdue or at risk",
                                                           flagged, lambda r: row(r, now)),
                   _events(uow, day, day, now), escalate, _oncall(uow, day, day), _issues(uow, day, day)), now)
