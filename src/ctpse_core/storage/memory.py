"""``memory://``: an in-process store for tests and quick scripts (gone when the process ends)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from ctpse_core.domain.common import Record
from ctpse_core.storage.base import AuditEvent, Store, UnitOfWork
from ctpse_core.storage.buffered import (
    BufferedRepository,
    BufferedUnitOfWork,
    Change,
    changed_elsewhere,
)

__all__ = ["MemoryStore"]


class _MemoryRepository(BufferedRepository):
    def _committed(self) -> dict[str, Record]:
        assert isinstance(self._uow, _MemoryUnitOfWork)
        return self._uow.store.data.get(self.collection, {})

    def _load(self, record_id: str) -> Record | None:
        return self._committed().get(record_id)

    def _load_many(self, record_ids: list[str]) -> dict[str, Record]:
        committed = self._committed()
        return {i: committed[i] for i in record_ids if i in committed}

    def _stored(self) -> Iterator[Record]:
        committed = self._committed()
        for record_id in sorted(committed):
            found = committed.get(record_id)
            if found is not None:
                yield found

    def _count_stored(self) -> int:
        return len(self._committed())


class _MemoryUnitOfWork(BufferedUnitOfWork):
    repository_class = _MemoryRepository

    def __init__(self, store: MemoryStore, user: str | None) -> None:
        super().__init__(user)
        self.store = store

    def _apply(self, changes: list[Change], events: list[AuditEvent]) -> None:
        with self.store.lock:
            data = self.store.data
            for change in changes:  # check everything first: all or nothing
                stored = data.get(change.collection, {}).get(change.record_id)
                if (stored.version if stored is not None else None) != change.base:
                    raise changed_elsewhere(change)
            for change in changes:
                collection = data.setdefault(change.collection, {})
                if change.record is None:
                    collection.pop(change.record_id, None)
                else:
                    collection[change.record_id] = change.record
            self.store.audit.extend(events)


class MemoryStore(Store):
    """Records in a dict, guarded by a lock; the audit log in a list."""

    def __init__(self, url: str = "memory://") -> None:
        self.url = url
        self.data: dict[str, dict[str, Record]] = {}
        self.audit: list[AuditEvent] = []
        self.lock = threading.Lock()

    def unit_of_work(self, user: str | None = None) -> UnitOfWork:
        return _MemoryUnitOfWork(self, user)

    def audit_events(self) -> list[AuditEvent]:
        with self.lock:
            return list(self.audit)
