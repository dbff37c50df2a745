"""Stores, selected by one URL: ``sqlite:///path`` (default), ``postgresql+psycopg://...``,
``tinydb:///path.json`` or ``memory://``. Backends are registered through the
``ctpse_register_storage`` hook; the built-ins too."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from ctpse_core.errors import ConfigError, UnknownName
from ctpse_core.plugin import Registry, registry
from ctpse_core.storage.base import AuditEvent, Repository, Store, UnitOfWork

__all__ = [
    "STORE_ENV",
    "AuditEvent",
    "Repository",
    "Store",
    "StoreMissing",
    "UnitOfWork",
    "UnknownScheme",
    "backends",
    "default_url",
    "open_store",
    "redact",
]

STORE_ENV = "CTPSE_STORE"


def backends() -> Registry[object]:
    return registry("ctpse_register_storage", "storage backend")


class StoreMissing(ConfigError):
    """No store exists at the URL (and the caller asked not to create one)."""


class UnknownScheme(UnknownName, ConfigError):
    """A store URL whose scheme no backend answers to: a user's mistake (exit 2) that is still
    the :class:`ConfigError` it always was."""


def _empty(where: str) -> ConfigError:
    return ConfigError(
        f"{where} is empty; give a store URL such as sqlite:///ctpse.sqlite, or leave it out "
        "for the default store in your data folder"
    )


def default_url() -> str:
    """``CTPSE_STORE`` if set, else an SQLite file in the user's data directory.

    A ``CTPSE_STORE`` that is set but blank is a :class:`ConfigError`, never the default.
    """
    if (url := os.environ.get(STORE_ENV)) is not None:
        if not url.strip():
            raise _empty(STORE_ENV)
        return url
    import platformdirs

    folder = platformdirs.user_data_path("ctpse", appauthor=False, ensure_exists=True)
    path = folder / "ctpse.sqlite"
    return f"sqlite:///{path}"


def redact(url: str) -> str:
    """The URL with any password hidden."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def _file_of(url: str, scheme: str) -> Path | None:
    """The file a built-in file store lives in (``None``: not a file store, or no file named)."""
    if scheme == "tinydb":
        from ctpse_core.storage.tinydb_store import tinydb_path

        return tinydb_path(url)
    if scheme == "sqlite":
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            database = make_url(url).database
        except ArgumentError:
            return None
        return Path(database).expanduser() if database and database != ":memory:" else None
    return None


def _open_existing(url: str, scheme: str) -> Store | None:
    """The built-in store at ``url`` if one exists there, opened without creating anything;
    raises :class:`StoreMissing` if none does. ``None`` for schemes it cannot tell about."""
    missing = StoreMissing(
        f"no store exists at {redact(url)!r}; check the URL (--store or {STORE_ENV}), or make a "
        f"new store there with `ctpse --store {redact(url)} db init`"
    )
    path = _file_of(url, scheme)
    if path is not None and not path.is_file():
        raise missing
    if scheme in ("sqlite", "postgresql"):
        from ctpse_core.storage.sql import SqlStore

        store = SqlStore(url, initialise=False)
        if store.schema_status().current is None:
            store.close()
            raise missing
        return store
    return None


def open_store(url: str | None = None, *, create: bool = True) -> Store:
    """Open the store at ``url`` (or the default) with the backend for its scheme.

    ``create=False`` (read-only commands: ``db status``, ``db export``, ``grid diff``,
    ``reconcile --stored``...) never makes a store: a built-in
    SQLite or TinyDB file that does not exist, or a PostgreSQL database without a ctpse
    schema, raises :class:`StoreMissing`. An empty ``url`` is a :class:`ConfigError`.
    """
    if url is not None and not url.strip():
        raise _empty("the store URL")
    url = url or default_url()
    scheme = urlsplit(url).scheme.split("+")[0]
    if not scheme:
        raise ConfigError(f"store URL {redact(url)!r} has no scheme; use e.g. sqlite:///ctpse.sqlite")
    reg = backends()
    if scheme not in reg:
        raise UnknownScheme("scheme", scheme, [f"{s}://" for s in reg.names()], where=f"store URL {redact(url)!r}")
    if not create and (existing := _open_existing(url, scheme)) is not None:
        return existing
    factory = reg.get(scheme)
    return factory(url)  # type: ignore[operator, no-any-return]
