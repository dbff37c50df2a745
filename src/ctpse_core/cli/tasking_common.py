"""Options and output shared by the tasking and finance commands (dates and times are read
as the rota commands read them: UK dates, Europe/London wall-clock times)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from ctpse_core.cli.output import emit, out_option
from ctpse_core.cli.rota import DATE, DATETIME

__all__ = ["DATE", "DATETIME", "WEEK", "emit", "out_option"]


def _week(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    day = DATE["callback"](ctx, param, value)
    return None if day is None else day - dt.timedelta(days=day.weekday())


WEEK: dict[str, Any] = {"metavar": "DATE", "callback": _week}

