"""Built-in plugin: the security commands: ``users``, ``audit``, ``marking``, ``agreements``,
``disclose``, ``disclosures``, ``retention`` and ``subject-access``."""

from __future__ import annotations

import click

from ctpse_core.plugin import hookimpl


@hookimpl
def ctpse_register_commands(cli: click.Group) -> None:
    from ctpse_core.cli.audit_cmd import audit
    from ctpse_core.cli.marking_cmd import marking
    from ctpse_core.cli.retention_cmd import retention
    from ctpse_core.cli.sharing import agreements, disclose_cmd, disclosures
    from ctpse_core.cli.subject_access_cmd import subject_access_cmd
    from ctpse_core.cli.users import users

    cli.add_command(users)
    cli.add_command(audit)
    cli.add_command(marking)
    cli.add_command(agreements)
    cli.add_command(disclose_cmd)
    cli.add_command(disclosures)
    cli.add_command(retention)
    cli.add_command(subject_access_cmd)
