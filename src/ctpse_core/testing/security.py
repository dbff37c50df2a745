"""Principals and seeded stores for tests, examples and batch scripts.

>>> from ctpse_core.testing.security import SYSTEM, seeded_store
>>> store = seeded_store("memory://")          # a store whose user "admin" is its administrator
>>> with store.unit_of_work(user="admin") as uow: ...
>>> with store.unit_of_work(user=SYSTEM) as uow: ...   # or a service principal, no lookup

``SYSTEM`` is ``Principal.service("tests")``: the ``system`` role, cleared for everything.
"""

from __future__ import annotations

from collections.abc import Iterable

from ctpse_core.domain.marking import Marking
from ctpse_core.security.principal import TOP_CLEARANCE, Principal, Role, User
from ctpse_core.storage.base import Store

__all__ = ["ADMIN", "SYSTEM", "TEST_USERS", "TOP_CLEARANCE", "add_user", "seed_admin", "seed_users", "seeded_store"]

#: A service principal for tests: every role a service needs, cleared for everything.
SYSTEM = Principal.service("tests")
#: The ID of the administrator :func:`seeded_store` makes.
ADMIN = "admin"
#: The users the ``ctpse_cli_store`` fixture and :func:`seed_users` store by default
#: (administrators cleared for everything): the names the project's tests act as.
TEST_USERS = ("tester", "cato", "dc.ada", "dc.bea", "dc.ben", "dc.cara", "coordinator")


def add_user(
    store: Store,
    user_id: str,
    *,
    roles: Iterable[str | Role] = (Role.ADMINISTRATOR,),
    clearance: Marking = TOP_CLEARANCE,
    name: str | None = None,
    organisation: str = "Test Unit",
) -> User:
    """Store a user (committed, audited as done by :data:`SYSTEM`) and return it."""
    from ctpse_core.security.users import add_user as add

    with store.unit_of_work(user=SYSTEM) as uow:
        user = add(uow, user_id, name=name or user_id, organisation=organisation, roles=roles,
                   clearance=clearance)
        uow.commit()
    return user


def seed_users(store: Store, *user_ids: str) -> Store:
    """Add each of ``user_ids`` (default :data:`TEST_USERS`) that ``store`` lacks as an
    administrator cleared for everything; return the store."""
    for user_id in user_ids or TEST_USERS:
        with store.unit_of_work(user=SYSTEM) as uow:
            present = uow.users.find(user_id) is not None
        if not present:
            add_user(store, user_id)
    return store


def seed_admin(url: str, *user_ids: str) -> None:
    """Open the store at ``url``, add each of ``user_ids`` (default ``admin``) as an
    administrator cleared for everything (unless there already) and close it: for
    command-line tests (``--user ID``)."""
    from ctpse_core.storage import open_store

    store = open_store(url)
    try:
        seed_users(store, *(user_ids or (ADMIN,)))
    finally:
        store.close()


def seeded_store(url: str = "memory://", admin: str = ADMIN) -> Store:
    """Open the store at ``url`` with ``admin`` stored as its administrator."""
    from ctpse_core.storage import open_store

    store = open_store(url)
    add_user(store, admin)
    return store
