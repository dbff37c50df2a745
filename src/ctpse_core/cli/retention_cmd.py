"""``ctpse retention``: review and disposal of nominal records (MoPI groups from configuration)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ctpse_core.cli import CliContext
from ctpse_core.cli.options import pass_ctx

__all__ = ["retention"]

_CONFIG = click.option("--config", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                       help="Retention groups TOML (default: the MoPI defaults shipped with ctpse).")


def _day(text: str | None) -> dt.date | None:
    from ctpse_core.errors import InputError, Problem
    from ctpse_core.parsing import parse_date

    if text is None:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise InputError([Problem("--as-of", f"{text!r} is not a date ({exc})")]) from None


@click.group()
def retention() -> None:
    """Review, retain or dispose of nominal records when their review is due."""


@retention.command("assign")
@click.argument("nominal_id")
@click.option("--group", required=True, help="Retention group (see the configuration: 1 to 4 by default).")
@click.option("--from", "start", help="Start of the period (default: today).")
@_CONFIG
@pass_ctx
def assign_cmd(ctx: CliContext, nominal_id: str, group: str, start: str | None, config: Path | None) -> None:
    """Put NOMINAL_ID in a retention group; its first review is one period on."""
    from ctpse_core.security.retention import assign

    store = ctx.open_store(create=False)
    try:
        with ctx.unit_of_work(store) as uow:
            held = assign(uow, nominal_id, group, start=_day(start), config=config)
            uow.commit()
    finally:
        store.close()
    click.echo(f"{nominal_id}: group {held.group}, next review {held.next_review.isoformat()}")


@retention.command("due")
@click.option("--as-of", "as_of", help="Day to list as of (default: today).")
@pass_ctx
def due_cmd(ctx: CliContext, as_of: str | None) -> None:
    """Nominals whose review is due: ID, group, review date, decisions so far."""
    from ctpse_core.security.retention import due

    store = ctx.open_store(create=False)
    try:
        with ctx.unit_of_work(store) as uow:
            found = due(uow, _day(as_of))
            uow.record_event("consultation", "retention", detail=f"review list: {len(found)} due")
            uow.commit()
    finally:
        store.close()
    for r in found:
        click.echo(f"{r.id}\t{r.group}\t{r.next_review.isoformat()}\t{len(r.decisions)} earlier decision(s)")


@retention.command("retain")
@click.argument("nominal_id")
@click.option("--rationale", required=True, help="Why the record is still needed for a policing purpose.")
@click.option("--reviewer", help="Who reviewed it (default: --user).")
@_CONFIG
@pass_ctx
def retain_cmd(ctx: CliContext, nominal_id: str, rationale: str, reviewer: str | None, config: Path | None) -> None:
    """Record a retain decision for NOMINAL_ID (reviewer and rationale kept); next review moves on."""
    from ctpse_core.security.retention import retain

    store = ctx.open_store(create=False)
    try:
        with ctx.unit_of_work(store) as uow:
            held = retain(uow, nominal_id, reviewer if reviewer is not None else ctx.user, rationale, config=config)
            uow.commit()
    finally:
        store.close()
    click.echo(f"{nominal_id}: retained; next review {held.next_review.isoformat()}")


@retention.command("dispose")
@click.argument("nominal_id")
@click.option("--rationale", required=True, help="Why it is disposed of.")
@click.option("--reviewer", help="Who reviewed it (default: --user).")
@pass_ctx
def dispose_cmd(ctx: CliContext, nominal_id: str, rationale: str, reviewer: str | None) -> None:
    """Erase NOMINAL_ID and every record referring to it (the log keeps IDs only)."""
    from ctpse_core.security.retention import dispose

    store = ctx.open_store(create=False)
    try:
        with ctx.unit_of_work(store) as uow:
            erased = dispose(uow, nominal_id, reviewer if reviewer is not None else ctx.user, rationale)
            uow.commit()
    finally:
        store.close()
    click.echo(f"{nominal_id}: disposed of; {len(erased)} record(s) erased")
