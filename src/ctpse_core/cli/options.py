"""Reusable click options."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from ctpse_core.cli import CliContext

__all__ = ["format_option", "pass_ctx"]

pass_ctx = click.make_pass_decorator(CliContext)


def format_option(default: str = "md", only: tuple[str, ...] | None = None) -> Callable[[Any], Any]:
    """``--format`` with the choices of the report-format registry (read at start-up)."""
    from ctpse_core.reports import formats

    names = [n for n in formats().names() if only is None or n in only]
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(names),
        default=default if default in names else names[0],
        show_default=True,
        help="Output format.",
    )
