"""Options and output shared by the tasking and finance commands (dates and times are read
as the rota commands read them: UK dates, Europe/London wall-clock times)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from ctpse_core.cli.rota import DATE, DATETIME
from ctpse_core.reports import Product, render

__all__ = ["DATE", "DATETIME", "WEEK", "emit"]


def _week(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    day = DATE["callback"](ctx, param, value)
    return None if day is None else day - dt.timedelta(days=day.weekday())


WEEK: dict[str, Any] = {"metavar": "DATE", "callback": _week}


def emit(product: Product, fmt: str) -> None:
    """Write ``product`` in ``fmt`` to standard output."""
    click.echo(render(product, fmt), nl=False)
