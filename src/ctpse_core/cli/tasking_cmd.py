"""``ctpse assets``, ``ctpse events``, ``ctpse commitments``, ``ctpse weekly-return``,
``ctpse tasking-doc``, ``ctpse dmm`` and ``ctpse issues``: the Coordination and Tasking
Officer's jobs beside the grid and the rotas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ctpse_core.cli import CliContext
from ctpse_core.cli.options import format_option, pass_ctx
from ctpse_core.cli.tasking_common import DATE, DATETIME, WEEK, emit, out_option

__all__ = ["assets", "commitments", "dmm", "events", "issues", "tasking_doc", "weekly_return"]

_FORMATS = ("json", "md", "html", "csv")


def _now(value: dt.datetime | None) -> dt.datetime:
    from ctpse_core.domain.common import utcnow

    return value or utcnow()


def _run(ctx: CliContext, work: Callable[[Any], Any], *, create: bool = False) -> Any:
    store = ctx.open_store(create=create)
    try:
        with store.unit_of_work(user=ctx.user) as uow:
            out = work(uow)
            uow.commit()
            return out
    finally:
        store.close()


# -- CT asset requests --------------------------------------------------------------------------
@click.group()
def assets() -> None:
    """CT asset requests: request, approve/decline, deploy, complete/cancel; overdue and summary."""


@assets.command("request")
@click.argument("request_id")
@click.option("--kind", required=True, help="forensic, media-viewing, investigative or a configured kind.")
@click.option("--operation", required=True)
@click.option("--requested-by", required=True)
@click.option("--unit", help="Requesting region or unit.")
@click.option("--home", help="Where the asset is based.")
@click.option("--objective", "objectives", multiple=True, required=True)
@click.option("--deadline", **DATETIME, required=True, help="Deadline set by the national mobilisation desk.")
@click.option("--marking", default="SECRET", show_default=True)
@pass_ctx
def request_cmd(ctx: CliContext, request_id: str, kind: str, operation: str, requested_by: str, unit: str | None,
                home: str | None, objectives: tuple[str, ...], deadline: dt.datetime, marking: str) -> None:
    """Record a new CT asset request."""
    from ctpse_core.domain.marking import Marking
    from ctpse_core.domain.surveillance import AssetRequest
    from ctpse_core.tasking.assets import create_request

    try:
        mark = Marking.parse(marking)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--marking") from None
    req = AssetRequest(id=request_id, kind=kind, operation_id=operation, requested_by=requested_by,
                       objectives=objectives, deadline=deadline, requesting_unit=unit, asset_home=home, marking=mark)
    _run(ctx, lambda uow: create_request(uow, req))
    click.echo(f"asset request {request_id} recorded")


def _mover(to: str) -> click.Command:
    @click.command(to if to != "complete" else "complete")
    @click.argument("request_id")
    @click.option("--why", default="", help="Why (required to decline or cancel).")
    @pass_ctx
    def cmd(ctx: CliContext, request_id: str, why: str) -> None:
        from ctpse_core.tasking.assets import move

        _run(ctx, lambda uow: move(uow, request_id, to, why))
        click.echo(f"asset request {request_id}: {to}")

    cmd.help = f"Move a request to {to} (who and when are recorded)."
    return cmd


for _to, _name in (("approved", "approve"), ("declined", "decline"), ("complete", "complete"),
                   ("cancelled", "cancel")):
    assets.add_command(_mover(_to), _name)


@assets.command("deploy")
@click.argument("request_id")
@click.option("--asset", "asset_id", required=True, help="The asset deployed (e.g. FOR-2).")
@click.option("--start", **DATETIME, required=True)
@click.option("--hours", type=click.FloatRange(0.25, 24 * 31), required=True)
@click.option("--staff", "staff_ids", multiple=True, help="Officers deployed with it.")
@click.option("--override", "override_reason", help="Deploy despite a hard conflict, for this reason (audited).")
@pass_ctx
def deploy_cmd(ctx: CliContext, request_id: str, asset_id: str, start: dt.datetime, hours: float,
               staff_ids: tuple[str, ...], override_reason: str | None) -> None:
    """Deploy an approved request's asset (checked by the deconfliction rules)."""
    from ctpse_core.tasking.assets import deploy

    _req, dep, conflicts = _run(ctx, lambda uow: deploy(
        uow, request_id, asset_id, start, start + dt.timedelta(hours=hours), staff_ids=staff_ids,
        override_reason=override_reason))
    click.echo(f"asset request {request_id}: deployed as {dep.id}"
               + (f" with {len(conflicts)} conflict(s): " + "; ".join(conflicts) if conflicts else ""))


@assets.command("staff")
@click.argument("request_id")
@click.option("--start", **DATETIME, required=True)
@click.option("--hours", type=click.FloatRange(0.25, 24 * 31), required=True)
@click.option("-n", "--count", type=click.IntRange(1, 1000), default=1, show_default=True)
@click.option("--qualification", help="The qualification they must hold.")
@format_option("md", _FORMATS)
@out_option()
@pass_ctx
def staff_cmd(ctx: CliContext, request_id: str, start: dt.datetime, hours: float, count: int,
              qualification: str | None, fmt: str, out: Path | None) -> None:
    """Short-notice staffing for an asset deployment: the first N people who could be committed
    (the rota builder's selection and the deconfliction rules), with everyone else's reasons."""
    from ctpse_core.tasking.commitments import board

    def work(uow: Any) -> Any:
        uow.asset_requests.get(request_id)
        return board(uow, start, hours=hours, qualification=qualification)

    product = _run(ctx, work)
    data = product.data()
    chosen = data["can_commit"][:count]
    data.update({"request": request_id, "wanted": count, "chosen": chosen, "shortfall": max(0, count - len(chosen))})
    product.title = f"Short-notice staffing for asset request {request_id}"
    emit(product, fmt, out)


@assets.command("list")
@click.option("--now", **DATETIME, help="The moment the clock is read at (default: now).")
@click.option("--only", type=click.Choice(["all", "overdue", "at-risk"]), default="all", show_default=True)
@format_option("md", _FORMATS)
@out_option()
@pass_ctx
def list_cmd(ctx: CliContext, now: dt.datetime | None, only: str, fmt: str, out: Path | None) -> None:
    """Every asset request with its deadline clock; or only the overdue or at-risk ones."""
    from ctpse_core.tasking.assets import asset_list_product, at_risk, overdue, row

    moment = _now(now)

    def work(uow: Any) -> Any:
        items = list(uow.asset_requests.list())
        uow.record_event("consultation", "asset_requests", None, f"asset list ({only})")
        return items

    items = _run(ctx, work)
    chosen = {"all": items, "overdue": overdue(items, moment), "at-risk": at_risk(items, moment)}[only]
    rows = [row(r, moment) for r in chosen]
    emit(asset_list_product("asset-requests", f"CT asset requests ({only})", {"now": moment.isoformat(),
                            "requests": rows}, rows, (r.marking for r in chosen)), fmt, out)


@assets.command("summary")
@click.option("--week", **WEEK, required=True, help="Any day of the week.")
@click.option("--now", **DATETIME)
@format_option("md", _FORMATS)
@out_option()
@pass_ctx
def summary_cmd(ctx: CliContext, week: dt.date, now: dt.datetime | None, fmt: str, out: Path | None) -> None:
    """The weekly summary of CT asset requests for senior leadership."""
    from ctpse_core.tasking.assets import asset_list_product, slt_summary

    def work(uow: Any) -> Any:
        found = list(uow.asset_requests.list())
        uow.record_event("consultation", "asset_requests", None, f"SLT summary, week of {week}")
        return found

    items = _run(ctx, work)
    data = slt_summary(items, week, _now(now))
    emit(asset_list_product("asset-summary", f"CT asset requests: SLT summary, week of {week:%d/%m/%Y}", data,
                            data["moved_this_week"], (r.marking for r in items)), fmt, out)


# -- fast-time events -----------------------------------------------------------------------------
@click.group()
def events() -> None:
    """Fast-time events: receive, assess, disseminate, acknowledge, stage; escalations."""


@events.command("receive")
@click.argument("event_id")
@click.option("--title", required=True)
@click.option("--source", required=True)
@click.option("--at", **DATETIME, help="When it was received (default: now).")
@click.option("--summary", default="")
@click.option("--marking", default="SECRET", show_default=True)
@pass_ctx
def receive_cmd(ctx: CliContext, event_id: str, title: str, source: str, at: dt.datetime | None, summary: str,
                marking: str) -> None:
    """Record a briefing document received."""
    from ctpse_core.domain.finance import FastTimeEvent
    from ctpse_core.domain.marking import Marking
    from ctpse_core.tasking.events import receive

    try:
        mark = Marking.parse(marking)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--marking") from None
    ev = FastTimeEvent(id=event_id, title=title, occurred_at=_now(at), source=source, summary=summary, marking=mark)
    _run(ctx, lambda uow: receive(uow, ev))
    click.echo(f"event {event_id} received")


@events.command("assess")
@click.argument("event_id")
@click.option("--threat", required=True)
@click.option("--risk", required=True)
@click.option("--decision", required=True)
@pass_ctx
def assess_cmd(ctx: CliContext, event_id: str, threat: str, risk: str, decision: str) -> None:
    """Record the assessment (you, now): threat and risk grading and the decision."""
    from ctpse_core.tasking.events import assess

    _run(ctx, lambda uow: assess(uow, event_id, threat, risk, decision))
    click.echo(f"event {event_id} assessed")


@events.command("disseminate")
@click.argument("event_id")
@click.option("--to", "recipients", multiple=True, required=True)
@click.option("--method", default="secure email", show_default=True)
@pass_ctx
def disseminate_cmd(ctx: CliContext, event_id: str, recipients: tuple[str, ...], method: str) -> None:
    """Record who the event was sent to, now, and how."""
    from ctpse_core.tasking.events import disseminate

    _run(ctx, lambda uow: disseminate(uow, event_id, recipients, method))
    click.echo(f"event {event_id} sent to {len(recipients)}")


@events.command("ack")
@click.argument("event_id")
@click.argument("recipient")
@pass_ctx
def ack_cmd(ctx: CliContext, event_id: str, recipient: str) -> None:
    """Record RECIPIENT's acknowledgement (now)."""
    from ctpse_core.tasking.events import acknowledge

    _run(ctx, lambda uow: acknowledge(uow, event_id, recipient))
    click.echo(f"event {event_id} acknowledged by {recipient}")


@events.command("stage")
@click.argument("event_id")
@click.argument("stage")
@pass_ctx
def stage_cmd(ctx: CliContext, event_id: str, stage: str) -> None:
    """Move the event to STAGE of the intelligence-management process."""
    from ctpse_core.tasking.events import set_stage

    _run(ctx, lambda uow: set_stage(uow, event_id, stage))
    click.echo(f"event {event_id}: {stage}")


@events.command("list")
@click.option("--now", **DATETIME)
@click.option("--escalations", "only_escalations", is_flag=True, help="Only recipients yet to acknowledge.")
@format_option("md", _FORMATS)
@out_option()
@pass_ctx
def events_list(ctx: CliContext, now: dt.datetime | None, only_escalations: bool, fmt: str,
                out: Path | None) -> None:
    """Every fast-time event with its state; or what is to be escalated."""
    from ctpse_core.domain.marking import highest
    from ctpse_core.reports import SimpleProduct
    from ctpse_core.tasking.events import escalations, event_row

    moment = _now(now)

    def work(uow: Any) -> Any:
        items = list(uow.fast_time_events.list())
        uow.record_event("consultation", "fast_time_events", None, "event list")
        return items

    items = _run(ctx, work)
    waiting = [x.as_dict() for x in escalations(items, moment)]
    rows = waiting if only_escalations else [event_row(e, moment) for e in items]
    emit(SimpleProduct("fast-time-events", "Fast-time events", {"now": moment.isoformat(), "events": rows,
                       "escalations": waiting}, highest(e.marking for e in items), rows=rows), fmt, out)


# -- commitments board ----------------------------------------------------------------------------
@click.command()
@click.option("--at", **DATETIME, required=True, help="The moment (Europe/London), e.g. '05/03/2025 14:00'.")
@click.option("--hours", type=click.FloatRange(0.25, 24 * 31), default=8.0, show_default=True,
              help="How long the commitment being considered lasts.")
@click.option("--qualification", help="Only count people holding it as able to commit.")
@format_option("md", _FORMATS)
@out_option()
@pass_ctx
def commitments(ctx: CliContext, at: dt.datetime, hours: float, qualification: str | None, fmt: str,
                out: Path | None) -> None:
    """Every staff member's commitments at a moment; who is free, qualified and rested; what
    committing each would break."""
    from ctpse_core.tasking.commitments import board

    emit(_run(ctx, lambda uow: board(uow, at, hours=hours, qualification=qualification)), fmt, out)


# -- weekly returns -----------------------------------------------------------------------------
def _return_cmd(name: str, service: str, help_text: str, daily: bool = False) -> click.Command:
    @click.command(name, help=help_text)
    @click.option("--day" if daily else "--week", "when", **(DATE if daily else WEEK), required=True,
                  help="The day." if daily else "Any day of the week.")
    @click.option("--now", **DATETIME, help="The moment clocks are read at (default: now).")
    @format_option("md", _FORMATS)
    @out_option()
    @pass_ctx
    def cmd(ctx: CliContext, when: dt.date, now: dt.datetime | None, fmt: str, out: Path | None) -> None:
        from ctpse_core.tasking import returns

        emit(_run(ctx, lambda uow: getattr(returns, service)(uow, when, _now(now))), fmt, out)

    return cmd


weekly_return = _return_cmd("weekly-return", "weekly_secret_meeting_return",
                            "The Weekly Secret Meeting Return's data for a week.")
tasking_doc = _return_cmd("tasking-doc", "national_weekly_tasking", "The National Weekly Tasking document's data.")
dmm = _return_cmd("dmm", "dmm_brief", "The Daily Management Meeting brief for a day.", daily=True)


@click.group()
def issues() -> None:
    """Significant issues the CATO enters for the weekly returns."""


@issues.command("add")
@click.argument("issue_id")
@click.argument("text")
@click.option("--week", **WEEK, required=True)
@click.option("--marking", default="OFFICIAL-SENSITIVE", show_default=True)
@pass_ctx
def issues_add(ctx: CliContext, issue_id: str, text: str, week: dt.date, marking: str) -> None:
    """Enter significant issue ISSUE_ID for a week."""
    from ctpse_core.domain.common import utcnow
    from ctpse_core.domain.marking import Marking
    from ctpse_core.tasking.returns import SignificantIssue

    try:
        mark = Marking.parse(marking)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--marking") from None

    def work(uow: Any) -> None:
        uow.significant_issues.add(SignificantIssue(id=issue_id, week_starting=week, text=text, entered_by=ctx.user,
                                                    entered_at=utcnow(), marking=mark))
        uow.record_event("collection", "significant_issues", issue_id, f"week of {week}")

    _run(ctx, work)
    click.echo(f"issue {issue_id} entered for the week of {week:%d/%m/%Y}")
