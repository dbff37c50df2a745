"""Built-in plugin: the security commands: ``users``, ``audit``, ``marking``, ``agreements``,
``disclose``, ``disclosures``, ``retention`` and ``subject-access``."""

from __future__ import annotations

import click

from ctpse_core.plugin import Register, hookimpl

#: name -> (the click command's import path, its one-line help): loaded only when run (``cli.lazy``)
COMMANDS = {
    "users": ("ctpse_core.cli.users:users",
              "Add and list the users of the store (--user must name one of them)."),
    "audit": ("ctpse_core.cli.audit_cmd:audit",
              "Check and read the audit log (DPA 2018 s.62): verify, checkpoint, show."),
    "marking": ("ctpse_core.cli.marking_cmd:marking",
                "Protective markings of stored records (they never go down by accident)."),
    "agreements": ("ctpse_core.cli.sharing:agreements",
                   "Information-sharing agreements with partner organisations."),
    "disclose": ("ctpse_core.cli.sharing:disclose_cmd",
                 "Write an extract of RECORD_IDS for the partner of AGREEMENT_ID; refused (exit 1, and logged) "
                 "when anything is outside the agreement."),
    "disclosures": ("ctpse_core.cli.sharing:disclosures",
                    "The disclosure log: what was sent to whom, when, under which agreement (auditor, "
                    "administrator or coordinator)."),
    "retention": ("ctpse_core.cli.retention_cmd:retention",
                  "Review, retain or dispose of nominal records when their review is due."),
    "subject-access": ("ctpse_core.cli.subject_access_cmd:subject_access_cmd",
                       "Everything held on nominal SUBJECT_ID: records given, records withheld (with the "
                       "s.45(4) ground) and what was disclosed to whom."),
}


@hookimpl
def ctpse_register_commands(cli: click.Group) -> None:
    from ctpse_core.cli.lazy import add_lazy_command

    for name, (target, short_help) in COMMANDS.items():
        add_lazy_command(cli, name, target, short_help)


def _verify_audit(ctx: object) -> list[str]:
    """The last step of ``ctpse demo``: the audit log's hash chain recomputed over every entry
    (a broken chain fails the demo, naming the first bad entry)."""
    from ctpse_core.demo import DemoContext
    from ctpse_core.errors import CtpseError
    from ctpse_core.security.audit import verify

    assert isinstance(ctx, DemoContext)
    result = verify(ctx.store.iter_audit())
    if not result.ok:
        raise CtpseError(str(result))  # exit 1, the message naming the first bad entry
    return [str(result)]


@hookimpl
def ctpse_register_demo_steps(register: Register) -> None:
    from ctpse_core.demo import DemoStep

    register("audit", DemoStep(100, _verify_audit, "Verify the audit log's hash chain"))
