"""The built-in KPI metrics (registered by ``ctpse_core.builtins.performance`` through
``ctpse_register_kpi_metrics``, like any plugin's).

Each counts records as at the end of the period (or the as-of date, when earlier), by
Europe/London day. Ratios are percentages; counts are plain numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from ctpse_core.domain.common import london
from ctpse_core.domain.engagement import Action, ActionStatus
from ctpse_core.domain.marking import highest
from ctpse_core.domain.nominal import Nominal
from ctpse_core.performance.metrics import Figure, Metric, MetricContext, MetricResult, Tally

__all__ = ["BUILTIN_METRICS"]


def _day(moment: dt.datetime | None) -> dt.date | None:
    return None if moment is None else london(moment).date()


def _records(ctx: MetricContext, collection: str) -> list[Any]:
    """Every record of ``collection``, read once per computation of the KPIs (``ctx.shared``:
    every KPI and period of one computation counts the same records)."""
    key = f"records:{collection}"
    if key not in ctx.shared:
        ctx.shared[key] = list(ctx.uow.repository(collection).list())
    records: list[Any] = ctx.shared[key]
    return records


def _nominals(ctx: MetricContext) -> dict[str, Nominal]:
    return {n.id: n for n in _records(ctx, "nominals")}


def actions_closed_on_time(ctx: MetricContext) -> MetricResult:
    """Share of the actions due in the period (up to the as-of date, cancelled ones left out)
    that were closed on or before their due date."""
    tally = Tally()
    for action in _records(ctx, "actions"):
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
    for action in _records(ctx, "actions"):
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


def _casework_period(ctx: MetricContext) -> Any:
    from ctpse_core.casework import Period

    return Period(ctx.period.start, ctx.period.end)


def _caseload(ctx: MetricContext) -> Any:
    """The engagement service's cases as of the as-of date (its reads audited there), loaded
    once per computation of the KPIs."""
    from ctpse_core.engagement.service import load_cases

    if "caseload" not in ctx.shared:
        ctx.shared["caseload"] = load_cases(ctx.uow, ctx.as_of, purpose="KPIs")
    return ctx.shared["caseload"]


def _read_casework(tally: Tally, ctx: MetricContext, load: Any) -> None:
    tally.read(load.nominals.values())
    tally.read(_records(ctx, "contact_plans"))
    tally.read(_records(ctx, "contacts"))


def engagement_compliance(ctx: MetricContext) -> MetricResult:
    """Share of the nominals with a required contact in the period (a deadline falling in it,
    before the as-of date) whose required contacts all happened on time, under the engagement
    tracker's own rules (the stricter of the contact policy and the plan; see engagement.md)."""
    from ctpse_core.engagement.rules import is_compliant

    tally = Tally()
    load = _caseload(ctx)
    _read_casework(tally, ctx, load)
    for case in load.cases:
        verdict = is_compliant(case, ctx.period.start, ctx.period.end, ctx.as_of)
        if verdict is not None:
            tally.count(ctx.scopes(manager=case.manager, force=case.force), case.nominal_id, 1.0 if verdict else 0.0)
    return tally.result()


def contacts_overdue(ctx: MetricContext) -> MetricResult:
    """Nominals overdue a contact at the end of the period (or the as-of date, when earlier):
    their next contact under the engagement tracker's rules was due before that day."""
    from ctpse_core.engagement.rules import next_due

    tally = Tally(ratio=False)
    tally.scope(["region"])
    load = _caseload(ctx)
    _read_casework(tally, ctx, load)
    for case in load.cases:
        if case.starts_on <= ctx.until and next_due(case, ctx.until) < ctx.until:
            tally.count(ctx.scopes(manager=case.manager, force=case.force), case.nominal_id, 1.0)
    return tally.result()


def _casework_figure(ctx: MetricContext, figure: Any, collections: Iterable[str]) -> MetricResult:
    """A region figure from a casework service's own KPI function (numerator of denominator)."""
    tally = Tally()
    for name in collections:
        tally.read(_records(ctx, name))
    result = tally.result()
    return MetricResult({"region": Figure(float(figure.numerator), float(figure.denominator))}, result.inputs,
                        highest([result.marking, figure.marking]))


def correspondence_on_time(ctx: MetricContext) -> MetricResult:
    """Share of the incoming correspondence due in the period (working days, England and Wales
    bank holidays; before the as-of date) answered by its due day (the correspondence service's rule)."""
    from ctpse_core.correspondence.service import correspondence_on_time as figure

    return _casework_figure(ctx, figure(ctx.uow, ctx.as_of, _casework_period(ctx)), ["correspondence"])


def order_deadlines_met(ctx: MetricContext) -> MetricResult:
    """Share of the civil-order deadlines in the period (before the as-of date) whose outcome the
    records show was met (the civil-orders service's rule)."""
    from ctpse_core.orders.service import order_deadlines_met as figure

    return _casework_figure(ctx, figure(ctx.uow, ctx.as_of, _casework_period(ctx)), ["civil_orders", "nominals"])


def data_quality(ctx: MetricContext) -> MetricResult:
    """Share of the region's nominals with no data-recording fault (stale, incomplete, open
    duplicate, old provenance...; the data-quality service's checks) as of the as-of date."""
    from ctpse_core.quality.service import data_quality as figure

    return _casework_figure(ctx, figure(ctx.uow, ctx.as_of, memo=ctx.shared), ["nominals", "contact_plans"])


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
    from ctpse_core.reconcile.review import stored_decisions
    from ctpse_core.reconcile.stored import reconcile_stored, stored_lists

    tally = Tally(ratio=False)
    tally.scope(["region"])
    left_source, right_source = ctx.params.get("left", "regional"), ctx.params.get("right", "national")
    left, right = stored_lists(ctx.uow, left_source, right_source)
    if not left or not right:
        return tally.result()
    tally.read([*left, *right])
    # the same reconciliation as the data-quality check's, made once per computation (ctx.shared)
    result = reconcile_stored(left, left_source, right, right_source, None, stored_decisions(ctx.uow), ctx.shared)
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
    for request in _records(ctx, "asset_requests"):
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
    bids = [b for b in _records(ctx, "funding_bids")
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
            tally.read(_records(ctx, name))
    return tally.result()


BUILTIN_METRICS: dict[str, Metric] = {
    "engagement-compliance": Metric(engagement_compliance, "%", engagement_compliance.__doc__ or "",
                                    ("manager", "force", "region", "national")),
    "contacts-overdue": Metric(contacts_overdue, "count", contacts_overdue.__doc__ or "",
                               ("manager", "force", "region", "national")),
    "order-deadlines-met": Metric(order_deadlines_met, "%", order_deadlines_met.__doc__ or "", ("region", "national")),
    "data-quality": Metric(data_quality, "%", data_quality.__doc__ or "", ("region", "national"), periodic=False),
    "actions-closed-on-time": Metric(actions_closed_on_time, "%", actions_closed_on_time.__doc__ or "",
                                     ("manager", "region", "national")),
    "actions-overdue": Metric(actions_overdue, "count", actions_overdue.__doc__ or "",
                              ("manager", "region", "national")),
    "correspondence-on-time": Metric(correspondence_on_time, "%", correspondence_on_time.__doc__ or "",
                                     ("region", "national")),
    "data-completeness": Metric(data_completeness, "%", data_completeness.__doc__ or "",
                                ("manager", "force", "region", "national")),
    "stale-records": Metric(stale_records, "count", stale_records.__doc__ or "",
                            ("manager", "force", "region", "national")),
    "reconciliation-open": Metric(reconciliation_open, "count", reconciliation_open.__doc__ or "",
                                  ("region", "national"), periodic=False),
    "asset-requests-on-time": Metric(asset_requests_on_time, "%", asset_requests_on_time.__doc__ or "",
                                     ("manager", "region", "national")),
    "overtime-within-authorisation": Metric(overtime_within_authorisation, "%",
                                            overtime_within_authorisation.__doc__ or "", ("region", "national")),
}


