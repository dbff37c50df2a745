"""Options every nominal-management list shares: ``--as-of``, ``--format``, ``--out``, ``--config``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ctpse_core.cli.options import format_option

__all__ = ["DateType", "PeriodType", "emit", "list_options", "today"]


def today() -> dt.date:
    """Today on the Europe/London calendar."""
    from ctpse_core.domain.common import london, utcnow

    return london(utcnow()).date()


class DateType(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    """A day: DD/MM/YYYY or YYYY-MM-DD (a bad one is a usage error naming the option, exit 2)."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        from ctpse_core.parsing import parse_date

        try:
            return parse_date(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


class PeriodType(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    """A period: YYYY-MM or FIRST..LAST."""

    name = "PERIOD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from ctpse_core.casework import Period
        from ctpse_core.errors import InputError

        if isinstance(value, Period):
            return value
        try:
            return Period.parse(str(value))
        except InputError as exc:
            self.fail(exc.lines()[0], param, ctx)


def list_options(config_help: str | None = None) -> Callable[[Any], Any]:
    """``--as-of``, ``--format`` (json, md, html, csv), ``--out`` and, with ``config_help``, ``--config``."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        fn = click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
                          help="Write the list here instead of standard output.")(fn)
        fn = format_option(default="md", only=("json", "md", "html", "csv"))(fn)
        fn = click.option("--as-of", "as_of", type=DateType(), default=None,
                          help="The day the list is for (default: today, Europe/London).")(fn)
        if config_help:
            fn = click.option("--config", "config", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                              help=config_help)(fn)
        return fn

    return decorate


def emit(product: Any, fmt: str, out: Path | None) -> None:
    """Write the product in ``fmt`` to ``out`` or standard output."""
    from ctpse_core.reports import render

    text = render(product, fmt)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        click.echo(f"written {out} ({product.marking})", err=True)
