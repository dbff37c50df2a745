"""Who is asking: principals (users and named services), their roles and clearance.

A domain module: it imports nothing from storage or the CLI. A :class:`User` is a stored
record (collection ``users``); a :class:`Principal` is the value a unit of work is opened
for (``store.unit_of_work(user="dc.ada")`` looks the user up and makes one;
``Principal.service("nightly-import")`` names a batch job).

Clearance is a :class:`~ctpse_core.domain.marking.Marking`: the highest classification the
principal may see and the handling caveats it may see. The caveat ``*`` means every caveat
(service principals and administrators of a test store).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

from ctpse_core.domain.common import Record, check, non_empty
from ctpse_core.domain.marking import Classification, Marking
from ctpse_core.errors import CtpseError, InputError, Problem

__all__ = [
    "ALL_CAVEATS",
    "SERVICE_PREFIX",
    "TOP_CLEARANCE",
    "NoPrincipal",
    "Principal",
    "PrincipalKind",
    "Role",
    "UnknownUser",
    "User",
    "clears",
]

#: The caveat that stands for every caveat in a clearance.
ALL_CAVEATS = "*"
#: Service principals' IDs start with this; user IDs may not.
SERVICE_PREFIX = "service:"


class Role(enum.StrEnum):
    """The built-in roles (``docs/security.md`` says what each may do)."""

    ADMINISTRATOR = "administrator"
    COORDINATOR = "coordinator"
    NOMINAL_MANAGER = "nominal_manager"
    ANALYST = "analyst"
    TASKING_OFFICER = "tasking_officer"
    AUDITOR = "auditor"
    READ_ONLY_PARTNER = "read_only_partner"
    SYSTEM = "system"

    @classmethod
    def parse(cls, text: str) -> Role:
        key = text.strip().lower().replace("-", "_").replace(" ", "_")
        try:
            return cls(key)
        except ValueError:
            known = ", ".join(r.value for r in cls)
            raise ValueError(f"{text!r} is not a role (use one of {known})") from None


class PrincipalKind(enum.StrEnum):
    USER = "user"
    SERVICE = "service"


def _roles(value: Iterable[str | Role] | str) -> frozenset[Role]:
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()]
    return frozenset(v if isinstance(v, Role) else Role.parse(v) for v in value)


def clears(clearance: Marking, marking: Marking) -> bool:
    """True when someone cleared to ``clearance`` may see material marked ``marking``
    ("no read up": classification not above, every caveat among the cleared ones)."""
    if marking.classification > clearance.classification:
        return False
    return ALL_CAVEATS in clearance.caveats or marking.caveats <= clearance.caveats


#: Cleared for everything: TOP SECRET and every caveat.
TOP_CLEARANCE = Marking(Classification.TOP_SECRET, frozenset({ALL_CAVEATS}))


@attrs.frozen(kw_only=True)
class Principal:
    """Who a unit of work acts for: a user of the store or a named service (a batch job).

    ``id`` is what the audit log records (a user's ID, or ``service:NAME``).
    """

    id: str = attrs.field(validator=non_empty)
    name: str = attrs.field(validator=non_empty)
    kind: PrincipalKind = PrincipalKind.USER
    organisation: str = ""
    roles: frozenset[Role] = attrs.field(factory=frozenset, converter=_roles)
    clearance: Marking = attrs.field(factory=Marking)

    @classmethod
    def service(
        cls,
        name: str,
        *,
        roles: Iterable[str | Role] = (Role.SYSTEM,),
        clearance: Marking = TOP_CLEARANCE,
        organisation: str = "",
    ) -> Principal:
        """A named service principal for a batch job or a test (``service:NAME`` in the log).

        By default it has the ``system`` role and is cleared for everything: narrow ``roles``
        and ``clearance`` for a job that needs less.
        """
        if not name.strip():
            raise ValueError("a service principal needs a name")
        return cls(
            id=f"{SERVICE_PREFIX}{name}",
            name=name,
            kind=PrincipalKind.SERVICE,
            organisation=organisation,
            roles=frozenset(roles),
            clearance=clearance,
        )

    def has_role(self, *roles: Role | str) -> bool:
        """True when the principal holds any of ``roles``."""
        return any(Role.parse(str(r)) in self.roles for r in roles)

    def clears(self, marking: Marking) -> bool:
        """True when this principal may see material marked ``marking``."""
        return clears(self.clearance, marking)

    def __str__(self) -> str:
        return self.id


def _user_id(value: str) -> bool:
    return not value.startswith(SERVICE_PREFIX)


@attrs.frozen(kw_only=True)
class User(Record):
    """A person who may use the store (collection ``users``). The record ID is the user ID
    (``--user``/``CTPSE_USER`` on the command line)."""

    name: str = attrs.field(validator=non_empty)
    organisation: str = ""
    roles: frozenset[Role] = attrs.field(factory=frozenset, converter=_roles)
    clearance: Marking = attrs.field(factory=Marking)
    active: bool = True

    def __attrs_post_init__(self) -> None:
        check(_user_id, f"{{value!r}}: a user ID may not start with {SERVICE_PREFIX!r}")(
            self, attrs.fields(User).id, self.id
        )

    def principal(self) -> Principal:
        return Principal(
            id=self.id,
            name=self.name,
            kind=PrincipalKind.USER,
            organisation=self.organisation,
            roles=self.roles,
            clearance=self.clearance,
        )


class NoPrincipal(CtpseError):
    """A unit of work asked for without saying who is acting."""

    def __init__(self) -> None:
        super().__init__(
            "no principal: open a unit of work for a user or a service, e.g. "
            "store.unit_of_work(user='dc.ada') or store.unit_of_work(user=Principal.service('job'))"
        )


class UnknownUser(InputError):
    """A user ID the store does not know (or a disabled user): exit status 2 on the command line."""

    def __init__(self, user: str, where: str = "", reason: str = "") -> None:
        self.user = user
        why = reason or (
            "is not a user of this store; ask an administrator to add you "
            "(`ctpse users add`), or give another --user / CTPSE_USER"
        )
        super().__init__([Problem("user", f"{user!r} {why}", where=where)], "unknown user")
