"""Built-in plugin: the core CLI commands (``plugins``, ``synth``, ``demo``)."""

from __future__ import annotations

import click

from ctpse_core.plugin import hookimpl


@hookimpl
def ctpse_register_commands(cli: click.Group) -> None:
    from ctpse_core.cli.demo import demo
    from ctpse_core.cli.plugins_cmd import plugins
    from ctpse_core.cli.synth import synth

    cli.add_command(plugins)
    cli.add_command(synth)
    cli.add_command(demo)
