"""``ctpse staff stale``: contact numbers not verified recently."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click

__all__ = ["staff"]


def _as_date(_ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    from ctpse_core.parsing import parse_date

    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param=param) from None


@click.group()
def staff() -> None:
    """Staff contact details."""


@staff.command()
@click.argument("problem_file", metavar="PROBLEM", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--rota", "roster_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Also list people on this rota without a working (recently verified) number.")
@click.option("--days", type=click.IntRange(1, 3660), default=None,
              help="A number not verified within this many days is stale (default 180).")
@click.option("--today", metavar="DATE", callback=_as_date, help="Count from this day (default: today).")
@click.option("--format", "fmt", type=click.Choice(("md", "json")), default="md", show_default=True)
def stale(problem_file: Path, roster_file: Path | None, days: int | None, today: dt.date | None, fmt: str) -> None:
    """List staff numbers and role on-call numbers in PROBLEM not verified within --days,
    and (with --rota) anyone rostered without a working number. Exit 1 when anyone
    rostered has none."""
    from ctpse_core.rota.contacts import STALE_DAYS, stale_numbers, without_working_number
    from ctpse_core.rota.io import load_problem, load_roster

    problem = load_problem(problem_file)
    window = days or STALE_DAYS
    day = today or dt.date.today()
    rows = stale_numbers(problem, today=day, days=window)
    missing = []
    if roster_file is not None:
        missing = without_working_number(problem, load_roster(roster_file, problem), today=day, days=window)
    if fmt == "json":
        click.echo(json.dumps({"today": day.isoformat(), "days": window, "stale": rows,
                               "rostered_without_working_number": missing}, indent=2))
    else:
        click.echo(f"# Numbers not verified in the {window} days to {day.isoformat()} ({len(rows)})\n")
        if rows:
            click.echo("| Who | Number | Label | Last verified |\n|---|---|---|---|")
            for r in rows:
                when = f"{r['verified']} ({r['age_days']} days)" if r["verified"] else "never"
                click.echo(f"| {r['name']} ({r['who']}) | {r['number']} | {r['label']} | {when} |")
        else:
            click.echo("None.")
        if roster_file is not None:
            click.echo(f"\n# Rostered without a working number ({len(missing)})\n")
            for m in missing:
                click.echo(f"- {m['name']} ({m['id']}): {m['why']}")
            if not missing:
                click.echo("None.")
    if missing:
        raise click.exceptions.Exit(1)
