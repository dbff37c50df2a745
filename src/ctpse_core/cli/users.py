"""``ctpse users``: add and list the users of a store (who may act, with which roles and
clearance). ``users add`` on a store with no users makes its first user, an administrator."""

from __future__ import annotations

import click

from ctpse_core.cli import CliContext
from ctpse_core.cli.options import pass_ctx

__all__ = ["users"]


@click.group()
def users() -> None:
    """Add and list the users of the store (--user must name one of them)."""


def _marking(text: str) -> object:
    from ctpse_core.domain.marking import Marking
    from ctpse_core.errors import InputError, Problem

    try:
        return Marking.parse(text)
    except ValueError as exc:
        raise InputError([Problem("--clearance", str(exc))]) from None


@users.command("add")
@click.argument("user_id")
@click.option("--name", help="The user's name as colleagues know it (default: USER_ID).")
@click.option("--organisation", default="", help="The user's force or organisation.")
@click.option("--role", "roles", multiple=True, metavar="ROLE",
              help="A role (repeat): administrator, coordinator, nominal_manager, analyst, "
                   "tasking_officer, auditor, read_only_partner.")
@click.option("--clearance", default=None, metavar="MARKING",
              help="Highest marking and caveats the user may see, e.g. 'SECRET [UK EYES ONLY]' "
                   "(default OFFICIAL; the first user: TOP SECRET [*], every caveat).")
@pass_ctx
def add(ctx: CliContext, user_id: str, name: str | None, organisation: str, roles: tuple[str, ...],
        clearance: str | None) -> None:
    """Add USER_ID. Needs an administrator (--user), except on a store with no users: then
    USER_ID becomes its first user and administrator."""
    from ctpse_core.domain.marking import Marking
    from ctpse_core.errors import InputError, Problem
    from ctpse_core.security.principal import TOP_CLEARANCE, Role
    from ctpse_core.security.users import add_user

    try:
        wanted = [Role.parse(r) for r in roles]
    except ValueError as exc:
        raise InputError([Problem("--role", str(exc))]) from None
    store = ctx.open_store()
    try:
        first = not store.has_users()
        marking = _marking(clearance) if clearance else (TOP_CLEARANCE if first else Marking())
        assert isinstance(marking, Marking)
        with ctx.unit_of_work(store, bootstrap=first) as uow:
            try:
                user = add_user(uow, user_id, name=name or user_id, organisation=organisation,
                                roles=wanted, clearance=marking)
            except ValueError as exc:
                raise InputError([Problem("USER_ID", str(exc))]) from None
            uow.commit()
    finally:
        store.close()
    what = "first user and administrator" if first else "user"
    click.echo(f"added {what} {user.id} ({', '.join(sorted(user.roles)) or 'no roles'}; "
               f"clearance {user.clearance})")


@users.command("list")
@pass_ctx
def list_cmd(ctx: CliContext) -> None:
    """List the users: ID, name, organisation, roles, clearance."""
    from ctpse_core.security.users import list_users

    store = ctx.open_store(create=False)
    try:
        with store.unit_of_work(user=ctx.user) as uow:
            found = list_users(uow)
            uow.record_event("consultation", "users", detail=f"listed {len(found)} users")
            uow.commit()
    finally:
        store.close()
    for user in found:
        state = "" if user.active else " (disabled)"
        click.echo(f"{user.id}\t{user.name}\t{user.organisation or '-'}\t"
                   f"{','.join(sorted(user.roles)) or '-'}\t{user.clearance}{state}")
