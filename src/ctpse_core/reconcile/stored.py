"""Stored lists: nominals in the store, split by the feed they came from."""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from typing import Any

from ctpse_core.domain.nominal import Nominal
from ctpse_core.errors import NotFoundError
from ctpse_core.reconcile.config import ReconcileConfig
from ctpse_core.reconcile.result import ReconciliationResult
from ctpse_core.reconcile.review import ReviewDecision
from ctpse_core.reconcile.table import NominalTable, table_from_nominals
from ctpse_core.storage.base import UnitOfWork

__all__ = ["reconcile_stored", "stored_lists", "stored_tables"]


def stored_lists(uow: UnitOfWork, left_source: str = "regional",
                 right_source: str = "national") -> tuple[list[Nominal], list[Nominal]]:
    """The stored nominals whose provenance source is each feed name, in stored order (either may be empty)."""
    left: list[Nominal] = []
    right: list[Nominal] = []
    for record in uow.repository("nominals").list():
        source = record.provenance.source if record.provenance is not None else ""
        if source == left_source:
            left.append(record)
        elif source == right_source:
            right.append(record)
    return left, right


def stored_tables(
    uow: UnitOfWork, left_source: str = "regional", right_source: str = "national"
) -> tuple[NominalTable, NominalTable]:
    """The stored nominals whose provenance source is each feed name."""
    left, right = stored_lists(uow, left_source, right_source)
    for name, items in ((left_source, left), (right_source, right)):
        if not items:
            raise NotFoundError(f"no stored nominals from {name!r}; import the list first")
    return table_from_nominals(left, left_source), table_from_nominals(right, right_source)


def reconcile_stored(left: Sequence[Nominal], left_source: str, right: Sequence[Nominal], right_source: str,
                     config: ReconcileConfig | None = None, decisions: Sequence[ReviewDecision] = (),
                     memo: MutableMapping[str, Any] | None = None) -> ReconciliationResult:
    """Two lists of stored nominals reconciled (the review ``decisions`` honoured). With ``memo``
    (one dict for one piece of work over one unit of work, such as a KPI computation) the same
    lists, at the same record versions, with the same decisions and the default settings, are
    reconciled once: the data-quality check and the open-findings count reconcile the regional
    list against the national one alike. Given ``config``, the lists are always reconciled afresh."""
    from ctpse_core.reconcile.engine import reconcile

    key = None
    if memo is not None and config is None:
        key = "reconcile:" + repr((left_source, right_source, [(n.id, n.version) for n in left],
                                   [(n.id, n.version) for n in right], [(d.id, d.version) for d in decisions]))
        if key in memo:
            return memo[key]  # type: ignore[no-any-return]
    result = reconcile(table_from_nominals(list(left), left_source), table_from_nominals(list(right), right_source),
                       config, decisions=decisions)
    if key is not None and memo is not None:
        memo[key] = result
    return result
