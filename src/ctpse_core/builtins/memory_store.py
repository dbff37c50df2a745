"""Built-in plugin: the ``memory://`` store."""

from __future__ import annotations

from ctpse_core.plugin import Register, hookimpl


@hookimpl
def ctpse_register_storage(register: Register) -> None:
    def memory(url: str) -> object:
        from ctpse_core.storage.memory import MemoryStore

        return MemoryStore(url)

    register("memory", memory)
