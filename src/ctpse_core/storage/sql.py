"""SQL stores through SQLAlchemy 2: ``sqlite:///path`` (the embedded default) and
``postgresql+psycopg://user:password@host/db`` (several apps and users sharing one store).

* A unit of work reads with short transactions and keeps its changes in memory; ``commit``
  applies them in ONE transaction with ``UPDATE ... WHERE id = ? AND version = ?``, so a
  second writer gets :class:`~ctpse_core.errors.ConflictError`, across processes too.
  On SQLite the commit transaction is ``BEGIN IMMEDIATE`` (writers queue, WAL readers go on).
* The schema is managed by the Alembic migrations in :mod:`ctpse_core.storage.migrations`.
  A new (empty) store is initialised on first open; an older one must be upgraded
  (``ctpse db upgrade``); a newer one is refused with a :class:`ConfigError`.
* Bad configuration becomes one :class:`ConfigError` naming the URL (password hidden).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator, Sequence
from functools import cache
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, delete, event, func, insert, inspect, select, text, update
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, NoSuchModuleError

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
from ctpse_core.storage.sql_schema import AUDIT_LOG, RECORDS
from ctpse_core.storage.structured import StructuredCache

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

__all__ = ["SqlStore", "alembic_config", "head_revision"]

_PAGE = 2000
_CHUNK = 500
#: Key of the PostgreSQL advisory lock held while a schema is created or upgraded.
_PG_LOCK = 0x637470_7365
#: Key of the PostgreSQL advisory lock held while entries are appended to the audit chain
#: (SQLite needs none: every write transaction is ``BEGIN IMMEDIATE``).
_PG_AUDIT_LOCK = 0x637470_6175


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for the migrations shipped in this package (no ini file)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "ctpse_core.storage:migrations")
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@cache
def _scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The schema revision this ctpse_core writes."""
    head = _scripts().get_current_head()
    assert head is not None
    return head


def _known(revision: str) -> bool:
    from alembic.util.exc import CommandError

    try:
        return _scripts().get_revision(revision) is not None
    except CommandError:
        return False


#: One encoder for every row (``json.dumps`` with options builds a new one per call).
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _dumps(record: Record) -> str:
    return _ENCODE(convert.unstructure(record))


def _redacted(url: str | URL) -> str:
    from ctpse_core.storage import redact

    return redact(url if isinstance(url, str) else url.render_as_string(hide_password=False))


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"store URL {_redacted(url)!r} is not a valid URL: {exc}") from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _sqlite_path_ok(url: str, parsed: URL) -> None:
    database = parsed.database
    if not database or database == ":memory:":
        raise ConfigError(
            f"store URL {url!r} names no file; use sqlite:///path/to/ctpse.sqlite "
            "(or memory:// for a throw-away store)"
        )
    path = Path(database).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"store URL {url!r}: cannot create the folder {str(path.parent)!r} ({exc.strerror}); "
            "choose a path you can write to"
        ) from None
    target = path if path.exists() else path.parent
    if not os.access(target, os.W_OK):
        raise ConfigError(
            f"store URL {url!r}: {str(target)!r} is not writable; "
            "choose a path you can write to or fix its permissions"
        )


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA secure_delete = ON")  # erased values are overwritten, not left in free pages
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("ctpse_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _make_engine(url: str) -> Engine:
    from sqlalchemy import create_engine

    shown = _redacted(url)
    parsed = _parse(url)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        _sqlite_path_ok(shown, parsed)
    elif parsed.get_backend_name() == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": 5}
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ImportError) as exc:
        extra = " (pip install 'ctpse_core[postgres]')" if "postgres" in parsed.drivername else ""
        raise ConfigError(
            f"store URL {shown!r}: the database driver {parsed.drivername!r} is not installed"
            f"{extra}: {exc}"
        ) from None
    if engine.dialect.name == "sqlite":
        _sqlite_events(engine)
    return engine


def _cannot_open(url: str, exc: BaseException) -> ConfigError:
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    backend = url.split(":", 1)[0]
    hint = (
        "check the server is running, the host, port, user and database name are right"
        if backend.startswith("postgresql")
        else "check the file is a ctpse store and its folder is writable"
    )
    return ConfigError(f"cannot open store {_redacted(url)!r}: {reason}; {hint}")


class _SqlRepository(BufferedRepository):
    @property
    def _engine(self) -> Engine:
        assert isinstance(self._uow, _SqlUnitOfWork)
        return self._uow.store.engine

    def _make(self, data: str) -> Record:
        record: Record = convert.structure(
            json.loads(data), self.record_type, where=self.collection
        )
        return record

    def _structure(self, record_id: str, data: str) -> Record:
        assert isinstance(self._uow, _SqlUnitOfWork)
        return self._uow.store.structured.get(self.collection, record_id, data, self._make)

    def _load(self, record_id: str) -> Record | None:
        query = select(RECORDS.c.data).where(
            RECORDS.c.collection == self.collection, RECORDS.c.id == record_id
        )
        with self._engine.connect() as conn:
            data = conn.execute(query).scalar_one_or_none()
        return None if data is None else self._structure(record_id, data)

    def _load_many(self, record_ids: list[str]) -> dict[str, Record]:
        # One SELECT ... WHERE collection = ? AND id IN (...) per chunk of _CHUNK IDs: well
        # inside SQLite's bound-parameter limit (999 on old builds), one short read transaction.
        rows: dict[str, str] = {}
        with self._engine.connect() as conn:
            for start in range(0, len(record_ids), _CHUNK):
                chunk = record_ids[start : start + _CHUNK]
                query = select(RECORDS.c.id, RECORDS.c.data).where(
                    RECORDS.c.collection == self.collection, RECORDS.c.id.in_(chunk)
                )
                rows.update((row.id, row.data) for row in conn.execute(query))
        return {i: self._structure(i, data) for i, data in rows.items()}

    def _existing(self, record_ids: list[str]) -> set[str]:
        found: set[str] = set()
        with self._engine.connect() as conn:
            for start in range(0, len(record_ids), _CHUNK):
                chunk = record_ids[start : start + _CHUNK]
                query = select(RECORDS.c.id).where(
                    RECORDS.c.collection == self.collection, RECORDS.c.id.in_(chunk)
                )
                found.update(conn.execute(query).scalars())
        return found

    def _stored(self) -> Iterator[Record]:
        # Keyset pages: bounded memory, no transaction held while the caller works.
        last: str | None = None
        while True:
            query = select(RECORDS.c.id, RECORDS.c.data).where(
                RECORDS.c.collection == self.collection
            )
            if last is not None:
                query = query.where(RECORDS.c.id > last)
            with self._engine.connect() as conn:
                rows = conn.execute(query.order_by(RECORDS.c.id).limit(_PAGE)).all()
            for row in rows:
                yield self._structure(row.id, row.data)
            if len(rows) < _PAGE:
                return
            last = rows[-1].id

    def _count_stored(self) -> int:
        query = select(func.count()).select_from(RECORDS).where(
            RECORDS.c.collection == self.collection
        )
        with self._engine.connect() as conn:
            return int(conn.execute(query).scalar_one())


def _row(change: Change, now: Any) -> dict[str, Any]:
    record = change.record
    assert record is not None
    return {
        "c": change.collection,
        "i": change.record_id,
        "b": change.base,
        "version": record.version,
        "marking": str(record.marking),
        "data": _dumps(record),
        "updated_at": now,
    }


class _SqlUnitOfWork(BufferedUnitOfWork):
    repository_class = _SqlRepository

    def __init__(self, store: SqlStore, principal: Principal) -> None:
        super().__init__(principal)
        self.store = store

    def _apply(self, changes: list[Change], events: list[AuditEvent]) -> None:
        engine = self.store.engine
        now = utcnow()
        inserts = [c for c in changes if c.base is None and c.record is not None]
        updates = [c for c in changes if c.base is not None and c.record is not None]
        deletes = [c for c in changes if c.base is not None and c.record is None]
        try:
            with engine.connect().execution_options(ctpse_write=True) as conn, conn.begin():
                self._run(conn, deletes, updates, inserts, now)
                if events:
                    append_audit(conn, events, now)
            # what this process changed or erased is not kept
            self.store.structured.forget((c.collection, c.record_id) for c in changes)
        except IntegrityError:
            raise self._taken(inserts) from None
        except DBAPIError as exc:
            if exc.connection_invalidated or "locked" in str(exc.orig):
                raise ConflictError(
                    f"store {_redacted(self.store.url)!r} is busy or unreachable "
                    f"({str(exc.orig).strip()}); nothing was saved, try again"
                ) from None
            raise

    def _run(
        self,
        conn: Connection,
        deletes: list[Change],
        updates: list[Change],
        inserts: list[Change],
        now: Any,
    ) -> None:
        same = and_(
            RECORDS.c.collection == bindparam("c"),
            RECORDS.c.id == bindparam("i"),
            RECORDS.c.version == bindparam("b"),
        )
        if deletes:
            params = [{"c": c.collection, "i": c.record_id, "b": c.base} for c in deletes]
            done = conn.execute(delete(RECORDS).where(same), params).rowcount
            if done != len(deletes):
                raise self._stale(conn, deletes)
        if updates:
            statement = (
                update(RECORDS)
                .where(same)
                .values(
                    version=bindparam("version"),
                    marking=bindparam("marking"),
                    data=bindparam("data"),
                    updated_at=bindparam("updated_at"),
                )
            )
            done = conn.execute(statement, [_row(c, now) for c in updates]).rowcount
            if done != len(updates):
                raise self._stale(conn, updates)
        if inserts:
            rows = []
            for c in inserts:
                record = c.record
                assert record is not None
                rows.append({
                    "collection": c.collection,
                    "id": c.record_id,
                    "version": record.version,
                    "marking": str(record.marking),
                    "data": _dumps(record),
                    "updated_at": now,
                })
            conn.execute(insert(RECORDS), rows)

    def _stale(self, conn: Connection, changes: list[Change]) -> ConflictError:
        for change in changes:
            query = select(RECORDS.c.version).where(
                RECORDS.c.collection == change.collection, RECORDS.c.id == change.record_id
            )
            if conn.execute(query).scalar_one_or_none() != change.base:
                return changed_elsewhere(change)
        return changed_elsewhere(changes[0])

    def _taken(self, inserts: list[Change]) -> ConflictError:
        with self.store.engine.connect() as conn:
            for change in inserts:
                query = select(RECORDS.c.version).where(
                    RECORDS.c.collection == change.collection, RECORDS.c.id == change.record_id
                )
                if conn.execute(query).scalar_one_or_none() is not None:
                    return changed_elsewhere(change)
        return ConflictError("a record was added by someone else at the same time; try again")


def _audit_row(e: AuditEvent) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "at": e.at,
        "user": e.user,
        "action": e.action,
        "operation": e.operation,
        "collection": e.collection,
        "record_id": e.record_id,
        "detail": e.detail,
        "purpose": e.purpose,
        "recipient_org": e.recipient_org,
        "recipient_person": e.recipient_person,
        "agreement": e.agreement,
        "fields": _ENCODE(list(e.fields)),
        "hash": e.hash,
    }


def _audit_entry(r: Any) -> AuditEvent:
    return AuditEvent(
        seq=r.seq,
        at=r.at,
        user=r.user,
        action=r.action,
        operation=r.operation,
        collection=r.collection,
        record_id=r.record_id,
        detail=r.detail,
        purpose=r.purpose,
        recipient_org=r.recipient_org,
        recipient_person=r.recipient_person,
        agreement=r.agreement,
        fields=() if r.fields in ("[]", "", None) else tuple(json.loads(r.fields)),
        hash=r.hash,
    )


def _lock_audit(conn: Connection) -> None:
    """Serialise appends to the chain inside this write transaction (PostgreSQL: an advisory
    transaction lock; SQLite: the transaction is already ``BEGIN IMMEDIATE``)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_AUDIT_LOCK})


def append_audit(conn: Connection, events: list[AuditEvent], now: Any) -> None:
    """Chain ``events`` onto the log's head and insert them, in the caller's transaction."""
    _lock_audit(conn)
    head = conn.execute(
        select(AUDIT_LOG.c.seq, AUDIT_LOG.c.hash).order_by(AUDIT_LOG.c.seq.desc()).limit(1)
    ).first()
    sealed = seal(events, head.seq if head else 0, head.hash if head else None, now)
    conn.execute(insert(AUDIT_LOG), [_audit_row(e) for e in sealed])


class SqlStore(Store):
    """A store in an SQL database (SQLite or PostgreSQL)."""

    def __init__(self, url: str, *, initialise: bool = True) -> None:
        self.url = url
        self.engine = _make_engine(url)
        self.structured = StructuredCache()
        try:
            self._status = self._prepare(initialise)
        except DBAPIError as exc:
            self.engine.dispose()
            raise _cannot_open(url, exc) from None
        except ConfigError:
            self.engine.dispose()
            raise

    # -- schema ------------------------------------------------------------------------

    def _lock(self, conn: Connection) -> None:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})

    def _current(self, conn: Connection) -> str | None:
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(conn).get_current_revision()

    def _prepare(self, initialise: bool) -> SchemaStatus:
        with self.engine.connect().execution_options(ctpse_write=True) as conn, conn.begin():
            self._lock(conn)
            current = self._current(conn)
            if current is None:
                if inspect(conn).has_table("records"):
                    raise ConfigError(
                        f"store {_redacted(self.url)!r} has a records table but no schema "
                        "version; it was not made by ctpse, use another database or file"
                    )
                if initialise:
                    self._migrate(conn, head_revision())
                    current = head_revision()
            elif not _known(current):
                raise ConfigError(
                    f"store {_redacted(self.url)!r} has schema revision {current!r}, newer than "
                    f"this ctpse_core knows (it writes {head_revision()!r}); "
                    "upgrade ctpse_core (pip install -U ctpse_core) to use this store"
                )
        return SchemaStatus(current=current, head=head_revision())

    def _migrate(self, conn: Connection, target: str) -> None:
        from alembic import command

        command.upgrade(alembic_config(conn), target)

    def schema_status(self) -> SchemaStatus:
        return self._status

    def upgrade(self, target: str | None = None) -> SchemaStatus:
        """Migrate to ``target`` (default: this code's head revision), keeping every record."""
        try:
            with self.engine.connect().execution_options(ctpse_write=True) as conn, conn.begin():
                self._lock(conn)
                self._migrate(conn, target or head_revision())
                current = self._current(conn)
        except DBAPIError as exc:
            raise _cannot_open(self.url, exc) from None
        self._status = SchemaStatus(current=current, head=head_revision())
        return self._status

    # -- units of work ------------------------------------------------------------------

    def open_unit(self, principal: Principal) -> UnitOfWork:
        status = self._status
        if not status.up_to_date:
            raise ConfigError(
                f"store {_redacted(self.url)!r} is at schema revision {status.current!r}, this "
                f"ctpse_core needs {status.head!r}: run `ctpse db upgrade` "
                "(back it up first with `ctpse db export`)"
            )
        return _SqlUnitOfWork(self, principal)

    def audit_events(self) -> list[AuditEvent]:
        """The audit log, oldest first."""
        return list(self.iter_audit())

    def _audit_pages(self, columns: str, page: int) -> Iterator[Sequence[Any]]:
        """The audit log's rows (``columns``, the first ``seq``), oldest first, in keyset pages of
        ``page`` rows read with the driver's own cursor (bounded memory)."""
        statement = f"SELECT {columns} FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?"
        if self.engine.dialect.name == "postgresql":
            statement = statement.replace("?", "%s")
        last = 0
        while True:
            with self.engine.connect() as conn:
                cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
                try:
                    cursor.execute(statement, (last, page))
                    rows = cursor.fetchall()
                finally:
                    cursor.close()
            if rows:
                yield rows
            if len(rows) < page:
                return
            last = rows[-1][0]

    def iter_audit(self, page: int = 20_000) -> Iterator[AuditEvent]:
        """The audit log, oldest first, in keyset pages (bounded memory). Rows are read with
        plain SQL and turned into entries without validation (``AuditEvent.stored``); verify
        checks them (``ctpse audit verify`` reads :meth:`iter_audit_values` instead)."""
        from ctpse_core.security.audit import COLUMNS

        names = ", ".join(f'"{c}"' for c in COLUMNS)
        stored, utc, parse, loads = AuditEvent.stored, dt.UTC, dt.datetime.fromisoformat, json.loads
        for rows in self._audit_pages(names, page):
            for row in rows:
                values = list(row)
                at = values[1]
                if isinstance(at, str):  # SQLite: naive UTC text
                    at = parse(at).replace(tzinfo=utc)
                elif at is not None:
                    at = at.astimezone(utc)
                values[1] = at
                values[12] = () if values[12] in ("[]", "", None) else tuple(loads(values[12]))
                yield stored(tuple(values))

    def iter_audit_values(self, page: int = 20_000) -> Iterator[tuple[Any, ...]]:
        """The stored rows as they are (``fields`` its JSON text) for ``verify_values``; on SQLite
        the time comes back as the canonical text the hash covers, made by SQLite itself from the
        stored ``YYYY-MM-DD HH:MM:SS.ffffff`` (any other stored form, which only an edit makes,
        is passed on unchanged and fails its hash)."""
        from ctpse_core.security.audit import COLUMNS

        names = [f'"{c}"' for c in COLUMNS]
        if self.engine.dialect.name == "sqlite":
            names[1] = ("CASE WHEN length(\"at\") = 26 AND substr(\"at\", 11, 1) = ' ' "
                        "THEN substr(\"at\", 1, 10) || 'T' || substr(\"at\", 12) || '+00:00' ELSE \"at\" END")
        return chain.from_iterable(self._audit_pages(", ".join(names), page))

    def restore_audit(self, entries: list[AuditEvent]) -> None:
        with self.engine.connect().execution_options(ctpse_write=True) as conn, conn.begin():
            _lock_audit(conn)
            held = conn.execute(select(func.count()).select_from(AUDIT_LOG)).scalar_one()
            if held:
                raise ConflictError(
                    f"the audit log of {_redacted(self.url)!r} already has {held} entries; "
                    "an archived log can only be restored into an empty one (use a new store)"
                )
            for start in range(0, len(entries), _PAGE):
                conn.execute(insert(AUDIT_LOG), [_audit_row(e) for e in entries[start : start + _PAGE]])

    def close(self) -> None:
        self.engine.dispose()


def open_sql_store(url: str) -> Store:
    """The factory registered for ``sqlite`` and ``postgresql`` URLs."""
    return SqlStore(url)
