"""``ctpse orders`` and ``ctpse pathways``: civil-order key dates, the horizon, pathway reviews."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ctpse_core.cli import CliContext
from ctpse_core.cli.casework_options import emit, list_options, today
from ctpse_core.cli.options import pass_ctx

__all__ = ["orders", "pathways"]

_RULES = "Order-type rules override (TOML laid over the packaged rules) [env: CTPSE_ORDER_TYPES]."


@click.group("orders", invoke_without_command=True)
@click.pass_context
def orders(click_ctx: click.Context) -> None:
    """Civil orders: key dates from rules that cite their legal source, and the horizon."""
    if click_ctx.invoked_subcommand is None:
        click.echo(click_ctx.get_help())


@orders.command("horizon")
@click.option("--within", type=click.IntRange(0, 3660), default=28, show_default=True,
              help="Deadlines up to this many days ahead.")
@click.option("--release-within", type=click.IntRange(0, 3660), default=91, show_default=True,
              help="Nominals due for release up to this many days ahead.")
@list_options(_RULES)
@pass_ctx
def horizon_cmd(ctx: CliContext, within: int, release_within: int, as_of: dt.date | None, fmt: str,
                out: Path | None, config: Path | None) -> None:
    """Order deadlines soon, deadlines missed, terms beyond the law's limits, and nominals due
    for release with no order considered or no pathway mapped (CSV: the deadline rows)."""
    from ctpse_core.casework import list_product
    from ctpse_core.orders.service import horizon, load_rules

    rules = load_rules(config)
    day = as_of or today()
    with ctx.open_store(create=False).unit_of_work(user=ctx.user) as uow:
        lists, marking = horizon(uow, day, within, release_within, rules)
        uow.commit()
    rows = lists["missed"] + lists["due"]
    product = list_product("worklist", f"Civil-order horizon: {within} days from {day}", rows, marking, {
        "list": "orders-horizon", "as_of": day.isoformat(), "within_days": within, "missed": len(lists["missed"]),
        "due": len(lists["due"]), "term_problems": lists["term_problems"],
        "release_unprepared": lists["release_unprepared"],
    })
    emit(product, fmt, out)


@orders.command("dates")
@click.argument("nominal_id", required=False)
@list_options(_RULES)
@pass_ctx
def dates_cmd(ctx: CliContext, nominal_id: str | None, as_of: dt.date | None, fmt: str, out: Path | None,
              config: Path | None) -> None:
    """Every key date of every order (or NOMINAL_ID's), with the source of each rule."""
    from ctpse_core.casework import consult, list_product, marking_of
    from ctpse_core.orders.service import load_rules, order_key_dates

    rules = load_rules(config)
    day = as_of or today()
    with ctx.open_store(create=False).unit_of_work(user=ctx.user) as uow:
        found = [o for o in consult(uow, "civil_orders", "orders dates") if nominal_id in (None, o.nominal_id)]
        uow.commit()
    rows = [{"nominal_id": k.nominal_id, "order_id": k.order_id, "order_type": k.order_type, "what": k.what,
             "on": k.on.isoformat(), "done": "" if k.done is None else k.done, "source": k.source}
            for k in order_key_dates(found, rules, day)]
    emit(list_product("worklist", f"Civil-order key dates as of {day}", rows, marking_of(found),
                      {"list": "orders-dates", "as_of": day.isoformat(), "count": len(rows)}), fmt, out)


@click.group("pathways", invoke_without_command=True)
@click.pass_context
def pathways(click_ctx: click.Context) -> None:
    """Reoffending pathways: partner, status and review per nominal; nominals with none mapped."""
    if click_ctx.invoked_subcommand is None:
        click.echo(click_ctx.get_help())


def _pathways(ctx: CliContext, as_of: dt.date | None, fmt: str, out: Path | None, within: int | None,
              title: str, name: str) -> None:
    from ctpse_core.casework import list_product
    from ctpse_core.orders.service import pathway_rows

    day = as_of or today()
    with ctx.open_store(create=False).unit_of_work(user=ctx.user) as uow:
        rows, marking = pathway_rows(uow, day, within)
        uow.commit()
    emit(list_product("worklist", f"{title} as of {day}", rows, marking,
                      {"list": name, "as_of": day.isoformat(), "count": len(rows)}), fmt, out)


@pathways.command("list")
@list_options()
@pass_ctx
def pathways_list(ctx: CliContext, as_of: dt.date | None, fmt: str, out: Path | None) -> None:
    """Every pathway mapped, with its partner, status and review state."""
    _pathways(ctx, as_of, fmt, out, None, "Reoffending pathways", "pathways")


@pathways.command("due")
@click.option("--within", type=click.IntRange(0, 3660), default=14, show_default=True)
@list_options()
@pass_ctx
def pathways_due(ctx: CliContext, within: int, as_of: dt.date | None, fmt: str, out: Path | None) -> None:
    """Pathway reviews overdue, due within WITHIN days, or never set."""
    _pathways(ctx, as_of, fmt, out, within, "Pathway reviews due", "pathways-due")


@pathways.command("unmapped")
@list_options()
@pass_ctx
def pathways_unmapped(ctx: CliContext, as_of: dt.date | None, fmt: str, out: Path | None) -> None:
    """Active nominals with no pathway mapped."""
    from ctpse_core.casework import list_product
    from ctpse_core.orders.service import unmapped_rows

    day = as_of or today()
    with ctx.open_store(create=False).unit_of_work(user=ctx.user) as uow:
        rows, marking = unmapped_rows(uow, day)
        uow.commit()
    emit(list_product("worklist", f"Nominals with no pathway mapped as of {day}", rows, marking,
                      {"list": "pathways-unmapped", "as_of": day.isoformat(), "count": len(rows)}), fmt, out)


