"""``ctpse marking downgrade``: lower a stored record's marking, with a reason, audited."""

from __future__ import annotations

import click

from ctpse_core.cli import CliContext
from ctpse_core.cli.options import pass_ctx

__all__ = ["marking"]


@click.group()
def marking() -> None:
    """Protective markings of stored records (they never go down by accident)."""


@marking.command()
@click.argument("collection")
@click.argument("record_id")
@click.argument("new_marking", metavar="MARKING")
@click.option("--reason", required=True, help="Why it may be lowered, and who agreed (kept in the audit log).")
@pass_ctx
def downgrade(ctx: CliContext, collection: str, record_id: str, new_marking: str, reason: str) -> None:
    """Lower the marking of COLLECTION record RECORD_ID to MARKING (coordinator or
    administrator; audited with the reason)."""
    from ctpse_core.domain.marking import Marking
    from ctpse_core.errors import InputError, Problem
    from ctpse_core.security.markings import downgrade as lower
    from ctpse_core.storage.schema import record_types

    try:
        parsed = Marking.parse(new_marking)
    except ValueError as exc:
        raise InputError([Problem("MARKING", str(exc))]) from None
    if collection not in record_types():
        from ctpse_core.errors import UnknownName

        raise UnknownName("collection", collection, record_types().names(), field="COLLECTION")
    store = ctx.open_store(create=False)
    try:
        with ctx.unit_of_work(store) as uow:
            before = uow.repository(collection).get(record_id).marking
            lower(uow, collection, record_id, parsed, reason)
            uow.commit()
    finally:
        store.close()
    click.echo(f"{collection} {record_id}: marking lowered from {before} to {parsed}")
