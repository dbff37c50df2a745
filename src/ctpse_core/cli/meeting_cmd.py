"""``ctpse meeting``: meeting types, agendas built from what is open, minutes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ctpse_core.cli import CliContext
from ctpse_core.cli.options import format_option, pass_ctx
from ctpse_core.cli.output import AsOf, emit, out_option, today

__all__ = ["meeting"]

_TYPES = click.option("--types", "types_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                      default=None, help="A force's meeting-types file (TOML), added to the built-in types.")


@click.group("meeting", invoke_without_command=True)
@click.pass_context
def meeting(click_ctx: click.Context) -> None:
    """Meetings: types, agendas from what is open since the last one, minutes."""
    if click_ctx.invoked_subcommand is None:
        click.echo(click_ctx.get_help())


@meeting.command("types")
@_TYPES
def types_command(types_file: Path | None) -> None:
    """The meeting types: cadence, chair and agenda sources."""
    from ctpse_core.meetings import load_meeting_types

    for key, kind in load_meeting_types(types_file).items():
        click.echo(f"{key}: {kind.title} - every {kind.cadence_days} day(s), chair {kind.chair}; "
                   f"sources {', '.join(kind.sources) or '-'}")


@meeting.command("sources")
def sources_command() -> None:
    """Every registered agenda source (built-in and from plugins)."""
    from ctpse_core.meetings import agenda_sources

    registered = agenda_sources()
    for name in registered.names():
        doc = (registered.get(name).__doc__ or "").strip().splitlines()
        click.echo(f"{name}  [{registered.owner(name)}]  {doc[0] if doc else ''}")


@meeting.command("agenda")
@click.argument("type_name", metavar="TYPE")
@click.option("--date", "day", type=AsOf(), default=None, help="The meeting day (default: today).")
@click.option("--record", is_flag=True, help="Also record the meeting with this agenda (for minutes and actions).")
@_TYPES
@format_option(default="md", only=("md", "html", "json", "csv"))
@out_option()
@pass_ctx
def agenda_command(ctx: CliContext, type_name: str, day: dt.date | None, record: bool, types_file: Path | None,
                   fmt: str, out: Path | None) -> None:
    """The agenda of a TYPE meeting on --date: standing items, then what is open since the last one."""
    from ctpse_core.domain.common import LONDON
    from ctpse_core.meetings import build_agenda, meeting_type, record_meeting

    kind = meeting_type(type_name, types_file)
    day = day or today()
    store = ctx.open_store(create=record)
    with store.unit_of_work(user=ctx.user) as uow:
        agenda = build_agenda(uow, kind, day)
        if record:
            held = dt.datetime.combine(day, dt.time(10, 0), LONDON)
            stored = record_meeting(uow, agenda, held_at=held)
            click.echo(f"recorded meeting {stored.id}", err=True)
        uow.commit()
    emit(agenda, fmt, out)


@meeting.command("list")
@pass_ctx
def list_command(ctx: CliContext) -> None:
    """Recorded meetings: ID, type, day, chair, agenda items and minutes."""
    store = ctx.open_store(create=False)
    with store.unit_of_work(user=ctx.user) as uow:
        meetings = sorted(uow.repository("meetings").list(), key=lambda m: m.held_at)
        uow.record_event("consultation", "meetings", None, f"{len(meetings)} meetings listed")
        uow.commit()
    for m in meetings:
        click.echo(f"{m.id}  {m.kind}  {m.held_at:%Y-%m-%d}  chair {m.chair}  "
                   f"{len(m.agenda)} items, {len(m.minutes)} minutes")


@meeting.command("minute")
@click.argument("meeting_id")
@click.option("--item", type=int, required=True, help="The agenda item number (from 1).")
@click.option("--note", required=True, help="What was decided or said.")
@pass_ctx
def minute_command(ctx: CliContext, meeting_id: str, item: int, note: str) -> None:
    """Record a minute against an agenda item of a recorded meeting."""
    from ctpse_core.meetings import add_minute

    store = ctx.open_store(create=False)
    with store.unit_of_work(user=ctx.user) as uow:
        add_minute(uow, meeting_id, item=item, note=note, by=ctx.user)
        uow.commit()
    click.echo(f"minute recorded against item {item} of {meeting_id}")
