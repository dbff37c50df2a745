"""The thin ``ctpse`` command line. Commands come from plugins via ``ctpse_register_commands``;
the built-in ones too. Library errors become one-line messages, never tracebacks."""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

import click

from ctpse_core import __version__
from ctpse_core.cli.lazy import LazyGroup
from ctpse_core.errors import CtpseError, InputError

__all__ = ["CliContext", "main", "make_cli"]


class CliContext:
    """What every command gets: the store URL (or ``None`` for the default) and the user.

    A plain class, not attrs: this module is imported whenever ``ctpse`` starts."""

    __slots__ = ("quiet", "store_url", "user")

    def __init__(self, store_url: str | None, user: str, quiet: bool = False) -> None:
        self.store_url = store_url
        self.user = user
        self.quiet = quiet

    def __repr__(self) -> str:
        return f"CliContext(store_url={self.store_url!r}, user={self.user!r}, quiet={self.quiet!r})"

    def principal(self, store: Any, *, bootstrap: bool = False) -> Any:
        """The :class:`~ctpse_core.security.Principal` for ``--user`` in ``store`` (an unknown
        user: exit 2).

        ``bootstrap=True`` is for commands that may run on a store with no users yet (``users
        add``, ``demo``, ``db import``): there, and only while the store has no users, ``--user``
        acts as an administrator that is not stored."""
        if bootstrap and not store.has_users():
            from ctpse_core.security.principal import TOP_CLEARANCE, Principal, Role

            return Principal(id=self.user, name=self.user, roles=frozenset({Role.ADMINISTRATOR}),
                             clearance=TOP_CLEARANCE)
        return store.principal(self.user)

    def unit_of_work(self, store: Any, *, bootstrap: bool = False) -> Any:
        """A unit of work on ``store`` for ``--user`` (see :meth:`principal`)."""
        return store.unit_of_work(user=self.principal(store, bootstrap=bootstrap))

    def open_store(self, *, create: bool = True) -> Any:
        """The store; with ``create=False`` a missing one is a one-line error, exit 2."""
        from ctpse_core.problem import Problem
        from ctpse_core.storage import StoreMissing, open_store

        try:
            # the keyword only when needed: callers may stand in an open_store(url) of their own
            return open_store(self.store_url) if create else open_store(self.store_url, create=False)
        except StoreMissing as exc:
            raise InputError([Problem("", str(exc))], "no store") from None


class CtpseGroup(LazyGroup):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as exc:
            for line in exc.lines():
                click.echo(f"error: {line}", err=True)
            raise click.exceptions.Exit(2) from None
        except CtpseError as exc:
            from ctpse_core.security.policy import AccessDenied

            if isinstance(exc, AccessDenied):
                click.echo(f"error: access refused: {exc}", err=True)
                raise click.exceptions.Exit(2) from None
            raise click.ClickException(str(exc)) from None
        except (OSError, UnicodeError) as exc:
            raise click.ClickException(_os_message(exc)) from None
        except KeyboardInterrupt:  # commands that can say what was kept catch it themselves
            click.echo("interrupted", err=True)
            raise click.exceptions.Exit(130) from None


def _os_message(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror or exc}"
    return str(exc)


def _default_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def make_cli() -> click.Group:
    """A fresh ``ctpse`` group with every plugin's commands."""

    @click.group(cls=CtpseGroup, context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(__version__, prog_name="ctpse")
    @click.option(
        "--store",
        envvar="CTPSE_STORE",
        metavar="URL",
        help="Store URL: sqlite:///file (default: a file in your data directory), "
        "postgresql+psycopg://..., tinydb:///file.json or memory://. [env: CTPSE_STORE]",
    )
    @click.option(
        "--user", envvar="CTPSE_USER", default=_default_user,
        help="Who is acting: a user of the store (`ctpse users list`); default your login. [env: CTPSE_USER]"
    )
    @click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
    @click.pass_context
    def cli(ctx: click.Context, store: str | None, user: str, quiet: bool) -> None:
        """ctpse: coordination for a regional Counter Terrorism Policing unit.

        Nominal reconciliation, engagement and civil orders, surveillance
        deconfliction, on-call rotas and the weekly products. Start with
        `ctpse demo`. All demo data is synthetic and fictional.
        """
        if (store if store is not None else os.environ.get("CTPSE_STORE", "x")).strip() == "":
            raise click.BadParameter(
                "the store URL is empty; give one such as sqlite:///ctpse.sqlite, or leave out "
                "--store and unset CTPSE_STORE for the default store", param_hint="'--store' / CTPSE_STORE"
            )
        ctx.obj = CliContext(store_url=store, user=user, quiet=quiet or bool(os.environ.get("CTPSE_QUIET")))

    from ctpse_core.plugin import call_each

    call_each("ctpse_register_commands", lambda _plugin: {"cli": cli})
    return cli


def main() -> None:
    try:
        cli = make_cli()
    except CtpseError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    if os.environ.get("CTPSE_BLOCK_PLUGINS"):
        from ctpse_core.plugin import unknown_blocked

        for name in unknown_blocked():
            click.echo(f"warning: CTPSE_BLOCK_PLUGINS names {name!r}, which is not a plugin (see `ctpse plugins`)",
                       err=True)
    cli(prog_name="ctpse")
