"""``jsondir:///path``: one JSON file per record, ``<collection>/<quoted id>.json``."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote

from ctpse_core import convert
from ctpse_core.domain import Record
from ctpse_core.domain.common import utcnow
from ctpse_core.errors import ConfigError, ConflictError
from ctpse_core.security import Principal
from ctpse_core.security.audit import seal
from ctpse_core.storage import AuditEvent, Store, UnitOfWork
from ctpse_core.storage.buffered import (
    BufferedRepository,
    BufferedUnitOfWork,
    Change,
    changed_elsewhere,
)


class _Repository(BufferedRepository):
    def _folder(self) -> Path:
        assert isinstance(self._uow, _UnitOfWork)
        return self._uow.store.root / self.collection

    def _read(self, path: Path) -> Record:
        data = json.loads(path.read_text(encoding="utf-8"))
        return convert.structure(data, self.record_type, where=str(path))

    def _load(self, record_id: str) -> Record | None:
        path = self._folder() / f"{quote(record_id, safe='')}.json"
        return self._read(path) if path.exists() else None

    def _stored(self) -> Iterator[Record]:
        folder = self._folder()
        if not folder.is_dir():
            return
        names = sorted((unquote(p.name[:-5]), p) for p in folder.glob("*.json"))
        for _, path in names:
            yield self._read(path)


class _UnitOfWork(BufferedUnitOfWork):
    repository_class = _Repository

    def __init__(self, store: JsonDirStore, principal: Principal) -> None:
        super().__init__(principal)
        self.store = store

    def _path(self, change: Change) -> Path:
        return self.store.root / change.collection / f"{quote(change.record_id, safe='')}.json"

    def _apply(self, changes: list[Change], events: list[AuditEvent]) -> None:
        with self.store.lock, self.store.file_lock():  # one writer chains onto the log at a time
            held = self.store.audit_events()
            head = held[-1] if held else None
            sealed = seal(events, (head.seq or 0) if head else 0, head.hash if head else None, utcnow())
            for change in changes:  # check every version first: all or nothing
                path = self._path(change)
                version = json.loads(path.read_text())["version"] if path.exists() else None
                if version != change.base:
                    raise changed_elsewhere(change)
            for change in changes:
                path = self._path(change)
                if change.record is None:
                    path.unlink()
                    continue
                path.parent.mkdir(exist_ok=True)
                tmp = path.with_suffix(".tmp")
                tmp.write_text(json.dumps(convert.unstructure(change.record)), encoding="utf-8")
                os.replace(tmp, path)
            self.store.append_audit(sealed)


class JsonDirStore(Store):
    """A folder of JSON files."""

    def __init__(self, url: str) -> None:
        self.url = url
        prefix = "jsondir:///"
        if not url.startswith(prefix) or len(url) == len(prefix):
            raise ConfigError(f"store URL {url!r} names no folder; use jsondir:///path/to/folder")
        self.root = Path(unquote(url[len(prefix):]))
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"store URL {url!r}: cannot create {str(self.root)!r} "
                              f"({exc.strerror}); choose a folder you can write to") from None
        self.lock = threading.Lock()

    @contextlib.contextmanager
    def file_lock(self) -> Iterator[None]:
        with open(self.root / ".lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def open_unit(self, principal: Principal) -> UnitOfWork:
        return _UnitOfWork(self, principal)

    def append_audit(self, entries: list[AuditEvent]) -> None:
        with open(self.root / "_audit.jsonl", "a", encoding="utf-8") as log:
            for entry in entries:
                log.write(json.dumps(entry.as_dict()) + "\n")

    def audit_events(self) -> list[AuditEvent]:
        path = self.root / "_audit.jsonl"
        if not path.exists():
            return []
        lines = path.read_text(encoding="utf-8").splitlines()
        return [AuditEvent.from_dict(json.loads(line)) for line in lines]

    def restore_audit(self, entries: list[AuditEvent]) -> None:
        with self.lock, self.file_lock():
            if self.audit_events():
                raise ConflictError(f"the audit log of {self.url} already has entries; restore into a new store")
            self.append_audit(entries)
