"""Built-in plugin: the single-file ``tinydb:///path.json`` store."""

from __future__ import annotations

from ctpse_core.plugin import Register, hookimpl


def _open(url: str) -> object:
    from ctpse_core.storage.tinydb_store import open_tinydb_store

    return open_tinydb_store(url)


@hookimpl
def ctpse_register_storage(register: Register) -> None:
    register("tinydb", _open)
