"""The casework KPIs say exactly what the casework services say: engagement compliance and
contacts overdue per nominal under the tracker's rules, correspondence on time, civil-order
deadlines met and data quality, on the synthetic region whose answers the services are tested on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kpi_kit import USER

from ctpse_core.casework import Period
from ctpse_core.performance import MetricContext, metrics, period_of
from ctpse_core.storage import open_store
from ctpse_core.synthetic.casework import AS_OF, FEED_FILES, write_casework
from ctpse_core.testing.security import seed_users

MONTHS = [period_of("month", AS_OF - dt.timedelta(days=31 * k)) for k in range(3)]


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from ctpse_core.feeds.importer import import_feed

    folder: Path = tmp_path_factory.mktemp("casework")
    write_casework(folder, count=120, seed=11, as_of=AS_OF)
    store = seed_users(open_store("memory://"), "kpi-tester")
    for feed, name in FEED_FILES:
        import_feed(store, feed, folder / name, user=USER, rejects=False)
    yield store
    store.close()


def _metric(store: Any, name: str, period: Any, level: str = "region") -> dict[str, Any]:
    with store.unit_of_work(user=USER) as uow:
        ctx = MetricContext(uow=uow, period=period, level=level, params={}, as_of=AS_OF)
        return metrics().get(name).compute(ctx).figures


@pytest.mark.parametrize("month", MONTHS, ids=lambda p: p.label)
def test_engagement_compliance_agrees_with_the_tracker(region: Any, month: Any) -> None:
    """Per manager and for the region, the KPI's compliant/required counts are the tracker's."""
    from ctpse_core.engagement.service import engagement_compliance

    figures = _metric(region, "engagement-compliance", month, "manager")
    with region.unit_of_work(user=USER) as uow:
        tracker = engagement_compliance(uow, AS_OF, Period(month.start, month.end), "manager")
    assert figures["region"].denominator == tracker.denominator > 0
    assert figures["region"].numerator == tracker.numerator
    ours = {k: (f.numerator, f.denominator) for k, f in figures.items() if k != "region"}
    assert ours == {k: (float(a), float(b)) for k, (a, b) in tracker.groups.items()}
    assert len(figures["region"].evidence) == tracker.denominator  # one item per required nominal


def test_contacts_overdue_agrees_with_the_tracker(region: Any) -> None:
    """Nominals overdue a contact on the as-of day: the tracker's count."""
    from ctpse_core.engagement.service import contacts_overdue

    month = period_of("month", AS_OF)
    figures = _metric(region, "contacts-overdue", month)
    with region.unit_of_work(user=USER) as uow:
        tracker = contacts_overdue(uow, AS_OF)
    assert figures["region"].value == tracker.numerator > 0


@pytest.mark.parametrize(("metric", "module", "function"), [
    ("correspondence-on-time", "ctpse_core.correspondence.service", "correspondence_on_time"),
    ("order-deadlines-met", "ctpse_core.orders.service", "order_deadlines_met"),
    ("data-quality", "ctpse_core.quality.service", "data_quality"),
])
def test_casework_figures_are_the_services_own(region: Any, metric: str, module: str, function: str) -> None:
    """The KPI's numerator and denominator are the service's KPI function's, month by month over
    the year before the as-of date (and something was counted in at least one month)."""
    import importlib

    service = getattr(importlib.import_module(module), function)
    counted = 0
    for k in range(12):
        month = period_of("month", AS_OF - dt.timedelta(days=30 * k))
        figure = _metric(region, metric, month)["region"]
        with region.unit_of_work(user=USER) as uow:
            expected = service(uow, AS_OF, Period(month.start, month.end))
        assert (figure.numerator, figure.denominator) == (expected.numerator, expected.denominator), month.label
        counted += expected.denominator
    assert counted > 0


def test_one_computation_shares_what_does_not_depend_on_the_period(region: Any) -> None:
    """Computing every built-in KPI over six months reads the caseload once (three audited
    consultations, not three per KPI and month) and gives, line for line, the figures each
    metric gives when run alone for that KPI and month."""
    from ctpse_core.performance import compute_kpis, load_kpis

    kpis = load_kpis()
    with region.unit_of_work(user=USER) as uow:
        board = compute_kpis(uow, kpis, AS_OF, history=6, save=False)
        shared_reads = [e for e in uow.events if e.operation == "consultation" and (e.detail or "").startswith("KPIs:")]
        assert sorted(e.collection for e in shared_reads) == ["contact_plans", "contacts", "nominals"]
        for line in board.lines:
            level = "region" if line.kpi.level == "national" else line.kpi.level
            for period, value in zip(line.periods, line.values, strict=True):
                ctx = MetricContext(uow=uow, period=period, level=level, params=line.kpi.params, as_of=AS_OF)
                alone = metrics().get(line.kpi.metric).compute(ctx).figures.get(line.scope)
                assert value == (alone.value if alone is not None else None), (line.kpi.name, line.scope, period)
