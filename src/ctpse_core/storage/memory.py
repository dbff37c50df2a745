"""``memory://``: an in-process store for tests and quick scripts."""

from __future__ import annotations

import threading
import typing
from collections.abc import Iterator
from typing import Any

import attrs

from ctpse_core.domain.common import Record
from ctpse_core.errors import ConflictError
from ctpse_core.storage.base import AuditEvent, Repository, Store, UnitOfWork
from ctpse_core.storage.schema import record_types

__all__ = ["MemoryStore"]

_GONE = object()


class _MemoryRepository(Repository[Any]):
    def __init__(self, uow: _MemoryUnitOfWork, collection: str, record_type: type[Record]) -> None:
        self.collection = collection
        self.record_type = record_type
        self._committed: dict[str, Record] = uow.store.data.setdefault(collection, {})
        self._pending: dict[str, Any] = uow.pending.setdefault(collection, {})

    def find(self, record_id: str) -> Record | None:
        if record_id in self._pending:
            pending = self._pending[record_id]
            return None if pending is _GONE else typing.cast(Record, pending)
        return self._committed.get(record_id)

    def add(self, record: Record) -> Record:
        if not isinstance(record, self.record_type):
            raise TypeError(f"{self.collection} holds {self.record_type.__name__}, not {type(record).__name__}")
        if self.find(record.id) is not None:
            raise ConflictError(f"{self.collection} record {record.id!r} already exists")
        stored: Record = attrs.evolve(record, version=1)
        self._pending[record.id] = stored
        return stored

    def update(self, record: Record) -> Record:
        current = self.get(record.id)
        if current.version != record.version:
            raise ConflictError(
                f"{self.collection} record {record.id!r} was changed by someone else "
                f"(you read version {record.version}, it is now {current.version}); reload and try again"
            )
        stored: Record = attrs.evolve(record, version=record.version + 1)
        self._pending[record.id] = stored
        return stored

    def remove(self, record_id: str, version: int | None = None) -> None:
        current = self.get(record_id)
        if version is not None and current.version != version:
            raise ConflictError(f"{self.collection} record {record_id!r} was changed by someone else")
        self._pending[record_id] = _GONE

    def list(self) -> Iterator[Record]:
        ids = set(self._committed) | set(self._pending)
        for record_id in sorted(ids):
            found = self.find(record_id)
            if found is not None:
                yield found


class _MemoryUnitOfWork(UnitOfWork):
    def __init__(self, store: MemoryStore, user: str | None) -> None:
        self.store = store
        self.user = user
        self.pending: dict[str, dict[str, Any]] = {}

    def repository(self, collection: str) -> Repository[Any]:
        return _MemoryRepository(self, collection, record_types().get(collection))

    def commit(self) -> None:
        with self.store.lock:
            for collection, changes in self.pending.items():
                committed = self.store.data.setdefault(collection, {})
                for record_id, record in changes.items():
                    stored = committed.get(record_id)
                    if record is _GONE:
                        committed.pop(record_id, None)
                        continue
                    expected = record.version - 1
                    if (stored.version if stored else 0) != expected:
                        raise ConflictError(f"{collection} record {record_id!r} was changed by someone else")
                    committed[record_id] = record
            self.store.audit.extend(self.events)
        self.pending = {}
        self.events = []

    def rollback(self) -> None:
        self.pending = {}
        self.events = []


class MemoryStore(Store):
    def __init__(self, url: str = "memory://") -> None:
        self.url = url
        self.data: dict[str, dict[str, Record]] = {}
        self.audit: list[AuditEvent] = []
        self.lock = threading.Lock()

    def unit_of_work(self, user: str | None = None) -> UnitOfWork:
        return _MemoryUnitOfWork(self, user)
