"""Reconciliation of a regional nominal list against the national headcount.

``reconcile(left, right, config)`` links the two lists (strong identifiers first, then a
Fellegi-Sunter model whose weights are learned without labels), finds duplicates within
each list, and explains the result: matched pairs with their evidence, field
discrepancies, records on one side only, possible matches for review, the headcount
difference and a correction set in the national list's format. See docs/reconciliation.md.
"""

from ctpse_core.reconcile.config import BlockingRule, ReconcileConfig, Tolerances
from ctpse_core.reconcile.engine import reconcile
from ctpse_core.reconcile.result import ReconciliationResult
from ctpse_core.reconcile.review import ReviewDecision, record_decision, stored_decisions
from ctpse_core.reconcile.settings import load_config
from ctpse_core.reconcile.table import NominalTable, read_table, table_from_nominals

__all__ = [
    "BlockingRule",
    "NominalTable",
    "ReconcileConfig",
    "ReconciliationResult",
    "ReviewDecision",
    "Tolerances",
    "load_config",
    "read_table",
    "reconcile",
    "record_decision",
    "stored_decisions",
    "table_from_nominals",
]
