"""Computing the KPIs: figures per period and scope, RAG, trend, and stored snapshots.

``compute_kpis(uow, kpis, as_of)`` computes every KPI for the period containing ``as_of``
and the ``history - 1`` periods before it, stores a :class:`KpiSnapshot` per figure of the
current period (once per distinct inputs: re-running on unchanged data stores nothing new),
audits what it consulted, and returns a :class:`KpiBoard` marked with the highest marking of
everything counted.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import attrs

from ctpse_core.domain.marking import Marking, highest
from ctpse_core.domain.performance import KpiSnapshot
from ctpse_core.errors import InputError, Problem
from ctpse_core.performance.definition import KpiDefinition
from ctpse_core.performance.metrics import Figure, MetricContext, MetricResult, inputs_hash, metrics
from ctpse_core.performance.periods import Period, periods_back
from ctpse_core.performance.rag import rag, trend

__all__ = ["KpiBoard", "KpiLine", "compute_kpis", "explain_snapshot", "reproduce", "snapshot_id"]

COLLECTION = "kpi_snapshots"


@attrs.frozen
class KpiLine:
    """One KPI at one scope: the figure for each period (oldest first), RAG and trend of the latest."""

    kpi: KpiDefinition
    unit: str
    scope: str
    periods: tuple[Period, ...]
    values: tuple[float | None, ...]
    numerators: tuple[float | None, ...]
    denominators: tuple[float | None, ...]
    rag: str
    trend: str
    snapshot: str

    @property
    def value(self) -> float | None:
        return self.values[-1]

    def as_row(self) -> dict[str, Any]:
        return {
            "kpi": self.kpi.name,
            "code": self.kpi.code,
            "title": self.kpi.title,
            "level": self.kpi.level,
            "scope": self.scope,
            "period": self.periods[-1].label,
            "value": _round(self.value),
            "unit": self.unit,
            "target": self.kpi.target,
            "tolerance": self.kpi.tolerance,
            "direction": self.kpi.direction,
            "rag": self.rag,
            "trend": self.trend,
            "history": [_round(v) for v in self.values],
            "snapshot": self.snapshot,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


@attrs.frozen
class KpiBoard:
    as_of: dt.date
    lines: tuple[KpiLine, ...]
    marking: Marking
    definitions: tuple[KpiDefinition, ...]

    def red(self) -> list[KpiLine]:
        return [line for line in self.lines if line.rag == "red"]

    def region_lines(self) -> list[KpiLine]:
        return [line for line in self.lines if line.scope == "region"]


def snapshot_id(kpi: str, period: Period, scope: str, digest: str) -> str:
    clean = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in scope)[:40]
    return f"kpi:{kpi}:{period.kind}:{period.start.isoformat()}:{clean}:{digest[:12]}"


def _run(uow: Any, kpi: KpiDefinition, period: Period, as_of: dt.date,
         shared: dict[str, Any] | None = None) -> MetricResult:
    """The KPI's metric over ``period``. With ``shared`` (one dict per computation, over one unit
    of work), a metric given the same level, parameters and period (any period, for a metric that
    is not periodic) is computed once: two KPIs over one metric, or six periods of a figure as of now."""
    metric = metrics().get(kpi.metric)
    level = "region" if kpi.level == "national" else kpi.level
    key = "result:" + json.dumps([kpi.metric, level, kpi.params, attrs.astuple(period) if metric.periodic else None],
                                 sort_keys=True, default=str)
    if shared is not None and key in shared:
        return shared[key]  # type: ignore[no-any-return]
    ctx = MetricContext(uow=uow, period=period, level=level, params=kpi.params, as_of=as_of,
                        shared={} if shared is None else shared)
    result = metric.compute(ctx)
    if shared is not None:
        shared[key] = result
    return result


def compute_kpis(
    uow: Any,
    kpis: Sequence[KpiDefinition],
    as_of: dt.date,
    *,
    history: int = 6,
    save: bool = True,
    user: str | None = None,
) -> KpiBoard:
    """Every KPI for the period containing ``as_of`` and ``history - 1`` periods before it."""
    lines: list[KpiLine] = []
    markings: list[Marking] = []
    consulted = 0
    shared: dict[str, Any] = {}
    for kpi in kpis:
        unit = metrics().get(kpi.metric).unit
        periods = periods_back(kpi.period, as_of, history)
        results = [_run(uow, kpi, period, as_of, shared) for period in periods]
        consulted += sum(len(r.inputs) for r in results)
        markings.extend(r.marking for r in results)
        current = results[-1]
        scopes = sorted(set(current.figures) | {"region"}, key=lambda s: (s != "region", s))
        digest = inputs_hash(current.inputs)
        for scope in scopes:
            figures = [r.figures.get(scope) for r in results]
            values = tuple(f.value if f is not None else None for f in figures)
            colour = rag(values[-1], kpi.target, kpi.tolerance, kpi.direction)
            figure = current.figures.get(scope) or Figure(0.0, None if unit == "count" else 0.0)
            snap_id = snapshot_id(kpi.name, periods[-1], scope, digest)
            if save:
                _save(uow, kpi, periods[-1], scope, figure, colour, digest, snap_id, current.marking, user)
            lines.append(KpiLine(
                kpi=kpi, unit=unit, scope=scope, periods=tuple(periods), values=values,
                numerators=tuple(f.numerator if f is not None else None for f in figures),
                denominators=tuple(f.denominator if f is not None else None for f in figures),
                rag=colour, trend=trend(values, kpi.direction), snapshot=snap_id,
            ))
    uow.record_event("consultation", "kpi_snapshots", None,
                     f"KPIs computed as of {as_of.isoformat()}: {len(kpis)} KPIs over {consulted} record reads")
    return KpiBoard(as_of=as_of, lines=tuple(lines), marking=highest(markings), definitions=tuple(kpis))


def _save(uow: Any, kpi: KpiDefinition, period: Period, scope: str, figure: Figure, colour: str, digest: str,
          snap_id: str, marking: Marking, user: str | None) -> None:
    repo = uow.repository(COLLECTION)
    if repo.find(snap_id) is not None:
        return  # the same figure from the same inputs is already on record
    repo.add(KpiSnapshot(
        id=snap_id, marking=marking, kpi=kpi.name, period_kind=period.kind, period_start=period.start,
        period_end=period.end, scope=scope, value=figure.value, numerator=figure.numerator,
        denominator=figure.denominator, rag=colour, target=kpi.target, definition=kpi.as_data(),
        evidence=figure.evidence, inputs_hash=digest, computed_by=user,
    ))


def reproduce(snapshot: KpiSnapshot) -> float | None:
    """The snapshot's figure recomputed from its own evidence (no store needed): the sum of the
    contributions over the number of items counted, or the sum alone for a count."""
    numerator = sum(hit for _item, hit in snapshot.evidence)
    if snapshot.denominator is None:
        return numerator
    if not snapshot.evidence:
        return None
    return 100.0 * numerator / len(snapshot.evidence)


def explain_snapshot(uow: Any, snapshot_ref: str, as_of: dt.date | None = None) -> dict[str, Any]:
    """What a reported figure was computed from, whether it reproduces from its evidence, and
    whether the data it used has changed since (the metric re-run on today's store)."""
    snapshot = uow.repository(COLLECTION).find(snapshot_ref)
    if snapshot is None:
        reason = f"no KPI snapshot {snapshot_ref!r} (see `ctpse kpi snapshots`)"
        raise InputError([Problem(field="SNAPSHOT_ID", reason=reason)])
    assert isinstance(snapshot, KpiSnapshot)
    kpi = KpiDefinition(**{k: v for k, v in snapshot.definition.items() if k in attrs.fields_dict(KpiDefinition)})
    period = Period(snapshot.period_kind, snapshot.period_start, snapshot.period_end)  # type: ignore[arg-type]
    now = _run(uow, kpi, period, as_of or snapshot.period_end)
    now_hash = inputs_hash(now.inputs)
    now_figure = now.figures.get(snapshot.scope)
    uow.record_event("consultation", COLLECTION, snapshot.id, "KPI snapshot explained")
    return {
        "snapshot": snapshot.id,
        "kpi": snapshot.kpi,
        "period": period.label,
        "scope": snapshot.scope,
        "value": snapshot.value,
        "reproduced": reproduce(snapshot),
        "numerator": snapshot.numerator,
        "denominator": snapshot.denominator,
        "rag": snapshot.rag,
        "definition": snapshot.definition,
        "inputs_hash": snapshot.inputs_hash,
        "computed_at": snapshot.computed_at.isoformat(),
        "computed_by": snapshot.computed_by,
        "evidence": [{"item": item, "counted": hit} for item, hit in snapshot.evidence],
        "data_changed_since": now_hash != snapshot.inputs_hash,
        "value_now": now_figure.value if now_figure is not None else None,
        "marking": str(snapshot.marking),
    }
