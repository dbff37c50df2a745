"""Commands loaded when they are run, not when ``ctpse`` starts.

``ctpse --help`` lists every command with its one-line help, but needs none of their code: a
plugin registers a command by name, import path and that line (:func:`add_lazy_command`), and
its module is imported only when the command (or its own ``--help``) is used. A group that is
not a :class:`LazyGroup` (a third party's) gets the command loaded at once instead.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

__all__ = ["LazyGroup", "add_lazy_command"]


class LazyGroup(click.Group):
    """A click group whose commands may be registered as ``"module:attribute"`` paths."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: name -> (import path, one-line help) of the commands not loaded yet
        self.lazy: dict[str, tuple[str, str]] = {}

    def add_lazy(self, name: str, target: str, short_help: str) -> None:
        """Register command ``name``, the click command at ``target`` (``module:attribute``).

        Like ``add_command``, a second registration of the name replaces the first (the same
        one again, as when a shared group such as ``synth`` is filled for a second CLI, keeps
        the command already loaded)."""
        if self.lazy.get(name, ("", ""))[0] == target:
            self.lazy[name] = (target, short_help)
            return
        self.commands.pop(name, None)
        self.lazy[name] = (target, short_help)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            self.commands[cmd_name] = load_command(self.lazy[cmd_name][0], cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help`` without loading a command that is not loaded yet."""
        rows: list[tuple[str, str]] = []
        limit = formatter.width - 6 - max((len(n) for n in self.list_commands(ctx)), default=0)
        for name in self.list_commands(ctx):
            command = self.commands.get(name)
            if command is None:
                rows.append((name, _shorten(self.lazy[name][1], limit)))
            elif not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _shorten(text: str, limit: int) -> str:
    """``text`` shortened to ``limit`` characters exactly as click shortens a command's help."""
    return click.Command(None, help=text).get_short_help_str(limit)


def load_command(target: str, name: str) -> click.Command:
    """The click command at ``target`` (``module:attribute``)."""
    module_name, _, attribute = target.partition(":")
    command = getattr(importlib.import_module(module_name), attribute)
    if not isinstance(command, click.Command):
        raise TypeError(f"command {name!r}: {target} is not a click command")
    return command


def add_lazy_command(group: click.Group, name: str, target: str, short_help: str) -> None:
    """Register ``target`` as command ``name`` of ``group``: lazily on a :class:`LazyGroup`,
    loaded now on any other group. ``short_help`` is the line ``--help`` shows (it must be the
    command's own: tests/foundation/test_cli_startup.py compares them)."""
    if isinstance(group, LazyGroup):
        group.add_lazy(name, target, short_help)
    else:
        group.add_command(load_command(target, name), name)
