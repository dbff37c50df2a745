"""Stored lists: nominals in the store, split by the feed they came from."""

from __future__ import annotations

from ctpse_core.domain.nominal import Nominal
from ctpse_core.errors import NotFoundError
from ctpse_core.reconcile.table import NominalTable, table_from_nominals
from ctpse_core.storage.base import UnitOfWork

__all__ = ["stored_tables"]


def stored_tables(
    uow: UnitOfWork, left_source: str = "regional", right_source: str = "national"
) -> tuple[NominalTable, NominalTable]:
    """The stored nominals whose provenance source is each feed name."""
    left: list[Nominal] = []
    right: list[Nominal] = []
    for record in uow.repository("nominals").list():
        source = record.provenance.source if record.provenance is not None else ""
        if source == left_source:
            left.append(record)
        elif source == right_source:
            right.append(record)
    for name, items in ((left_source, left), (right_source, right)):
        if not items:
            raise NotFoundError(f"no stored nominals from {name!r}; import the list first")
    return table_from_nominals(left, left_source), table_from_nominals(right, right_source)
