"""Shared pieces of the listing commands: ``--as-of DATE``, ``--out FILE`` and writing a marked product."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ctpse_core.errors import InputError, Problem

__all__ = ["AsOf", "as_of_option", "emit", "out_option"]


class AsOf(click.ParamType):  # type: ignore[type-arg]  # generic only in newer click
    """A day: ISO (2026-12-04) or UK day-first (04/12/2026); never month-first."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        from ctpse_core.parsing import parse_date

        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(value)
        except ValueError as exc:
            self.fail(f"{value!r} is not a date ({exc}); use YYYY-MM-DD or DD/MM/YYYY", param, ctx)


def as_of_option(help_text: str = "The day to report as of (default: today, London).") -> Callable[[Any], Any]:
    return click.option("--as-of", "as_of", type=AsOf(), default=None, help=help_text)


def today() -> dt.date:
    from ctpse_core.domain.common import LONDON

    return dt.datetime.now(LONDON).date()


def out_option() -> Callable[[Any], Any]:
    return click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help="Write to this file (default: standard output).")


def emit(product: Any, fmt: str, out: Path | None) -> None:
    """Render ``product`` in ``fmt`` to ``out`` (or standard output). A file marked above OFFICIAL
    is created owner-only (0600), as is a folder this makes for it (0700)
    (:func:`ctpse_core.security.outputs.write_marked`)."""
    from ctpse_core.reports import render
    from ctpse_core.security.outputs import write_marked

    text = render(product, fmt)
    if out is None:
        click.echo(text, nl=False)
        return
    if out.parent.is_file():
        raise InputError([Problem(field="--out", reason=f"{out.parent} is a file, not a folder", where=str(out))])
    write_marked(out, text, product.marking)
    click.echo(f"{product.title}: written to {out} ({product.marking})", err=True)
