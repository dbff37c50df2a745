"""Options every nominal-management list shares: ``--as-of``, ``--format``, ``--out`` (from
:mod:`ctpse_core.cli.output`, shared with the other listing commands), ``--config`` and ``--period``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ctpse_core.cli.options import format_option
from ctpse_core.cli.output import AsOf, as_of_option, emit, out_option, today

__all__ = ["AsOf", "PeriodType", "emit", "list_options", "today"]


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
        fn = out_option()(fn)
        fn = format_option(default="md", only=("json", "md", "html", "csv"))(fn)
        fn = as_of_option("The day the list is for (default: today, Europe/London).")(fn)
        if config_help:
            fn = click.option("--config", "config", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                              help=config_help)(fn)
        return fn

    return decorate
