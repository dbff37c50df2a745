"""Built-in plugin: ``ctpse db`` (init, upgrade, status, export, import)."""

from __future__ import annotations

import click

from ctpse_core.plugin import hookimpl


@hookimpl
def ctpse_register_commands(cli: click.Group) -> None:
    from ctpse_core.cli.db import db

    cli.add_command(db)
