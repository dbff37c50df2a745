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
    from ctpse_core.cli.finance_cmd import bids, overtime
    from ctpse_core.cli.tasking_cmd import assets, commitments, dmm, events, issues, tasking_doc, weekly_return

    for command in (overtime, bids, assets, events, commitments, weekly_return, tasking_doc, dmm, issues):
        cli.add_command(command)


def _demo(ctx: object) -> list[str]:
    from ctpse_core.tasking.demo import run_demo_step

    return run_demo_step(ctx)


@hookimpl
def ctpse_register_demo_steps(register: Register) -> None:
    from ctpse_core.demo import DemoStep

    register("tasking", DemoStep(70, _demo, "Tasking and finance (synthetic week)"))
