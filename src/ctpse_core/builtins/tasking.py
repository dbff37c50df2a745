"""Built-in plugin: tasking and finance (overtime forecast, bids, CT asset requests,
fast-time events, the commitments board and the weekly returns' data), its record types,
commands and demo step."""

from __future__ import annotations

import click

from ctpse_core.plugin import Register, hookimpl


@hookimpl
def ctpse_register_record_types(register: Register) -> None:
    from ctpse_core.tasking.returns import SignificantIssue

    register("significant_issues", SignificantIssue)


@hookimpl
def ctpse_register_agenda_sources(register: Register) -> None:
    from ctpse_core.tasking.agenda import fast_time_events

    register("fast-time-events", fast_time_events)


@hookimpl
def ctpse_register_commands(cli: click.Group) -> None:
    from ctpse_core.cli.lazy import add_lazy_command

    # registered lazily (name, import path, the command's own help line): `ctpse --help` imports none
    for name, target, short_help in (
        ("overtime", "ctpse_core.cli.finance_cmd:overtime",
         "The overtime forecast under police pay rules (Annex G/H; Police Staff Council)."),
        ("bids", "ctpse_core.cli.finance_cmd:bids",
         "Funding bids to the national desk, signed authorisations and reconciliation."),
        ("assets", "ctpse_core.cli.tasking_cmd:assets",
         "CT asset requests: request, approve/decline, deploy, complete/cancel; overdue and summary."),
        ("events", "ctpse_core.cli.tasking_cmd:events",
         "Fast-time events: receive, assess, disseminate, acknowledge, stage; escalations."),
        ("commitments", "ctpse_core.cli.tasking_cmd:commitments",
         "Every staff member's commitments at a moment; who is free, qualified and rested; "
         "what committing each would break."),
        ("weekly-return", "ctpse_core.cli.tasking_cmd:weekly_return",
         "The Weekly Secret Meeting Return's data for a week."),
        ("tasking-doc", "ctpse_core.cli.tasking_cmd:tasking_doc", "The National Weekly Tasking document's data."),
        ("dmm", "ctpse_core.cli.tasking_cmd:dmm", "The Daily Management Meeting brief for a day."),
        ("issues", "ctpse_core.cli.tasking_cmd:issues", "Significant issues the CATO enters for the weekly returns."),
    ):
        add_lazy_command(cli, name, target, short_help)


@hookimpl
def ctpse_register_products(register: Register) -> None:
    from ctpse_core.finance.products import finance_products
    from ctpse_core.products import LEADERSHIP, ProductSpec
    from ctpse_core.tasking.products import FLOOR, asset_requests

    register("asset-requests", ProductSpec(
        title="CT asset requests for senior leadership: every request, the week's movements, overdue, at risk "
              "and declined, and an email to SLT", build=asset_requests,
        formats=("xlsx", "docx", "eml", "html", "md", "csv", "json"), floor=FLOOR, role=LEADERSHIP))
    for name, spec in finance_products():
        register(name, spec)


def _demo(ctx: object) -> list[str]:
    from ctpse_core.tasking.demo import run_demo_step

    return run_demo_step(ctx)


@hookimpl
def ctpse_register_demo_steps(register: Register) -> None:
    from ctpse_core.demo import DemoStep

    register("tasking", DemoStep(70, _demo, "Tasking and finance (synthetic week)"))
