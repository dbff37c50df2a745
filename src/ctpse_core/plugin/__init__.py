"""The plugin manager: built-ins, entry-point plugins, blocking and tracing.

* Built-in features are modules under :mod:`ctpse_core.builtins`, registered under
  the name ``ctpse_core.<module>`` through the same hooks as third-party plugins.
* Third-party plugins use the ``ctpse`` entry-point group.
* ``CTPSE_BLOCK_PLUGINS=name,name`` blocks plugins by name (built-ins too).
* ``CTPSE_PLUGINS=package.module,...`` loads extra plugin modules by import path
  (handy for in-house plugins that are not installed as distributions).
* ``CTPSE_TRACE_PLUGINS=1`` prints every hook call to standard error.

A misspelt hook implementation (``ctpse_regster_feeds``) is an error, not silence.
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

from ctpse_core.errors import CtpseError, PluginError
from ctpse_core.plugin import hookspecs
from ctpse_core.plugin.registry import Register, Registry

__all__ = [
    "BLOCK_ENV",
    "ENTRY_POINT_GROUP",
    "PLUGINS_ENV",
    "TRACE_ENV",
    "Register",
    "Registry",
    "builtin_plugin_names",
    "call_each",
    "get_plugin_manager",
    "hookimpl",
    "registry",
    "reset",
    "unknown_blocked",
]

hookimpl = pluggy.HookimplMarker("ctpse")
ENTRY_POINT_GROUP = "ctpse"
BLOCK_ENV = "CTPSE_BLOCK_PLUGINS"
TRACE_ENV = "CTPSE_TRACE_PLUGINS"
PLUGINS_ENV = "CTPSE_PLUGINS"
BUILTIN_PACKAGE = "ctpse_core.builtins"
T = TypeVar("T")


def builtin_plugin_names() -> list[str]:
    """Module names of the built-in plugins, in a stable order."""
    package = importlib.import_module(BUILTIN_PACKAGE)
    return sorted(m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_"))


def _listed(variable: str) -> list[str]:
    return [n.strip() for n in os.environ.get(variable, "").split(",") if n.strip()]


#: Plugin name -> (distribution name, version) for plugins loaded from entry points.
DISTRIBUTIONS: dict[str, tuple[str, str]] = {}
#: The names of every ``ctpse`` entry point installed, loaded or blocked (found in the one scan).
ENTRY_POINT_NAMES: set[str] = set()


def _load_entry_points(pm: pluggy.PluginManager) -> None:
    """Register every ``ctpse`` entry point; one that cannot load is an error naming it.

    The installed distributions are scanned once per plugin manager (the slow part of start-up
    after the imports); :data:`ENTRY_POINT_NAMES` keeps what the scan found."""
    from importlib.metadata import distributions

    for dist in distributions():
        for ep in dist.entry_points:
            if ep.group != ENTRY_POINT_GROUP:
                continue
            ENTRY_POINT_NAMES.add(ep.name)
            if pm.is_blocked(ep.name) or pm.has_plugin(ep.name):
                continue
            try:
                plugin = ep.load()
            except Exception as exc:
                raise PluginError(
                    f"plugin {ep.name!r} ({ep.value}, from {dist.metadata['Name']}) could not be loaded: {exc}. "
                    f"Reinstall or uninstall it, or block it with {BLOCK_ENV}={ep.name}"
                ) from exc
            pm.register(plugin, name=ep.name)
            DISTRIBUTIONS[ep.name] = (dist.metadata["Name"], dist.version)


@cache
def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, built on first use."""
    pm = pluggy.PluginManager("ctpse")
    pm.add_hookspecs(hookspecs)
    for name in _listed(BLOCK_ENV):
        pm.set_blocked(name)
    for module_name in builtin_plugin_names():
        name = f"ctpse_core.{module_name}"
        if pm.is_blocked(name):
            continue
        pm.register(importlib.import_module(f"{BUILTIN_PACKAGE}.{module_name}"), name=name)
    try:
        _load_entry_points(pm)
        for module_name in _listed(PLUGINS_ENV):
            if pm.is_blocked(module_name) or pm.has_plugin(module_name):
                continue
            try:
                module = importlib.import_module(module_name)
            except ImportError as exc:
                raise PluginError(f"{PLUGINS_ENV}: cannot import plugin module {module_name!r} ({exc})") from exc
            pm.register(module, name=module_name)
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        name = pm.get_name(exc.plugin) or repr(exc.plugin)
        raise PluginError(f"plugin {name!r} is not valid: {exc}") from exc
    if os.environ.get(TRACE_ENV):
        pm.trace.root.setwriter(sys.stderr.write)
        pm.enable_tracing()
    return pm


_registries: dict[str, Registry[Any]] = {}


def unknown_blocked() -> list[str]:
    """Names in ``CTPSE_BLOCK_PLUGINS`` that match no built-in, installed or listed plugin (typos)."""
    get_plugin_manager()  # the entry points are scanned once, when the plugin manager is built
    known = {f"ctpse_core.{m}" for m in builtin_plugin_names()}
    known |= ENTRY_POINT_NAMES
    known |= set(_listed(PLUGINS_ENV))
    return [name for name in _listed(BLOCK_ENV) if name not in known]


def call_each(hook_name: str, make_kwargs: Callable[[str], dict[str, Any]]) -> None:
    """Call every plugin's implementation of ``hook_name`` (in pluggy's order), one by one.

    ``make_kwargs(plugin_name)`` gives the arguments for that plugin, so callbacks know who
    registers what. An exception inside a plugin becomes a :class:`PluginError` naming the
    plugin and the hook.
    """
    pm = get_plugin_manager()
    tracing = bool(os.environ.get(TRACE_ENV))
    for impl in reversed(getattr(pm.hook, hook_name).get_hookimpls()):
        if impl.hookwrapper or impl.wrapper:
            continue
        if tracing:
            sys.stderr.write(f"  {hook_name} [{impl.plugin_name}]\n")
        try:
            impl.function(**make_kwargs(impl.plugin_name))
        except CtpseError:
            raise
        except Exception as exc:
            raise PluginError(
                f"plugin {impl.plugin_name!r} failed in {hook_name}: {type(exc).__name__}: {exc} "
                f"(block it with {BLOCK_ENV}={impl.plugin_name})"
            ) from exc


def registry(hook_name: str, kind: str, check: Callable[[str, Any], None] | None = None) -> Registry[Any]:
    """The registry filled by calling ``hook_name(register=...)`` on every plugin, once."""
    if hook_name not in _registries:
        reg: Registry[Any] = Registry(kind, check)

        def kwargs(plugin_name: str) -> dict[str, Any]:
            return {"register": lambda name, item: reg.register(name, item, owner=plugin_name)}

        call_each(hook_name, kwargs)
        _registries[hook_name] = reg
    return _registries[hook_name]


def reset() -> None:
    """Forget the plugin manager and registries (after installing plugins, in tests)."""
    get_plugin_manager.cache_clear()
    _registries.clear()
    DISTRIBUTIONS.clear()
    ENTRY_POINT_NAMES.clear()
