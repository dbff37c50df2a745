"""The performance products: the regional dashboard and the national performance return.

Both are structured, marked objects; the report formats lay them out. The dashboard carries
one trend chart per KPI (matplotlib SVG, region scope), inline in HTML.
"""

from __future__ import annotations

import base64
from typing import Any

from ctpse_core.domain.marking import Marking
from ctpse_core.performance.charts import trend_chart
from ctpse_core.performance.compute import KpiBoard

__all__ = ["NATIONAL_RETURN_COLUMNS", "KpiDashboard", "NationalReturn"]

#: The fixed column layout of the national performance return (one row per KPI and scope).
NATIONAL_RETURN_COLUMNS = (
    "region", "period_kind", "period_start", "period_end", "kpi_code", "kpi", "scope",
    "numerator", "denominator", "value", "unit", "target", "rag", "trend",
)


class KpiDashboard:
    """Every KPI with its figure, RAG, trend and a chart of the periods computed."""

    kind = "kpi-dashboard"

    def __init__(self, board: KpiBoard, title: str = "Performance dashboard", charts: bool = True) -> None:
        self.board = board
        self.title = title
        self.marking: Marking = board.marking
        self._charts = charts
        self._drawn: dict[str, str] | None = None

    def charts(self) -> dict[str, str]:
        """KPI name -> SVG text of its region trend (or its only scope's); drawn once, whatever
        the number of formats the dashboard is rendered in."""
        if self._drawn is None:
            self._drawn = self._draw()
        return dict(self._drawn)

    def _draw(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if not self._charts:
            return out
        for line in self.board.lines:
            if line.kpi.name in out or (line.scope != "region" and any(
                    other.kpi.name == line.kpi.name and other.scope == "region" for other in self.board.lines)):
                continue
            svg = trend_chart(line.kpi.title, [p.label for p in line.periods], line.values, line.kpi.target,
                              line.unit)
            out[line.kpi.name] = svg.decode("utf-8")
        return out

    def chart_png(self, kpi: str) -> bytes:
        line = next(line for line in self.board.lines if line.kpi.name == kpi)
        return trend_chart(line.kpi.title, [p.label for p in line.periods], line.values, line.kpi.target,
                           line.unit, fmt="png")

    def data(self) -> dict[str, Any]:
        lines = [line.as_row() for line in self.board.lines]
        colours = ("green", "amber", "red", "grey")
        counts = {colour: sum(1 for line in lines if line["rag"] == colour) for colour in colours}
        return {
            "as_of": self.board.as_of.isoformat(),
            "summary": counts,
            "kpis": lines,
            "charts": {name: "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
                       for name, svg in self.charts().items()},
        }

    def rows(self) -> list[dict[str, Any]]:
        return [{k: v for k, v in line.as_row().items() if k != "history"} for line in self.board.lines]


class NationalReturn:
    """The figures the national nominal-management analyst collects, in a fixed column layout."""

    kind = "national-performance-return"

    def __init__(self, board: KpiBoard, region: str = "CTP SE") -> None:
        self.board = board
        self.region = region
        self.title = f"National performance return: {region}"
        self.marking: Marking = board.marking

    def rows(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for line in self.board.lines:
            if not line.kpi.national_return:
                continue
            period = line.periods[-1]
            value = line.value
            out.append({
                "region": self.region,
                "period_kind": period.kind,
                "period_start": period.start.isoformat(),
                "period_end": period.end.isoformat(),
                "kpi_code": line.kpi.code,
                "kpi": line.kpi.name,
                "scope": line.scope,
                "numerator": _num(line.numerators[-1]),
                "denominator": _num(line.denominators[-1]),
                "value": "" if value is None else round(value, 2),
                "unit": line.unit,
                "target": line.kpi.target,
                "rag": line.rag,
                "trend": line.trend,
            })
        return out

    def data(self) -> dict[str, Any]:
        return {"as_of": self.board.as_of.isoformat(), "region": self.region,
                "columns": list(NATIONAL_RETURN_COLUMNS), "rows": self.rows()}


def _num(value: float | None) -> Any:
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else value
