"""``ctpse import FEED FILE``: import a partner file, every row stored or reported."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ctpse_core.cli import CliContext
from ctpse_core.cli.options import pass_ctx

__all__ = ["REJECTED_EXIT", "import_command"]

#: Exit status when the import worked but some rows were rejected.
REJECTED_EXIT = 3
_BAR_FROM = 2000  # rows: smaller files import too fast for a progress bar to help


def _list() -> None:
    from ctpse_core.feeds.definition import feeds
    from ctpse_core.feeds.formats import formats

    rows = [(name, f.title, f.partner, f.record_type.__name__, str(f.marking)) for name, f in feeds().items()]
    widths = [max(len(r[i]) for r in [("feed", "title", "partner", "records", "marking"), *rows]) for i in range(5)]
    for row in [("feed", "title", "partner", "records", "marking"), *rows]:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    click.echo("")
    click.echo("formats: " + ", ".join(f"{n} ({' '.join(f.suffixes)})" for n, f in formats().items()))


def _check_names(feed: str, fmt: str | None) -> None:
    """An unknown feed or file format is an :class:`~ctpse_core.errors.UnknownName` (exit 2)
    naming the argument and the known names, before any store is opened."""
    from ctpse_core.feeds.definition import feeds
    from ctpse_core.feeds.formats import formats

    feeds().get(feed, field="FEED")
    if fmt is not None:
        formats().get(fmt, field="--format")


class _Bar:
    """A click progress bar, opened on the first report of a large file."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar: Any = None
        self.done = 0

    def __call__(self, done: int, total: int | None) -> None:
        if self.quiet:
            return
        if self.bar is None:
            if total is None or total < _BAR_FROM:
                return
            self.bar = click.progressbar(length=total, label="importing", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _echo_summary(summary: Any) -> None:
    rows = summary.table()
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        click.echo(f"{label.ljust(width)}  {value}")


@click.command("import")
@click.argument("feed", required=False)
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--list", "list_feeds", is_flag=True, help="List the feeds (and file formats) and exit.")
@click.option("--mapping", type=click.Path(dir_okay=False, path_type=Path),
              help="Column mapping file (TOML): the partner's headers to record fields.")
@click.option("--marking", metavar="MARKING",
              help="Protective marking for the records (default: the feed's); it may raise the feed's, not lower it.")
@click.option("--allow-lower-marking", is_flag=True,
              help="Accept a --marking lower than the feed's (the originator agreed); recorded in the audit log.")
@click.option("--encoding", metavar="NAME", help="Text encoding of the file (default: detected).")
@click.option("--format", "fmt", metavar="NAME", help="File format (default: from the file's suffix).")
@click.option("--sheet", metavar="NAME", help="Worksheet to read (workbook formats).")
@click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write rejected rows (default: FILE's name + .rejects.csv beside it).")
@click.option("--batch-size", type=click.IntRange(1, 1_000_000), default=1000, show_default=True,
              help="Rows per unit of work.")
@pass_ctx
def import_command(
    ctx: CliContext,
    feed: str | None,
    file: Path | None,
    list_feeds: bool,
    mapping: Path | None,
    marking: str | None,
    allow_lower_marking: bool,
    encoding: str | None,
    fmt: str | None,
    sheet: str | None,
    rejects: Path | None,
    batch_size: int,
) -> None:
    """Import partner FILE as FEED into the store.

    Every row is stored, updated, found unchanged or rejected; rejected rows are kept
    in the store's quarantine and written to a rejects file with a reasons column, so
    they can be fixed and imported again. Exits with status 3 when any row was rejected.
    """
    from ctpse_core.feeds.importer import ImportInterrupted, import_feed

    if list_feeds:
        _list()
        return
    if feed is None or file is None:
        raise click.UsageError("give FEED and FILE (or --list to see the feeds)")
    _check_names(feed, fmt)
    bar = _Bar(ctx.quiet)
    store = ctx.open_store()
    try:
        summary = import_feed(
            store, feed, file, mapping=mapping, marking=marking, encoding=encoding, fmt=fmt, sheet=sheet,
            rejects=rejects, batch_size=batch_size, user=ctx.user, progress=bar,
            allow_lower_marking=allow_lower_marking,
        )
    except ImportInterrupted as exc:
        bar.close()
        _echo_summary(exc.summary)
        click.echo("interrupted: committed batches are kept; import the file again to finish", err=True)
        raise click.exceptions.Exit(130) from None
    finally:
        bar.close()
        store.close()
    _echo_summary(summary)
    if summary.rows_read == 0:
        click.echo(f"error: {file.name} has no data rows; nothing was imported", err=True)
        raise click.exceptions.Exit(2)
    if summary.rejected:
        click.echo(
            f"{summary.rejected} row(s) rejected and quarantined; fix them in {summary.rejects_file} "
            f"and run: ctpse import {feed} {summary.rejects_file}",
            err=True,
        )
        raise click.exceptions.Exit(REJECTED_EXIT)
