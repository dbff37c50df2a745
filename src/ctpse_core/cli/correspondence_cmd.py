"""``ctpse correspondence``: the log, due and overdue items, response times, logging an item;
and ``ctpse data-quality``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs
import click

from ctpse_core.cli import CliContext
from ctpse_core.cli.casework_options import PeriodType, emit, list_options, today
from ctpse_core.cli.options import pass_ctx

__all__ = ["correspondence", "data_quality_cmd"]

_RULES = "Working-day rules override (TOML laid over the packaged rules) [env: CTPSE_CORRESPONDENCE]."
_KINDS = ("mac-enquiry", "partner-request", "omu-update", "jctpph-return", "letter", "email", "request")


@click.group("correspondence", invoke_without_command=True)
@click.pass_context
def correspondence(click_ctx: click.Context) -> None:
    """Correspondence and MAC enquiries: log, due, overdue, response times."""
    if click_ctx.invoked_subcommand is None:
        click.echo(click_ctx.get_help())


def _list(ctx: CliContext, config: Path | None, as_of: dt.date | None, keep: str, title: str, name: str,
          soon: int | None = None) -> Any:
    from ctpse_core.casework import list_product
    from ctpse_core.correspondence.service import item_rows, load_rules, log

    rules = load_rules(config)
    day = as_of or today()
    with ctx.open_store(create=False).unit_of_work(user=ctx.user) as uow:
        items, marking = log(uow, f"correspondence {keep}")
        uow.commit()
    within = int(rules.get("due", {}).get("soon_days", 3)) if soon is None else soon
    rows = item_rows(items, day, dict(rules["working_days"]), keep, within)
    return list_product("worklist", f"{title} as of {day}", rows, marking,
                        {"list": name, "as_of": day.isoformat(), "count": len(rows)})


@correspondence.command("log")
@list_options(_RULES)
@pass_ctx
def log_cmd(ctx: CliContext, as_of: dt.date | None, fmt: str, out: Path | None, config: Path | None) -> None:
    """Every item received up to the as-of day, with its due day and state."""
    emit(_list(ctx, config, as_of, "all", "Correspondence log", "correspondence-log"), fmt, out)


@correspondence.command("due")
@click.option("--within", type=click.IntRange(0, 365), default=None, help="Working days ahead (default: policy).")
@list_options(_RULES)
@pass_ctx
def due_cmd(ctx: CliContext, within: int | None, as_of: dt.date | None, fmt: str, out: Path | None,
            config: Path | None) -> None:
    """Open items due within WITHIN working days."""
    emit(_list(ctx, config, as_of, "due", "Correspondence due", "correspondence-due", within), fmt, out)


@correspondence.command("overdue")
@list_options(_RULES)
@pass_ctx
def overdue_cmd(ctx: CliContext, as_of: dt.date | None, fmt: str, out: Path | None, config: Path | None) -> None:
    """Open items past their due day."""
    emit(_list(ctx, config, as_of, "overdue", "Correspondence overdue", "correspondence-overdue"), fmt, out)


@correspondence.command("response-times")
@click.option("--period", type=PeriodType(), default=None, help="Items received in YYYY-MM or FIRST..LAST.")
@list_options(_RULES)
@pass_ctx
def response_times_cmd(ctx: CliContext, period: Any, as_of: dt.date | None, fmt: str, out: Path | None,
                       config: Path | None) -> None:
    """Per partner: answered, median and longest response in working days, share on time."""
    from ctpse_core.casework import list_product, local_day
    from ctpse_core.correspondence.service import load_rules, log, response_times

    rules = load_rules(config)
    day = as_of or today()
    with ctx.open_store(create=False).unit_of_work(user=ctx.user) as uow:
        items, marking = log(uow, "correspondence response times")
        uow.commit()
    known = [i for i in items if local_day(i.received_at) <= day
             and (i.responded_at is None or local_day(i.responded_at) <= day)]
    rows = response_times(known, period, dict(rules["working_days"]))
    emit(list_product("worklist", "Response times per partner", rows, marking,
                      {"list": "correspondence-response-times", "as_of": day.isoformat(),
                       "period": str(period) if period else "all"}), fmt, out)


@correspondence.command("record")
@click.option("--partner", required=True)
@click.option("--subject", required=True, help="A subject line (no more personal data than needed).")
@click.option("--kind", type=click.Choice(_KINDS), default="mac-enquiry", show_default=True)
@click.option("--direction", type=click.Choice(["incoming", "outgoing"]), default="incoming", show_default=True)
@click.option("--received", required=True, help="When it arrived or was sent (DD/MM/YYYY HH:MM, London).")
@click.option("--deadline", help="Its own deadline, if it states one (else the kind's working days).")
@click.option("--nominal", "nominals", multiple=True, help="A nominal it concerns (repeat for several).")
@click.option("--owner", help="Who answers it (staff ID).")
@click.option("--personal-data", is_flag=True, help="It carries personal data (outgoing: a disclosure, only under "
              "an information-sharing agreement with the partner).")
@click.option("--agreement", "agreement_id", metavar="ID",
              help="Outgoing with personal data: the agreement it goes under (default: the live one with the "
                   "partner for the purpose correspondence).")
@click.option("--field", "fields", multiple=True, metavar="FIELD",
              help="Outgoing with personal data: a nominal field it carries (repeat; the nominals' IDs always go).")
@click.option("--to", "recipient", metavar="PERSON", help="Outgoing: who at the partner receives it (logged).")
@click.option("--marking", default="OFFICIAL-SENSITIVE", show_default=True)
@click.option("--id", "item_id", help="Item ID (default: made from the partner and time).")
@pass_ctx
def record_cmd(ctx: CliContext, partner: str, subject: str, kind: str, direction: str, received: str,
               deadline: str | None, nominals: tuple[str, ...], owner: str | None, personal_data: bool,
               agreement_id: str | None, fields: tuple[str, ...], recipient: str | None, marking: str,
               item_id: str | None) -> None:
    """Log an incoming or outgoing item."""
    import re

    from ctpse_core.convert import structure
    from ctpse_core.correspondence.service import record_item
    from ctpse_core.domain.common import Provenance, utcnow
    from ctpse_core.domain.engagement import Correspondence

    ident = item_id or f"CORR-{re.sub(r'[^A-Za-z0-9]+', '-', partner)[:20]}-{utcnow():%Y%m%d%H%M%S}"
    item = structure({"id": ident, "partner": partner, "subject": subject, "kind": kind, "direction": direction,
                      "received_at": received, "deadline": deadline, "nominal_ids": list(nominals),
                      "owner": owner, "personal_data": personal_data, "marking": marking},
                     Correspondence, where="ctpse correspondence record")
    item = attrs.evolve(item, provenance=Provenance(source="ctpse correspondence record", user=ctx.user))
    with ctx.open_store(create=False).unit_of_work(user=ctx.user) as uow:
        stored = record_item(uow, item, agreement=agreement_id, fields=fields, recipient_person=recipient)
        uow.commit()
    click.echo(f"logged {stored.id} ({stored.marking})" + (" - disclosure audited" if personal_data
                                                             and direction == "outgoing" else ""))


@click.command("data-quality")
@click.option("--owner", help="Only this owner's worklist.")
@list_options("Recording-standard override (TOML laid over the packaged one) [env: CTPSE_DATA_QUALITY].")
@pass_ctx
def data_quality_cmd(ctx: CliContext, owner: str | None, as_of: dt.date | None, fmt: str, out: Path | None,
                     config: Path | None) -> None:
    """Data-recording compliance: stale, incomplete and duplicate records, old feeds; a worklist per owner."""
    from ctpse_core.casework import list_product
    from ctpse_core.quality.service import load_rules, worklist

    rules = load_rules(config)
    day = as_of or today()
    with ctx.open_store(create=False).unit_of_work(user=ctx.user) as uow:
        rows, marking, total = worklist(uow, day, rules)
        uow.commit()
    if owner is not None:
        rows = [r for r in rows if r["owner"] == owner]
    per_owner: dict[str, int] = {}
    for r in rows:
        per_owner[r["owner"]] = per_owner.get(r["owner"], 0) + 1
    emit(list_product("worklist", f"Data-recording compliance as of {day}", rows, marking, {
        "list": "data-quality", "as_of": day.isoformat(), "nominals_checked": total,
        "nominals_with_faults": len({r["nominal_id"] for r in rows}), "faults_per_owner": per_owner,
    }), fmt, out)
