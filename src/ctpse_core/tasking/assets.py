"""CT asset requests: a state machine with who/when/why, a deadline clock, overdue and
at-risk lists, the weekly summary for senior leadership, and deployment through the
deconfliction rules.

States: ``requested`` -> ``approved`` | ``declined`` | ``cancelled``; ``approved`` ->
``deployed`` | ``cancelled``; ``deployed`` -> ``complete`` | ``cancelled``. ``declined``,
``complete`` and ``cancelled`` are final. Anything else is refused (an input error naming
what is allowed). An asset deployed is a :class:`~ctpse_core.domain.surveillance.Deployment`
whose team is ``asset:<asset id>``, so the deconfliction rules keep one asset out of two
places at once; a hard conflict refuses the deployment unless overridden with a reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs

from ctpse_core.domain.common import Provenance, time_text, utcnow
from ctpse_core.domain.marking import Marking, highest
from ctpse_core.domain.surveillance import AssetRequest, AssetTransition, Deployment
from ctpse_core.errors import InputError, Problem
from ctpse_core.finance.duties import ASSET_TEAM_PREFIX
from ctpse_core.reports import SimpleProduct
from ctpse_core.storage.base import UnitOfWork
from ctpse_core.tasking.config import TaskingConfig, builtin_config

__all__ = [
    "FINAL",
    "TRANSITIONS",
    "asset_list_product",
    "at_risk",
    "clock",
    "create_request",
    "deploy",
    "move",
    "overdue",
    "slt_summary",
    "transition",
]

TRANSITIONS: dict[str, frozenset[str]] = {
    "requested": frozenset({"approved", "declined", "cancelled"}),
    "approved": frozenset({"deployed", "cancelled"}),
    "deployed": frozenset({"complete", "cancelled"}),
    "declined": frozenset(),
    "complete": frozenset(),
    "cancelled": frozenset(),
}
FINAL = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)
_LIVE = frozenset({"requested", "approved"})  # not yet deployed: the deadline still matters


def _status(request: AssetRequest) -> str:
    return "requested" if request.status == "open" else request.status


def transition(request: AssetRequest, to: str, by: str, at: dt.datetime, why: str = "") -> AssetRequest:
    """``request`` moved to status ``to``, the step kept in its history; refused steps raise."""
    now = _status(request)
    if to not in TRANSITIONS:
        raise InputError([Problem("status", f"{to!r} is not a status ({', '.join(TRANSITIONS)})", request.id, to)],
                         "unknown status")
    if to not in TRANSITIONS[now]:
        allowed = ", ".join(sorted(TRANSITIONS[now])) or "nothing (it is final)"
        raise InputError([Problem("status", f"cannot go from {now} to {to}; from {now} it may go to {allowed}",
                                  request.id, to)], "refused transition")
    if to in {"declined", "cancelled"} and not why.strip():
        raise InputError([Problem("why", f"a request {to} needs a reason", request.id)], "reason required")
    step = AssetTransition(status=to, at=at, by=by, why=why)
    return attrs.evolve(request, status=to, history=(*request.history, step))


def clock(request: AssetRequest, now: dt.datetime) -> dt.timedelta:
    """Time left before the deadline (negative when past it)."""
    return request.deadline - now


def overdue(requests: Iterable[AssetRequest], now: dt.datetime) -> list[AssetRequest]:
    """Requests not yet deployed (or finished) whose deadline has passed, most overdue first."""
    return sorted((r for r in requests if _status(r) in _LIVE and r.deadline < now), key=lambda r: r.deadline)


def at_risk(requests: Iterable[AssetRequest], now: dt.datetime, config: TaskingConfig | None = None) -> list[
        AssetRequest]:
    """Requests not yet deployed whose deadline is within the configured hours."""
    hours = dt.timedelta(hours=(config or builtin_config()).at_risk_hours)
    return sorted((r for r in requests if _status(r) in _LIVE and now <= r.deadline <= now + hours),
                  key=lambda r: r.deadline)


def _left(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    return f"{sign}{minutes // 1440}d {minutes % 1440 // 60}h {minutes % 60}m"


def row(r: AssetRequest, now: dt.datetime) -> dict[str, Any]:
    last = r.history[-1] if r.history else None
    return {
        "id": r.id,
        "kind": r.kind,
        "operation_id": r.operation_id,
        "status": _status(r),
        "requesting_unit": r.requesting_unit or "",
        "asset_home": r.asset_home or "",
        "deadline": time_text(r.deadline),
        "time_left": _left(clock(r, now)) if _status(r) in _LIVE else "",
        "objectives": "; ".join(r.objectives),
        "last_step": f"{last.status} by {last.by} {time_text(last.at)}" + (f": {last.why}" if last.why else "")
        if last else "",
        "marking": str(r.marking),
    }


def slt_summary(requests: Iterable[AssetRequest], week: dt.date, now: dt.datetime,
                config: TaskingConfig | None = None) -> dict[str, Any]:
    """The weekly summary for senior leadership: counts by status and kind, what moved in the
    week (Monday ``week``), overdue and at-risk requests, and every decline with its reason."""
    items = list(requests)
    end = week + dt.timedelta(days=7)

    def in_week(t: AssetTransition) -> bool:
        from ctpse_core.domain.common import london

        return week <= london(t.at).date() < end

    by_status: dict[str, int] = {}
    by_kind: dict[str, int] = {}
    for r in items:
        by_status[_status(r)] = by_status.get(_status(r), 0) + 1
        by_kind[r.kind] = by_kind.get(r.kind, 0) + 1
    moved = [{"id": r.id, "status": t.status, "by": t.by, "at": time_text(t.at), "why": t.why}
             for r in items for t in r.history if in_week(t)]
    return {
        "week_starting": week.isoformat(),
        "requests": len(items),
        "by_status": dict(sorted(by_status.items())),
        "by_kind": dict(sorted(by_kind.items())),
        "moved_this_week": moved,
        "overdue": [row(r, now) for r in overdue(items, now)],
        "at_risk": [row(r, now) for r in at_risk(items, now, config)],
        "declined": [{"id": r.id, "operation_id": r.operation_id, "why": r.history[-1].why if r.history else ""}
                     for r in items if _status(r) == "declined"],
    }


def asset_list_product(kind: str, title: str, data: dict[str, Any], rows: list[dict[str, Any]],
                       markings: Iterable[Marking]) -> SimpleProduct:
    return SimpleProduct(kind, title, data, highest(markings), rows=rows)


# -- services over a unit of work --------------------------------------------------------------
def create_request(uow: UnitOfWork, request: AssetRequest, config: TaskingConfig | None = None,
                   at: dt.datetime | None = None) -> AssetRequest:
    """Store a new request (its kind must be configured), its first step ``requested``."""
    kinds = (config or builtin_config()).asset_kinds
    if request.kind not in kinds:
        raise InputError([Problem("kind", f"{request.kind!r} is not a configured asset kind ({', '.join(kinds)})",
                                  request.id, request.kind)], "unknown asset kind")
    when = at or utcnow()
    first = AssetTransition(status="requested", at=when, by=request.requested_by, why="request received")
    record = attrs.evolve(request, status="requested", requested_at=request.requested_at or when,
                          history=request.history or (first,),
                          provenance=request.provenance or Provenance(source="asset request", user=uow.user))
    out: AssetRequest = uow.asset_requests.add(record)
    uow.record_event("collection", "asset_requests", request.id, f"{request.kind} for {request.operation_id}")
    return out


def move(uow: UnitOfWork, request_id: str, to: str, why: str = "", at: dt.datetime | None = None) -> AssetRequest:
    """Move a stored request to ``to`` (not ``deployed``: see :func:`deploy`), audited."""
    if to == "deployed":
        raise InputError([Problem("status", "an asset is deployed with its deployment (ctpse assets deploy)",
                                  request_id, to)], "use deploy")
    request = uow.asset_requests.get(request_id)
    moved = transition(request, to, uow.user or "unknown", at or utcnow(), why)
    out: AssetRequest = uow.asset_requests.update(moved)
    uow.record_event("alteration", "asset_requests", request_id, f"{_status(request)} -> {to}: {why}")
    return out


def deploy(uow: UnitOfWork, request_id: str, asset_id: str, start: dt.datetime, end: dt.datetime, *,
           staff_ids: tuple[str, ...] = (), why: str = "", override_reason: str | None = None,
           at: dt.datetime | None = None) -> tuple[AssetRequest, Deployment, list[str]]:
    """Deploy an approved request's asset: a deployment checked against every stored one by the
    deconfliction rules. Hard conflicts (the asset or a named officer in two places, rest)
    refuse it unless ``override_reason`` is given (audited). Returns the conflicts' sentences."""
    from ctpse_core.deconfliction.index import check, stored_index

    request = uow.asset_requests.get(request_id)
    moved = transition(request, "deployed", uow.user or "unknown", at or utcnow(), why or "asset deployed")
    deployment = Deployment(
        id=f"asset-dep-{request_id}", operation_id=request.operation_id, team_id=f"{ASSET_TEAM_PREFIX}{asset_id}",
        start=start, end=end, staff_ids=staff_ids, officers=max(1, len(staff_ids)), request_id=request_id,
        marking=request.marking, provenance=Provenance(source="asset deployment", user=uow.user),
    )
    result = check(deployment, stored_index(uow))
    uow.record_event("consultation", "deployments", deployment.id, "deconfliction check of an asset deployment")
    sentences = [f"{c.rule}: {c.why}" for c in result.conflicts]
    if result.hard:
        if not (override_reason and override_reason.strip()):
            raise InputError([Problem("deployment", f"breaks hard deconfliction rules: {'; '.join(sentences)}; "
                                      "give an override reason to deploy anyway", request_id)], "conflict")
        uow.record_event("override", "deployments", deployment.id, f"asset deployed despite conflict: "
                         f"{override_reason}")
    stored: Deployment = uow.deployments.add(deployment)
    uow.record_event("collection", "deployments", deployment.id, f"asset {asset_id} for request {request_id}")
    out: AssetRequest = uow.asset_requests.update(attrs.evolve(moved, asset_id=asset_id, deployment_id=deployment.id))
    uow.record_event("alteration", "asset_requests", request_id, f"{_status(request)} -> deployed")
    return out, stored, sentences
