"""KPI definitions as configuration (TOML): what to measure, against which target, how often.

A definition names a registered metric and its parameters; it never holds code. The package
ships ``kpis.toml`` (the built-in framework); a force gives its own file with ``--kpis FILE``
(``replace = true`` at the top drops the built-ins, otherwise its KPIs are added and a KPI
with a built-in's name replaces it).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from ctpse_core.convert import structure, unstructure
from ctpse_core.domain.common import non_empty
from ctpse_core.errors import InputError, Problem
from ctpse_core.performance.metrics import LEVELS, metrics
from ctpse_core.performance.periods import PERIOD_KINDS
from ctpse_core.tomlfile import read_toml

__all__ = ["KpiDefinition", "default_kpis", "load_kpis", "parse_kpis"]


def _one_of(options: tuple[str, ...]) -> Any:
    def _validate(_inst: Any, _attr: Any, value: str) -> None:
        if value not in options:
            raise ValueError(f"{value!r} is not one of {', '.join(options)}")

    return _validate


def _not_negative(_inst: Any, _attr: Any, value: float) -> None:
    if value < 0:
        raise ValueError(f"{value} must not be negative")


@attrs.frozen(kw_only=True)
class KpiDefinition:
    """One KPI: ``metric`` computed per ``period`` at ``level``, RAG against ``target`` with
    ``tolerance`` (``direction``: which way is better)."""

    name: str = attrs.field(validator=non_empty)
    title: str = attrs.field(validator=non_empty)
    metric: str = attrs.field(validator=non_empty)
    target: float
    tolerance: float = attrs.field(default=0.0, validator=_not_negative)
    direction: str = attrs.field(default="higher", validator=_one_of(("higher", "lower")))
    period: str = attrs.field(default="month", validator=_one_of(PERIOD_KINDS))
    level: str = attrs.field(default="region", validator=_one_of(LEVELS))
    description: str = ""
    code: str = ""
    national_return: bool = False
    params: dict[str, Any] = attrs.field(factory=dict)

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = unstructure(self)
        return data


def parse_kpis(data: Mapping[str, Any], source: str) -> list[KpiDefinition]:
    """Definitions from parsed TOML; every fault is reported at once, naming the file, the KPI and the field."""
    problems: list[Problem] = []
    known_keys = {"kpi", "replace"}
    for key in data:
        if key not in known_keys:
            problems.append(Problem(field=key, reason="unknown setting (use [[kpi]] tables)", where=source))
    items = data.get("kpi", [])
    if not isinstance(items, list):
        raise InputError([Problem(field="kpi", reason="must be a list of [[kpi]] tables", where=source)])
    registered = metrics()
    out: list[KpiDefinition] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        where = f"{source}: kpi[{index}]" + (f" ({item.get('name')})" if isinstance(item, dict) else "")
        try:
            kpi = structure(item, KpiDefinition, where=where)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if kpi.name in seen:
            problems.append(Problem(field="name", reason=f"{kpi.name!r} is defined twice", where=where))
        seen.add(kpi.name)
        if kpi.metric not in registered:
            known = ", ".join(registered.names())
            problems.append(Problem(field="metric", reason=f"unknown KPI metric {kpi.metric!r} (known: {known})",
                                    where=where))
            continue
        metric = registered.get(kpi.metric)
        level = "region" if kpi.level == "national" else kpi.level
        if level not in metric.levels and kpi.level not in metric.levels:
            problems.append(Problem(field="level", reason=f"metric {kpi.metric!r} cannot be broken down by "
                                    f"{kpi.level!r} (it offers {', '.join(metric.levels)})", where=where))
            continue
        out.append(kpi)
    if problems:
        raise InputError(problems, f"invalid KPI file {source}")
    return out


def default_kpis() -> list[KpiDefinition]:
    """The built-in performance framework shipped in the package."""
    text = resources.files("ctpse_core.performance").joinpath("kpis.toml").read_text(encoding="utf-8")
    return parse_kpis(tomllib.loads(text), "kpis.toml (built in)")


def load_kpis(path: str | Path | None = None) -> list[KpiDefinition]:
    """The built-in KPIs, with a force's file applied when given."""
    base = default_kpis()
    if path is None:
        return base
    data = read_toml(path)
    own = parse_kpis(data, str(path))
    if data.get("replace") is True:
        return own
    names = {k.name for k in own}
    return [k for k in base if k.name not in names] + own
