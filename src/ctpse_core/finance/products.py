"""Finance products (marked, JSON-ready)."""

from __future__ import annotations

from collections.abc import Sequence

from ctpse_core.domain.marking import Marking
from ctpse_core.finance.bids import ReconLine, budget_position, worst
from ctpse_core.reports import SimpleProduct

__all__ = ["reconciliation_product"]


def reconciliation_product(bid_id: str, lines: Sequence[ReconLine], marking: Marking) -> SimpleProduct:
    rows = [line.as_dict() for line in lines]
    return SimpleProduct("bid-reconciliation", f"Reconciliation of funding bid {bid_id}", {
        "bid": bid_id,
        "status": worst(lines),
        "lines": rows,
        "discrepancies": [f"{x.operation_id}: {d}" for x in lines for d in x.discrepancies],
        "budget_position": budget_position(lines),
    }, marking, rows=rows)
