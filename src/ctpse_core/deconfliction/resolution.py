"""Decisions on conflicts, and the notice each party gets.

A decision (proceed, joint, delay, cancel) is recorded with its justification, who made
it and when. Proceeding with (or running jointly) a deployment that breaks a *hard* rule
is an override: it needs a justification and is recorded as one. A notice to the other
party of a conflict says only that a conflict exists and whom to call, never the other plan.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping

import attrs

from ctpse_core.deconfliction.model import Conflict
from ctpse_core.domain.common import LONDON, Record, aware, utcnow
from ctpse_core.domain.marking import Marking, highest
from ctpse_core.domain.surveillance import COVERT, Deployment, Operation
from ctpse_core.errors import InputError, Problem
from ctpse_core.storage.base import UnitOfWork

__all__ = ["ConflictResolution", "Decision", "Notice", "PartyNotice", "notices", "party_notices", "resolve"]


class Decision(enum.StrEnum):
    PROCEED = "proceed"
    JOINT = "joint"
    DELAY = "delay"
    CANCEL = "cancel"


def _justified(inst: ConflictResolution, _attr: attrs.Attribute[str], value: str) -> None:
    if inst.override and not value.strip():
        raise ValueError("an override of a hard rule needs a justification")


@attrs.frozen(kw_only=True)
class ConflictResolution(Record):
    """A decision on one conflict (stored in ``conflict_resolutions``)."""

    conflict_key: str
    rule: str
    deployment_ids: tuple[str, ...]
    decision: Decision
    decided_by: str
    decided_at: dt.datetime = attrs.field(factory=utcnow, validator=aware)
    override: bool = False
    justification: str = attrs.field(default="", validator=_justified)


def resolve(
    uow: UnitOfWork,
    conflict: Conflict,
    decision: Decision,
    justification: str,
    user: str,
    when: dt.datetime | None = None,
) -> ConflictResolution:
    """Record a decision; an override of a hard rule without justification is refused."""
    override = conflict.hard and decision in (Decision.PROCEED, Decision.JOINT)
    if override and not justification.strip():
        raise InputError(
            [
                Problem(
                    "justification",
                    f"proceeding despite the hard rule {conflict.rule!r} needs a justification",
                    conflict.key,
                )
            ]
        )
    existing = sum(1 for r in uow.conflict_resolutions.list() if r.conflict_key == conflict.key)
    record = ConflictResolution(
        id=f"res-{conflict.rule}-{'-'.join(conflict.deployment_ids)}-{existing + 1}"[:128],
        conflict_key=conflict.key,
        rule=conflict.rule,
        deployment_ids=conflict.deployment_ids,
        decision=decision,
        decided_by=user,
        decided_at=when or utcnow(),
        override=override,
        justification=justification.strip(),
    )
    stored: ConflictResolution = uow.conflict_resolutions.add(record)
    uow.record_event(
        "override" if override else "decision",
        "conflict_resolutions",
        record.id,
        f"{decision.value} on {conflict.key}",
    )
    return stored


@attrs.frozen
class Notice:
    """What one party is told about a conflict."""

    to_operation: str
    deployment_id: str
    text: str


def notices(
    conflict: Conflict, deployments: Mapping[str, Deployment], operations: Mapping[str, Operation]
) -> list[Notice]:
    """One notice per operation involved: its own deployment, the time, whom to call."""
    involved = [deployments[i] for i in conflict.deployment_ids if i in deployments]
    out: list[Notice] = []
    for mine in involved:
        others = sorted({d.operation_id for d in involved if d.operation_id != mine.operation_id})
        contacts = []
        for op_id in others:
            op = operations.get(op_id)
            contacts.append(op.contact if op is not None and op.contact else "the CATO desk")
        call = ", ".join(contacts) if contacts else "the CATO desk"
        when = conflict.start.astimezone(LONDON).strftime("%a %d/%m/%Y %H:%M %Z")
        out.append(
            Notice(
                mine.operation_id,
                mine.id,
                f"Deployment {mine.id} is in conflict ({conflict.rule.replace('-', ' ')}) "
                f"with another deployment from {when}. Before deploying, call {call}.",
            )
        )
    return out


@attrs.frozen
class PartyNotice:
    """Everything one party (an operation) is told about the conflicts its deployments are
    in: one line per conflict, marked as high as its own deployments (never the other's)."""

    operation_id: str
    operation_name: str
    lines: tuple[str, ...]
    marking: Marking

    def text(self) -> str:
        body = "\n".join(f"- {line}" for line in self.lines)
        return (
            f"{self.marking}\n\n# Deconfliction notice for {self.operation_name}\n\n"
            f"{body}\n\nNothing in this notice describes another operation's plan.\n\n{self.marking}\n"
        )


def party_notices(
    conflicts: Iterable[Conflict], deployments: Mapping[str, Deployment], operations: Mapping[str, Operation]
) -> list[PartyNotice]:
    """One need-to-know notice per operation involved in any of ``conflicts`` (each of its
    :func:`notices` lines, in time order), sorted by operation ID."""
    lines: dict[str, list[str]] = {}
    own: dict[str, list[Marking]] = {}
    for conflict in conflicts:
        for n in notices(conflict, deployments, operations):
            lines.setdefault(n.to_operation, [])
            if n.text not in lines[n.to_operation]:
                lines[n.to_operation].append(n.text)
            own.setdefault(n.to_operation, []).append(deployments[n.deployment_id].marking)
    out = []
    for op_id in sorted(lines):
        op = operations.get(op_id)
        name = f"{op.name} ({op_id})" if op is not None else op_id
        out.append(PartyNotice(op_id, name, tuple(lines[op_id]), highest([COVERT, *own[op_id]])))
    return out
