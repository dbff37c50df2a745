"""Staff, leave, on-call roles, shifts and rotas (CATO role)."""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from ctpse_core.domain.common import Record, aware, check, in_range, non_empty, not_before
from ctpse_core.domain.types import PhoneNumber, valid_phone

__all__ = [
    "ContactNumber",
    "Leave",
    "LeaveKind",
    "OnCallRole",
    "Rota",
    "Shift",
    "ShiftType",
    "Staff",
]


@attrs.frozen(kw_only=True)
class ContactNumber:
    label: str = "mobile"
    number: PhoneNumber = attrs.field(validator=valid_phone)
    #: the day the number was last checked to work (None: never)
    verified: dt.date | None = None


@attrs.frozen(kw_only=True)
class Staff(Record):
    forenames: str = attrs.field(validator=non_empty)
    surname: str = attrs.field(validator=non_empty)
    rank: str | None = None
    roles: frozenset[str] = frozenset()
    qualifications: frozenset[str] = frozenset()
    home_team: str | None = None
    numbers: tuple[ContactNumber, ...] = ()
    email: str | None = attrs.field(
        default=None, validator=check(lambda v: "@" in v, "{value!r} is not an email address")
    )

    @property
    def name(self) -> str:
        return f"{self.forenames} {self.surname}"


class LeaveKind(enum.StrEnum):
    ANNUAL = "annual"
    SICK = "sick"
    TRAINING = "training"
    COURT = "court"
    OTHER = "other"


@attrs.frozen(kw_only=True)
class Leave(Record):
    """Leave or unavailability, inclusive of both dates."""

    staff_id: str = attrs.field(validator=non_empty)
    first_day: dt.date
    last_day: dt.date = attrs.field(validator=not_before("first_day", "the first day"))
    kind: LeaveKind = LeaveKind.ANNUAL


@attrs.frozen(kw_only=True)
class OnCallRole(Record):
    """An on-call role with its dedicated number and the qualification it needs."""

    name: str = attrs.field(validator=non_empty)
    qualification: str | None = None
    on_call_number: PhoneNumber | None = attrs.field(default=None, validator=valid_phone)
    per_shift: int = attrs.field(default=1, validator=check(lambda v: v > 0, "{value} must be more than zero"))


@attrs.frozen(kw_only=True)
class ShiftType:
    """A kind of shift: starts at a Europe/London wall-clock time and lasts some hours."""

    code: str = attrs.field(validator=non_empty)
    starts: dt.time
    hours: float = attrs.field(validator=in_range(0.25, 48))


@attrs.frozen(kw_only=True)
class Shift:
    """One person on one role for one interval (aware datetimes)."""

    role_id: str = attrs.field(validator=non_empty)
    staff_id: str = attrs.field(validator=non_empty)
    start: dt.datetime = attrs.field(validator=aware)
    end: dt.datetime = attrs.field(validator=[aware, not_before("start", "the start")])
    shift_type: str | None = None


@attrs.frozen(kw_only=True)
class Rota(Record):
    """A published set of shifts for one period; versions are numbered on publication."""

    first_day: dt.date
    last_day: dt.date = attrs.field(validator=not_before("first_day", "the first day"))
    shifts: tuple[Shift, ...] = ()
    published_version: int = 0
