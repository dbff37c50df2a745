"""Computing the KPIs shares work across KPIs and periods (one caseload, one reconciliation of a
pair of lists, a figure as of now computed once): every figure, and every current period's
inputs, equal those of a brute-force run that computes each KPI and period afresh."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

import ctpse_core.reconcile.engine as engine
from ctpse_core.casework import REFERENCE_SOURCES
from ctpse_core.performance import MetricContext, compute_kpis, inputs_hash, load_kpis, metrics
from ctpse_core.performance.compute import snapshot_id
from ctpse_core.storage import open_store
from ctpse_core.synthetic.meetings import synthetic_meetings
from ctpse_core.testing.products import USER, fill_week

AS_OF = dt.date(2026, 3, 16)


@pytest.fixture(scope="module")
def store() -> Iterator[Any]:
    opened = fill_week(open_store("memory://"), nominals=120, deployments=10, staff=20, casework=60)
    meetings, actions = synthetic_meetings(AS_OF, seed=5)
    with opened.unit_of_work(user=USER) as uow:
        uow.repository("meetings").add_many(meetings)
        uow.repository("actions").add_many(actions)
        uow.commit()
    yield opened
    opened.close()


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the reconciliations made (the real engine runs each time)."""
    made = [0]
    real = engine.reconcile

    def counted(*args: Any, **kwargs: Any) -> Any:
        made[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "reconcile", counted)
    return made


def test_figures_equal_a_brute_force_recomputation(store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    made = _counting(monkeypatch)
    kpis = load_kpis()
    with store.unit_of_work(user=USER) as uow:
        board = compute_kpis(uow, kpis, AS_OF, history=4, save=False)
        shared_reconciliations = made[0]
        made[0] = 0
        checked = 0
        for kpi in kpis:
            lines = [line for line in board.lines if line.kpi.name == kpi.name]
            metric = metrics().get(kpi.metric)
            level = "region" if kpi.level == "national" else kpi.level
            fresh = [metric.compute(MetricContext(uow=uow, period=p, level=level, params=kpi.params, as_of=AS_OF))
                     for p in lines[0].periods]
            assert {line.scope for line in lines} == set(fresh[-1].figures) | {"region"}
            for line in lines:
                figures = [r.figures.get(line.scope) for r in fresh]
                assert line.values == tuple(f.value if f is not None else None for f in figures), (kpi.name, line.scope)
                assert line.numerators == tuple(f.numerator if f is not None else None for f in figures)
                assert line.denominators == tuple(f.denominator if f is not None else None for f in figures)
                digest = inputs_hash(fresh[-1].inputs)
                assert line.snapshot == snapshot_id(kpi.name, line.periods[-1], line.scope, digest)
                checked += 1
    assert checked >= len(kpis)
    assert any(line.value not in (None, 0.0) for line in board.lines)  # the data gives figures to compare
    # the brute force reconciles again for every period; the shared computation once per pair of
    # lists (data quality: each caseload source against each reference list, the open findings:
    # regional against national, one of those pairs)
    with store.unit_of_work(user=USER) as uow:
        sources = {n.provenance.source for n in uow.repository("nominals").list() if n.provenance is not None}
    pairs = {(s, r) for s in sources - REFERENCE_SOURCES for r in sources & REFERENCE_SOURCES}
    assert ("regional", "national") in pairs
    assert shared_reconciliations == len(pairs) < made[0]
