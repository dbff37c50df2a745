"""Users of a store: adding (the first user of an empty store becomes its administrator),
listing. Services over a unit of work, audited like every other change."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ctpse_core.domain.marking import Marking
from ctpse_core.security.policy import AccessDenied
from ctpse_core.security.principal import Role, User

if TYPE_CHECKING:
    from ctpse_core.storage.base import UnitOfWork

__all__ = ["AccessDenied", "add_user", "first_user", "list_users"]

COLLECTION = "users"


def list_users(uow: UnitOfWork) -> list[User]:
    """Every user, by ID (user records carry no personal data beyond a work name)."""
    users: list[User] = list(uow.repository(COLLECTION).list())
    return users


def add_user(
    uow: UnitOfWork,
    user_id: str,
    *,
    name: str,
    organisation: str = "",
    roles: Iterable[str | Role] = (),
    clearance: Marking | None = None,
) -> User:
    """Add a user. Only an administrator (or a ``system`` service) may, except on a store with
    no users yet: that first user is made an administrator whatever roles were asked for."""
    repo = uow.repository(COLLECTION)
    principal = uow.principal
    first = next(iter(repo.list()), None) is None
    wanted = {Role.parse(str(r)) for r in roles}
    if first:
        wanted.add(Role.ADMINISTRATOR)
    elif not principal.has_role(Role.ADMINISTRATOR, Role.SYSTEM):
        raise AccessDenied(f"{principal.id} may not add users: that needs the administrator role")
    user = User(
        id=user_id,
        name=name,
        organisation=organisation,
        roles=frozenset(wanted),
        clearance=clearance or Marking(),
    )
    stored: User = repo.add(user)
    uow.record_event(
        "collection", COLLECTION, user_id,
        detail=f"user added with roles {', '.join(sorted(wanted)) or 'none'}, clearance {user.clearance}"
        + (" (first user: administrator)" if first else ""),
    )
    return stored


def first_user(uow: UnitOfWork) -> bool:
    """True when the store has no users yet."""
    return next(iter(uow.repository(COLLECTION).list()), None) is None
