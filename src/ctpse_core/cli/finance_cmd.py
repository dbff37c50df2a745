"""``ctpse overtime forecast`` and ``ctpse bids ...``: the overtime forecast under pay rules,
funding bids, signed authorisations and their reconciliation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click

from ctpse_core.cli import CliContext
from ctpse_core.cli.options import format_option, pass_ctx
from ctpse_core.cli.tasking_common import DATE, DATETIME, emit, out_option
from ctpse_core.errors import InputError, Problem

__all__ = ["bids", "overtime"]

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _rules(path: Path | None):  # type: ignore[no-untyped-def]
    from ctpse_core.finance import builtin_pay_rules, load_pay_rules

    return load_pay_rules(path) if path else builtin_pay_rules()


@click.group()
def overtime() -> None:
    """The overtime forecast under police pay rules (Annex G/H; Police Staff Council)."""


@overtime.command("forecast")
@click.option("--from", "first", **DATE, required=True, help="First day (DD/MM/YYYY).")
@click.option("--to", "last", **DATE, required=True, help="Last day (DD/MM/YYYY).")
@click.option("--rules", type=_FILE, help="Pay rules TOML (default: the built-in illustrative rules).")
@click.option("--by", default="week,operation,team,person,budget_code,rule", show_default=True,
              help="Breakdowns, comma-separated.")
@click.option("--lines", is_flag=True, help="Include every priced line (CSV always has them).")
@click.option("--save", is_flag=True, help="Store the weekly forecast per operation.")
@format_option("md", ("json", "md", "html", "csv"))
@out_option()
@pass_ctx
def forecast_cmd(ctx: CliContext, first: dt.date, last: dt.date, rules: Path | None, by: str, lines: bool,
                 save: bool, fmt: str, out: Path | None) -> None:
    """Forecast overtime for stored deployments, asset deployments and on-call shifts."""
    from ctpse_core.finance import BREAKDOWNS
    from ctpse_core.finance.service import forecast_product, forecast_stored, save_weekly_forecasts

    wanted = [b.strip() for b in by.split(",") if b.strip()]
    unknown = [b for b in wanted if b not in BREAKDOWNS]
    if unknown:
        raise InputError([Problem("--by", f"{u!r} is not a breakdown (use {', '.join(BREAKDOWNS)})")
                          for u in unknown], "unknown breakdown")
    store = ctx.open_store(create=False)
    try:
        with store.unit_of_work(user=ctx.user) as uow:
            stored = forecast_stored(uow, first, last, rules=_rules(rules))
            if save:
                save_weekly_forecasts(uow, stored)
            uow.commit()
    finally:
        store.close()
    emit(forecast_product(stored, wanted, lines), fmt, out)


@click.group()
def bids() -> None:
    """Funding bids to the national desk, signed authorisations and reconciliation."""


@bids.command("create")
@click.argument("bid_id")
@click.option("--from", "first", **DATE, required=True)
@click.option("--to", "last", **DATE, required=True)
@click.option("--rules", type=_FILE, help="Pay rules TOML.")
@click.option("--out-of-region-only", is_flag=True, help="Bid only for out-of-region working.")
@format_option("md", ("json", "md", "html", "csv"))
@out_option()
@pass_ctx
def create(ctx: CliContext, bid_id: str, first: dt.date, last: dt.date, rules: Path | None,
           out_of_region_only: bool, fmt: str, out: Path | None) -> None:
    """Generate funding bid BID_ID from the forecast and store it as submitted."""
    from ctpse_core.finance.publish import submit_bid
    from ctpse_core.finance.service import forecast_stored
    from ctpse_core.reports import SimpleProduct

    store = ctx.open_store(create=False)
    try:
        with store.unit_of_work(user=ctx.user) as uow:
            stored = forecast_stored(uow, first, last, rules=_rules(rules))
            bid = submit_bid(uow, stored, bid_id, first, last, out_of_region_only=out_of_region_only)
            uow.commit()
    finally:
        store.close()
    rows = [{"operation_id": x.operation_id, "hours": str(x.hours), "amount": str(x.amount)} for x in bid.lines]
    emit(SimpleProduct("funding-bid", f"Funding bid {bid_id}", {
        "bid": bid_id, "period_start": first.isoformat(), "period_end": last.isoformat(),
        "total": str(bid.total), "lines": rows}, bid.marking, rows=rows), fmt, out)


def _amounts(values: tuple[str, ...]) -> dict[str, Decimal] | None:
    if not values:
        return None
    out: dict[str, Decimal] = {}
    for text in values:
        op, _, amount = text.partition("=")
        try:
            out[op.strip()] = Decimal(amount)
        except InvalidOperation:
            raise InputError([Problem("--amount", f"{text!r} must be OPERATION=POUNDS")], "bad amount") from None
    return out


@bids.command("authorise")
@click.argument("bid_id")
@click.option("--id", "auth_id", required=True, help="ID of the authorisation record.")
@click.option("--signed-by", required=True)
@click.option("--signed-at", **DATETIME, required=True, help="When it was signed (Europe/London).")
@click.option("--amount", "amounts", multiple=True, metavar="OP=POUNDS",
              help="Authorised amount per operation (default: as bid).")
@pass_ctx
def authorise(ctx: CliContext, bid_id: str, auth_id: str, signed_by: str, signed_at: dt.datetime,
              amounts: tuple[str, ...]) -> None:
    """Record the signed authorisation returned against BID_ID."""
    from ctpse_core.finance.publish import record_authorisation

    store = ctx.open_store(create=False)
    try:
        with store.unit_of_work(user=ctx.user) as uow:
            auth = record_authorisation(uow, bid_id, auth_id, signed_by, signed_at, _amounts(amounts))
            uow.commit()
    finally:
        store.close()
    click.echo(f"authorisation {auth.id} against bid {bid_id}: {len(auth.lines)} lines, signed by {signed_by}")


@bids.command("reconcile")
@click.argument("bid_id")
@click.option("--claims", type=_FILE, help="Claimed overtime CSV (operation_id, staff_id, day, hours, amount).")
@click.option("--thresholds", type=_FILE, help="Budget thresholds TOML (default: warn 90 %, block past 100 %).")
@click.option("--rules", type=_FILE, help="Pay rules TOML.")
@format_option("md", ("json", "md", "html", "csv"))
@out_option()
@pass_ctx
def reconcile_cmd(ctx: CliContext, bid_id: str, claims: Path | None, thresholds: Path | None,
                  rules: Path | None, fmt: str, out: Path | None) -> None:
    """Forecast vs bid vs authorised vs actual per operation, and the budget position."""
    from ctpse_core.finance.bids import load_claims, load_thresholds
    from ctpse_core.finance.products import reconciliation_product
    from ctpse_core.finance.publish import reconcile_stored
    from ctpse_core.finance.service import forecast_stored

    store = ctx.open_store(create=False)
    try:
        with store.unit_of_work(user=ctx.user) as uow:
            bid = uow.funding_bids.find(bid_id)
            if bid is None:
                raise InputError([Problem("BID_ID", f"no funding bid {bid_id!r}")], "unknown bid")
            stored = forecast_stored(uow, bid.period_start, bid.period_end, rules=_rules(rules))
            lines = reconcile_stored(uow, stored, bid_id, load_claims(claims) if claims else (),
                                     load_thresholds(thresholds) if thresholds else None)
            uow.commit()
    finally:
        store.close()
    emit(reconciliation_product(bid_id, lines, stored.marking), fmt, out)


@overtime.command("amend")
@click.argument("deployment_id")
@click.option("--bid", "bid_id", required=True, help="The bid whose authorisation the change is checked against.")
@click.option("--start", **DATETIME, help="New start (Europe/London).")
@click.option("--end", **DATETIME, help="New end (Europe/London).")
@click.option("--cancel", is_flag=True, help="Cancel the deployment.")
@click.option("--override", "override_reason", help="Publish past the authorisation for this reason (audited).")
@click.option("--rules", type=_FILE, help="Pay rules TOML.")
@format_option("md", ("json", "md", "html", "csv"))
@out_option()
@pass_ctx
def amend_cmd(ctx: CliContext, deployment_id: str, bid_id: str, start: dt.datetime | None, end: dt.datetime | None,
              cancel: bool, override_reason: str | None, rules: Path | None, fmt: str,
              out: Path | None) -> None:
    """Amend a stored deployment: re-price it, show the forecast's difference, and publish it
    unless it takes the operation past its authorisation (then --override REASON is needed)."""
    import attrs

    from ctpse_core.domain.surveillance import DeploymentStatus
    from ctpse_core.finance.publish import publish_amendment
    from ctpse_core.finance.service import difference_product, forecast_stored

    store = ctx.open_store(create=False)
    try:
        with store.unit_of_work(user=ctx.user) as uow:
            bid = uow.funding_bids.find(bid_id)
            if bid is None:
                raise InputError([Problem("--bid", f"no funding bid {bid_id!r}")], "unknown bid")
            current = uow.deployments.find(deployment_id)
            if current is None:
                raise InputError([Problem("DEPLOYMENT_ID", f"no deployment {deployment_id!r}")], "unknown deployment")
            changes: dict[str, object] = {"provenance": None}
            if start is not None:
                changes["start"] = start
            if end is not None:
                changes["end"] = end
            if cancel:
                changes["status"] = DeploymentStatus.CANCELLED
            try:
                amended = attrs.evolve(current, **changes)
            except ValueError as exc:
                raise InputError([Problem("--start/--end", str(exc), deployment_id)], "bad amendment") from None
            stored = forecast_stored(uow, bid.period_start, bid.period_end, rules=_rules(rules))
            result = publish_amendment(uow, stored, amended, bid_id, override_reason=override_reason)
            uow.commit()
    finally:
        store.close()
    after = result.after.as_dict() if result.after else {}
    click.echo(f"{deployment_id}: forecast change £{result.difference.as_dict()['total_change']}; operation "
               f"{amended.operation_id} {result.status}"
               + (f" ({after.get('used')} of £{after.get('authorised')} authorised)" if after else "")
               + ("; published past the authorisation with an audited override" if result.overridden else ""),
               err=True)
    emit(difference_product(result.difference, f"Forecast change for {deployment_id}", stored.marking), fmt,
         out)
