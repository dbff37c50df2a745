"""Reusable click options."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from ctpse_core.cli import CliContext

__all__ = ["format_option", "pass_ctx"]

pass_ctx = click.make_pass_decorator(CliContext)


def format_option(
    default: str = "md", only: tuple[str, ...] | None = None, extra: tuple[str, ...] = ()
) -> Callable[[Any], Any]:
    """``--format`` with the choices of the report-format registry (read at start-up).

    ``only`` limits the *built-in* formats to those the command supports; formats that
    third-party plugins register are always offered. ``extra`` adds formats the command
    writes itself (e.g. ``ics``).
    """
    from ctpse_core.reports import formats

    registered = formats()
    names = [
        n
        for n in registered.names()
        if only is None or n in only or not (registered.owner(n) or "").startswith("ctpse_core.")
    ]
    names += [e for e in extra if e not in names]
    if not names:
        return click.option(
            "--format", "fmt", default=None, help="Output format (none is installed: a format plugin is blocked)."
        )
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(names),
        default=default if default in names else names[0],
        show_default=True,
        help="Output format.",
    )
