"""The collections a store holds: every record type registered through the hook."""

from __future__ import annotations

from typing import Any

import attrs

from ctpse_core.domain.common import Record
from ctpse_core.errors import PluginError
from ctpse_core.plugin import Registry, registry

__all__ = ["record_types"]


def _check(name: str, item: Any) -> None:
    if not (isinstance(item, type) and issubclass(item, Record) and attrs.has(item)):
        raise PluginError(f"record type {name!r} must be an attrs class deriving from Record")
    if not name.isidentifier():
        raise PluginError(f"collection name {name!r} must be an identifier (letters, digits, _)")


def record_types() -> Registry[type[Record]]:
    """Collection name -> record class, from every plugin."""
    return registry("ctpse_register_record_types", "record type", _check)
