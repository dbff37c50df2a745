"""KPI snapshots: a figure once reported, with what it was computed from (NM performance framework)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from ctpse_core.domain.common import Record, aware, non_empty, utcnow

__all__ = ["KpiSnapshot"]


@attrs.frozen(kw_only=True)
class KpiSnapshot(Record):
    """One computed KPI figure for one period and scope, kept so that it can be reproduced and
    explained after the data has changed.

    ``definition`` is the KPI definition used (as plain data), ``evidence`` the per-item facts the
    metric counted (record IDs and their contribution, no personal values), ``inputs_hash`` the
    SHA-256 of the input records' identities and versions.
    """

    kpi: str = attrs.field(validator=non_empty)
    period_kind: str = attrs.field(validator=non_empty)
    period_start: dt.date
    period_end: dt.date
    scope: str = attrs.field(validator=non_empty)
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    rag: str = "grey"
    target: float = 0.0
    definition: dict[str, Any] = attrs.field(factory=dict)
    evidence: tuple[tuple[str, float], ...] = ()
    inputs_hash: str = ""
    computed_at: dt.datetime = attrs.field(factory=utcnow, validator=aware)
    computed_by: str | None = None
