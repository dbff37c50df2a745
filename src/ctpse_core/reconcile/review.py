"""Clerical review: a reviewer's decision on a pair, stored and honoured by every later run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from ctpse_core.domain.common import Record, aware, non_empty, utc, utcnow
from ctpse_core.domain.marking import Marking
from ctpse_core.errors import InputError, Problem
from ctpse_core.storage.base import UnitOfWork

__all__ = [
    "COLLECTION",
    "ReviewDecision",
    "decision_id",
    "latest",
    "pair_key",
    "record_decision",
    "stored_decisions",
]

COLLECTION = "review_decisions"


def pair_key(source_a: str, id_a: str, source_b: str, id_b: str) -> tuple[str, str, str, str]:
    """The same key whichever way round the pair is given."""
    first, second = sorted([(source_a, id_a), (source_b, id_b)])
    return first[0], first[1], second[0], second[1]


def decision_id(source_a: str, id_a: str, source_b: str, id_b: str) -> str:
    a_source, a_id, b_source, b_id = pair_key(source_a, id_a, source_b, id_b)
    return f"{a_source}:{a_id}--{b_source}:{b_id}"


@attrs.frozen(kw_only=True)
class ReviewDecision(Record):
    """ "Same person" or "not the same" for two records, with who decided, when and why, under
    the protective marking of the lists it was made on (``marking``, from :class:`Record`)."""

    left_source: str = attrs.field(validator=non_empty)
    left_id: str = attrs.field(validator=non_empty)
    right_source: str = attrs.field(validator=non_empty)
    right_id: str = attrs.field(validator=non_empty)
    same: bool
    reviewer: str = attrs.field(validator=non_empty)
    decided_at: dt.datetime = attrs.field(factory=utcnow, converter=utc, validator=aware)
    note: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        return pair_key(self.left_source, self.left_id, self.right_source, self.right_id)


def record_decision(
    uow: UnitOfWork,
    left_source: str,
    left_id: str,
    right_source: str,
    right_id: str,
    same: bool,
    note: str = "",
    reviewer: str | None = None,
    marking: Marking | str | None = None,
) -> ReviewDecision:
    """Store (or replace) the decision on a pair; the caller commits.

    ``reviewer`` defaults to the unit of work's user; a decision with nobody named is an
    :class:`~ctpse_core.errors.InputError` (the audit trail must say who decided).
    ``marking`` is the protective marking of the lists the decision was made on (the highest
    of the two: :func:`ctpse_core.domain.highest`), a :class:`Marking` or its text; the
    decision keeps it and every listing that shows the decision is marked at least as high.
    Default OFFICIAL; text that is not a marking is an :class:`~ctpse_core.errors.InputError`.
    """
    who = (reviewer if reviewer is not None else uow.user or "").strip()
    if not who:
        raise InputError([Problem(field="reviewer", reason="is required: say who decided")])
    if marking is None:
        marking = Marking()
    elif not isinstance(marking, Marking):
        try:
            marking = Marking.parse(marking)
        except ValueError as exc:
            raise InputError([Problem(field="marking", reason=str(exc), value=marking)]) from None
    ident = decision_id(left_source, left_id, right_source, right_id)
    repo = uow.repository(COLLECTION)
    decision = ReviewDecision(
        id=ident,
        left_source=left_source,
        left_id=left_id,
        right_source=right_source,
        right_id=right_id,
        same=same,
        reviewer=who,
        note=note,
        marking=marking,
    )
    existing = repo.find(ident)
    if existing is None:
        stored: ReviewDecision = repo.add(decision)
    else:
        stored = repo.update(attrs.evolve(decision, version=existing.version))
    uow.record_event("review", COLLECTION, ident, detail="same" if same else "not same")
    return stored


def stored_decisions(uow: UnitOfWork) -> list[ReviewDecision]:
    return list(uow.repository(COLLECTION).list())


def latest(decisions: Iterable[ReviewDecision]) -> dict[tuple[str, str, str, str], ReviewDecision]:
    """The latest decision per pair."""
    found: dict[tuple[str, str, str, str], ReviewDecision] = {}
    for d in sorted(decisions, key=lambda d: d.decided_at):
        found[d.key] = d
    return found
