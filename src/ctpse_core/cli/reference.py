"""The command-line reference of the documentation site.

``docs/cli.md`` asks mkdocs-click for ``ctpse_core.cli.reference:cli`` when the site is built:
the ``ctpse`` group with every built-in command loaded (a third-party plugin's commands are
left out: the plugin documents its own). Built on first access, never on import.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import click

__all__ = ["builtin_cli", "builtin_commands"]


def _builtin(command: click.Command) -> bool:
    return (getattr(command.callback, "__module__", "") or "").startswith("ctpse_core.")


def _loaded(group: click.Group, keep: Callable[[click.Command], bool]) -> dict[str, click.Command]:
    """Every command of ``group`` loaded (lazy ones too), each under the name it is run by
    (a command object whose own ``name`` differs is documented under the registered one)."""
    ctx = click.Context(group)
    out: dict[str, click.Command] = {}
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or not keep(command):
            continue
        if isinstance(command, click.Group):
            command = copy.copy(command)
            command.commands = _loaded(command, keep)
        if command.name != name:
            command = copy.copy(command)
            command.name = name
        out[name] = command
    return out


def builtin_cli() -> click.Group:
    """The ``ctpse`` group holding only the built-in commands, each loaded (subcommands too)."""
    from ctpse_core.cli import make_cli

    group = make_cli()
    group.commands = _loaded(group, _builtin)
    return group


def builtin_commands() -> dict[str, click.Command]:
    """Every built-in command and subcommand by its path (``grid diff``)."""
    found: dict[str, click.Command] = {}

    def walk(group: click.Group, prefix: str) -> None:
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            if command is None or not _builtin(command):
                continue
            found[prefix + name] = command
            if isinstance(command, click.Group):
                walk(command, f"{prefix}{name} ")

    walk(builtin_cli(), "")
    return found


def __getattr__(name: str) -> Any:
    if name == "cli":
        return builtin_cli()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
