"""Stores, selected by one URL: ``sqlite:///path`` (default), ``postgresql+psycopg://...``,
``tinydb:///path.json`` or ``memory://``. Backends are registered through the
``ctpse_register_storage`` hook; the built-ins too."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from ctpse_core.errors import ConfigError
from ctpse_core.plugin import Registry, registry
from ctpse_core.storage.base import AuditEvent, Repository, Store, UnitOfWork

__all__ = [
    "STORE_ENV",
    "AuditEvent",
    "Repository",
    "Store",
    "UnitOfWork",
    "backends",
    "default_url",
    "open_store",
    "redact",
]

STORE_ENV = "CTPSE_STORE"


def backends() -> Registry[object]:
    return registry("ctpse_register_storage", "storage backend")


def default_url() -> str:
    """``CTPSE_STORE`` if set, else an SQLite file in the user's data directory."""
    if url := os.environ.get(STORE_ENV):
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


def open_store(url: str | None = None) -> Store:
    """Open the store at ``url`` (or the default) with the backend for its scheme."""
    url = url or default_url()
    scheme = urlsplit(url).scheme.split("+")[0]
    if not scheme:
        raise ConfigError(f"store URL {redact(url)!r} has no scheme; use e.g. sqlite:///ctpse.sqlite")
    reg = backends()
    if scheme not in reg:
        known = ", ".join(f"{s}://" for s in reg.names())
        raise ConfigError(f"store URL {redact(url)!r}: unknown scheme {scheme!r} (known: {known})")
    factory = reg.get(scheme)
    return factory(url)  # type: ignore[operator, no-any-return]
