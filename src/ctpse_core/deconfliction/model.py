"""What the deconfliction engine reports: conflicts, their severity, and the settings it uses.

Time is compared as UTC instants on half-open intervals ``[start, end)``: a deployment
that ends at 14:00 and one that starts at 14:00 do **not** overlap; two that start at
the same instant (and last any time at all) do. A deployment whose end equals its start
occupies no time and conflicts with nothing. Distances are great-circle (haversine)
metres; two areas conflict when the distance between their centres is **less than or
equal to** the sum of their radii plus the buffer (touching areas conflict).
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from ctpse_core.domain.common import aware
from ctpse_core.domain.surveillance import Location

__all__ = ["Conflict", "Settings", "Severity"]


class Severity(enum.StrEnum):
    """How bad a conflict is. ``hard`` conflicts break a rule that needs a recorded override."""

    HARD = "hard"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


def _positive_or_zero(_inst: object, attr: attrs.Attribute[float], value: float) -> None:
    if value < 0:
        raise ValueError(f"{attr.name} must not be negative, got {value}")


@attrs.frozen(kw_only=True)
class Settings:
    """Tunable numbers of the built-in rules."""

    #: extra metres added to the two radii before areas count as overlapping.
    buffer_m: float = attrs.field(default=250.0, validator=_positive_or_zero)
    #: minimum rest between two deployments of one person, in hours.
    rest_hours: float = attrs.field(default=11.0, validator=_positive_or_zero)

    @property
    def rest_seconds(self) -> int:
        return round(self.rest_hours * 3600)


@attrs.frozen(kw_only=True)
class Conflict:
    """One conflict, explained: which rule, which deployments, when, where and why."""

    rule: str
    deployment_ids: tuple[str, ...]
    start: dt.datetime = attrs.field(validator=aware)
    end: dt.datetime = attrs.field(validator=aware)
    why: str
    severity: Severity
    where: Location | None = None
    hard: bool = False

    @property
    def key(self) -> str:
        """A stable name for this conflict (rule and the deployments involved)."""
        return f"{self.rule}:{'+'.join(self.deployment_ids)}"
