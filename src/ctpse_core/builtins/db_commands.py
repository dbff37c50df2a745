"""Built-in plugin: ``ctpse db`` (init, upgrade, status, export, import)."""

from __future__ import annotations

import click

from ctpse_core.plugin import hookimpl


@hookimpl
def ctpse_register_commands(cli: click.Group) -> None:
    from ctpse_core.cli.lazy import add_lazy_command

    add_lazy_command(cli, "db", "ctpse_core.cli.db:db",
                     "Create, upgrade, inspect, export and import the store (--store or CTPSE_STORE).")
