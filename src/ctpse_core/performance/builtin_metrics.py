"""The built-in KPI metrics (registered by ``ctpse_core.builtins.performance`` through
``ctpse_register_kpi_metrics``, like any plugin's).

Each counts records as at the end of the period (or the as-of date, when earlier), by
Europe/London day. Ratios are percentages; counts are plain numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from ctpse_core.domain.common import london
from ctpse_core.domain.engagement import Action, ActionStatus, Contact, ContactPlan, Correspondence
from ctpse_core.domain.nominal import Nominal
from ctpse_core.performance.metrics import Metric, MetricContext, MetricResult, Tally

__all__ = ["BUILTIN_METRICS", "overdue_days"]


def _day(moment: dt.datetime | None) -> dt.date | None:
    return None if moment is None else london(moment).date()


def _nominals(ctx: MetricContext) -> dict[str, Nominal]:
    return {n.id: n for n in ctx.uow.repository("nominals").list()}


def actions_closed_on_time(ctx: MetricContext) -> MetricResult:
    """Share of the actions due in the period (up to the as-of date, cancelled ones left out)
    that were closed on or before their due date."""
    tally = Tally()
    for action in ctx.uow.repository("actions").list():
        assert isinstance(action, Action)
        if action.status is ActionStatus.CANCELLED or not (ctx.period.start <= action.due_on <= ctx.until):
            continue
        tally.read([action])
        closed = action.status is ActionStatus.DONE and action.completed_on is not None
        on_time = closed and action.completed_on is not None and action.completed_on <= action.due_on
        tally.count(ctx.scopes(manager=action.owner), action.id, 1.0 if on_time else 0.0)
    return tally.result()


def actions_overdue(ctx: MetricContext) -> MetricResult:
    """Actions open at the end of the period (as of) whose due date had passed."""
    tally = Tally(ratio=False)
    tally.scope(["region"])
    for action in ctx.uow.repository("actions").list():
        assert isinstance(action, Action)
        if action.status is ActionStatus.CANCELLED or action.due_on >= ctx.until:
            continue
        still_open = action.status is ActionStatus.OPEN or (
            action.completed_on is not None and action.completed_on > ctx.until
        )
        if still_open:
            tally.read([action])
            tally.count(ctx.scopes(manager=action.owner), action.id, 1.0)
    return tally.result()


def correspondence_on_time(ctx: MetricContext) -> MetricResult:
    """Share of the incoming correspondence due in the period (up to as of) answered by its
    deadline. An item without a deadline of its own is due on the working-day clock of its kind
    (``ctpse_core.correspondence``: England and Wales bank holidays), answered on time when
    answered by the end of that day."""
    from ctpse_core.correspondence.service import due_on, load_rules
    from ctpse_core.domain.engagement import Direction

    working_days = dict(load_rules().get("working_days", {}))
    tally = Tally()
    for item in ctx.uow.repository("correspondence").list():
        assert isinstance(item, Correspondence)
        due = due_on(item, working_days)
        if item.direction is Direction.OUTGOING or due is None or not (ctx.period.start <= due <= ctx.until):
            continue
        tally.read([item])
        if item.deadline is not None:
            answered = item.responded_at is not None and item.responded_at <= item.deadline
        else:
            answered = item.responded_at is not None and london(item.responded_at).date() <= due
        owner = getattr(item, "owner", None)
        tally.count(ctx.scopes(manager=owner), item.id, 1.0 if answered else 0.0)
    return tally.result()


def contacts_overdue(ctx: MetricContext) -> MetricResult:
    """Planned contacts whose planned day had passed by the end of the period (as of) and that
    had not happened by then."""
    tally = Tally(ratio=False)
    tally.scope(["region"])
    nominals = _nominals(ctx) if ctx.level == "force" else {}
    for contact in ctx.uow.repository("contacts").list():
        assert isinstance(contact, Contact)
        planned = _day(contact.planned_at)
        done = _day(contact.done_at)
        if planned is None or planned >= ctx.until or (done is not None and done <= ctx.until):
            continue
        tally.read([contact])
        force = nominals[contact.nominal_id].force if contact.nominal_id in nominals else None
        tally.count(ctx.scopes(manager=contact.manager, force=force), contact.id, 1.0)
    return tally.result()


def overdue_days(starts_on: dt.date, every_days: int, done: Iterable[dt.date], start: dt.date,
                 until: dt.date) -> int:
    """How many days in ``start``..``until`` a nominal was overdue for contact: a contact is due
    ``every_days`` after the plan started or after the last contact; the day a late contact
    happens is not overdue. Days before the plan started never count."""
    points = sorted({starts_on, *(d for d in done if starts_on <= d <= until)})
    total = 0
    for index, last in enumerate(points):
        following = points[index + 1] - dt.timedelta(days=1) if index + 1 < len(points) else until
        first_overdue = max(last + dt.timedelta(days=every_days + 1), start)
        end = min(following, until)
        if first_overdue <= end:
            total += (end - first_overdue).days + 1
    return total


def engagement_compliance(ctx: MetricContext) -> MetricResult:
    """Share of the nominals with a contact plan active in the period whose required contacts all
    happened on time: never a day in the period on which a contact was overdue under their plan
    (due ``every_days`` after the plan started or after the last completed contact)."""
    tally = Tally()
    done: dict[str, list[dt.date]] = defaultdict(list)
    contacts = list(ctx.uow.repository("contacts").list())
    tally.read(contacts)
    for contact in contacts:
        assert isinstance(contact, Contact)
        day = _day(contact.done_at)
        if day is not None:
            done[contact.nominal_id].append(day)
    nominals = _nominals(ctx) if ctx.level == "force" else {}
    for plan in ctx.uow.repository("contact_plans").list():
        assert isinstance(plan, ContactPlan)
        if plan.starts_on > ctx.until:
            continue
        tally.read([plan])
        late = overdue_days(plan.starts_on, plan.every_days, done[plan.nominal_id], ctx.period.start, ctx.until)
        force = nominals[plan.nominal_id].force if plan.nominal_id in nominals else None
        tally.count(ctx.scopes(manager=plan.manager, force=force), plan.nominal_id, 0.0 if late else 1.0)
    return tally.result()


_REQUIRED = ("nominal_manager", "risk_tier", "status", "force")


def _regional(ctx: MetricContext) -> list[Nominal]:
    exclude = set(ctx.params.get("exclude_sources", ["national"]))
    return [
        n for n in _nominals(ctx).values()
        if (n.provenance.source if n.provenance is not None else "") not in exclude
    ]


def data_completeness(ctx: MetricContext) -> MetricResult:
    """Share of the region's nominal records with every required field filled (``required``:
    by default nominal manager, risk tier, status and force)."""
    required: list[str] = list(ctx.params.get("required", _REQUIRED))
    tally = Tally()
    for nominal in _regional(ctx):
        tally.read([nominal])
        complete = all(getattr(nominal, name, None) not in (None, "", ()) for name in required)
        tally.count(ctx.scopes(manager=nominal.nominal_manager, force=nominal.force), nominal.id,
                    1.0 if complete else 0.0)
    return tally.result()


def stale_records(ctx: MetricContext) -> MetricResult:
    """The region's nominal records not updated for more than ``days`` (default 90) by the end of
    the period (as of): judged by when their current version was received."""
    days = int(ctx.params.get("days", 90))
    tally = Tally(ratio=False)
    tally.scope(["region"])
    for nominal in _regional(ctx):
        received = _day(nominal.provenance.received_at) if nominal.provenance is not None else None
        if received is not None and received > ctx.until:
            continue
        if received is None or (ctx.until - received).days > days:
            tally.read([nominal])
            tally.count(ctx.scopes(manager=nominal.nominal_manager, force=nominal.force), nominal.id, 1.0)
    return tally.result()


def reconciliation_open(ctx: MetricContext) -> MetricResult:
    """Findings still open when the stored regional list is reconciled against the stored national
    list (reviewers' decisions honoured): field discrepancies, within-list duplicate clusters,
    identifier conflicts and possible matches awaiting review. The figure is for now, not the period."""
    from ctpse_core.errors import NotFoundError
    from ctpse_core.reconcile import reconcile
    from ctpse_core.reconcile.review import stored_decisions
    from ctpse_core.reconcile.stored import stored_tables

    tally = Tally(ratio=False)
    tally.scope(["region"])
    try:
        left, right = stored_tables(ctx.uow, ctx.params.get("left", "regional"), ctx.params.get("right", "national"))
    except NotFoundError:
        return tally.result()
    nominals = [n for n in _nominals(ctx).values() if n.provenance is not None
                and n.provenance.source in (ctx.params.get("left", "regional"), ctx.params.get("right", "national"))]
    tally.read(nominals)
    result = reconcile(left, right, decisions=stored_decisions(ctx.uow))
    for d in result.discrepancies:
        tally.count(["region"], f"discrepancy:{d.left}:{d.right}:{d.field}", 1.0)
    for cluster in (*result.duplicates_left, *result.duplicates_right):
        tally.count(["region"], f"duplicate:{'+'.join(cluster.ids)}", 1.0)
    for c in result.identifier_conflicts:
        tally.count(["region"], f"identifier-conflict:{c.left}:{c.right}", 1.0)
    for p in result.possible_matches:
        tally.count(["region"], f"review:{p.left}:{p.right}", 1.0)
    return tally.result()


def asset_requests_on_time(ctx: MetricContext) -> MetricResult:
    """Share of the CT asset requests whose deadline fell in the period (up to as of), declined and
    cancelled ones left out, that were deployed by their deadline (the first move to ``deployed``)."""
    tally = Tally()
    end = ctx.until
    for request in ctx.uow.repository("asset_requests").list():
        due = _day(request.deadline)
        if due is None or not (ctx.period.start <= due <= end) or request.status in ("declined", "cancelled"):
            continue
        tally.read([request])
        deployed = [t.at for t in request.history if t.status == "deployed"]
        hit = bool(deployed) and min(deployed) <= request.deadline
        tally.count(ctx.scopes(manager=request.requesting_unit), request.id, 1.0 if hit else 0.0)
    return tally.result()


def overtime_within_authorisation(ctx: MetricContext) -> MetricResult:
    """Share of the operations in signed funding authorisations for periods overlapping this one
    whose committed overtime (the larger of forecast and claimed) stays within what was authorised."""
    from ctpse_core.finance.bids import reconcile
    from ctpse_core.finance.publish import latest_authorisation
    from ctpse_core.finance.service import forecast_stored

    tally = Tally()
    bids = [b for b in ctx.uow.repository("funding_bids").list()
            if b.period_start <= ctx.until and b.period_end >= ctx.period.start]
    for bid in sorted(bids, key=lambda b: b.id):
        authorisation = latest_authorisation(ctx.uow, bid.id)
        if authorisation is None:
            continue
        tally.read([bid, authorisation])
        stored = forecast_stored(ctx.uow, bid.period_start, bid.period_end)
        for line in reconcile(stored.forecast, bid, authorisation):
            if line.authorised == 0 and line.bid == 0:
                continue  # work nobody bid for is the bid's discrepancy, not an overspend of it
            tally.count(["region"], f"{bid.id}:{line.operation_id}", 1.0 if line.committed <= line.authorised else 0.0)
    if bids:
        for name in ("deployments", "rotas", "staff"):
            tally.read(ctx.uow.repository(name).list())
    return tally.result()


BUILTIN_METRICS: dict[str, Metric] = {
    "engagement-compliance": Metric(engagement_compliance, "%", engagement_compliance.__doc__ or "",
                                    ("manager", "force", "region", "national")),
    "contacts-overdue": Metric(contacts_overdue, "count", contacts_overdue.__doc__ or "",
                               ("manager", "force", "region", "national")),
    "actions-closed-on-time": Metric(actions_closed_on_time, "%", actions_closed_on_time.__doc__ or "",
                                     ("manager", "region", "national")),
    "actions-overdue": Metric(actions_overdue, "count", actions_overdue.__doc__ or "",
                              ("manager", "region", "national")),
    "correspondence-on-time": Metric(correspondence_on_time, "%", correspondence_on_time.__doc__ or "",
                                     ("manager", "region", "national")),
    "data-completeness": Metric(data_completeness, "%", data_completeness.__doc__ or "",
                                ("manager", "force", "region", "national")),
    "stale-records": Metric(stale_records, "count", stale_records.__doc__ or "",
                            ("manager", "force", "region", "national")),
    "reconciliation-open": Metric(reconciliation_open, "count", reconciliation_open.__doc__ or "",
                                  ("region", "national")),
    "asset-requests-on-time": Metric(asset_requests_on_time, "%", asset_requests_on_time.__doc__ or "",
                                     ("manager", "region", "national")),
    "overtime-within-authorisation": Metric(overtime_within_authorisation, "%",
                                            overtime_within_authorisation.__doc__ or "", ("region", "national")),
}


