"""Building blocks every record shares: identity, version, marking, provenance.

Times are timezone-aware. People think in Europe/London; the store keeps UTC.
Validators raise :class:`ValueError` with a message a coordinator understands;
the converter turns those into ``field: reason @ where`` lines.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

import attrs

from ctpse_core.domain.marking import Marking

__all__ = [
    "BOOKKEEPING_FIELDS",
    "LONDON",
    "REQUIRED_COLUMN",
    "UTC",
    "Provenance",
    "Record",
    "aware",
    "changed_fields",
    "check",
    "day_text",
    "in_range",
    "london",
    "non_empty",
    "not_after",
    "not_before",
    "optional_aware",
    "required_columns",
    "time_text",
    "utc",
    "utcnow",
    "with_version",
]

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
T = TypeVar("T")
R = TypeVar("R", bound="Record")
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


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_text(day: dt.date) -> str:
    """A day as people read it, never ambiguous: ``Sat 28 Mar 2026`` (a datetime: its London day)."""
    if isinstance(day, dt.datetime):
        day = london(day).date()
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def time_text(moment: dt.datetime) -> str:
    """An instant on the Europe/London wall clock with its zone: ``Sat 28 Mar 2026 19:00 GMT``
    (``BST`` in summer). Naive values are taken as London time."""
    local = london(moment)
    return f"{day_text(local.date())} {local:%H:%M} {local.tzname()}"


def check(predicate: Callable[[Any], bool], message: str) -> Validator:
    """A validator that raises ``ValueError(message.format(value=...))`` when the predicate fails."""

    def _validate(_inst: Any, _attr: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and not predicate(value):
            raise ValueError(message.format(value=value))

    return _validate


#: Field metadata: every feed of the record type must have a column for the field, though a
#: blank cell is allowed (a nominal with only a surname). Feeds' column plans enforce it.
REQUIRED_COLUMN: Mapping[str, str] = MappingProxyType({"column": "required"})


def required_columns(record_type: type[Any]) -> tuple[str, ...]:
    """The fields of ``record_type`` marked :data:`REQUIRED_COLUMN`."""
    return tuple(f.name for f in attrs.fields(record_type) if f.metadata.get("column") == "required")


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
    """Base of every stored record: ID, optimistic-concurrency version, marking, provenance.

    ``version`` is bookkeeping the store stamps (see :func:`with_version`): no field
    validator may read it. A record type whose checks involve ``version`` makes them in
    ``__attrs_post_init__``, and then every re-stamp runs full construction again.
    """

    id: str = attrs.field(validator=valid_id)
    marking: Marking = attrs.field(factory=Marking)
    provenance: Provenance | None = None
    version: int = attrs.field(default=0, validator=check(lambda v: v >= 0, "{value} must not be negative"))


_Restamp = Callable[[Any, int], Any]


_RESTAMPERS: dict[type, _Restamp | None] = {}


def _restamper(cls: type) -> _Restamp | None:
    """A fast copier for ``cls`` that changes only ``version``, or ``None`` when that is unsafe.

    Safe means: ``cls`` is a slotted attrs class all the way down (no ``__dict__`` state),
    its only slots are its attrs fields (no cached hash, no cached properties), it has no
    ``__attrs_pre_init__``/``__attrs_post_init__`` (whole-object checks), and its ``version``
    field is :class:`Record`'s own (same validator, no converter). Such a record was fully
    validated when it was built and is frozen since, so copying its field values and
    validating the new version gives exactly what :func:`attrs.evolve` would.
    """
    if not attrs.has(cls) or hasattr(cls, "__attrs_pre_init__") or hasattr(cls, "__attrs_post_init__"):
        return None
    slots: set[str] = set()
    for klass in cls.__mro__[:-1]:  # every class but object
        if "__slots__" not in vars(klass):
            return None
        declared = vars(klass)["__slots__"]
        slots.update([declared] if isinstance(declared, str) else declared)
    slots.discard("__weakref__")
    fields = attrs.fields(cls)
    if slots != {f.name for f in fields}:
        return None
    base = attrs.fields(Record).version
    version = next(f for f in fields if f.name == "version")
    if version.validator is not base.validator or version.converter is not None:
        return None
    names = tuple(f.name for f in fields if f.name != "version")
    read = operator.attrgetter(*names)
    validate = base.validator
    assert validate is not None
    new = object.__new__
    put = object.__setattr__

    def restamp(record: Any, value: int) -> Any:
        if not attrs.validators.get_disabled():
            validate(record, version, value)
        clone = new(cls)
        for name, field_value in zip(names, read(record), strict=True):
            put(clone, name, field_value)
        put(clone, "version", value)
        return clone

    return restamp


#: Fields a store or an import stamps, not content: a record differing only in them is unchanged.
BOOKKEEPING_FIELDS = frozenset({"provenance", "version"})


def changed_fields(old: Record, new: Record, ignore: Iterable[str] = ()) -> list[str]:
    """The names of the fields whose values differ between two records of one type, leaving out
    the bookkeeping fields and ``ignore`` (e.g. a counter the writer stamps itself)."""
    skip = BOOKKEEPING_FIELDS | frozenset(ignore)
    return [
        f.name for f in attrs.fields(type(new)) if f.name not in skip and getattr(old, f.name) != getattr(new, f.name)
    ]


def with_version(record: R, version: int) -> R:
    """``record`` with ``version`` changed: what ``attrs.evolve(record, version=version)`` gives.

    Stores stamp a version on every record they write. Running every field validator again
    for that costs more than building the record did in the first place, so for record types
    where it is provably the same (see ``Record``: no check may read ``version`` outside
    ``__attrs_post_init__``) the field values are copied and only the new version is
    validated; any other type goes through :func:`attrs.evolve`.
    """
    cls = type(record)
    try:
        restamp = _RESTAMPERS[cls]
    except KeyError:
        restamp = _RESTAMPERS[cls] = _restamper(cls)
    if restamp is None:
        return attrs.evolve(record, version=version)
    return cast(R, restamp(record, version))
