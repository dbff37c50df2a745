"""``ctpse report``: list every product and format, or build one product and write it."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from ctpse_core.cli import CliContext
from ctpse_core.cli.options import interruptible, pass_ctx

__all__ = ["report"]


def _as_of(_ctx: Any, _param: Any, value: str | None) -> dt.date | None:
    if value is None:
        return None
    from ctpse_core.parsing import parse_date

    try:
        return parse_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _listing() -> str:
    from ctpse_core.products import products
    from ctpse_core.reports import format_info, formats

    registered = formats()
    lines = ["Products (name, role, floor marking, formats; * = format not installed):", ""]
    reg = products()
    width = max((len(n) for n in reg.names()), default=4)
    for name, spec in reg.items():
        offered = ", ".join(f if f in registered else f"{f}*" for f in spec.formats)
        owner = reg.owner(name) or ""
        lines.append(f"  {name:<{width}}  {spec.role} | {spec.floor} | {offered}")
        lines.append(f"  {'':<{width}}  {spec.title}" + (f" (from {owner})" if not owner.startswith("ctpse_core.")
                                                         else ""))
    lines += ["", "Formats:", ""]
    for name in registered.names():
        info = format_info(name)
        kind = "folder of files" if info.bundle else "binary file" if info.binary else "text"
        lines.append(f"  {name:<6} {info.title or name} ({kind}; from {registered.owner(name) or '?'})")
    return "\n".join(lines) + "\n"


@click.command("report")
@click.argument("name", required=False)
@click.option("--list", "listing", is_flag=True, help="Every product and format, plugins' included.")
@click.option("--format", "fmt", help="Format to write (one the product offers; see --list).")
@click.option("--out", type=click.Path(path_type=Path),
              help="File to write (a folder for email drafts and calendar feeds). Text formats print without it.")
@click.option("--as-of", "as_of", callback=_as_of, metavar="DATE",
              help="The day the product is for (DD/MM/YYYY; default: the latest data).")
@pass_ctx
@interruptible("nothing was written")
def report(ctx: CliContext, name: str | None, listing: bool, fmt: str | None, out: Path | None,
           as_of: dt.date | None) -> None:
    """Build product NAME from the store and write it in a format (--list: what there is).

    Products above OFFICIAL are written readable by you only. Exit status 2 for an unknown
    product or format, a format the product does not offer, or a binary format without --out.
    """
    from ctpse_core.errors import InputError, Problem
    from ctpse_core.products import build, products, render_product, write
    from ctpse_core.reports import format_info

    if listing or name is None:
        if name is not None:
            raise click.UsageError("give a product NAME or --list, not both")
        click.echo(_listing(), nl=False)
        return
    spec = products().get(name, field="NAME")
    fmt = fmt or spec.formats[0]
    info = format_info(fmt) if fmt in spec.formats else None
    if info is not None and info.binary and out is None:
        raise InputError([Problem("--out", f"format {fmt!r} writes a file: give --out "
                                           f"(e.g. --out {name}{info.suffix if not info.bundle else ''})")])
    store = ctx.open_store(create=False)
    try:
        with store.unit_of_work(user=ctx.user) as uow:
            uow.require("publish", "products", f"report {name}")
            product = build(name, uow, as_of)
            output = render_product(name, product, fmt)
            uow.record_event("disclosure", "products", name,
                             f"{fmt} to {out if out is not None else 'standard output'} ({product.marking})")
            uow.commit()
    finally:
        store.close()
    if out is None:
        click.echo(output if isinstance(output, str) else str(output), nl=False)
        return
    written = write(out, output, product.marking)
    click.echo(f"{product.marking}: {product.title}", err=True)
    for path in written:
        click.echo(f"written {path}", err=True)
    sys.stderr.flush()
