"""The plugin manager: built-ins, entry-point plugins, blocking and tracing.

* Built-in features are modules under :mod:`ctpse_core.builtins`, registered under
  the name ``ctpse_core.<module>`` through the same hooks as third-party plugins.
* Third-party plugins use the ``ctpse`` entry-point group.
* ``CTPSE_BLOCK_PLUGINS=name,name`` blocks plugins by name (built-ins too).
* ``CTPSE_TRACE_PLUGINS=1`` prints every hook call to standard error.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

import pluggy

from ctpse_core.errors import PluginError
from ctpse_core.plugin import hookspecs
from ctpse_core.plugin.registry import Register, Registry

__all__ = [
    "BLOCK_ENV",
    "ENTRY_POINT_GROUP",
    "TRACE_ENV",
    "Register",
    "Registry",
    "builtin_plugin_names",
    "get_plugin_manager",
    "hookimpl",
    "registry",
    "reset",
]

hookimpl = pluggy.HookimplMarker("ctpse")
ENTRY_POINT_GROUP = "ctpse"
BLOCK_ENV = "CTPSE_BLOCK_PLUGINS"
TRACE_ENV = "CTPSE_TRACE_PLUGINS"
BUILTIN_PACKAGE = "ctpse_core.builtins"
T = TypeVar("T")


def builtin_plugin_names() -> list[str]:
    """Module names of the built-in plugins, in a stable order."""
    package = importlib.import_module(BUILTIN_PACKAGE)
    return sorted(m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_"))


def _blocked() -> set[str]:
    return {n.strip() for n in os.environ.get(BLOCK_ENV, "").split(",") if n.strip()}


@cache
def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, built on first use."""
    pm = pluggy.PluginManager("ctpse")
    pm.add_hookspecs(hookspecs)
    for name in _blocked():
        pm.set_blocked(name)
    for module_name in builtin_plugin_names():
        name = f"ctpse_core.{module_name}"
        if pm.is_blocked(name):
            continue
        pm.register(importlib.import_module(f"{BUILTIN_PACKAGE}.{module_name}"), name=name)
    try:
        pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"plugin {exc.plugin!r} is not valid: {exc}") from exc
    if os.environ.get(TRACE_ENV):
        pm.trace.root.setwriter(sys.stderr.write)
        pm.enable_tracing()
    return pm


_registries: dict[str, Registry[Any]] = {}


def registry(hook_name: str, kind: str, check: Callable[[str, Any], None] | None = None) -> Registry[Any]:
    """The registry filled by calling ``hook_name(register=...)`` on every plugin, once."""
    if hook_name not in _registries:
        reg: Registry[Any] = Registry(kind, check)
        getattr(get_plugin_manager().hook, hook_name)(register=reg.register)
        _registries[hook_name] = reg
    return _registries[hook_name]


def reset() -> None:
    """Forget the plugin manager and registries (after installing plugins, in tests)."""
    get_plugin_manager.cache_clear()
    _registries.clear()
