"""KPI metrics: named functions over a unit of work, registered through
``ctpse_register_kpi_metrics``. A KPI file names a metric; it never holds code.

A metric is given the unit of work, the period, the level (``manager``, ``force``, ``region``)
and the KPI's parameters, and returns one :class:`Figure` per scope (a manager, a force, or
``region``) with the evidence it counted, and the identities of every record it read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from ctpse_core.domain.common import Record
from ctpse_core.domain.marking import Marking, highest
from ctpse_core.performance.periods import Period
from ctpse_core.plugin import Registry, registry

__all__ = [
    "LEVELS",
    "Figure",
    "Metric",
    "MetricContext",
    "MetricResult",
    "Tally",
    "identity",
    "inputs_hash",
    "metrics",
]

LEVELS = ("manager", "force", "region", "national")


@attrs.frozen
class Figure:
    """One scope's figure. ``denominator`` ``None`` means a plain count; a ratio is shown as a
    percentage. ``evidence`` holds (record ID, contribution) pairs: what was counted, no personal values."""

    numerator: float
    denominator: float | None = None
    evidence: tuple[tuple[str, float], ...] = ()

    @property
    def value(self) -> float | None:
        if self.denominator is None:
            return self.numerator
        if self.denominator == 0:
            return None  # nothing to count: no figure, not 0 % and not 100 %
        return 100.0 * self.numerator / self.denominator


@attrs.frozen
class MetricResult:
    figures: dict[str, Figure]
    inputs: tuple[str, ...] = ()
    marking: Marking = attrs.field(factory=Marking)


@attrs.frozen
class MetricContext:
    """What a metric is given: the unit of work, the period, the level to break down by
    (``manager``, ``force``, ``region``), the KPI's parameters and the as-of date (a period
    that has not ended yet is counted up to ``until``). ``shared`` is one dict per computation
    (every KPI, every period, one unit of work, one as-of date) in which metrics keep what
    does not depend on the period, such as the engagement cases as of the as-of date."""

    uow: Any
    period: Period
    level: str
    params: Mapping[str, Any]
    as_of: dt.date
    shared: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    @property
    def until(self) -> dt.date:
        return min(self.period.end, self.as_of)

    def scopes(self, manager: str | None = None, force: str | None = None) -> list[str]:
        """The scopes an item counts for at this level: always ``region``, and its manager or force."""
        own = {"manager": manager, "force": force}.get(self.level)
        return ["region", own or "(none)"] if self.level in ("manager", "force") else ["region"]


Compute = Callable[[MetricContext], MetricResult]


@attrs.frozen
class Metric:
    """A registered metric: how to compute it, its unit (``%`` for ratios, ``count``), the
    levels it can be broken down by, and whether its figure depends on the period
    (``periodic=False``: a figure as of now, such as findings open today, which
    :func:`~ctpse_core.performance.compute.compute_kpis` computes once and shows for each period)."""

    compute: Compute
    unit: str = "%"
    description: str = ""
    levels: tuple[str, ...] = ("region",)
    periodic: bool = True


class Tally:
    """Builds a :class:`MetricResult`: ``count(scope, item_id, hit)`` for ratios, ``add`` for counts,
    ``read(records)`` for the inputs. Every item counts for its scope and for ``region``."""

    def __init__(self, ratio: bool = True) -> None:
        self.ratio = ratio
        self._num: dict[str, float] = {}
        self._den: dict[str, float] = {}
        self._evidence: dict[str, list[tuple[str, float]]] = {}
        self._inputs: list[str] = []
        self._markings: list[Marking] = []

    def read(self, records: Iterable[Record]) -> None:
        for record in records:
            self._inputs.append(identity(record))
            self._markings.append(record.marking)

    def count(self, scopes: Iterable[str], item: str, hit: float) -> None:
        """Count ``item`` once for each scope: ``hit`` 1 (met) or 0 (missed) for a ratio, 1 for a count."""
        for scope in dict.fromkeys(scopes):
            self._num[scope] = self._num.get(scope, 0.0) + hit
            self._den[scope] = self._den.get(scope, 0.0) + 1.0
            self._evidence.setdefault(scope, []).append((item, hit))

    def scope(self, scopes: Iterable[str]) -> None:
        """Make each scope appear (with nothing counted) so that an empty scope shows."""
        for scope in scopes:
            self._num.setdefault(scope, 0.0)
            self._den.setdefault(scope, 0.0)
            self._evidence.setdefault(scope, [])

    def result(self) -> MetricResult:
        figures = {
            scope: Figure(
                self._num[scope],
                self._den[scope] if self.ratio else None,
                tuple(sorted(self._evidence.get(scope, []))),
            )
            for scope in sorted(self._num)
        }
        return MetricResult(figures, tuple(sorted(self._inputs)), highest(self._markings))


def identity(record: Record) -> str:
    """``collection-type:id:version``: what a figure depended on, without the values."""
    return f"{type(record).__name__}:{record.id}:{record.version}"


def inputs_hash(inputs: Iterable[str]) -> str:
    """SHA-256 over the sorted input identities: the same hash means the same records at the same versions."""
    digest = hashlib.sha256()
    for item in sorted(inputs):
        digest.update(item.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def _check(name: str, item: Any) -> None:
    if not isinstance(item, Metric):
        raise TypeError("a KPI metric must be a ctpse_core.performance.Metric")
    unknown = set(item.levels) - set(LEVELS)
    if unknown:
        raise ValueError(f"unknown level(s) {sorted(unknown)} (use {', '.join(LEVELS)})")


def metrics() -> Registry[Metric]:
    """Every registered KPI metric, by name."""
    return registry("ctpse_register_kpi_metrics", "KPI metric", _check)
