"""``ctpse reconcile``: the regional list against the national list."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ctpse_core.cli import CliContext
from ctpse_core.cli.options import pass_ctx
from ctpse_core.cli.review_cmd import review

__all__ = ["BAD_INPUT_EXIT", "INTERRUPTED_EXIT", "REJECTED_EXIT", "reconcile_command", "review"]

#: Exit status for bad input: a missing, empty or unreadable file, bad settings or mapping.
BAD_INPUT_EXIT = 2
#: Exit status when the result was written but rows of a list were rejected while reading.
REJECTED_EXIT = 3
#: Exit status on Ctrl-C.
INTERRUPTED_EXIT = 130


@click.command("reconcile")
@click.argument(
    "regional", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.argument(
    "national", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Column mapping file (TOML/JSON: header = field, optionally in [left]/[right] tables).",
)
@click.option(
    "--stored",
    is_flag=True,
    help="Reconcile the stored regional and national lists instead of files.",
)
@click.option("--left-feed", default="regional", show_default=True, help="Feed format of REGIONAL.")
@click.option(
    "--right-feed", default="national", show_default=True, help="Feed format of NATIONAL."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "md", "html", "csv"]),
    default="md",
    show_default=True,
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Reconciliation settings (TOML).",
)
@click.option(
    "--corrections",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the correction set for JCTPPH (national columns) to this CSV file: a disclosure, "
    "only under a live information-sharing agreement (logged).",
)
@click.option("--agreement", "agreement_id", metavar="ID",
              help="The agreement the correction set goes under (default: the live one with JCTPPH "
                   "for the purpose correction-set).")
@click.option("--recipient", default="JCTPPH national hub", show_default=True,
              help="Who receives the correction set (logged with the disclosure).")
@click.option(
    "--explain-config",
    is_flag=True,
    help="Print the comparisons and blocking rules chosen for these lists, and why; reconcile nothing.",
)
@pass_ctx
def reconcile_command(
    ctx: CliContext,
    regional: Path | None,
    national: Path | None,
    mapping: Path | None,
    stored: bool,
    left_feed: str,
    right_feed: str,
    fmt: str,
    config_path: Path | None,
    corrections: Path | None,
    agreement_id: str | None,
    recipient: str,
    explain_config: bool,
) -> None:
    """Reconcile the REGIONAL list against the NATIONAL (JCTPPH) list.

    Prints the result in --format; --corrections also writes the correction set for
    JCTPPH (national columns, marked first and last line), a disclosure refused (exit 2,
    nothing written) without a live information-sharing agreement that covers it. Rejected rows are left out,
    reported on standard error and written to LIST.rejects.csv beside each list.

    \b
    Exit status:
      0    success
      2    bad input: a missing, empty or unreadable file, bad --config or --mapping;
           or the correction set refused (no agreement covers it)
      3    rows were rejected while reading (the result is still written)
      130  interrupted (Ctrl-C)
    """
    try:
        _reconcile(
            ctx, regional, national, mapping, stored, left_feed, right_feed, fmt, config_path, corrections,
            explain_config, agreement_id, recipient,
        )
    except KeyboardInterrupt:
        click.echo("\ninterrupted: nothing more was written", err=True)
        raise click.exceptions.Exit(INTERRUPTED_EXIT) from None


def _reconcile(
    ctx: CliContext,
    regional: Path | None,
    national: Path | None,
    mapping: Path | None,
    stored: bool,
    left_feed: str,
    right_feed: str,
    fmt: str,
    config_path: Path | None,
    corrections: Path | None,
    explain_config: bool = False,
    agreement_id: str | None = None,
    recipient: str = "JCTPPH national hub",
) -> None:
    from ctpse_core.cli.reconcile_input import (
        bad_input,
        check_feeds,
        load_mapping_file,
        load_settings,
        load_side,
        report_rejects,
    )
    from ctpse_core.errors import ConfigError, CtpseError, InputError, Problem
    from ctpse_core.plugin import get_plugin_manager
    from ctpse_core.reconcile import reconcile
    from ctpse_core.reconcile.engine import STAGES
    from ctpse_core.reconcile.review import stored_decisions
    from ctpse_core.reconcile.stored import stored_tables
    from ctpse_core.reports import render
    from ctpse_core.security.outputs import write_marked

    if not stored and (regional is None or national is None):
        raise InputError([Problem(field="", reason="give REGIONAL and NATIONAL files, or --stored")])
    config = load_settings(config_path)
    rejects: list[tuple[Path, list[object]]] = []
    if not stored:
        assert regional is not None and national is not None
        check_feeds(("--left-feed", left_feed), ("--right-feed", right_feed))
        maps = load_mapping_file(mapping, left_feed, right_feed)
        left, left_rejected = load_side(regional, left_feed, maps["left"])
        right, right_rejected = load_side(national, right_feed, maps["right"])
        rejects = [(regional, left_rejected), (national, right_rejected)]
    store = ctx.open_store(create=not stored)  # --stored only reads: a mistyped store is an error
    try:
        with store.unit_of_work(user=ctx.user) as uow:
            decisions = stored_decisions(uow)
            if stored:
                try:
                    left, right = stored_tables(uow, left_feed, right_feed)
                except CtpseError as exc:
                    raise bad_input(exc) from None
            uow.record_event(
                "reconcile", "nominals", detail=f"{left.source} against {right.source}"
            )
            uow.commit()
    finally:
        store.close()
    if explain_config:
        _explain_config(left, right, config)
        return
    with click.progressbar(
        length=len(STAGES), label="reconciling", file=sys.stderr, hidden=ctx.quiet
    ) as bar:
        try:
            result = reconcile(
                left, right, config, decisions=decisions, progress=lambda _s: bar.update(1)
            )
        except ConfigError as exc:  # settings only the engine can check
            raise bad_input(exc) from None
    get_plugin_manager().hook.ctpse_after_reconcile(result=result)
    if corrections is not None:
        from ctpse_core.reconcile.disclosure import disclose_corrections

        store = ctx.open_store(create=False)
        try:  # refused (exit 2, nothing written) unless an agreement covers the set; logged either way
            disclose_corrections(store, ctx.user, result, agreement_id=agreement_id, recipient_person=recipient)
        finally:
            store.close()
        try:
            write_marked(corrections, result.correction_csv(), result.marking)  # owner-only above OFFICIAL
        except OSError as exc:
            raise bad_input(exc, str(corrections)) from None
    click.echo(render(result, fmt), nl=False)
    for path, rejected in rejects:
        report_rejects(path, rejected)
    if any(rejected for _path, rejected in rejects):
        raise click.exceptions.Exit(REJECTED_EXIT)




def _explain_config(left: Any, right: Any, config: Any) -> None:
    """Print what the engine chose for these lists and why (``--explain-config``)."""
    from ctpse_core.cli.reconcile_input import bad_input
    from ctpse_core.errors import ConfigError
    from ctpse_core.reconcile.engine import _active_rules, _check_columns, choose_config

    try:
        _check_columns(config, (left, right))
        chosen, why = choose_config(left, right, config)
    except ConfigError as exc:
        raise bad_input(exc) from None
    titles = {"comparison": "Comparisons", "field": "Fields (agreement among true matches)",
              "blocking": "Blocking rules chosen", "refused": "Refused"}
    for part, title in titles.items():
        lines = [c for c in why if c.part == part]
        if lines:
            click.echo(f"{title}:")
            for c in lines:
                click.echo(f"  {c.name}: {c.why}")
    click.echo(f"Comparisons in use: {', '.join(r.name for r in _active_rules(chosen))}")
