"""The built-in agenda sources: actions, changed nominals, overdue contacts, order deadlines,
open reconciliation findings, red KPIs and CT asset requests.

Each is ``source(uow, since, day, horizon_days) -> list[AgendaItem]``: what is open at ``day``
(deadlines up to ``day + horizon_days``) and what changed after ``since``. Items name records by
ID and say what is due; names of people stay in the systems of record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ctpse_core.domain.common import LONDON, day_text
from ctpse_core.domain.engagement import Action, ActionStatus, CivilOrder, Contact, PathwayPlan, PathwayStatus
from ctpse_core.domain.marking import highest
from ctpse_core.domain.nominal import Nominal
from ctpse_core.domain.performance import KpiSnapshot
from ctpse_core.meetings.agenda import AgendaItem

__all__ = ["BUILTIN_SOURCES"]


def _day(moment: dt.datetime | None) -> dt.date | None:
    return None if moment is None else moment.astimezone(LONDON).date()


def actions(uow: Any, since: dt.date, day: dt.date, horizon: int) -> list[AgendaItem]:
    """Open actions overdue at ``day``, then those due before the next meeting."""
    items: list[AgendaItem] = []
    open_actions = sorted((a for a in uow.repository("actions").list()
                           if isinstance(a, Action) and a.status is ActionStatus.OPEN), key=lambda a: (a.due_on, a.id))
    for action in open_actions:
        if action.due_on < day:
            section, when = "Overdue actions", f"overdue since {day_text(action.due_on)}"
        elif action.due_on <= day + dt.timedelta(days=horizon):
            section, when = "Actions due", f"due {day_text(action.due_on)}"
        else:
            continue
        items.append(AgendaItem(section=section, text=f"{action.id}: {action.description} ({action.owner}, {when})",
                                ref=action.id, owner=action.owner, due=action.due_on, marking=action.marking))
    return items


def nominals_changed(uow: Any, since: dt.date, day: dt.date, horizon: int) -> list[AgendaItem]:
    """The region's nominal records new or changed after the last meeting, up to ``day``: one
    line per nominal manager (the national list's own records are left out)."""
    per_manager: dict[str, list[Nominal]] = {}
    for nominal in uow.repository("nominals").list():
        assert isinstance(nominal, Nominal)
        source = nominal.provenance.source if nominal.provenance else ""
        received = _day(nominal.provenance.received_at) if nominal.provenance else None
        if source == "national" or received is None or not (since < received <= day):
            continue
        per_manager.setdefault(nominal.nominal_manager or "(no manager)", []).append(nominal)
    items: list[AgendaItem] = []
    for manager, nominals in sorted(per_manager.items()):
        new = sorted(n.id for n in nominals if n.version <= 1)
        changed = sorted(n.id for n in nominals if n.version > 1)
        parts = [f"{len(new)} new" if new else "", f"{len(changed)} changed ({_ids(changed)})" if changed else ""]
        items.append(AgendaItem(section="New and changed nominals", owner=manager,
                                marking=highest(n.marking for n in nominals),
                                text=f"{manager}: {', '.join(p for p in parts if p)}"))
    if items:
        uow.record_event("consultation", "nominals", None,
                         f"agenda: {sum(len(v) for v in per_manager.values())} new or changed nominals counted")
    return items


def _ids(ids: list[str], limit: int = 10) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def contacts_overdue(uow: Any, since: dt.date, day: dt.date, horizon: int) -> list[AgendaItem]:
    """Planned contacts not done by ``day``, one line per nominal manager."""
    per_manager: dict[str, list[Contact]] = {}
    for contact in uow.repository("contacts").list():
        assert isinstance(contact, Contact)
        planned, done = _day(contact.planned_at), _day(contact.done_at)
        if planned is not None and planned < day and (done is None or done > day):
            per_manager.setdefault(contact.manager, []).append(contact)
    items = []
    for manager, contacts in sorted(per_manager.items()):
        refs = _ids(sorted({c.nominal_id for c in contacts}))
        items.append(AgendaItem(section="Overdue contacts", text=f"{manager}: {len(contacts)} overdue ({refs})",
                                owner=manager, marking=highest(c.marking for c in contacts)))
    return items


def orders(uow: Any, since: dt.date, day: dt.date, horizon: int) -> list[AgendaItem]:
    """Civil-order key dates (application window closing, review, expiry) missed since the last
    meeting or falling within the horizon."""
    items: list[AgendaItem] = []
    end = day + dt.timedelta(days=horizon)
    for order in sorted(uow.repository("civil_orders").list(), key=lambda o: o.id):
        assert isinstance(order, CivilOrder)
        for label, when in (("application window closes", order.application_window_closes),
                            ("review due", order.review_on), ("expires", order.expires_on)):
            if when is None:
                continue
            if since < when < day:
                section = "Order deadlines passed since the last meeting"
            elif day <= when <= end:
                section = "Order deadlines ahead"
            else:
                continue
            text = f"{order.id} ({order.order_type}, {order.nominal_id}): {label} {day_text(when)}"
            items.append(AgendaItem(section=section, due=when, ref=order.id, marking=order.marking, text=text))
    return sorted(items, key=lambda i: (i.section, i.due or day, i.ref))


def pathways(uow: Any, since: dt.date, day: dt.date, horizon: int) -> list[AgendaItem]:
    """Reoffending-pathway reviews (not yet met or not needed) that fell due since the last
    meeting, or fall due within the horizon."""
    items: list[AgendaItem] = []
    end = day + dt.timedelta(days=horizon)
    for plan in sorted(uow.repository("pathway_plans").list(), key=lambda p: p.id):
        assert isinstance(plan, PathwayPlan)
        when = plan.review_on
        if when is None or plan.status in (PathwayStatus.MET, PathwayStatus.NOT_NEEDED):
            continue
        if since < when < day:
            section = "Pathway reviews passed since the last meeting"
        elif day <= when <= end:
            section = "Pathway reviews ahead"
        else:
            continue
        text = f"{plan.id} ({plan.pathway}, {plan.nominal_id}, {plan.partner}): review {day_text(when)}"
        items.append(AgendaItem(section=section, due=when, ref=plan.id, marking=plan.marking, text=text))
    return sorted(items, key=lambda i: (i.section, i.due or day, i.ref))


def reconciliation(uow: Any, since: dt.date, day: dt.date, horizon: int) -> list[AgendaItem]:
    """The latest reported count of open headcount findings (from the KPI snapshots)."""
    latest = _latest_snapshots(uow, day)
    snap = latest.get(("reconciliation-open", "region"))
    if snap is None or not snap.value:
        return []
    return [AgendaItem(section="Reconciliation with the national headcount", ref=snap.id, marking=snap.marking,
                       text=f"{int(snap.value)} findings open (discrepancies, duplicates, reviews)")]


def _latest_snapshots(uow: Any, day: dt.date) -> dict[tuple[str, str], KpiSnapshot]:
    latest: dict[tuple[str, str], KpiSnapshot] = {}
    for snap in uow.repository("kpi_snapshots").list():
        assert isinstance(snap, KpiSnapshot)
        if snap.period_start > day:
            continue
        key = (snap.kpi, snap.scope)
        current = latest.get(key)
        if current is None or (snap.period_start, snap.computed_at) > (current.period_start, current.computed_at):
            latest[key] = snap
    return latest


def red_kpis(uow: Any, since: dt.date, day: dt.date, horizon: int) -> list[AgendaItem]:
    """KPIs whose latest reported figure (period starting by ``day``) is red."""
    items = []
    for (kpi, scope), snap in sorted(_latest_snapshots(uow, day).items()):
        if snap.rag != "red":
            continue
        title = str(snap.definition.get("title", kpi))
        value = "-" if snap.value is None else f"{snap.value:.1f}".rstrip("0").rstrip(".")
        items.append(AgendaItem(section="KPIs off target", ref=snap.id, owner="" if scope == "region" else scope,
                                marking=snap.marking,
                                text=f"{title} ({scope}): {value} against target {snap.target:g}"))
    return items


def assets(uow: Any, since: dt.date, day: dt.date, horizon: int) -> list[AgendaItem]:
    """CT asset requests still open whose deadline has passed or falls within the horizon."""
    items = []
    end = day + dt.timedelta(days=horizon)
    for request in sorted(uow.repository("asset_requests").list(), key=lambda r: r.id):
        status = str(getattr(request, "status", "open"))
        if status in ("complete", "cancelled", "declined"):
            continue
        due = _day(request.deadline)
        if due is None or due > end:
            continue
        section = "Asset requests overdue" if due < day else "Asset requests due"
        items.append(AgendaItem(section=section, ref=request.id, due=due, marking=request.marking,
                                text=f"{request.id} ({request.kind}, {request.operation_id}): {status}, "
                                f"deadline {day_text(due)}"))
    return items


BUILTIN_SOURCES = {
    "actions": actions,
    "nominals-changed": nominals_changed,
    "contacts-overdue": contacts_overdue,
    "orders": orders,
    "pathways": pathways,
    "reconciliation": reconciliation,
    "red-kpis": red_kpis,
    "assets": assets,
}
