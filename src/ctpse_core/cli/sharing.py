"""``ctpse agreements`` (add, example, list), ``ctpse disclose`` and ``ctpse disclosures`` (log, notify):
information sharing with partners, only through an active agreement, every disclosure and
every refusal logged."""

from __future__ import annotations

from pathlib import Path

import click

from ctpse_core.cli import CliContext
from ctpse_core.cli.options import pass_ctx

__all__ = ["agreements", "disclose_cmd", "disclosures"]


@click.group()
def agreements() -> None:
    """Information-sharing agreements with partner organisations."""


@agreements.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_ctx
def agreements_add(ctx: CliContext, file: Path) -> None:
    """Store the agreement in the TOML FILE (administrator). Keys: id, partner, purposes,
    lawful_basis, highest_marking, review_date, expiry_date and a [fields] table of record
    type = [allowed fields]."""
    from ctpse_core import convert
    from ctpse_core.security.agreements import Agreement, add_agreement
    from ctpse_core.tomlfile import read_toml

    agreement = convert.structure(read_toml(file), Agreement, where=str(file))
    store = ctx.open_store()
    try:
        add_agreement(store, ctx.principal(store), agreement)
    finally:
        store.close()
    click.echo(f"agreement {agreement.id} with {agreement.partner} stored (expires {agreement.expiry_date})")


@agreements.command("example")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write it here (default: standard output).")
def agreements_example(out: Path | None) -> None:
    """A fictional agreement with JCTPPH for the correction set, from today for a year, as the
    TOML `agreements add` reads: a starting point for the real one (every national-list field,
    up to OFFICIAL-SENSITIVE)."""
    from ctpse_core.reconcile.disclosure import hub_agreement
    from ctpse_core.security.agreements import agreement_toml

    text = agreement_toml(hub_agreement("ISA-JCTPPH-EXAMPLE"))
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"written to {out}", err=True)


@agreements.command("list")
@pass_ctx
def agreements_list(ctx: CliContext) -> None:
    """Every agreement: partner, purposes, highest marking, review and expiry dates."""
    store = ctx.open_store(create=False)
    try:
        with ctx.unit_of_work(store) as uow:
            uow.authorize("read", "agreements")
            found = list(uow.repository("agreements").list())
    finally:
        store.close()
    for a in found:
        state = "active" if a.active else "inactive"
        click.echo(f"{a.id}\t{a.partner}\t{','.join(sorted(a.purposes))}\t{a.highest_marking}\t"
                   f"review {a.review_date}\texpires {a.expiry_date}\t{state}")


@click.command("disclose")
@click.argument("agreement_id")
@click.argument("record_ids", nargs=-1, required=True)
@click.option("--collection", default="nominals", show_default=True, help="The records' collection.")
@click.option("--purpose", required=True, help="Why (must be one the agreement allows).")
@click.option("--to", "recipient", required=True, help="The receiving person at the partner.")
@click.option("--fields", required=True, help="Comma-separated fields to send (the agreement's allow-list).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The extract (CSV, marked, owner-only above OFFICIAL).")
@pass_ctx
def disclose_cmd(ctx: CliContext, agreement_id: str, record_ids: tuple[str, ...], collection: str, purpose: str,
                 recipient: str, fields: str, out: Path) -> None:
    """Write an extract of RECORD_IDS for the partner of AGREEMENT_ID; refused (exit 1, and
    logged) when anything is outside the agreement."""
    from ctpse_core.reports import csv_text
    from ctpse_core.security.agreements import disclose
    from ctpse_core.security.outputs import write_marked

    wanted = [f.strip() for f in fields.split(",") if f.strip()]
    store = ctx.open_store(create=False)
    try:
        sent = disclose(store, ctx.principal(store), agreement_id, recipient_person=recipient, purpose=purpose,
                        collection=collection, record_ids=record_ids, fields=wanted)
    finally:
        store.close()
    rows = [{k: ("" if v is None else str(v)) for k, v in row.items()} for row in sent.rows]
    write_marked(out, csv_text(["id", *sent.fields], rows, sent.marking), sent.marking)
    click.echo(f"{len(rows)} {collection} record(s) disclosed to {sent.partner} ({recipient}) under "
               f"{sent.agreement} for {purpose}: {out} ({sent.marking})")


@click.group(invoke_without_command=True)
@click.option("--record", help="Only this record.")
@click.option("--partner", help="Only this partner organisation.")
@click.option("--refused", is_flag=True, help="The refused disclosures instead.")
@click.pass_context
def disclosures(click_ctx: click.Context, record: str | None, partner: str | None, refused: bool) -> None:
    """The disclosure log: what was sent to whom, when, under which agreement (auditor,
    administrator or coordinator)."""
    if click_ctx.invoked_subcommand is not None:
        return
    from ctpse_core.security.agreements import disclosure_log

    ctx = click_ctx.find_object(CliContext)
    assert ctx is not None
    store = ctx.open_store(create=False)
    try:
        with ctx.unit_of_work(store) as uow:
            if not (uow.can("audit", "audit_log") or uow.can("disclose", "nominals")):
                from ctpse_core.security.policy import AccessDenied

                raise AccessDenied(f"{uow.principal.id} may not read the disclosure log")
            found = disclosure_log(store, record_id=record, partner=partner, refused=refused)
            uow.record_event("consultation", "audit_log", detail=f"disclosure log: {len(found)} entries")
            uow.commit()
    finally:
        store.close()
    for e in found:
        at = e.at.isoformat(timespec="seconds") if e.at else "-"
        click.echo(f"{at}\t{e.user}\t{e.recipient_org or '-'}\t{e.recipient_person or '-'}\t{e.agreement or '-'}\t"
                   f"{e.collection}\t{e.record_id or '-'}\t{','.join(e.fields)}\t{e.purpose}"
                   + (f"\t{e.detail}" if refused else ""))


@disclosures.command("notify")
@click.argument("record_id")
@pass_ctx
def notify(ctx: CliContext, record_id: str) -> None:
    """Who received RECORD_ID and must be told of a correction to it."""
    from ctpse_core.security.agreements import recipients_to_notify

    store = ctx.open_store(create=False)
    try:
        with ctx.unit_of_work(store) as uow:
            uow.authorize("disclose", "nominals")
        found = recipients_to_notify(store, record_id)
    finally:
        store.close()
    if not found:
        click.echo(f"{record_id} was never disclosed: nobody to notify")
    for org, person, agreement, at in found:
        click.echo(f"{org}\t{person}\t{agreement}\tlast sent {at.isoformat(timespec='seconds')}")
