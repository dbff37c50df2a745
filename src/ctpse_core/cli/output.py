"""Shared pieces of the listing commands: ``--as-of DATE``, ``--out FILE`` and writing a marked product."""

from __future__ import annotations

import datetime as dt
import os
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
    is created owner-only (0600), as is a folder this makes for it (0700)."""
    from ctpse_core.domain.marking import Classification
    from ctpse_core.reports import render

    text = render(product, fmt)
    if out is None:
        click.echo(text, nl=False)
        return
    private = product.marking.classification > Classification.OFFICIAL
    if not out.parent.exists():
        out.parent.mkdir(parents=True, mode=0o700 if private else 0o777)
    if out.parent.is_file():
        raise InputError([Problem(field="--out", reason=f"{out.parent} is a file, not a folder", where=str(out))])
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    fd = os.open(out, flags, 0o600 if private else 0o644)
    if private:
        os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    click.echo(f"{product.title}: written to {out} ({product.marking})", err=True)
