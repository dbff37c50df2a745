"""Built-in plugin: tasking and finance (overtime forecast, bids, CT asset requests,
fast-time events, the commitments board and the weekly returns' data)."""

from __future__ import annotations

import click

from ctpse_core.plugin import hookimpl


@hookimpl
def ctpse_register_commands(cli: click.Group) -> None:
    from ctpse_core.cli.finance_cmd import bids, overtime

    cli.add_command(overtime)
    cli.add_command(bids)
