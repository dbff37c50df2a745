"""The tasking KPIs: asset requests deployed by their deadline, overtime within its authorisation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from kpi_kit import USER, add, at

from ctpse_core.domain import LONDON, Provenance, Staff
from ctpse_core.domain.surveillance import AssetRequest, AssetTransition, Deployment
from ctpse_core.finance.publish import record_authorisation, submit_bid
from ctpse_core.finance.service import forecast_stored
from ctpse_core.performance import MetricContext, metrics, period_of

D = dt.date
MARCH = period_of("month", D(2026, 3, 1))


def _figure(store: Any, metric: str) -> float | None:
    with store.unit_of_work(user=USER) as uow:
        ctx = MetricContext(uow=uow, period=MARCH, level="region", params={}, as_of=D(2026, 3, 31))
        figure = metrics().get(metric).compute(ctx).figures.get("region")
    return None if figure is None else figure.value


def _request(ident: str, deadline: dt.date, deployed: dt.date | None, status: str = "deployed") -> AssetRequest:
    history = [AssetTransition(status="requested", at=at(D(2026, 2, 20)), by="DI Example")]
    if deployed is not None:
        history.append(AssetTransition(status="deployed", at=at(deployed), by="CATO"))
    return AssetRequest(id=ident, kind="forensic", operation_id="op-1", requested_by="DI Example",
                        objectives=("examine the fictional vehicle",), deadline=at(deadline, 18), status=status,
                        history=tuple(history))


def test_asset_requests_on_time(store: Any) -> None:
    """Due in March: R1 deployed before its deadline, R2 after it, R3 never; R4 declined (left out),
    R5 due in April (left out): one of three on time."""
    add(store, "asset_requests",
        _request("R1", D(2026, 3, 10), D(2026, 3, 9)),
        _request("R2", D(2026, 3, 12), D(2026, 3, 13)),
        _request("R3", D(2026, 3, 20), None, status="approved"),
        _request("R4", D(2026, 3, 21), None, status="declined"),
        _request("R5", D(2026, 4, 2), None, status="approved"))
    assert round(_figure(store, "asset-requests-on-time") or 0, 2) == 33.33


def test_overtime_within_authorisation(store: Any) -> None:
    """Two operations are bid for and authorised; one was authorised less than its forecast, so one
    of the two stays within its authorisation (50 %); with no signed authorisation there is no figure."""
    mon = D(2026, 3, 2)
    start = dt.datetime(2026, 3, 3, 5, tzinfo=LONDON)
    with store.unit_of_work(user=USER) as uow:
        uow.staff.add(Staff(id="s1", forenames="Ada", surname="Example", rank="DC"))
        for op in ("op-1", "op-2"):
            uow.deployments.add(Deployment(
                id=f"dep-{op}", operation_id=op, team_id="SV-A", start=start,
                end=dt.datetime(2026, 3, 3, 16, tzinfo=LONDON), staff_ids=("s1",),
                provenance=Provenance(source="test", received_at=start - dt.timedelta(days=30))))
        stored = forecast_stored(uow, mon, mon + dt.timedelta(days=6))
        bid = submit_bid(uow, stored, "bid-1", mon, mon + dt.timedelta(days=6))
        uow.commit()
    assert _figure(store, "overtime-within-authorisation") is None
    full = {line.operation_id: line.amount for line in bid.lines}
    with store.unit_of_work(user=USER) as uow:
        record_authorisation(uow, "bid-1", "auth-1", "Supt A Example", at(D(2026, 2, 20)),
                             {"op-1": full["op-1"], "op-2": full["op-2"] - Decimal("10.00")})
        uow.commit()
    assert _figure(store, "overtime-within-authorisation") == 50.0
