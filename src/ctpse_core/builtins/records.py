"""Built-in plugin: the domain's record types."""

from __future__ import annotations

from ctpse_core.plugin import Register, hookimpl


@hookimpl
def ctpse_register_record_types(register: Register) -> None:
    from ctpse_core.domain import RECORD_TYPES
    from ctpse_core.security.agreements import Agreement
    from ctpse_core.security.principal import User
    from ctpse_core.security.retention import Retention

    for name, cls in RECORD_TYPES.items():
        register(name, cls)
    register("users", User)
    register("agreements", Agreement)
    register("retention", Retention)
