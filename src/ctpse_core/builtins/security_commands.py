"""Built-in plugin: ``ctpse users`` (add, list), ``ctpse audit`` (verify, checkpoint, show) and
``ctpse marking downgrade``."""

from __future__ import annotations

import click

from ctpse_core.plugin import hookimpl


@hookimpl
def ctpse_register_commands(cli: click.Group) -> None:
    from ctpse_core.cli.audit_cmd import audit
    from ctpse_core.cli.marking_cmd import marking
    from ctpse_core.cli.users import users

    cli.add_command(users)
    cli.add_command(audit)
    cli.add_command(marking)
