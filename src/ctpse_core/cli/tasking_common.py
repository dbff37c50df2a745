"""Options and output shared by the tasking and finance commands."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from ctpse_core.reports import Product, render

__all__ = ["DATE", "DATETIME", "WEEK", "emit"]


def _date(_ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    from ctpse_core.parsing import parse_date

    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param=param) from None


def _week(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    day = _date(ctx, param, value)
    return None if day is None else day - dt.timedelta(days=day.weekday())


def _datetime(_ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    from ctpse_core.parsing import parse_datetime

    if value is None:
        return None
    try:
        return parse_datetime(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param=param) from None


DATE: dict[str, Any] = {"metavar": "DATE", "callback": _date}
WEEK: dict[str, Any] = {"metavar": "DATE", "callback": _week}
DATETIME: dict[str, Any] = {"metavar": "DATETIME", "callback": _datetime}


def emit(product: Product, fmt: str) -> None:
    """Write ``product`` in ``fmt`` to standard output."""
    click.echo(render(product, fmt), nl=False)
