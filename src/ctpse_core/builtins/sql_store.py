"""Built-in plugin: the SQL stores, ``sqlite:///path`` and ``postgresql+psycopg://...``."""

from __future__ import annotations

from ctpse_core.plugin import Register, hookimpl


def _open(url: str) -> object:
    from ctpse_core.storage.sql import open_sql_store

    return open_sql_store(url)


@hookimpl
def ctpse_register_storage(register: Register) -> None:
    register("sqlite", _open)
    register("postgresql", _open)
