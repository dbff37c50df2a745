"""The ctpse plugin: registers the ``jsondir`` URL scheme."""

from __future__ import annotations

from ctpse_core.plugin import Register, hookimpl


@hookimpl
def ctpse_register_storage(register: Register) -> None:
    from ctpse_jsondir.store import JsonDirStore

    register("jsondir", JsonDirStore)
