"""Reusable click options."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from ctpse_core.cli import CliContext

__all__ = ["done_so_far", "format_option", "interruptible", "pass_ctx"]

pass_ctx = click.make_pass_decorator(CliContext)


def format_option(
    default: str = "md", only: tuple[str, ...] | None = None, extra: tuple[str, ...] = ()
) -> Callable[[Any], Any]:
    """``--format`` with the choices of the report-format registry (read at start-up).

    ``only`` limits the *built-in* formats to those the command supports; text formats that
    third-party plugins register are always offered (binary ones, such as ``xlsx``, are
    written by ``ctpse report``). ``extra`` adds formats the command
    writes itself (e.g. ``ics``).
    """
    from ctpse_core.reports import formats

    registered = formats()
    names = [
        n
        for n in registered.names()
        if (only is None or n in only or not (registered.owner(n) or "").startswith("ctpse_core."))
        and not getattr(registered.get(n), "binary", False)  # files: `ctpse report` writes those
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


INTERRUPTED = "ctpse.interrupted"  # key in click's ``Context.meta``: what Ctrl-C would leave behind


def interruptible(nothing_done: str) -> Callable[[Any], Any]:
    """Ctrl-C inside the command ends it with status 130 and one line on standard error,
    ``interrupted: <what was left>``, never a traceback.

    ``nothing_done`` says what was left when nothing was committed yet; a command that commits
    says what it has done since with :func:`done_so_far`. Put it just above the function.
    """

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except KeyboardInterrupt:
                meta = click.get_current_context().meta
                click.echo(f"interrupted: {meta.get(INTERRUPTED, nothing_done)}", err=True)
                raise click.exceptions.Exit(130) from None

        return run

    return decorate


def done_so_far(what: str) -> None:
    """Tell :func:`interruptible` what a Ctrl-C from now on would leave behind."""
    click.get_current_context().meta[INTERRUPTED] = what
