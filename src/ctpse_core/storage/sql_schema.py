"""The SQL tables (SQLAlchemy Core), shared by SQLite and PostgreSQL.

One ``records`` table holds every collection, keyed by (collection, id): a plugin's new
record type needs no migration. ``data`` is the JSON of ``convert.unstructure(record)``;
``version`` and ``marking`` are copied out of it for optimistic concurrency and for
access checks in SQL. ``audit_log`` is append-only (triggers refuse UPDATE and DELETE) and
written in the same transaction as the changes it describes; ``seq`` numbers it from 1 and
``hash`` chains each entry to the one before (:mod:`ctpse_core.security.audit`).
Times are stored in UTC and come back timezone-aware.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Dialect,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)

__all__ = ["AUDIT_LOG", "RECORDS", "UtcDateTime", "metadata"]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware datetime stored as UTC on every dialect (SQLite has no time zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"{value!r} has no time zone; the store keeps UTC")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


RECORDS = Table(
    "records",
    metadata,
    Column("collection", String(64), primary_key=True),
    Column("id", String(128), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("marking", String(200), nullable=False),
    Column("data", Text, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

AUDIT_LOG = Table(
    "audit_log",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("user", String(200)),
    Column("action", String(50), nullable=False),
    Column("collection", String(64), nullable=False),
    Column("record_id", String(128)),
    Column("detail", Text, nullable=False, default=""),
    Column("operation", String(20), nullable=False, server_default=""),
    Column("purpose", Text, nullable=False, server_default=""),
    Column("recipient_org", String(200)),
    Column("recipient_person", String(200)),
    Column("agreement", String(128)),
    Column("fields", Text, nullable=False, server_default="[]"),
    Column("hash", String(64)),
    Index(None, "collection", "record_id"),
    Index("ix_audit_log_user", "user"),
)
