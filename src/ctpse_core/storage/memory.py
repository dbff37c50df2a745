"""``memory://``: an in-process store for tests and quick scripts (gone when the process ends)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from ctpse_core.domain.common import Record, utcnow
from ctpse_core.errors import ConflictError
from ctpse_core.security.audit import seal
from ctpse_core.security.principal import Principal
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

    def __init__(self, store: MemoryStore, principal: Principal) -> None:
        super().__init__(principal)
        self.store = store

    def _apply(self, changes: list[Change], events: list[AuditEvent]) -> None:
        with self.store.lock:
            data = self.store.data
            for change in changes:  # check everything first: all or nothing
                stored = data.get(change.collection, {}).get(change.record_id)
                if (stored.version if stored is not None else None) != change.base:
                    raise changed_elsewhere(change)
            audit = self.store.audit
            last = audit[-1] if audit else None
            sealed = seal(events, (last.seq or 0) if last else 0, last.hash if last else None, utcnow())
            for change in changes:
                collection = data.setdefault(change.collection, {})
                if change.record is None:
                    collection.pop(change.record_id, None)
                else:
                    collection[change.record_id] = change.record
            audit.extend(sealed)


class MemoryStore(Store):
    """Records in a dict, guarded by a lock; the audit log in a list."""

    def __init__(self, url: str = "memory://") -> None:
        self.url = url
        self.data: dict[str, dict[str, Record]] = {}
        self.audit: list[AuditEvent] = []
        self.lock = threading.Lock()

    def open_unit(self, principal: Principal) -> UnitOfWork:
        return _MemoryUnitOfWork(self, principal)

    def audit_events(self) -> list[AuditEvent]:
        with self.lock:
            return list(self.audit)

    def restore_audit(self, entries: list[AuditEvent]) -> None:
        with self.lock:
            if self.audit:
                raise ConflictError(
                    f"the audit log of {self.url} already has {len(self.audit)} entries; "
                    "an archived log can only be restored into an empty one"
                )
            self.audit.extend(entries)
