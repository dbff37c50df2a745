"""``tinydb:///path/to/store.json``: a single-file document store.

* TinyDB with its :class:`~tinydb.middlewares.CachingMiddleware`: the file is read once and
  written once per commit (a unit of work is one batch write), never per record.
* Crash safe: a commit writes a temporary file, ``fsync`` s it and ``os.replace`` s the
  store with it, so a killed process leaves either the old file or the new one.
* Optimistic concurrency across processes: a commit holds an exclusive lock on
  ``<file>.lock``, reloads the file if another process replaced it, checks every change's
  version and refuses the whole commit with :class:`ConflictError` on a stale one.
* The schema version lives in the ``_ctpse_meta`` table; a newer one is refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import threading
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from tinydb import TinyDB
from tinydb.middlewares import CachingMiddleware
from tinydb.storages import Storage
from tinydb.table import Document, Table

from ctpse_core import convert
from ctpse_core.domain.common import Record, utcnow
from ctpse_core.errors import ConfigError, ConflictError
from ctpse_core.security.audit import seal
from ctpse_core.security.principal import Principal
from ctpse_core.storage.base import AuditEvent, SchemaStatus, Store, UnitOfWork
from ctpse_core.storage.buffered import (
    BufferedRepository,
    BufferedUnitOfWork,
    Change,
    changed_elsewhere,
)

__all__ = ["SCHEMA_VERSION", "TinyStore", "tinydb_path"]

#: The TinyDB schema this code writes. 1: one table per collection, documents keyed by
#: record ID holding ``convert.unstructure(record)``; ``_ctpse_audit`` and ``_ctpse_meta``.
#: 2: audit entries carry the s.62 fields and the hash chain (``AuditEvent.as_dict``).
SCHEMA_VERSION = 2
META = "_ctpse_meta"
AUDIT = "_ctpse_audit"


def _chain_audit(tables: dict[str, Any]) -> None:
    """1 -> 2: number the audit entries 1..n, name their operation and chain them."""
    from ctpse_core.security.audit import operation_of

    docs = tables.get(AUDIT) or {}
    ordered = [docs[k] for k in sorted(docs)]
    events = []
    for doc in ordered:
        try:
            operation = operation_of(doc["action"])
        except ValueError:
            operation = "alteration"
        events.append(AuditEvent.from_dict({**doc, "operation": operation, "seq": None, "hash": None}))
    sealed: list[AuditEvent] = []
    previous: str | None = None
    for number, (doc, event) in enumerate(zip(ordered, events, strict=True), start=1):
        at = dt.datetime.fromisoformat(doc["at"])
        entry = seal([event], number - 1, previous, at)[0]
        previous = entry.hash
        sealed.append(entry)
    tables[AUDIT] = {f"{e.seq:012d}": e.as_dict() for e in sealed}


#: Upgrades from version N to N + 1, applied to the raw tables dict.
UPGRADES: dict[int, Callable[[dict[str, Any]], None]] = {1: _chain_audit}


def _doc(value: dict[str, Any], doc_id: str) -> Document:
    """A TinyDB document keyed by a string ID (TinyDB's annotations only allow ints)."""
    return Document(value, doc_id=doc_id)  # type: ignore[arg-type]


class _Table(Table):
    """Documents keyed by the record ID (a string), not TinyDB's counter."""

    document_id_class = str  # type: ignore[assignment]


class _AtomicJSONStorage(Storage):
    """Whole-file JSON, replaced atomically (temporary file, fsync, rename)."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        if not raw.strip():
            return None
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise ConfigError(
                f"store file {str(self.path)!r} is not valid JSON ({exc}); "
                "restore it from a `ctpse db export` archive"
            ) from None
        if not isinstance(data, dict):
            raise ConfigError(f"store file {str(self.path)!r} is not a ctpse TinyDB store")
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def close(self) -> None:
        pass


class _Cache(CachingMiddleware):
    """The caching middleware that writes only when told to (at commit)."""

    WRITE_CACHE_SIZE = 1 << 62


def tinydb_path(url: str) -> Path:
    """The file of a ``tinydb:///path`` URL: ``tinydb:///rel.json`` is relative to the working
    folder, ``tinydb:////abs/path.json`` absolute (as SQLAlchemy's ``sqlite:///``)."""
    prefix = "tinydb:///"
    path = unquote(url[len(prefix):]) if url.startswith(prefix) else ""
    if not path:
        raise ConfigError(f"store URL {url!r} names no file; use tinydb:///path/to/store.json")
    return Path(path).expanduser()


class _TinyDB(TinyDB):
    table_class = _Table


class _TinyRepository(BufferedRepository):
    @property
    def _store(self) -> TinyStore:
        assert isinstance(self._uow, _TinyUnitOfWork)
        return self._uow.store

    def _structure(self, data: dict[str, Any]) -> Record:
        record: Record = convert.structure(data, self.record_type, where=self.collection)
        return record

    def _load(self, record_id: str) -> Record | None:
        with self._store.lock:
            self._store.refresh()
            found = self._store.db.table(self.collection).get(doc_id=record_id)
        return None if found is None else self._structure(dict(found))

    def _load_many(self, record_ids: list[str]) -> dict[str, Record]:
        # One lock and one freshness check for the whole batch; each lookup is a dict get.
        with self._store.lock:
            self._store.refresh()
            table = self._store.db.table(self.collection)
            docs = [(i, table.get(doc_id=i)) for i in record_ids]
        return {i: self._structure(dict(doc)) for i, doc in docs if doc is not None}

    def _existing(self, record_ids: list[str]) -> set[str]:
        with self._store.lock:
            self._store.refresh()
            table = self._store.db.table(self.collection)
            return {i for i in record_ids if table.contains(doc_id=i)}

    def _stored(self) -> Iterator[Record]:
        with self._store.lock:
            self._store.refresh()
            docs = sorted(self._store.db.table(self.collection), key=lambda d: str(d.doc_id))
        for doc in docs:
            yield self._structure(dict(doc))

    def _count_stored(self) -> int:
        with self._store.lock:
            self._store.refresh()
            return len(self._store.db.table(self.collection))


class _TinyUnitOfWork(BufferedUnitOfWork):
    repository_class = _TinyRepository

    def __init__(self, store: TinyStore, principal: Principal) -> None:
        super().__init__(principal)
        self.store = store

    def _apply(self, changes: list[Change], events: list[AuditEvent]) -> None:
        store = self.store
        with store.lock, store.file_lock():
            store.refresh()
            db = store.db
            for change in changes:  # check everything before touching the cache
                found = db.table(change.collection).get(doc_id=change.record_id)
                version = None if found is None else found.get("version")
                if version != change.base:
                    raise changed_elsewhere(change)
            try:
                self._write(changes, events)
                store.middleware.flush()
            except BaseException:
                store.middleware.cache = None  # forget the half-applied cache; reread the file
                raise
            store.seen = store.signature()

    def _write(self, changes: list[Change], events: list[AuditEvent]) -> None:
        db = self.store.db
        by_collection: dict[str, list[Change]] = {}
        for change in changes:
            by_collection.setdefault(change.collection, []).append(change)
        for collection, group in by_collection.items():
            table = db.table(collection)
            gone = [c.record_id for c in group if c.record is None]
            new = {
                c.record_id: convert.unstructure(c.record)
                for c in group
                if c.record is not None and c.base is not None
            }
            added = [
                _doc(convert.unstructure(c.record), doc_id=c.record_id)
                for c in group
                if c.record is not None and c.base is None
            ]
            if gone:
                table.remove(doc_ids=gone)
            if new:

                def replace(doc: MutableMapping[str, Any], new: dict[str, Any] = new) -> None:
                    value = new[doc["id"]]
                    doc.clear()
                    doc.update(value)

                table.update(replace, doc_ids=list(new))
            if added:
                table.insert_multiple(added)
        if events:  # under the store's file lock: one writer chains at a time
            audit = db.table(AUDIT)
            last = max(audit._read_table(), default=None) if len(audit) else None
            head = audit.get(doc_id=last) if last is not None else None
            sealed = seal(events, int(head["seq"]) if head else 0, head["hash"] if head else None, utcnow())
            audit.insert_multiple(_doc(e.as_dict(), doc_id=f"{e.seq:012d}") for e in sealed)


class TinyStore(Store):
    """A store in one JSON file, through TinyDB."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = tinydb_path(url)
        self.lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"store URL {url!r}: cannot create the folder {str(self.path.parent)!r} "
                f"({exc.strerror}); choose a path you can write to"
            ) from None
        target = self.path if self.path.exists() else self.path.parent
        if not os.access(target, os.W_OK):
            raise ConfigError(
                f"store URL {url!r}: {str(target)!r} is not writable; "
                "choose a path you can write to or fix its permissions"
            )
        self.db: Any = _TinyDB(str(self.path), storage=_Cache(_AtomicJSONStorage))  # type: ignore[no-untyped-call]
        self.seen: tuple[int, int, int] | None = self.signature()
        with self.lock, self.file_lock():
            self.refresh()
            self._status = self._prepare()

    @property
    def middleware(self) -> Any:
        storage = self.db.storage
        assert isinstance(storage, _Cache)
        return storage

    def signature(self) -> tuple[int, int, int] | None:
        """Identity of the file on disk (inode, size, mtime): changes when anyone commits."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def refresh(self) -> None:
        """Drop the cache if another process has replaced the file since we read it."""
        now = self.signature()
        if now != self.seen:
            self.middleware.cache = None
            self.db.clear_cache()
            self.seen = now

    @contextlib.contextmanager
    def file_lock(self) -> Iterator[None]:
        """Exclusive lock for writers, across processes."""
        with open(self.path.with_name(self.path.name + ".lock"), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _version(self) -> int | None:
        found = self.db.table(META).get(doc_id="schema")
        return None if found is None else int(found["version"])

    def _prepare(self) -> SchemaStatus:
        version = self._version()
        if version is None:
            if any(name != META for name in self.db.tables()):
                raise ConfigError(
                    f"store file {str(self.path)!r} has tables but no ctpse schema version; "
                    "it was not made by ctpse, use another file"
                )
            self.db.table(META).insert(_doc({"version": SCHEMA_VERSION}, doc_id="schema"))
            self.middleware.flush()
            self.seen = self.signature()
            version = SCHEMA_VERSION
        if version > SCHEMA_VERSION:
            raise ConfigError(
                f"store {self.url!r} has schema version {version}, newer than this ctpse_core "
                f"knows (it writes {SCHEMA_VERSION}); upgrade ctpse_core "
                "(pip install -U ctpse_core) to use this store"
            )
        return SchemaStatus(current=str(version), head=str(SCHEMA_VERSION))

    def schema_status(self) -> SchemaStatus:
        return self._status

    def upgrade(self) -> SchemaStatus:
        with self.lock, self.file_lock():
            self.refresh()
            version = self._version() or SCHEMA_VERSION
            tables = self.middleware.read()
            while version < SCHEMA_VERSION:
                UPGRADES[version](tables)
                version += 1
            self.middleware.write(tables)
            self.db.table(META).upsert(_doc({"version": version}, doc_id="schema"))
            self.middleware.flush()
            self.seen = self.signature()
            self._status = SchemaStatus(current=str(version), head=str(SCHEMA_VERSION))
        return self._status

    def open_unit(self, principal: Principal) -> UnitOfWork:
        if not self._status.up_to_date:
            raise ConfigError(
                f"store {self.url!r} is at schema version {self._status.current}, this "
                f"ctpse_core needs {self._status.head}: run `ctpse db upgrade`"
            )
        return _TinyUnitOfWork(self, principal)

    def audit_events(self) -> list[AuditEvent]:
        with self.lock:
            self.refresh()
            docs = sorted(self.db.table(AUDIT), key=lambda d: str(d.doc_id))
        return [AuditEvent.from_dict(dict(d)) for d in docs]

    def restore_audit(self, entries: list[AuditEvent]) -> None:
        with self.lock, self.file_lock():
            self.refresh()
            audit = self.db.table(AUDIT)
            if len(audit):
                raise ConflictError(
                    f"the audit log of {self.url!r} already has {len(audit)} entries; "
                    "an archived log can only be restored into an empty one (use a new store)"
                )
            try:
                audit.insert_multiple(_doc(e.as_dict(), doc_id=f"{e.seq:012d}") for e in entries)
                self.middleware.flush()
            except BaseException:
                self.middleware.cache = None
                raise
            self.seen = self.signature()

    def close(self) -> None:
        with self.lock:
            self.db.close()


def open_tinydb_store(url: str) -> Store:
    """The factory registered for ``tinydb`` URLs."""
    return TinyStore(url)
