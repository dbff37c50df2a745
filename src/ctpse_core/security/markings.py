"""Markings never go down by accident: the one way to lower a stored record's marking.

A re-import with a lower feed marking keeps the stored, higher marking (the feeds importer
says so in its summary). Lowering it takes :func:`downgrade`: a user allowed to (the
``downgrade`` action: coordinators, administrators), a reason, and an audit entry naming the
old and new marking.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from ctpse_core.domain.marking import Marking
from ctpse_core.errors import InputError, Problem

if TYPE_CHECKING:
    from ctpse_core.storage.base import UnitOfWork

__all__ = ["downgrade"]


def downgrade(uow: UnitOfWork, collection: str, record_id: str, marking: Marking, reason: str) -> Any:
    """Lower the marking of ``collection`` record ``record_id`` to ``marking`` for ``reason``
    (audited as an alteration). Refused: an empty reason, a marking that is not lower (use an
    ordinary update to raise one), a principal not allowed to downgrade or not cleared for
    the record."""
    why = reason.strip()
    if not why:
        raise InputError([Problem("--reason", "a downgrade needs a reason (who agreed to it, and why)")])
    repo = uow.repository(collection)
    record = repo.get(record_id)
    uow.authorize("downgrade", record, purpose="marking downgrade")
    old: Marking = record.marking
    if marking.dominates(old):
        raise InputError([Problem("MARKING", f"{marking} is not lower than {old}, the record's marking; "
                                             "nothing was changed", where=f"{collection} {record_id}")])
    stored = repo.update(attrs.evolve(record, marking=marking))
    uow.record_event("alteration", collection, record_id, f"marking downgraded from {old} to {marking}: {why}",
                     purpose="marking downgrade")
    return stored
