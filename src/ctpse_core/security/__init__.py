"""Security and accountability: who is asking (:class:`Principal`, :class:`User`), the
hash-chained s.62 audit log (:mod:`ctpse_core.security.audit`), and (``docs/security.md``)
how services open units of work, audit, filter what a principal may see and mark outputs."""

from ctpse_core.security.audit import OPERATIONS, AuditEvent, VerifyResult, verify
from ctpse_core.security.principal import (
    ALL_CAVEATS,
    NoPrincipal,
    Principal,
    PrincipalKind,
    Role,
    UnknownUser,
    User,
    clears,
)

__all__ = [
    "ALL_CAVEATS",
    "OPERATIONS",
    "AuditEvent",
    "NoPrincipal",
    "Principal",
    "PrincipalKind",
    "Role",
    "UnknownUser",
    "User",
    "VerifyResult",
    "clears",
    "verify",
]
