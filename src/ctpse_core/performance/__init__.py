"""The performance management framework: KPIs as data, computed per period with RAG and trend,
kept as reproducible snapshots, shown in the regional dashboard and the national return.

Metrics are registered through ``ctpse_register_kpi_metrics``; KPI definitions are TOML.
"""

from ctpse_core.performance.compute import KpiBoard, KpiLine, compute_kpis, explain_snapshot, reproduce
from ctpse_core.performance.definition import KpiDefinition, default_kpis, load_kpis, parse_kpis
from ctpse_core.performance.metrics import (
    Figure,
    Metric,
    MetricContext,
    MetricResult,
    Tally,
    identity,
    inputs_hash,
    metrics,
)
from ctpse_core.performance.periods import Period, period_of, periods_back
from ctpse_core.performance.products import NATIONAL_RETURN_COLUMNS, KpiDashboard, NationalReturn
from ctpse_core.performance.rag import rag, trend

__all__ = [
    "NATIONAL_RETURN_COLUMNS",
    "Figure",
    "KpiBoard",
    "KpiDashboard",
    "KpiDefinition",
    "KpiLine",
    "Metric",
    "MetricContext",
    "MetricResult",
    "NationalReturn",
    "Period",
    "Tally",
    "compute_kpis",
    "default_kpis",
    "explain_snapshot",
    "identity",
    "inputs_hash",
    "load_kpis",
    "metrics",
    "parse_kpis",
    "period_of",
    "periods_back",
    "rag",
    "reproduce",
    "trend",
]
