"""Repositories that buffer changes until commit: the shared half of every built-in backend.

A backend subclasses :class:`BufferedRepository` (how to read stored records) and
:class:`BufferedUnitOfWork` (how to apply a batch of :class:`Change` s in one transaction).
Reads see the unit's own pending changes; nothing reaches the store before ``commit``,
so an exception inside a unit of work leaves the store exactly as before.

Each change remembers the version it was based on. At commit the backend must apply a
change only if the stored record still has that version (``UPDATE ... WHERE version = ?``)
and refuse the whole commit with :class:`~ctpse_core.errors.ConflictError` otherwise:
two writers never silently lose an update.
"""

from __future__ import annotations

import abc
import heapq
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs

from ctpse_core.domain.common import Record, with_version
from ctpse_core.domain.marking import Classification
from ctpse_core.errors import ConflictError
from ctpse_core.security.principal import ALL_CAVEATS, Principal, clears
from ctpse_core.storage.base import AuditEvent, Repository, UnitOfWork
from ctpse_core.storage.schema import record_types

__all__ = ["BufferedRepository", "BufferedUnitOfWork", "Change", "change_action", "changed_elsewhere"]

_WRITES = frozenset({"collection", "alteration", "erasure"})


@attrs.define
class Change:
    """One pending change to one record.

    ``base`` is the stored version the change was made from (``None``: the record must not
    exist yet); ``record`` is the new record (``None``: erase it).
    """

    collection: str
    record_id: str
    base: int | None
    record: Record | None


def change_action(change: Change) -> str:
    """The access action a change needs: ``create``, ``update`` or ``delete``."""
    return "create" if change.base is None else "delete" if change.record is None else "update"


def changed_elsewhere(change: Change) -> ConflictError:
    """The conflict error for a change whose base version is no longer stored."""
    if change.base is None:
        return ConflictError(
            f"{change.collection} record {change.record_id!r} already exists "
            "(someone else added it first); reload and try again"
        )
    return ConflictError(
        f"{change.collection} record {change.record_id!r} was changed or removed by someone else "
        f"since you read version {change.base}; reload and try again"
    )


class BufferedRepository(Repository[Any]):
    """A repository over stored records plus the unit of work's pending changes."""

    def __init__(self, uow: BufferedUnitOfWork, collection: str, record_type: type[Record]) -> None:
        self.collection = collection
        self.record_type = record_type
        self._uow = uow
        self._pending: dict[str, Change] = uow.pending.setdefault(collection, {})

    # -- what a backend provides -------------------------------------------------------

    @abc.abstractmethod
    def _load(self, record_id: str) -> Record | None:
        """The committed record with this ID, or ``None``."""

    @abc.abstractmethod
    def _stored(self) -> Iterator[Record]:
        """Every committed record of the collection, in ID order."""

    def _load_many(self, record_ids: list[str]) -> dict[str, Record]:
        """The committed records among these (distinct) IDs, keyed by ID; absent IDs left out.

        Backends override this with one query per chunk of IDs."""
        found: dict[str, Record] = {}
        for record_id in record_ids:
            record = self._load(record_id)
            if record is not None:
                found[record_id] = record
        return found

    def _existing(self, record_ids: list[str]) -> set[str]:
        """Which of these IDs are committed (backends override with one query)."""
        return {i for i in record_ids if self._load(i) is not None}

    def _count_stored(self) -> int:
        return sum(1 for _ in self._stored())

    # -- the contract -----------------------------------------------------------------

    def _check_type(self, record: Record) -> None:
        if not isinstance(record, self.record_type):
            raise TypeError(
                f"{self.collection} holds {self.record_type.__name__}, not {type(record).__name__}"
            )

    def _exists_error(self, record_id: str) -> ConflictError:
        return ConflictError(f"{self.collection} record {record_id!r} already exists")

    def _cleared(self) -> Callable[[Record], bool] | None:
        """No read up, at the storage layer: a test that holds back (and counts in
        ``uow.withheld``) every record above the principal's clearance or outside its caveats;
        ``None`` when the principal is cleared for everything."""
        clearance = self._uow.principal.clearance
        if clearance.classification == Classification.TOP_SECRET and ALL_CAVEATS in clearance.caveats:
            return None
        uow = self._uow

        def ok(record: Record) -> bool:
            if clears(clearance, record.marking):
                return True
            uow._withheld = uow.withheld + 1
            return False

        return ok

    def find(self, record_id: str) -> Record | None:
        change = self._pending.get(record_id)
        found = self._load(record_id) if change is None else change.record
        ok = self._cleared()
        return found if found is None or ok is None or ok(found) else None

    def find_many(self, record_ids: Iterable[str]) -> dict[str, Record]:
        if isinstance(record_ids, str):
            raise TypeError("find_many takes a collection of IDs, not one ID string; use find()")
        wanted = list(dict.fromkeys(record_ids))
        pending = self._pending
        stored = self._load_many([i for i in wanted if i not in pending])
        found: dict[str, Record] = {}
        for record_id in wanted:
            change = pending.get(record_id)
            record = stored.get(record_id) if change is None else change.record
            if record is not None:
                found[record_id] = record
        ok = self._cleared()
        return found if ok is None else {i: r for i, r in found.items() if ok(r)}

    def _put_new(self, record: Record) -> None:
        change = self._pending.get(record.id)
        if change is not None:
            change.record = record  # re-adding a record removed in this unit of work
        else:
            self._pending[record.id] = Change(self.collection, record.id, None, record)

    def add(self, record: Record) -> Record:
        self._check_type(record)
        self._uow.require("create", self.collection)
        if self.find(record.id) is not None:
            raise self._exists_error(record.id)
        stored = with_version(record, 1)
        self._put_new(stored)
        return stored

    def _add_batch(self, records: Iterable[Record], keep_version: bool) -> int:
        batch: list[Record] = []
        count = 0

        def flush() -> None:
            fresh = [r.id for r in batch if r.id not in self._pending]
            taken = self._existing(fresh) if fresh else set()
            for record in batch:
                if record.id in taken or (
                    record.id in self._pending and self._pending[record.id].record is not None
                ):
                    raise self._exists_error(record.id)
                self._put_new(record if keep_version else with_version(record, 1))
            batch.clear()

        self._uow.require("create", self.collection)
        for record in records:
            self._check_type(record)
            batch.append(record)
            count += 1
            if len(batch) >= 500:
                flush()
        flush()
        return count

    def add_many(self, records: Iterable[Record]) -> int:
        return self._add_batch(records, keep_version=False)

    def restore(self, records: Iterable[Record]) -> int:
        return self._add_batch(records, keep_version=True)

    def update(self, record: Record) -> Record:
        self._check_type(record)
        self._uow.require("update", self.collection)
        current = self.get(record.id)
        if current.version != record.version:
            raise ConflictError(
                f"{self.collection} record {record.id!r} was changed by someone else "
                f"(you read version {record.version}, it is now {current.version}); "
                "reload and try again"
            )
        stored = with_version(record, record.version + 1)
        change = self._pending.get(record.id)
        if change is not None:
            change.record = stored
        else:
            self._pending[record.id] = Change(self.collection, record.id, current.version, stored)
        return stored

    def remove(self, record_id: str, version: int | None = None) -> None:
        self._uow.require("delete", self.collection)
        current = self.get(record_id)
        if version is not None and current.version != version:
            raise ConflictError(
                f"{self.collection} record {record_id!r} was changed by someone else "
                f"(you read version {version}, it is now {current.version}); reload and try again"
            )
        change = self._pending.get(record_id)
        if change is None:
            self._pending[record_id] = Change(self.collection, record_id, current.version, None)
        elif change.base is None:
            del self._pending[record_id]  # added and removed in this unit of work
        else:
            change.record = None

    def list(self) -> Iterator[Record]:
        ok = self._cleared()
        records = self._listed()
        yield from (records if ok is None else (r for r in records if ok(r)))

    def _listed(self) -> Iterator[Record]:
        if not self._pending:
            yield from self._stored()
            return
        pending = sorted(self._pending.items())
        stored = ((r.id, r) for r in self._stored() if r.id not in self._pending)
        for _, record in heapq.merge(
            stored, ((i, c.record) for i, c in pending), key=lambda item: item[0]
        ):
            if record is not None:
                yield record

    def count(self) -> int:
        if not self._pending and self._cleared() is None:
            return self._count_stored()
        return sum(1 for _ in self.list())


class BufferedUnitOfWork(UnitOfWork):
    """A unit of work that keeps changes in memory and applies them all at commit."""

    repository_class: type[BufferedRepository]

    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self.pending: dict[str, dict[str, Change]] = {}
        self.events: list[AuditEvent] = []
        self._repositories: dict[str, BufferedRepository] = {}

    def repository(self, collection: str) -> Repository[Any]:
        if collection not in self._repositories:
            self._repositories[collection] = self.repository_class(
                self, collection, record_types().get(collection)
            )
        return self._repositories[collection]

    def changes(self) -> list[Change]:
        """Every pending change, by collection then ID."""
        return [
            change
            for collection in sorted(self.pending)
            for _, change in sorted(self.pending[collection].items())
        ]

    @abc.abstractmethod
    def _apply(self, changes: list[Change], events: list[AuditEvent]) -> None:
        """Apply every change and write the events in one transaction, or none of it.

        The events are appended to the hash-chained log with
        :func:`ctpse_core.security.audit.seal` after reading the log's head *under the same
        write lock* as the changes, so two writers never chain onto the same head."""

    def unaudited(self, changes: list[Change]) -> list[AuditEvent]:
        """Events for the changes no recorded event covers: a service cannot write without a
        log entry. An event covers a change when it names the same collection and record, or
        names the collection with no record (a batch) as a collection, alteration or erasure."""
        named = {(e.collection, e.record_id) for e in self.events if e.record_id is not None}
        batches = {e.collection for e in self.events if e.record_id is None and e.operation in _WRITES}
        extra: list[AuditEvent] = []
        for change in changes:
            if (change.collection, change.record_id) in named or change.collection in batches:
                continue
            operation = {"create": "collection", "update": "alteration", "delete": "erasure"}[change_action(change)]
            extra.append(AuditEvent(action=operation, operation=operation, collection=change.collection,
                                    record_id=change.record_id, user=self.principal.id,
                                    detail="logged by the unit of work"))
        return extra

    def commit(self) -> None:
        changes = self.changes()
        for change in changes:  # the repositories asked already; this makes sure nothing skips it
            self.require(change_action(change), change.collection)
        if changes or self.events:
            self._apply(changes, [*self.events, *self.unaudited(changes)])
        self.rollback()

    def rollback(self) -> None:
        for changes in self.pending.values():
            changes.clear()
        self.events = []
