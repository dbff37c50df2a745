"""What the nominal-management services share: packaged TOML configuration that a force
overrides, consultation audit over a unit of work, markings of what went in, and the
products their lists are written as.

Each service package (``engagement``, ``orders``, ``correspondence``, ``quality``) ships
its defaults as TOML beside its code. An override file (``--config FILE`` or the package's
environment variable) is merged over the defaults key by key, so a force states only what
it changes.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from ctpse_core.domain.common import Record, london
from ctpse_core.domain.marking import Marking, highest
from ctpse_core.errors import InputError, Problem

__all__ = [
    "REFERENCE_SOURCES",
    "Figure",
    "Period",
    "consult",
    "consult_caseload",
    "list_product",
    "load_config",
    "local_day",
    "local_days",
    "marking_of",
    "merge",
]

R = TypeVar("R", bound=Record)


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``override`` laid over it, tables merged key by key."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def load_config(package: str, name: str, override: Path | None = None, env: str | None = None) -> dict[str, Any]:
    """The packaged ``package/name`` TOML with ``override`` (or the file ``env`` names) over it.

    An override that cannot be read is an :class:`InputError` naming the file and reason
    (:func:`ctpse_core.tomlfile.read_toml`, the one reader of users' TOML files)."""
    data = tomllib.loads(resources.files(package).joinpath(name).read_text(encoding="utf-8"))
    if override is None and env and os.environ.get(env):
        override = Path(os.environ[env])
    if override is not None:
        from ctpse_core.tomlfile import read_toml

        extra = read_toml(override)
        data = merge(data, extra)
    return data


def local_day(moment: dt.datetime | dt.date) -> dt.date:
    """The Europe/London day of an aware datetime (a date as it is)."""
    if isinstance(moment, dt.datetime):
        return london(moment).date()
    return moment


def local_days(moments: Iterable[dt.datetime]) -> list[dt.date]:
    """:func:`local_day` of many aware datetimes, fast: the London day is computed once per
    (day, hour, offset) seen, since stored times are mostly UTC and the zone only moves on the hour."""
    cache: dict[tuple[int, int, Any], dt.date] = {}
    out = []
    for moment in moments:
        key = (moment.toordinal(), moment.hour, moment.utcoffset())
        day = cache.get(key)
        if day is None:
            day = cache[key] = london(moment).date()
        out.append(day)
    return out


class Period:
    """A closed range of days ``[first, last]``; ``month(2026, 3)`` is March 2026."""

    __slots__ = ("first", "last")

    def __init__(self, first: dt.date, last: dt.date) -> None:
        if last < first:
            raise ValueError(f"period ends {last} before it starts {first}")
        self.first = first
        self.last = last

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        return cls(dt.date(year, month, 1), nxt - dt.timedelta(days=1))

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2026-03`` (a month), ``2026-03-01..2026-03-31`` or ``2026-03-01:2026-03-31``."""
        text = text.strip()
        try:
            if len(text) == 7 and text[4] == "-":
                return cls.month(int(text[:4]), int(text[5:]))
            for sep in ("..", ":"):
                if sep in text:
                    a, b = text.split(sep, 1)
                    return cls(dt.date.fromisoformat(a.strip()), dt.date.fromisoformat(b.strip()))
            day = dt.date.fromisoformat(text)
            return cls(day, day)
        except ValueError as exc:
            raise InputError([Problem("period", f"{text!r} is not a period (YYYY-MM or FIRST..LAST): {exc}")]) from None

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.first <= day <= self.last

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Period) and (self.first, self.last) == (other.first, other.last)

    def __hash__(self) -> int:
        return hash((self.first, self.last))

    def __repr__(self) -> str:
        return f"Period({self.first.isoformat()}..{self.last.isoformat()})"

    def __str__(self) -> str:
        return f"{self.first.isoformat()}..{self.last.isoformat()}"


#: Feeds whose nominals are a reference list to reconcile against, not the region's caseload
#: (the JCTPPH national headcount): casework lists leave them out.
REFERENCE_SOURCES = frozenset({"national"})


def consult_caseload(uow: Any, purpose: str) -> list[Any]:
    """The region's nominals (every stored nominal but those from a reference list such as
    the national headcount), the reading audited as one consultation of ``nominals``."""
    records = [n for n in uow.nominals.list()
               if n.provenance is None or n.provenance.source not in REFERENCE_SOURCES]
    uow.record_event("consultation", "nominals", None, f"{purpose}: {len(records)} records read")
    return records


def consult(uow: Any, collection: str, purpose: str) -> list[Any]:
    """Every record of ``collection``, the reading audited as one consultation event
    (``detail`` says why and how many records were read)."""
    records = list(uow.repository(collection).list())
    uow.record_event("consultation", collection, None, f"{purpose}: {len(records)} records read")
    return records


def marking_of(*groups: Iterable[Record]) -> Marking:
    """The highest marking of every record in ``groups`` (OFFICIAL when there are none)."""
    return highest(r.marking for group in groups for r in group)


def list_product(kind: str, title: str, rows: Sequence[Mapping[str, Any]], marking: Marking,
                 summary: Mapping[str, Any] | None = None) -> Any:
    """A list as a product: ``data()`` holds the summary and the rows; CSV writes the rows."""
    from ctpse_core.reports import SimpleProduct

    data: dict[str, Any] = dict(summary or {})
    data["rows"] = [dict(r) for r in rows]
    return SimpleProduct(kind, title, data, marking, rows=[dict(r) for r in rows])


class Figure:
    """A share for a KPI: ``numerator`` of ``denominator`` (``value`` is ``None`` when nothing
    was counted), per group as ``{group: (numerator, denominator)}``, and the marking of what
    was read to compute it."""

    __slots__ = ("denominator", "groups", "marking", "numerator")

    def __init__(self, numerator: int, denominator: int, marking: Marking,
                 groups: Mapping[str, tuple[int, int]] | None = None) -> None:
        self.numerator = numerator
        self.denominator = denominator
        self.marking = marking
        self.groups = dict(groups or {})

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    def __repr__(self) -> str:
        return f"Figure({self.numerator}/{self.denominator}, {self.marking})"
