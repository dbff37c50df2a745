"""The command-line reference of the documentation site.

``docs/cli.md`` asks mkdocs-click for ``ctpse_core.cli.reference:cli`` when the site is built:
the ``ctpse`` group with every built-in command loaded (a third-party plugin's commands are
left out: the plugin documents its own). Built on first access, never on import.
"""

from __future__ import annotations

from typing import Any

import click

__all__ = ["builtin_cli", "builtin_commands"]


def _builtin(command: click.Command) -> bool:
    return (getattr(command.callback, "__module__", "") or "").startswith("ctpse_core.")


def builtin_cli() -> click.Group:
    """The ``ctpse`` group holding only the built-in commands, each loaded."""
    from ctpse_core.cli import make_cli

    group = make_cli()
    ctx = click.Context(group)
    loaded = {name: group.get_command(ctx, name) for name in group.list_commands(ctx)}
    group.commands = {name: cmd for name, cmd in loaded.items() if cmd is not None and _builtin(cmd)}
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
