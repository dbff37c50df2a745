"""Built-in plugin: reconciliation (review decision records, CLI commands, demo step)."""

from __future__ import annotations

from typing import Any

import click

from ctpse_core.plugin import Register, hookimpl


@hookimpl
def ctpse_register_record_types(register: Register) -> None:
    from ctpse_core.reconcile.review import COLLECTION, ReviewDecision

    register(COLLECTION, ReviewDecision)


@hookimpl
def ctpse_register_commands(cli: click.Group) -> None:
    from ctpse_core.cli.lazy import add_lazy_command

    add_lazy_command(cli, "reconcile", "ctpse_core.cli.reconcile_cmd:reconcile_command",
                     "Reconcile the REGIONAL list against the NATIONAL (JCTPPH) list.")
    add_lazy_command(cli, "review", "ctpse_core.cli.review_cmd:review",
                     "Clerical review of possible matches: list them, record decisions.")


def _demo(ctx: Any) -> list[str]:
    from ctpse_core.demo import DemoContext
    from ctpse_core.plugin import get_plugin_manager
    from ctpse_core.reconcile import read_table, reconcile
    from ctpse_core.reconcile.disclosure import disclose_corrections, ensure_hub_agreement
    from ctpse_core.reconcile.review import stored_decisions
    from ctpse_core.reports import render
    from ctpse_core.security.agreements import DisclosureRefused
    from ctpse_core.security.outputs import write_marked

    assert isinstance(ctx, DemoContext)
    folder = ctx.state.get("nominals_dir")
    if folder is None:
        return ["no synthetic nominal lists to reconcile"]
    left, _ = read_table("regional", folder / "regional.csv")
    right, _ = read_table("national", folder / "national.csv")
    with ctx.store.unit_of_work(user=ctx.user) as uow:
        decisions = stored_decisions(uow)
        uow.record_event("combination", "nominals", detail=f"{left.source} against {right.source} (demo)",
                         purpose="JCTPPH reconciliation")
        uow.commit()
    result = reconcile(left, right, decisions=decisions)
    get_plugin_manager().hook.ctpse_after_reconcile(result=result)
    out = ctx.out / "reconciliation"
    for fmt in ("md", "html", "json"):  # owner-only files (and folder) above OFFICIAL
        write_marked(out / f"reconciliation.{fmt}", render(result, fmt), result.marking)
    ensure_hub_agreement(ctx.store, ctx.user)
    try:  # the correction set goes to JCTPPH only under a live agreement (the demo adds one)
        agreement = disclose_corrections(ctx.store, ctx.user, result)
    except DisclosureRefused as exc:
        sent = f"correction set not written: {exc}"
    else:
        write_marked(out / "corrections-for-jctpph.csv", result.correction_csv(), result.marking)
        sent = f"correction set: {len(result.corrections)} rows, disclosed under {agreement.id if agreement else '-'}"
    ctx.state["reconciliation"] = result
    return [f"{k.replace('_', ' ')}: {v}" for k, v in result.summary().items()] + [
        sent, f"written to {out}"
    ]


@hookimpl
def ctpse_register_demo_steps(register: Register) -> None:
    from ctpse_core.demo import DemoStep

    register("reconciliation", DemoStep(30, _demo, "Reconcile regional against national list"))
