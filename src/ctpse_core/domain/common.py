"""Building blocks every record shares: identity, version, marking, provenance.

Times are timezone-aware. People think in Europe/London; the store keeps UTC.
Validators raise :class:`ValueError` with a message a coordinator understands;
the converter turns those into ``field: reason @ where`` lines.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import attrs

from ctpse_core.domain.marking import Marking

__all__ = [
    "LONDON",
    "UTC",
    "Provenance",
    "Record",
    "aware",
    "check",
    "in_range",
    "london",
    "non_empty",
    "not_after",
    "not_before",
    "optional_aware",
    "utc",
    "utcnow",
]

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
T = TypeVar("T")
Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def utcnow() -> dt.datetime:
    return dt.datetime.now(UTC)


def utc(value: dt.datetime) -> dt.datetime:
    """Convert an aware datetime to UTC (naive values are taken as Europe/London)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=LONDON)
    return value.astimezone(UTC)


def london(value: dt.datetime) -> dt.datetime:
    """The same instant on the Europe/London wall clock."""
    return utc(value).astimezone(LONDON)


def check(predicate: Callable[[Any], bool], message: str) -> Validator:
    """A validator that raises ``ValueError(message.format(value=...))`` when the predicate fails."""

    def _validate(_inst: Any, _attr: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and not predicate(value):
            raise ValueError(message.format(value=value))

    return _validate


def non_empty(_inst: Any, attr: attrs.Attribute[Any], value: Any) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("is required and must not be blank")


def aware(_inst: Any, _attr: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise ValueError(f"{value!r} must be a date and time with a time zone")


def optional_aware(inst: Any, attr: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        aware(inst, attr, value)


def in_range(low: float, high: float) -> Validator:
    return check(lambda v: low <= v <= high, "{value!r} must be between " + f"{low} and {high}")


def not_before(other: str, label: str | None = None) -> Validator:
    """Cross-field check: this value must not be earlier than field ``other``."""

    def _validate(inst: Any, _attr: attrs.Attribute[Any], value: Any) -> None:
        start = getattr(inst, other, None)
        if value is not None and start is not None and value < start:
            raise ValueError(f"{value} is before {label or other} {start}")

    return _validate


def not_after(limit: Callable[[], Any], label: str) -> Validator:
    def _validate(_inst: Any, _attr: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and value > limit():
            raise ValueError(f"{value} is after {label}")

    return _validate


_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-/]{0,127}$")
valid_id = check(lambda v: bool(_ID.match(v)), "{value!r} is not a usable ID (letters, digits, - _ . : /)")


@attrs.frozen(kw_only=True)
class Provenance:
    """Where a record came from: which feed, file and row, or which user, and when."""

    source: str = attrs.field(validator=non_empty)
    file: str | None = None
    file_hash: str | None = None
    row: int | None = None
    user: str | None = None
    received_at: dt.datetime = attrs.field(factory=utcnow, converter=utc, validator=aware)


@attrs.frozen(kw_only=True)
class Record:
    """Base of every stored record: ID, optimistic-concurrency version, marking, provenance."""

    id: str = attrs.field(validator=valid_id)
    marking: Marking = attrs.field(factory=Marking)
    provenance: Provenance | None = None
    version: int = attrs.field(default=0, validator=check(lambda v: v >= 0, "{value} must not be negative"))
