"""Built-in plugin: the core CLI commands (``plugins``, ``synth``, ``demo``)."""

from __future__ import annotations

import click

from ctpse_core.plugin import hookimpl


@hookimpl
def ctpse_register_commands(cli: click.Group) -> None:
    from ctpse_core.cli.lazy import add_lazy_command
    from ctpse_core.cli.synth import synth

    add_lazy_command(cli, "plugins", "ctpse_core.cli.plugins_cmd:plugins",
                     "List installed plugins, their versions and the hooks they implement.")
    cli.add_command(synth)  # a light group other plugins add subcommands to
    add_lazy_command(cli, "demo", "ctpse_core.cli.demo:demo",
                     "Run the weekly cycle on synthetic (fictional) data and write what it produced to OUT.")
