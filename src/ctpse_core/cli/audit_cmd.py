"""``ctpse audit``: verify the hash-chained s.62 log, write keyed checkpoints of its head, and
show entries (auditor role)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ctpse_core.cli import CliContext
from ctpse_core.cli.options import pass_ctx

__all__ = ["audit"]


@click.group()
def audit() -> None:
    """Check and read the audit log (DPA 2018 s.62): verify, checkpoint, show."""


def _allowed(principal: object, what: str) -> None:
    from ctpse_core.security.policy import AccessDenied
    from ctpse_core.security.principal import Principal, Role

    assert isinstance(principal, Principal)
    if not principal.has_role(Role.AUDITOR, Role.ADMINISTRATOR, Role.SYSTEM):
        raise AccessDenied(f"{principal.id} may not {what}: that needs the auditor role")


@audit.command()
@click.option("--checkpoint", "checkpoint_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A checkpoint written by `ctpse audit checkpoint` (needs --key-file).")
@click.option("--key-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The checkpoint key (kept outside the store).")
@pass_ctx
def verify(ctx: CliContext, checkpoint_file: Path | None, key_file: Path | None) -> None:
    """Recompute the hash chain; name the first bad entry (exit 1) or say it verifies.

    With --checkpoint, also detect a log cut short or rewritten since the checkpoint."""
    from ctpse_core.errors import InputError, Problem
    from ctpse_core.security.audit import read_checkpoint
    from ctpse_core.security.audit import verify_values as check_values

    if checkpoint_file is not None and key_file is None:
        raise InputError([Problem("--key-file", "is needed to check --checkpoint")])
    point = read_checkpoint(checkpoint_file, key_file) if checkpoint_file and key_file else None
    store = ctx.open_store(create=False)
    try:
        _allowed(store.principal(ctx.user), "verify the audit log")
        result = check_values(store.iter_audit_values(), point)
    finally:
        store.close()
    click.echo(str(result))
    if not result.ok:
        raise click.exceptions.Exit(1)


@audit.command()
@click.option("--key-file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The HMAC key (at least 16 bytes; keep it outside the store).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the checkpoint here (default: standard output).")
@pass_ctx
def checkpoint(ctx: CliContext, key_file: Path, out: Path | None) -> None:
    """Verify the log, then write an HMAC-SHA256 checkpoint of its head to keep elsewhere."""
    from ctpse_core.domain.common import utcnow
    from ctpse_core.security.audit import checkpoint_json, make_checkpoint
    from ctpse_core.security.audit import verify_values as check_values

    store = ctx.open_store(create=False)
    try:
        _allowed(store.principal(ctx.user), "checkpoint the audit log")
        result = check_values(store.iter_audit_values())
    finally:
        store.close()
    if not result.ok:
        click.echo(str(result), err=True)
        raise click.ClickException("the log does not verify; no checkpoint written")
    text = checkpoint_json(make_checkpoint(result.head_seq, result.head_hash, key_file, utcnow()))
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"checkpoint of entry {result.head_seq} written to {out}")


def _when(text: str | None, option: str) -> dt.datetime | None:
    from ctpse_core.domain.common import utc
    from ctpse_core.errors import InputError, Problem

    if text is None:
        return None
    try:
        return utc(dt.datetime.fromisoformat(text))
    except ValueError:
        reason = f"{text!r} is not a date or date and time (e.g. 2026-12-04T09:00)"
        raise InputError([Problem(option, reason)]) from None


@audit.command()
@click.option("--record", help="Only entries about this record ID.")
@click.option("--collection", help="Only entries about this collection.")
@click.option("--principal", help="Only entries by this user ID (or service:NAME).")
@click.option("--operation", type=click.Choice(["collection", "alteration", "consultation", "disclosure",
                                                 "combination", "erasure"]), help="Only this operation.")
@click.option("--since", help="Only entries at or after this time (ISO; London time when no zone).")
@click.option("--until", help="Only entries before this time.")
@pass_ctx
def show(ctx: CliContext, record: str | None, collection: str | None, principal: str | None,
         operation: str | None, since: str | None, until: str | None) -> None:
    """Show audit entries (auditor role), oldest first, one per line (tab-separated)."""
    start, end = _when(since, "--since"), _when(until, "--until")
    store = ctx.open_store(create=False)
    try:
        _allowed(store.principal(ctx.user), "read the audit log")
        shown = 0
        for e in store.iter_audit():
            if ((record and e.record_id != record) or (collection and e.collection != collection)
                    or (principal and e.user != principal) or (operation and e.operation != operation)
                    or (start and e.at and e.at < start) or (end and e.at and e.at >= end)):
                continue
            shown += 1
            extra = ""
            if e.operation == "disclosure":
                extra = (f"\tto={e.recipient_org or '-'}/{e.recipient_person or '-'}"
                         f"\tagreement={e.agreement or '-'}\tfields={','.join(e.fields) or '-'}")
            at = e.at.isoformat(timespec="seconds") if e.at else "-"
            click.echo(f"{e.seq}\t{at}\t{e.user or '-'}\t{e.operation}\t{e.collection}\t"
                       f"{e.record_id or '-'}\t{e.purpose or '-'}\t{e.detail}{extra}")
        with ctx.unit_of_work(store) as uow:  # reading the log is itself a consultation
            uow.record_event("consultation", "audit_log", detail=f"audit show: {shown} entries")
            uow.commit()
    finally:
        store.close()
