"""Access control: deny by default, a built-in role policy, and "no read up".

:func:`decide` answers "may this principal do ACTION to TARGET for PURPOSE?". Plugins are
asked first through the ``ctpse_access_decision`` hook (first answer wins: a force can plug
in its own policy); when none answers, the built-in policy decides:

1. **No read up.** A target whose marking the principal's clearance does not dominate
   (classification above it, or a caveat outside it) is refused for every action.
2. **Roles.** The principal needs a role that allows the action on the target's collection
   (:data:`ROLE_POLICY`); nothing else is allowed (deny by default).

A target is a stored record (its collection is looked up from its type), a product or
anything with a ``marking``, or a collection name. Domain-ish: imports nothing from storage.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ctpse_core.domain.marking import Marking
from ctpse_core.errors import CtpseError
from ctpse_core.security.principal import Principal, Role, clears

__all__ = [
    "ACTIONS",
    "ROLE_POLICY",
    "WRITE_ACTIONS",
    "AccessDenied",
    "Decided",
    "Decision",
    "decide",
    "event_action",
    "read_filter",
    "roles_allowing",
    "target_collection",
    "target_marking",
]

#: What a principal may do to a target.
ACTIONS = (
    "read",        # see it in a list, report, export or search (consultation)
    "create",      # collection
    "update",      # alteration
    "delete",      # erasure
    "combine",     # reconciliation, joins into a product
    "disclose",    # send outside the unit (partner extract, correction set, export)
    "publish",     # grid, rota and report products
    "downgrade",   # lower a stored record's marking (with a reason)
    "manage",      # users, agreements, retention decisions
    "audit",       # read and check the audit log
)

_NOMINAL = frozenset({
    "nominals", "contact_plans", "contacts", "civil_orders", "pathway_plans", "meetings", "actions",
    "correspondence", "review_decisions", "quarantine", "quarantined_rows", "products",
})
_TASKING = frozenset({
    "operations", "subjects", "teams", "team_unavailability", "tasking_requests", "deployments", "asset_requests",
    "grid_versions", "conflict_resolutions", "staff", "leave", "oncall_roles", "rotas", "significant_issues",
    "overtime_forecasts", "funding_bids", "fast_time_events", "authorisations", "products",
})
_ADMIN_ONLY = frozenset({"users", "audit_log", "agreements"})
#: The actions a change to a stored record needs (``manage`` on the collection also does).
WRITE_ACTIONS = ("create", "update", "delete")
_ANY = "*"
_WORK = ("read", "create", "update", "combine", "publish")

#: Role -> {action: collections it may do it to (``*``: every collection but users,
#: agreements and the audit log)}.
ROLE_POLICY: Mapping[Role, Mapping[str, frozenset[str]]] = {
    Role.SYSTEM: {a: frozenset({_ANY, *_ADMIN_ONLY}) for a in ACTIONS},
    Role.ADMINISTRATOR: {
        **{a: frozenset({_ANY}) for a in (*_WORK, "delete", "downgrade")},
        "disclose": frozenset({_ANY, "users", "agreements"}),  # db export carries them
        "manage": frozenset({_ANY, *_ADMIN_ONLY}),
        "read": frozenset({_ANY, "users", "agreements", "audit_log"}),
        "audit": frozenset({_ANY, *_ADMIN_ONLY}),
    },
    Role.COORDINATOR: {
        **{a: frozenset({_ANY}) for a in _WORK},
        "read": frozenset({_ANY, "audit_log"}),  # the disclosure log of what they sent
        "disclose": frozenset({_ANY}),
        "downgrade": frozenset({_ANY}),
        "manage": frozenset({"retention"}),
    },
    Role.NOMINAL_MANAGER: {
        **{a: _NOMINAL for a in (*_WORK, "delete", "disclose")},
        "manage": frozenset({"retention"}),
    },
    Role.ANALYST: {
        "read": frozenset({_ANY}),
        "combine": frozenset({_ANY}),
        "create": frozenset({"review_decisions"}),
    },
    Role.TASKING_OFFICER: {a: _TASKING for a in (*_WORK, "delete", "disclose")},
    Role.AUDITOR: {
        "audit": frozenset({_ANY, *_ADMIN_ONLY}),
        "read": frozenset({"users", "agreements", "audit_log"}),
    },
    Role.READ_ONLY_PARTNER: {"read": _NOMINAL},
}


class AccessDenied(CtpseError):
    """The principal may not do this; the message says who, what and why (on the command line:
    ``error: access refused: ...`` and exit status 2)."""


@attrs.frozen
class Decided:
    """One access decision a unit of work asked for (``uow.decisions``): the action, the
    target's collection, the purpose, and whether it was allowed."""

    action: str
    collection: str
    purpose: str
    allowed: bool


@attrs.frozen
class Decision:
    """An access decision and, when refused, why (in words for the person refused)."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def target_marking(target: Any) -> Marking | None:
    """The target's marking (a record or product), or ``None`` for a collection name."""
    marking = getattr(target, "marking", None)
    return marking if isinstance(marking, Marking) else None


def target_collection(target: Any) -> str:
    """The collection a target belongs to: a name as given; a record's by its type (from the
    record-type registry); a product's ``kind``; ``*`` when none is known."""
    if isinstance(target, str):
        return target
    from ctpse_core.domain.common import Record

    if isinstance(target, Record):
        from ctpse_core.storage.schema import record_types

        for name, cls in record_types().items():
            if type(target) is cls:
                return name
        return _ANY
    kind = getattr(target, "kind", None)
    return kind if isinstance(kind, str) else _ANY


def roles_allowing(action: str, collection: str) -> list[Role]:
    """The built-in roles that may do ``action`` to ``collection`` (``system`` left out)."""
    return [role for role in Role if role is not Role.SYSTEM and _role_allows_one(role, action, collection)]


def _role_allows_one(role: Role, action: str, collection: str) -> bool:
    allowed = ROLE_POLICY.get(role, {}).get(action, frozenset())
    return collection in allowed or (_ANY in allowed and collection not in _ADMIN_ONLY)


def _needs(action: str, collection: str) -> str:
    roles = roles_allowing(action, collection)
    if not roles:
        return "no role allows it"
    names = [r.value for r in roles]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f"that needs the {listed} role"


def event_action(action: str, operation: str) -> str | None:
    """The access action an audit event of ``operation`` (made with verb ``action``) needs: a
    consultation ``read``, a combination ``combine``, a disclosure ``disclose`` (a
    ``publication`` ``publish``); ``None`` for collection, alteration and erasure (the
    repositories' write path checks those) and for a logged refusal."""
    if action.endswith(" refused"):
        return None
    if operation == "disclosure":
        return "publish" if action == "publication" else "disclose"
    return {"consultation": "read", "combination": "combine"}.get(operation)


def _role_allows(principal: Principal, action: str, collection: str) -> bool:
    return any(_role_allows_one(role, action, collection) for role in principal.roles)


def builtin_decision(principal: Principal, action: str, target: Any, purpose: str = "") -> Decision:
    """The built-in policy: no read up, then the role policy; deny by default."""
    if action not in ACTIONS:
        return Decision(False, f"{action!r} is not an action ({', '.join(ACTIONS)})")
    marking = target_marking(target)
    if marking is not None and not principal.clears(marking):
        return Decision(False, f"{principal.id} is cleared to {principal.clearance}, "
                               f"below the target's marking {marking}")
    collection = target_collection(target)
    if not _role_allows(principal, action, collection):
        roles = ", ".join(sorted(principal.roles)) or "no roles"
        return Decision(False, f"{principal.id} ({roles}) may not {action} {collection}: {_needs(action, collection)}")
    return Decision(True)


def decide(principal: Principal, action: str, target: Any, purpose: str = "") -> Decision:
    """Ask the ``ctpse_access_decision`` hook (first answer wins), else the built-in policy.

    A plugin's ``False`` refuses; its ``True`` allows, except that no plugin can let a
    principal read up (a marking above its clearance is always refused)."""
    from ctpse_core.plugin import get_plugin_manager

    marking = target_marking(target)
    if marking is not None and not principal.clears(marking):
        return builtin_decision(principal, action, target, purpose)
    answer = get_plugin_manager().hook.ctpse_access_decision(
        principal=principal, action=action, target=target, purpose=purpose
    )
    if answer is True:
        return Decision(True)
    if answer is False:
        return Decision(False, f"{principal.id} may not {action} {target_collection(target)} (site policy)")
    return builtin_decision(principal, action, target, purpose)


def read_filter(principal: Principal, purpose: str = "") -> Callable[[Any], bool]:
    """A fast ``record -> may read`` test giving what ``decide(principal, "read", record,
    purpose)`` gives: the role check is made once per record type, and when no plugin answers
    ``ctpse_access_decision`` the hook is not called per record."""
    from ctpse_core.plugin import get_plugin_manager

    if get_plugin_manager().hook.ctpse_access_decision.get_hookimpls():
        return lambda record: decide(principal, "read", record, purpose).allowed
    by_type: dict[type, bool] = {}
    clearance = principal.clearance

    def allowed(record: Any) -> bool:
        kind = type(record)
        role_ok = by_type.get(kind)
        if role_ok is None:
            role_ok = by_type[kind] = _role_allows(principal, "read", target_collection(record))
        if not role_ok:
            return False
        marking = target_marking(record)
        return marking is None or clears(clearance, marking)

    return allowed
