"""``ctpse reconcile`` and ``ctpse review``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ctpse_core.cli import CliContext
from ctpse_core.cli.options import pass_ctx

__all__ = ["reconcile_command", "review"]


def _mapping(path: Path | None) -> dict[str, dict[str, str] | None]:
    """A mapping file: TOML or JSON with optional ``left``/``right`` (or ``regional``/``national``) tables."""
    if path is None:
        return {"left": None, "right": None}
    from ctpse_core.errors import ConfigError

    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix.lower() == ".json":
            data: Any = json.loads(text)
        else:
            import tomllib

            data = tomllib.loads(text)
    except ValueError as exc:
        raise ConfigError(f"{path}: cannot read the mapping ({exc})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the mapping must be a table of header = field")
    left = data.get("left", data.get("regional"))
    right = data.get("right", data.get("national"))
    if left is None and right is None:
        left = right = data
    return {"left": left, "right": right}


def _load_side(path: Path, feed: str, columns: dict[str, str] | None) -> Any:
    from ctpse_core.errors import InputError
    from ctpse_core.reconcile import read_table

    table, rejected = read_table(feed, path, columns)
    if rejected and not table.ids:
        raise InputError([p for r in rejected[:20] for p in r.problems], f"{path}: no usable rows")
    for row in rejected[:20]:
        for problem in row.problems:
            click.echo(f"rejected: {problem}", err=True)
    if len(rejected) > 20:
        click.echo(f"rejected: ... and {len(rejected) - 20} more rows", err=True)
    return table


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
    help="Also write the correction set for JCTPPH (national columns) to this CSV file.",
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
) -> None:
    """Reconcile the REGIONAL list against the NATIONAL (JCTPPH) list."""
    from ctpse_core.errors import ConfigError
    from ctpse_core.plugin import get_plugin_manager
    from ctpse_core.reconcile import load_config, reconcile
    from ctpse_core.reconcile.engine import STAGES
    from ctpse_core.reconcile.review import stored_decisions
    from ctpse_core.reconcile.stored import stored_tables
    from ctpse_core.reports import render

    config = load_config(config_path)
    store = ctx.open_store()
    try:
        with store.unit_of_work(user=ctx.user) as uow:
            decisions = stored_decisions(uow)
            if stored:
                left, right = stored_tables(uow, left_feed, right_feed)
            else:
                if regional is None or national is None:
                    raise ConfigError("give REGIONAL and NATIONAL files, or --stored")
                maps = _mapping(mapping)
                left = _load_side(regional, left_feed, maps["left"])
                right = _load_side(national, right_feed, maps["right"])
            uow.record_event(
                "reconcile", "nominals", detail=f"{left.source} against {right.source}"
            )
            uow.commit()
    finally:
        store.close()
    with click.progressbar(
        length=len(STAGES), label="reconciling", file=sys.stderr, hidden=ctx.quiet
    ) as bar:
        result = reconcile(
            left, right, config, decisions=decisions, progress=lambda _s: bar.update(1)
        )
    get_plugin_manager().hook.ctpse_after_reconcile(result=result)
    if corrections is not None:
        corrections.write_text(result.correction_csv(), encoding="utf-8")
    click.echo(render(result, fmt), nl=False)


@click.group("review", invoke_without_command=True)
@click.pass_context
def review(click_ctx: click.Context) -> None:
    """Clerical review of possible matches: list them, record decisions."""
    if click_ctx.invoked_subcommand is None:
        click.echo(click_ctx.get_help())


@review.command("decide")
@click.argument("left_id")
@click.argument("right_id")
@click.option(
    "--same/--not-same", required=True, help="Whether the two records are the same person."
)
@click.option("--left-source", default="regional", show_default=True)
@click.option("--right-source", default="national", show_default=True)
@click.option("--note", default="", help="Why (kept with the decision).")
@pass_ctx
def decide(
    ctx: CliContext,
    left_id: str,
    right_id: str,
    same: bool,
    left_source: str,
    right_source: str,
    note: str,
) -> None:
    """Record that LEFT_ID and RIGHT_ID are (or are not) the same person."""
    from ctpse_core.reconcile.review import record_decision

    store = ctx.open_store()
    try:
        with store.unit_of_work(user=ctx.user) as uow:
            d = record_decision(uow, left_source, left_id, right_source, right_id, same, note=note)
            uow.commit()
    finally:
        store.close()
    click.echo(
        f"recorded: {d.left_source}:{d.left_id} and {d.right_source}:{d.right_id} are "
        f"{'the same person' if d.same else 'not the same person'} (by {d.reviewer})"
    )


@review.command("list")
@click.argument("regional", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("national", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@pass_ctx
def list_pending(ctx: CliContext, regional: Path, national: Path, config_path: Path | None) -> None:
    """Possible matches still waiting for a decision, strongest first."""
    from ctpse_core.reconcile import load_config, reconcile
    from ctpse_core.reconcile.review import stored_decisions

    store = ctx.open_store()
    try:
        with store.unit_of_work(user=ctx.user) as uow:
            decisions = stored_decisions(uow)
    finally:
        store.close()
    left = _load_side(regional, "regional", None)
    right = _load_side(national, "national", None)
    result = reconcile(left, right, load_config(config_path), decisions=decisions)
    if not result.possible_matches:
        click.echo("no possible matches pending")
    for p in result.possible_matches:
        click.echo(f"{p.left}\t{p.right}\t{p.probability:.3f}\t{p.reason}")


@review.command("decisions")
@pass_ctx
def list_decisions(ctx: CliContext) -> None:
    """Every stored decision."""
    from ctpse_core.reconcile.review import stored_decisions

    store = ctx.open_store()
    try:
        with store.unit_of_work(user=ctx.user) as uow:
            for d in stored_decisions(uow):
                click.echo(
                    f"{d.left_source}:{d.left_id}\t{d.right_source}:{d.right_id}\t"
                    f"{'same' if d.same else 'not-same'}\t{d.reviewer}\t{d.decided_at.isoformat()}\t{d.note}"
                )
    finally:
        store.close()
