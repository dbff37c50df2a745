"""``ctpse db``: create, upgrade, inspect, back up and restore the store."""

from __future__ import annotations

from pathlib import Path

import click

from ctpse_core.cli import CliContext
from ctpse_core.cli.options import pass_ctx

__all__ = ["db"]


def _shown(ctx: CliContext) -> str:
    from ctpse_core.storage import default_url, redact

    return redact(ctx.store_url or default_url())


@click.group()
def db() -> None:
    """Create, upgrade, inspect, export and import the store (--store or CTPSE_STORE)."""


@db.command()
@pass_ctx
def init(ctx: CliContext) -> None:
    """Create the store's schema (opening a new store does this too)."""
    store = ctx.open_store()
    try:
        status = store.schema_status()
    finally:
        store.close()
    if not status.up_to_date:
        raise click.ClickException(
            f"store {_shown(ctx)} already exists at schema {status.current}; "
            "run `ctpse db upgrade`"
        )
    click.echo(f"store {_shown(ctx)} ready at schema {status.current}")


@db.command()
@pass_ctx
def upgrade(ctx: CliContext) -> None:
    """Upgrade the store's schema to this version of ctpse_core, keeping every record."""
    store = ctx.open_store(create=False)
    try:
        before = store.schema_status().current
        after = store.upgrade()
    finally:
        store.close()
    if before == after.current:
        click.echo(f"store {_shown(ctx)} is up to date (schema {after.current})")
    else:
        click.echo(f"store {_shown(ctx)} upgraded from schema {before} to {after.current}")


@db.command()
@pass_ctx
def status(ctx: CliContext) -> None:
    """Show the store's schema revision and how many records each collection holds
    (never creates a store: a URL with none is an error, exit 2)."""
    from ctpse_core.storage.schema import record_types

    store = ctx.open_store(create=False)
    try:
        st = store.schema_status()
        click.echo(f"store: {_shown(ctx)}")
        state = "up to date" if st.up_to_date else "needs `ctpse db upgrade`"
        click.echo(f"schema: {st.current} (this ctpse_core: {st.head}) {state}")
        if st.up_to_date:
            with ctx.unit_of_work(store, bootstrap=True) as uow:  # counts only
                for name in record_types().names():
                    count = uow.repository(name).count()
                    if count:
                        click.echo(f"{name}: {count}")
    finally:
        store.close()


@db.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@pass_ctx
def export_cmd(ctx: CliContext, file: Path) -> None:
    """Write every record and the audit log to FILE, a portable JSON-lines archive (its folder
    must exist). The export is logged as a disclosure."""
    from ctpse_core.errors import InputError, Problem
    from ctpse_core.storage.archive import export_store

    def cannot_write(why: str) -> InputError:
        return InputError([Problem("", f"cannot write {file}: {why}")])

    folder = file.parent
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise cannot_write(f"{folder} {what}; create the folder first, or give a file in an existing folder")
    store = ctx.open_store(create=False)
    try:
        counts = export_store(store, file, user=ctx.principal(store))
    except OSError as exc:  # no permission, disk full...: name FILE, not the .part file written first
        raise cannot_write(exc.strerror or str(exc)) from None
    finally:
        store.close()
    click.echo(f"exported {sum(counts.values())} records to {file}")
    for name, count in counts.items():
        click.echo(f"  {name}: {count}")


@db.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--batch", type=click.IntRange(1, 1_000_000), default=5000, show_default=True,
              help="Records per unit of work.")
@pass_ctx
def import_cmd(ctx: CliContext, file: Path, batch: int) -> None:
    """Add every record of the archive FILE to the store (keeping record versions) and its
    audit log (into a store whose log is empty). On a store with no users, --user may import
    (the archive brings its users).

    The whole archive is checked first: every bad line is reported (exit 2) and nothing is
    written unless every line is good.
    """
    from ctpse_core.errors import InputError
    from ctpse_core.storage.archive import check_archive, import_archive

    try:
        check_archive(file)
    except InputError as exc:
        for line in exc.lines():
            click.echo(f"error: {line}", err=True)
        if len(exc.problems) > 1:  # one mistake is one line; several get a count
            click.echo(f"{len(exc.problems)} problem(s) in {file}; nothing was imported", err=True)
        raise click.exceptions.Exit(2) from None
    store = ctx.open_store()
    try:
        counts = import_archive(store, file, batch=batch, user=ctx.principal(store, bootstrap=True))
    finally:
        store.close()
    click.echo(f"imported {sum(counts.values())} records from {file}")
    for name, count in counts.items():
        click.echo(f"  {name}: {count}")
