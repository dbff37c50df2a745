"""Built-in plugin: importing partner feeds (``ctpse import``, quarantined rows, demo step)."""

from __future__ import annotations

import click

from ctpse_core.plugin import Register, hookimpl


@hookimpl
def ctpse_register_record_types(register: Register) -> None:
    from ctpse_core.domain.quarantine import QuarantinedRow

    register("quarantined_rows", QuarantinedRow)


@hookimpl
def ctpse_register_commands(cli: click.Group) -> None:
    from ctpse_core.cli.lazy import add_lazy_command

    add_lazy_command(cli, "import", "ctpse_core.cli.import_cmd:import_command",
                     "Import partner FILE as FEED into the store.")


def _import_lists(ctx: object) -> list[str]:
    from ctpse_core.demo import DemoContext
    from ctpse_core.feeds.importer import import_feed

    assert isinstance(ctx, DemoContext)
    folder = ctx.state.get("nominals_dir")
    if folder is None:
        return ["no synthetic nominal lists to import (the synthetic-nominals step did not run)"]
    lines: list[str] = []
    summaries = {}
    for feed in ("regional", "national"):
        summary = import_feed(ctx.store, feed, folder / f"{feed}.csv", user=ctx.user)
        summaries[feed] = summary
        lines.append(
            f"{feed}: {summary.rows_read} rows read, {summary.stored} stored, {summary.updated} updated, "
            f"{summary.unchanged} unchanged, {summary.rejected} rejected"
        )
    ctx.state["import_summaries"] = summaries
    return lines


@hookimpl
def ctpse_register_demo_steps(register: Register) -> None:
    from ctpse_core.demo import DemoStep

    register("import-nominal-lists", DemoStep(20, _import_lists, "Import the regional and national lists"))
