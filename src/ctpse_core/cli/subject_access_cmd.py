"""``ctpse subject-access ID``: everything held on a person (DPA 2018 s.45), withheld items
with their s.45(4) ground, and the disclosure history."""

from __future__ import annotations

from pathlib import Path

import click

from ctpse_core.cli import CliContext
from ctpse_core.cli.options import pass_ctx

__all__ = ["subject_access_cmd"]


@click.command("subject-access")
@click.argument("subject_id")
@click.option("--format", "fmt", type=click.Choice(["json", "md", "html"]), default="json", show_default=True,
              help="Output format.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (owner-only above OFFICIAL; default: standard output).")
@pass_ctx
def subject_access_cmd(ctx: CliContext, subject_id: str, fmt: str, out: Path | None) -> None:
    """Everything held on nominal SUBJECT_ID: records given, records withheld (with the
    s.45(4) ground) and what was disclosed to whom. The request is logged."""
    from ctpse_core.cli.output import emit
    from ctpse_core.security.subject_access import subject_access

    store = ctx.open_store(create=False)
    try:
        answer = subject_access(store, ctx.principal(store), subject_id)
    finally:
        store.close()
    emit(answer, fmt, out)
    click.echo(f"{len(answer.items)} item(s) given, {len(answer.withheld)} withheld, "
               f"{len(answer.disclosures)} disclosure(s)", err=True)
