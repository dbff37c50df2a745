"""``ctpse actions``: the action log (add, list, close, reopen, chase)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ctpse_core.cli import CliContext
from ctpse_core.cli.options import format_option, pass_ctx
from ctpse_core.cli.output import AsOf, as_of_option, emit, out_option, today

__all__ = ["actions"]


@click.group("actions", invoke_without_command=True)
@click.pass_context
def actions(click_ctx: click.Context) -> None:
    """The action log: owners, chairs, due dates, history; chase what is overdue."""
    if click_ctx.invoked_subcommand is None:
        click.echo(click_ctx.get_help())


@actions.command("add")
@click.option("--description", required=True, help="What is to be done.")
@click.option("--owner", required=True, help="Who is to do it.")
@click.option("--due", "due_on", type=AsOf(), required=True, help="The agreed date.")
@click.option("--meeting", "meeting_id", default=None, help="The recorded meeting that set it.")
@click.option("--chair", default=None, help="Who holds the owner to account (default: the meeting's chair).")
@click.option("--marking", default=None, help="Protective marking (default OFFICIAL, or the meeting's).")
@pass_ctx
def add_command(ctx: CliContext, description: str, owner: str, due_on: dt.date, meeting_id: str | None,
                chair: str | None, marking: str | None) -> None:
    """Log a new action."""
    from ctpse_core.domain.marking import Marking
    from ctpse_core.errors import InputError, Problem
    from ctpse_core.meetings import add_action

    try:
        parsed = Marking.parse(marking) if marking else None
    except ValueError as exc:
        raise InputError([Problem(field="--marking", reason=str(exc))]) from None
    store = ctx.open_store()
    with store.unit_of_work(user=ctx.user) as uow:
        action = add_action(uow, description=description, owner=owner, due_on=due_on, by=ctx.user,
                            meeting_id=meeting_id, chair=chair, marking=parsed)
        uow.commit()
    click.echo(f"{action.id} logged: {owner}, due {due_on.isoformat()}")


@actions.command("list")
@click.option("--status", type=click.Choice(["open", "done", "cancelled", "all"]), default="open", show_default=True)
@pass_ctx
def list_command(ctx: CliContext, status: str) -> None:
    """Actions with their owner, chair, due date and status."""
    store = ctx.open_store(create=False)
    with store.unit_of_work(user=ctx.user) as uow:
        found = sorted((a for a in uow.repository("actions").list() if status in ("all", str(a.status))),
                       key=lambda a: (a.due_on, a.id))
        uow.record_event("consultation", "actions", None, f"{len(found)} actions listed")
        uow.commit()
    for a in found:
        click.echo(f"{a.id}  due {a.due_on.isoformat()}  {a.status}  owner {a.owner}  chair {a.chair or '-'}  "
                   f"{a.description}")


@actions.command("close")
@click.argument("action_id")
@click.option("--on", "on", type=AsOf(), default=None, help="The day it was done (default: today).")
@click.option("--note", default="", help="What was done.")
@pass_ctx
def close_command(ctx: CliContext, action_id: str, on: dt.date | None, note: str) -> None:
    """Close an action: records who and when."""
    from ctpse_core.meetings import close_action

    store = ctx.open_store(create=False)
    with store.unit_of_work(user=ctx.user) as uow:
        action = close_action(uow, action_id, by=ctx.user, on=on or today(), note=note)
        uow.commit()
    click.echo(f"{action.id} closed by {ctx.user} on {action.completed_on}")


@actions.command("reopen")
@click.argument("action_id")
@click.option("--reason", required=True, help="Why it is reopened (audited).")
@click.option("--due", "due_on", type=AsOf(), default=None, help="A new due date.")
@pass_ctx
def reopen_command(ctx: CliContext, action_id: str, reason: str, due_on: dt.date | None) -> None:
    """Reopen a closed action (the reason is kept in its history and the audit log)."""
    from ctpse_core.meetings import reopen_action

    store = ctx.open_store(create=False)
    with store.unit_of_work(user=ctx.user) as uow:
        action = reopen_action(uow, action_id, by=ctx.user, reason=reason, due_on=due_on)
        uow.commit()
    click.echo(f"{action.id} reopened, due {action.due_on.isoformat()}")


@actions.command("chase")
@as_of_option()
@format_option(default="md", only=("md", "html", "json", "csv"))
@out_option()
@pass_ctx
def chase_command(ctx: CliContext, as_of: dt.date | None, fmt: str, out: Path | None) -> None:
    """Overdue actions: one list per owner to chase, one per chair to hold to account."""
    from ctpse_core.meetings import chase

    store = ctx.open_store(create=False)
    with store.unit_of_work(user=ctx.user) as uow:
        lists = chase(uow, as_of or today())
        uow.commit()
    emit(lists, fmt, out)
