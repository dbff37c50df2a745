"""``ctpse engagement``: due, overdue, compliance, caseload, the proposed schedule, and recording a contact."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs
import click

from ctpse_core.cli import CliContext
from ctpse_core.cli.casework_options import PeriodType, emit, list_options, today
from ctpse_core.cli.options import pass_ctx

__all__ = ["engagement"]

_METHODS = ("in-person", "home-visit", "phone", "video", "prison-visit", "partner-meeting")  # ContactMethod
_POLICY = "Contact policy override (TOML laid over the packaged policy) [env: CTPSE_ENGAGEMENT_POLICY]."


@click.group("engagement", invoke_without_command=True)
@click.pass_context
def engagement(click_ctx: click.Context) -> None:
    """Engagement tracker: who is due or overdue a contact, compliance, caseloads, schedules."""
    if click_ctx.invoked_subcommand is None:
        click.echo(click_ctx.get_help())


def _run(ctx: CliContext, config: Path | None, as_of: dt.date | None, build: Any) -> Any:
    from ctpse_core.engagement.service import load_cases, load_policy

    policy = load_policy(config)
    day = as_of or today()
    store = ctx.open_store(create=False)
    with store.unit_of_work(user=ctx.user) as uow:
        load = load_cases(uow, day, policy)
        product = build(load, policy, uow)
        uow.commit()  # the consultation events
    return product


@engagement.command("due")
@click.option("--within", type=click.IntRange(0, 3660), default=None,
              help="Days ahead (default: the policy's soon_days).")
@list_options(_POLICY)
@pass_ctx
def due(ctx: CliContext, within: int | None, as_of: dt.date | None, fmt: str, out: Path | None,
        config: Path | None) -> None:
    """Contacts falling due from the as-of day to WITHIN days after it, soonest first."""
    from ctpse_core.casework import list_product
    from ctpse_core.engagement.service import due_rows

    def build(load: Any, policy: Any, _uow: Any) -> Any:
        days = policy.soon_days if within is None else within
        rows = due_rows(load, days)
        return list_product("worklist", f"Contacts due by {load.as_of + dt.timedelta(days=days)}", rows,
                            load.marking, {"list": "engagement-due", "as_of": load.as_of.isoformat(),
                                           "within_days": days, "count": len(rows)})

    emit(_run(ctx, config, as_of, build), fmt, out)


@engagement.command("overdue")
@list_options(_POLICY)
@pass_ctx
def overdue(ctx: CliContext, as_of: dt.date | None, fmt: str, out: Path | None, config: Path | None) -> None:
    """Nominals whose contact deadline has passed with no counting contact, longest overdue first."""
    from ctpse_core.casework import list_product
    from ctpse_core.engagement.service import overdue_rows

    def build(load: Any, _policy: Any, _uow: Any) -> Any:
        rows = overdue_rows(load)
        return list_product("worklist", f"Contacts overdue as of {load.as_of}", rows, load.marking,
                            {"list": "engagement-overdue", "as_of": load.as_of.isoformat(), "count": len(rows)})

    emit(_run(ctx, config, as_of, build), fmt, out)


@engagement.command("compliance")
@click.option("--period", type=PeriodType(), default=None,
              help="YYYY-MM or FIRST..LAST (default: the month before the as-of day).")
@click.option("--by", "level", type=click.Choice(["manager", "force", "region"]), default="manager",
              show_default=True)
@list_options(_POLICY)
@pass_ctx
def compliance_cmd(ctx: CliContext, period: Any, level: str, as_of: dt.date | None, fmt: str, out: Path | None,
                   config: Path | None) -> None:
    """Share of nominals whose required contacts in the period all happened on time."""
    from ctpse_core.casework import Period, list_product
    from ctpse_core.engagement.service import compliance_rows

    def build(load: Any, _policy: Any, _uow: Any) -> Any:
        chosen = period
        if chosen is None:
            last = load.as_of.replace(day=1) - dt.timedelta(days=1)
            chosen = Period.month(last.year, last.month)
        rows = compliance_rows(load, chosen, level)
        ok = sum(r["compliant"] for r in rows)
        req = sum(r["required"] for r in rows)
        return list_product("worklist", f"Engagement compliance {chosen} by {level}", rows, load.marking, {
            "list": "engagement-compliance", "as_of": load.as_of.isoformat(), "period": str(chosen),
            "compliant": ok, "required": req, "percent": round(100 * ok / req, 1) if req else None,
        })

    emit(_run(ctx, config, as_of, build), fmt, out)


@engagement.command("caseload")
@list_options(_POLICY)
@pass_ctx
def caseload_cmd(ctx: CliContext, as_of: dt.date | None, fmt: str, out: Path | None, config: Path | None) -> None:
    """Per manager: nominals by tier, overdue, due soon and capacity; nominals with no manager or plan flagged."""
    from ctpse_core.casework import list_product
    from ctpse_core.engagement.service import caseload

    def build(load: Any, policy: Any, _uow: Any) -> Any:
        rows = caseload(load, policy)
        flagged = [{"nominal_id": n, "manager": m, "reason": r} for n, m, r in load.flagged]
        return list_product("worklist", f"Caseload per nominal manager as of {load.as_of}", rows, load.marking, {
            "list": "engagement-caseload", "as_of": load.as_of.isoformat(), "flagged": flagged,
        })

    emit(_run(ctx, config, as_of, build), fmt, out)


@engagement.command("schedule")
@click.option("--weeks", type=click.IntRange(1, 26), default=None, help="Weeks ahead (default: the policy's).")
@click.option("--manager", help="Only this manager's proposal.")
@list_options(_POLICY)
@pass_ctx
def schedule_cmd(ctx: CliContext, weeks: int | None, manager: str | None, as_of: dt.date | None, fmt: str,
                 out: Path | None, config: Path | None) -> None:
    """A proposed contact schedule: earliest deadline first within each manager's capacity, never on leave."""
    from ctpse_core.casework import list_product
    from ctpse_core.engagement.service import schedule

    def build(load: Any, policy: Any, uow: Any) -> Any:
        rows, left, marking = schedule(uow, load, policy, weeks, manager)
        return list_product("worklist", f"Proposed contact schedule from {load.as_of}", rows, marking, {
            "list": "engagement-schedule", "as_of": load.as_of.isoformat(), "weeks": weeks or policy.weeks,
            "proposed": len(rows), "cannot_keep_up": left,
        })

    emit(_run(ctx, config, as_of, build), fmt, out)


@engagement.command("record")
@click.argument("nominal_id")
@click.option("--manager", required=True, help="Who made (or will make) the contact (staff ID).")
@click.option("--done", "done_at", help="When it happened (DD/MM/YYYY HH:MM, London time); leave out for a plan.")
@click.option("--planned", "planned_at", help="When it was planned (default: when it happened).")
@click.option("--method", type=click.Choice(_METHODS), default="in-person", show_default=True)
@click.option("--outcome", help="What came of it (free text; no more personal data than needed).")
@click.option("--id", "contact_id", help="Contact ID (default: made from the nominal and time).")
@pass_ctx
def record(ctx: CliContext, nominal_id: str, manager: str, done_at: str | None, planned_at: str | None,
           method: str, outcome: str | None, contact_id: str | None) -> None:
    """Record a contact with NOMINAL_ID (done, or planned when --done is left out)."""
    from ctpse_core.convert import structure
    from ctpse_core.domain.common import Provenance, utcnow
    from ctpse_core.domain.engagement import Contact
    from ctpse_core.engagement.service import record_contact
    from ctpse_core.errors import InputError, Problem

    if done_at is None and planned_at is None:
        raise InputError([Problem("--done", "give --done (when it happened) or --planned (when it is planned)")])
    planned = planned_at or done_at
    data: dict[str, Any] = {"nominal_id": nominal_id, "manager": manager, "planned_at": planned,
                            "done_at": done_at, "method": method, "outcome": outcome}
    stamp = utcnow().strftime("%Y%m%d%H%M%S")
    data["id"] = contact_id or f"C-{nominal_id}-{stamp}"
    contact = structure(data, Contact, where="ctpse engagement record")
    contact = attrs.evolve(contact, provenance=Provenance(source="ctpse engagement record", user=ctx.user))
    store = ctx.open_store(create=False)
    with store.unit_of_work(user=ctx.user) as uow:
        stored = record_contact(uow, contact)
        uow.commit()
    click.echo(f"recorded contact {stored.id} with {nominal_id} ({stored.marking})")

