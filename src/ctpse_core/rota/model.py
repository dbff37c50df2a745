"""The rostering model: roles, staff, shift types, rules, cover, requests and a horizon.

It follows the rules of the published Nurse Rostering benchmark instances (Curtois and
Qu's "Employee Shift Scheduling Benchmark Data Sets") so their instances translate in,
and adds what police rotas also need: shift start times in Europe/London, roles with
qualifications and on-call numbers, leave, existing commitments (deployments) and the
Working Time Regulations rest rules. A solution is a :class:`Roster` of
:class:`Assignment` rows (one person, one day, one shift).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import attrs

from ctpse_core.domain.common import aware, check, non_empty, not_before, valid_id
from ctpse_core.domain.marking import Marking
from ctpse_core.domain.staff import ContactNumber, LeaveKind
from ctpse_core.domain.types import PhoneNumber, valid_phone

__all__ = [
    "FAIRNESS_MEASURES",
    "PROBLEM_SCHEMA",
    "ROSTER_SCHEMA",
    "Assignment",
    "ChangeRecord",
    "Commitment",
    "Cover",
    "Fairness",
    "FairnessCounts",
    "Person",
    "RestRules",
    "RoleDef",
    "Roster",
    "RotaLeave",
    "RotaProblem",
    "ShiftDef",
    "ShiftRequest",
    "StaffRules",
]

PROBLEM_SCHEMA = "ctpse-rota-problem/1"
ROSTER_SCHEMA = "ctpse-rota/1"

_non_negative = check(lambda v: v >= 0, "{value} must not be negative")
_positive = check(lambda v: v > 0, "{value} must be more than zero")


def _schema(expected: str) -> Any:
    return check(lambda v: v == expected, "{value!r} is not " + repr(expected))


@attrs.frozen(kw_only=True)
class RoleDef:
    """An on-call role: who may do it (qualification) and its dedicated number."""

    id: str = attrs.field(validator=valid_id)
    name: str = attrs.field(validator=non_empty)
    qualification: str | None = None
    on_call_number: PhoneNumber | None = attrs.field(default=None, validator=valid_phone)
    #: the day the on-call number was last checked to work (None: never)
    number_verified: dt.date | None = None


@attrs.frozen(kw_only=True)
class ShiftDef:
    """A shift type: starts at a Europe/London wall-clock time on its day and lasts
    ``minutes`` of wall-clock time, so a night over a clock change is an hour longer
    (autumn) or shorter (spring) in real time.

    ``cannot_follow`` lists the shift types that may not be worked on the next day
    (the benchmark's "shifts which cannot follow this shift").
    """

    id: str = attrs.field(validator=valid_id)
    minutes: int = attrs.field(
        validator=check(lambda v: 1 <= v <= 2880, "{value} must be between 1 and 2880 minutes")
    )
    starts: dt.time = dt.time(9, 0)
    role: str | None = None
    cannot_follow: frozenset[str] = frozenset()
    label: str | None = None

    @property
    def is_night(self) -> bool:
        """Crosses midnight on the wall clock."""
        return self.starts.hour * 60 + self.starts.minute + self.minutes > 24 * 60


@attrs.frozen(kw_only=True)
class StaffRules:
    """Per-person limits (the benchmark's staff line). ``None`` means no limit.

    Total minutes are counted per period of ``period_days`` days from the start of the
    horizon (the whole horizon when ``period_days`` is ``None``).
    """

    max_shifts: dict[str, int] = attrs.Factory(dict)
    min_total_minutes: int = attrs.field(default=0, validator=_non_negative)
    max_total_minutes: int | None = attrs.field(default=None, validator=_non_negative)
    period_days: int | None = attrs.field(default=None, validator=_positive)
    min_consecutive_shifts: int = attrs.field(default=1, validator=_positive)
    max_consecutive_shifts: int | None = attrs.field(default=None, validator=_positive)
    min_consecutive_days_off: int = attrs.field(default=1, validator=_positive)
    max_weekends: int | None = attrs.field(default=None, validator=_non_negative)


@attrs.frozen(kw_only=True)
class Person:
    """Someone who can be rostered. Numbers are UK numbers, kept in E.164 form."""

    id: str = attrs.field(validator=valid_id)
    name: str = attrs.field(validator=non_empty)
    qualifications: frozenset[str] = frozenset()
    home_team: str | None = None
    numbers: tuple[ContactNumber, ...] = ()
    rules: StaffRules = attrs.Factory(StaffRules)
    days_off: frozenset[dt.date] = frozenset()

    @property
    def phone(self) -> str | None:
        return self.numbers[0].number if self.numbers else None


@attrs.frozen(kw_only=True)
class RotaLeave:
    """Leave or other unavailability, both days inclusive."""

    staff_id: str = attrs.field(validator=non_empty)
    first_day: dt.date
    last_day: dt.date = attrs.field(validator=not_before("first_day", "the first day"))
    kind: LeaveKind = LeaveKind.ANNUAL

    def days(self) -> Iterator[dt.date]:
        day = self.first_day
        while day <= self.last_day:
            yield day
            day += dt.timedelta(days=1)


@attrs.frozen(kw_only=True)
class Commitment:
    """Time someone is already committed elsewhere: a deployment, another rota, a court date.

    When ``is_work`` it counts as work for the daily and weekly rest rules.
    """

    staff_id: str = attrs.field(validator=non_empty)
    start: dt.datetime = attrs.field(validator=aware)
    end: dt.datetime = attrs.field(validator=[aware, not_before("start", "the start")])
    label: str = "deployment"
    is_work: bool = True


@attrs.frozen(kw_only=True)
class ShiftRequest:
    """A wish to work (on-request) or not work (off-request) a shift, with its weight."""

    staff_id: str = attrs.field(validator=non_empty)
    day: dt.date
    shift: str = attrs.field(validator=non_empty)
    weight: int = attrs.field(default=1, validator=_non_negative)


@attrs.frozen(kw_only=True)
class Cover:
    """How many people a shift needs on a day, and the cost of each one short or over."""

    day: dt.date
    shift: str = attrs.field(validator=non_empty)
    requirement: int = attrs.field(validator=_non_negative)
    under_weight: int = attrs.field(default=100, validator=_non_negative)
    over_weight: int = attrs.field(default=1, validator=_non_negative)


@attrs.frozen(kw_only=True)
class RestRules:
    """Working Time Regulations rest: 11 hours between shifts, 24 hours in each 7 days.

    Zero turns a rule off (the benchmark instances have neither).
    """

    daily_rest_hours: float = attrs.field(default=11.0, validator=_non_negative)
    weekly_rest_hours: float = attrs.field(default=24.0, validator=_non_negative)


#: the fairness measures, in the order the reports show them
FAIRNESS_MEASURES = ("nights", "weekends", "bank_holidays")


@attrs.frozen(kw_only=True)
class FairnessCounts:
    """What one person did in earlier published rotas: night shifts, weekend shifts (days)
    and shifts on bank holidays."""

    nights: int = attrs.field(default=0, validator=_non_negative)
    weekends: int = attrs.field(default=0, validator=_non_negative)
    bank_holidays: int = attrs.field(default=0, validator=_non_negative)


@attrs.frozen(kw_only=True)
class Fairness:
    """Fairness over time (configuration): a weight per measure (0 turns it off), what each
    person did in earlier published rotas (``history``, rolling: see
    :func:`ctpse_core.rota.fairness.history_from`) and which rotas those were."""

    weights: dict[str, int] = attrs.field(
        factory=dict,
        validator=check(
            lambda v: set(v) <= set(FAIRNESS_MEASURES) and all(w >= 0 for w in v.values()),
            "{value!r}: weights are nights, weekends, bank_holidays, each 0 or more",
        ),
    )
    history: dict[str, FairnessCounts] = attrs.Factory(dict)
    sources: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class RotaProblem:
    """Everything a solver needs. Days run from ``start`` for ``days`` days."""

    schema: str = attrs.field(default=PROBLEM_SCHEMA, validator=_schema(PROBLEM_SCHEMA))
    name: str = attrs.field(validator=non_empty)
    start: dt.date
    days: int = attrs.field(
        validator=check(lambda v: 1 <= v <= 3660, "{value} must be between 1 and 3660 days")
    )
    marking: Marking = attrs.Factory(Marking)
    roles: tuple[RoleDef, ...] = ()
    shifts: tuple[ShiftDef, ...] = attrs.field(
        validator=check(lambda v: len(v) > 0, "at least one shift type is required")
    )
    staff: tuple[Person, ...] = ()
    leave: tuple[RotaLeave, ...] = ()
    commitments: tuple[Commitment, ...] = ()
    shift_on_requests: tuple[ShiftRequest, ...] = ()
    shift_off_requests: tuple[ShiftRequest, ...] = ()
    cover: tuple[Cover, ...] = ()
    rest: RestRules = attrs.Factory(RestRules)
    weekend: frozenset[int] = attrs.field(
        default=frozenset({5, 6}),
        validator=check(lambda v: all(0 <= d <= 6 for d in v), "{value} must be weekdays 0-6"),
    )
    fairness: Fairness = attrs.Factory(Fairness)

    @property
    def end(self) -> dt.date:
        """The last day of the horizon."""
        return self.start + dt.timedelta(days=self.days - 1)

    def day(self, index: int) -> dt.date:
        return self.start + dt.timedelta(days=index)

    def index(self, day: dt.date) -> int:
        return (day - self.start).days

    def dates(self) -> list[dt.date]:
        return [self.day(i) for i in range(self.days)]

    def shift(self, shift_id: str) -> ShiftDef:
        return {s.id: s for s in self.shifts}[shift_id]

    def person(self, staff_id: str) -> Person:
        return {p.id: p for p in self.staff}[staff_id]

    def role(self, role_id: str) -> RoleDef:
        return {r.id: r for r in self.roles}[role_id]

    def required_qualification(self, shift: ShiftDef) -> str | None:
        if shift.role is None:
            return None
        roles = {r.id: r for r in self.roles}
        return roles[shift.role].qualification if shift.role in roles else None


@attrs.frozen(kw_only=True, order=True)
class Assignment:
    """One person working one shift on one day."""

    day: dt.date
    shift: str = attrs.field(validator=non_empty)
    staff_id: str = attrs.field(validator=non_empty)


@attrs.frozen(kw_only=True)
class ChangeRecord:
    """An override, swap or repair applied to a roster: what went, what came, who and why."""

    kind: str = attrs.field(
        validator=check(
            lambda v: v in {"override", "swap", "repair"},
            "{value!r} is not override, swap or repair",
        )
    )
    at: dt.datetime = attrs.field(validator=aware)
    by: str = attrs.field(validator=non_empty)
    reason: str = ""
    removed: tuple[Assignment, ...] = ()
    added: tuple[Assignment, ...] = ()
    #: rules the change breaks that a coordinator may accept (contractual totals, run
    #: lengths, weekends, shift caps), one line each, as the coordinator was told
    warnings: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Roster:
    """A solution: assignments for a problem, with the solver that made it and later changes."""

    schema: str = attrs.field(default=ROSTER_SCHEMA, validator=_schema(ROSTER_SCHEMA))
    problem: str = attrs.field(validator=non_empty)
    solver: str = "manual"
    seed: int | None = None
    objective: int | None = None
    assignments: tuple[Assignment, ...] = ()
    changes: tuple[ChangeRecord, ...] = ()

    def by_person(self) -> dict[str, list[Assignment]]:
        out: dict[str, list[Assignment]] = {}
        for a in sorted(self.assignments):
            out.setdefault(a.staff_id, []).append(a)
        return out
