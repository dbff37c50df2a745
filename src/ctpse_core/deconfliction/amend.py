"""Storing a week's deployments again after amendments (``ctpse deconflict FILE --save``).

A deployment whose ID is new is added; one whose ID is stored is an *amendment*: it
replaces the stored record when anything changed (window, place, team, officers, ...)
and is left alone when nothing did. Optimistic concurrency: a deployment that carries the
``version`` it was read at must still be that version in the store; one without a version
(``0``, as in a hand-written file) amends whatever is stored when it is read. Either way a
change made by someone else between reading and committing makes the commit fail with
:class:`~ctpse_core.errors.ConflictError`, and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

import attrs

from ctpse_core.domain.common import Record
from ctpse_core.domain.marking import highest
from ctpse_core.domain.surveillance import Deployment
from ctpse_core.errors import ConflictError
from ctpse_core.storage.base import Repository, UnitOfWork

__all__ = ["Saved", "save_deployments", "save_records"]

R = TypeVar("R", bound=Record)


@attrs.frozen(kw_only=True)
class Saved:
    """What :func:`save_deployments` did, by deployment ID."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()

    def summary(self, what: str = "") -> str:
        head = f"saved{' ' + what if what else ''}"
        return f"{head}: {len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged"


def save_deployments(uow: UnitOfWork, deployments: Iterable[Deployment]) -> Saved:
    """Add the new deployments and update the amended ones in ``uow`` (not committed).

    An amendment never lowers the stored marking (the higher of the two is kept) and keeps
    the stored provenance. A stale ``version`` raises ``ConflictError`` naming the deployment.
    """
    return save_records(uow.deployments, deployments, "deployment")


def save_records(repository: Repository[R], records: Iterable[R], label: str) -> Saved:
    """:func:`save_deployments` for any collection (teams and operations of a requests file);
    ``label`` names one record in messages (``"team"``)."""
    wanted = list(records)
    stored = repository.find_many(r.id for r in wanted)
    added: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    for record in wanted:
        old = stored.get(record.id)
        if old is None:
            repository.add(record)
            added.append(record.id)
            continue
        amended = attrs.evolve(
            record,
            version=record.version or old.version,
            marking=highest([old.marking, record.marking]),
            provenance=record.provenance or old.provenance,
        )
        if attrs.evolve(amended, version=old.version) == old:
            unchanged.append(record.id)
            continue
        if amended.version != old.version:
            raise ConflictError(
                f"{label} {record.id!r} was changed by someone else since version {record.version} "
                f"(the store has version {old.version}): check that change, then give version "
                f"{old.version} (or no version) for it and save again"
            )
        repository.update(amended)
        updated.append(record.id)
    return Saved(added=tuple(added), updated=tuple(updated), unchanged=tuple(unchanged))
