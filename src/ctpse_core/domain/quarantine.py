"""Quarantined rows: partner-feed rows that could not be stored, kept with every reason."""

from __future__ import annotations

import attrs

from ctpse_core.domain.common import Record, check, non_empty

__all__ = ["QuarantinedRow", "quarantine_id"]


def quarantine_id(feed: str, file_hash: str, row: int) -> str:
    """One ID per feed, file content and row: importing the same file again finds it."""
    return f"{feed}:{file_hash[:16]}:{row}"


@attrs.frozen(kw_only=True)
class QuarantinedRow(Record):
    """A row of a partner file that failed: where it was, what it said and why.

    ``raw`` holds the row's cells by the partner's headers, as text; ``reasons`` one
    line per problem, each naming the column (``DOB: '31/02/1990' is not a valid date``).
    """

    feed: str = attrs.field(validator=non_empty)
    file: str = attrs.field(validator=non_empty)
    file_hash: str = attrs.field(validator=non_empty)
    row: int = attrs.field(validator=check(lambda v: v >= 0, "{value} must not be negative"))
    raw: dict[str, str] = attrs.field(factory=dict, hash=False)
    reasons: tuple[str, ...] = attrs.field(
        validator=check(lambda v: len(v) > 0, "a quarantined row needs at least one reason")
    )
