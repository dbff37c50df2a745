"""The overtime forecast: duties priced under :class:`~ctpse_core.finance.rules.PayRules`.

A :class:`Duty` is one person's time on one deployment, asset deployment or on-call shift.
Each duty is priced on its own (the rules here never depend on another duty), into
:class:`Line` s: one per Europe/London calendar day it touches and rule that applies.
Time is measured in real elapsed seconds between UTC instants, so a night across the
October clock change is an hour longer and the March one an hour shorter; the calendar
day, bank holiday, rest day and tour of duty are Europe/London wall-clock notions.

Money is integer pence. Each line is rounded once, half up, to the penny; every total
is a sum of whole pence, so any breakdown adds up to the total exactly.

A :class:`Forecast` keeps its lines by duty and running totals by breakdown, so an
amendment (:meth:`Forecast.amend`) re-prices only the duties that changed and reports
the :class:`Difference`: which lines went, which came and how each total moved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from fractions import Fraction
from functools import cache
from operator import attrgetter
from typing import Any, NamedTuple

import attrs

from ctpse_core.domain.common import LONDON, UTC
from ctpse_core.domain.marking import Marking, highest
from ctpse_core.finance.rules import PayRules

__all__ = [
    "BREAKDOWNS",
    "Difference",
    "Duty",
    "Forecast",
    "Line",
    "forecast",
    "hours",
    "money",
    "price_duty",
]

_DAY = 86_400
_OFFICIAL = Marking()


def money(pence: int) -> Decimal:
    """Whole pence as pounds (exact: ``Decimal('12.34')``)."""
    return Decimal(pence).scaleb(-2)


def hours(seconds: int) -> Decimal:
    """Seconds as hours to two places (for people; totals are kept in seconds)."""
    return (Decimal(seconds) / 3600).quantize(Decimal("0.01"))


class Duty(NamedTuple):
    """One person's time on one thing the forecast prices.

    ``kind`` is ``deployment``, ``asset`` or ``on-call``. ``notified_at`` is when the person
    was told of it (a rest day worked on less than the notice period costs more);
    ``out_of_region`` adds travel time and subsistence.
    """

    id: str
    source_id: str
    kind: str
    staff_id: str
    rank: str
    start: dt.datetime
    end: dt.datetime
    operation_id: str
    team_id: str
    budget_code: str
    notified_at: dt.datetime
    out_of_region: bool = False
    marking: Marking = _OFFICIAL


class Line(NamedTuple):
    """One priced piece of a duty: a rule applied on one Europe/London day."""

    duty_id: str
    staff_id: str
    operation_id: str
    team_id: str
    budget_code: str
    week: dt.date  # the Monday of ``day``
    day: dt.date
    rule: str
    seconds: int
    multiplier: Fraction
    rate: int  # pence per hour (per day for allowances)
    pence: int
    source: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "duty_id": self.duty_id,
            "staff_id": self.staff_id,
            "operation_id": self.operation_id,
            "team_id": self.team_id,
            "budget_code": self.budget_code,
            "week": self.week.isoformat(),
            "day": self.day.isoformat(),
            "rule": self.rule,
            "hours": str(hours(self.seconds)),
            "multiplier": str(self.multiplier),
            "rate_pence": self.rate,
            "pence": self.pence,
            "amount": str(money(self.pence)),
            "source": self.source,
        }


#: the breakdowns a forecast keeps totals for, and how each reads its key from a line.
BREAKDOWNS: dict[str, Callable[[Line], Any]] = {
    "week": attrgetter("week"),
    "operation": attrgetter("operation_id"),
    "team": attrgetter("team_id"),
    "person": attrgetter("staff_id"),
    "budget_code": attrgetter("budget_code"),
    "rule": attrgetter("rule"),
}


def _pence(seconds: int, rate: int, multiplier: Fraction) -> int:
    """``seconds`` at ``rate`` pence an hour times ``multiplier``, rounded half up to the penny."""
    top = seconds * rate * multiplier.numerator
    bottom = 3600 * multiplier.denominator
    return (2 * top + bottom) // (2 * bottom)


@attrs.frozen
class _Day:
    start: int  # London midnight, epoch seconds
    end: int  # next London midnight
    tour_start: int
    tour_end: int
    holiday: bool
    rest: bool
    week: dt.date
    day: dt.date
    next: dt.date


class _Calendar:
    """Europe/London days as epoch-second bounds, with bank holidays, rest days and the tour."""

    def __init__(self, rules: PayRules) -> None:
        import holidays

        self.rules = rules
        self._holidays = holidays.country_holidays(rules.holidays_country, subdiv=rules.holidays_subdivision)
        self._days: dict[dt.date, _Day] = {}
        self._hours: dict[int, dt.date] = {}

    def day(self, day: dt.date) -> _Day:
        found = self._days.get(day)
        if found is None:
            found = self._days[day] = self._make(day)
        return found

    def _make(self, day: dt.date) -> _Day:
        def at(d: dt.date, t: dt.time, plus_minutes: int = 0) -> int:
            wall = dt.datetime.combine(d, t) + dt.timedelta(minutes=plus_minutes)
            return int(wall.replace(tzinfo=LONDON).astimezone(UTC).timestamp())

        return _Day(
            start=at(day, dt.time(0)),
            end=at(day + dt.timedelta(days=1), dt.time(0)),
            tour_start=at(day, self.rules.tour_start),
            tour_end=at(day, self.rules.tour_start, self.rules.tour_minutes),
            holiday=day in self._holidays,
            rest=day.weekday() in self.rules.rest_days,
            week=day - dt.timedelta(days=day.weekday()),
            day=day,
            next=day + dt.timedelta(days=1),
        )

    def date_of(self, epoch: int) -> dt.date:
        """The Europe/London date of an instant. London midnights and clock changes fall on
        whole UTC hours, so the date is the same for every instant of a UTC hour: cached by hour."""
        hour = epoch // 3600
        found = self._hours.get(hour)
        if found is None:
            found = self._hours[hour] = dt.datetime.fromtimestamp(hour * 3600, LONDON).date()
        return found


@cache
def _whole(n: int) -> Fraction:
    return Fraction(n)


def price_duty(duty: Duty, rules: PayRules, calendar: _Calendar | None = None) -> tuple[Line, ...]:
    """The lines of one duty (see the module docstring for the rules applied).

    Written for speed (a year's forecast prices tens of thousands of duties): one unpacking of
    the duty, the calendar's caches read directly, the penny rounding inlined (as :func:`_pence`).
    """
    cal = calendar or _Calendar(rules)
    ident, _source, kind, staff_id, rank, start, end, operation_id, team_id, code, notified_at, away, _m = duty
    s, e = int(start.timestamp()), int(end.timestamp())
    if e <= s:
        return ()
    days, day_of = cal._days, cal.day
    first = cal.date_of(s)
    info = days.get(first) or day_of(first)
    out: list[Line] = []
    if kind == "on-call":
        count = -(-(e - s) // _DAY)
        rate = rules.oncall_pence_per_day if rank in rules.oncall_ranks else 0
        out.append(Line(ident, staff_id, operation_id, team_id, code, info.week, first, "on-call", 0, _whole(count),
                        rate, rate * count, rules.oncall_source))
        return tuple(out)
    rate = rules.rates[rank]
    table = rules.rules
    notified = cal.date_of(int(notified_at.timestamp()))
    notice = rules.notice_days
    week, touched = info.week, 0
    while info.start < e:
        lo = s if s > info.start else info.start
        hi = e if e < info.end else info.end
        if hi > lo:
            touched += 1
            if info.holiday:
                name, seconds = "public-holiday", hi - lo
            elif info.rest:
                name = "rest-day-short-notice" if (info.day - notified).days < notice else "rest-day-notice"
                seconds = hi - lo
            else:
                inside = min(hi, info.tour_end) - max(lo, info.tour_start)
                name, seconds = "overtime", hi - lo - (inside if inside > 0 else 0)
            if seconds > 0:
                rule = table[(rank, name)]
                mult = rule.multiplier
                bottom = 7200 * mult.denominator  # 2 x 3600 x denominator: half up to the penny
                pence = (2 * seconds * rate * mult.numerator + bottom // 2) // bottom
                out.append(Line(ident, staff_id, operation_id, team_id, code, info.week, info.day, name, seconds,
                                mult, rate, pence, rule.source))
        info = days.get(info.next) or day_of(info.next)
    if away:
        region = rules.out_of_region
        travel = table[(rank, "travel")]
        seconds = 2 * region.travel_minutes_each_way * 60
        if seconds:
            out.append(Line(ident, staff_id, operation_id, team_id, code, week, first, "travel", seconds,
                            travel.multiplier, rate, _pence(seconds, rate, travel.multiplier), travel.source))
        per_day = region.subsistence_pence_per_day
        out.append(Line(ident, staff_id, operation_id, team_id, code, week, first, "subsistence", 0, _whole(touched),
                        per_day, per_day * touched, region.source))
    return tuple(out)


@attrs.frozen
class Difference:
    """What an amendment changed: lines removed and added, and each total's movement."""

    removed: tuple[Line, ...]
    added: tuple[Line, ...]
    #: breakdown -> key -> change in pence (only keys that moved)
    moved: dict[str, dict[Any, int]]
    total_pence: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "total_change": str(money(self.total_pence)),
            "total_change_pence": self.total_pence,
            "removed": [line.as_dict() for line in self.removed],
            "added": [line.as_dict() for line in self.added],
            "moved": {
                by: [{"key": str(k), "change": str(money(v)), "change_pence": v}
                     for k, v in sorted(keys.items(), key=lambda kv: str(kv[0]))]
                for by, keys in self.moved.items()
            },
        }


class Forecast:
    """Lines by duty and running totals by breakdown; amendments re-price only what changed."""

    def __init__(self, rules: PayRules) -> None:
        self.rules = rules
        self._calendar = _Calendar(rules)
        self._duties: dict[str, Duty] = {}
        self._lines: dict[str, tuple[Line, ...]] = {}
        self._by_source: dict[str, dict[str, None]] = {}
        self._totals: dict[str, dict[Any, list[int]]] = {by: {} for by in BREAKDOWNS}
        self._keys = tuple(BREAKDOWNS.items())
        self._buckets = [(self._totals[by], key_of) for by, key_of in self._keys]
        self.total_pence = 0
        self.total_seconds = 0

    # -- building ---------------------------------------------------------------------
    def _book(self, lines: Iterable[Line], sign: int) -> None:
        buckets = self._buckets
        for line in lines:
            pence, seconds = sign * line.pence, sign * line.seconds
            self.total_pence += pence
            self.total_seconds += seconds
            for bucket, key_of in buckets:
                key = key_of(line)
                cell = bucket.get(key)
                if cell is None:
                    bucket[key] = [pence, seconds, sign]
                    continue
                cell[0] += pence
                cell[1] += seconds
                cell[2] += sign
                if not cell[2]:
                    del bucket[key]

    def add(self, duty: Duty) -> tuple[Line, ...]:
        if duty.id in self._duties:
            raise ValueError(f"duty {duty.id!r} is already in the forecast")
        lines = price_duty(duty, self.rules, self._calendar)
        self._duties[duty.id] = duty
        self._lines[duty.id] = lines
        self._by_source.setdefault(duty.source_id, {})[duty.id] = None
        self._book(lines, 1)
        return lines

    def add_many(self, duties: Iterable[Duty]) -> int:
        """Add many duties at once (the totals are booked in one pass); returns how many."""
        every: list[Line] = []
        known, lines_of, by_source = self._duties, self._lines, self._by_source
        rules, cal = self.rules, self._calendar
        count = 0
        try:
            for duty in duties:
                if duty.id in known:
                    raise ValueError(f"duty {duty.id!r} is already in the forecast")
                lines = price_duty(duty, rules, cal)
                known[duty.id] = duty
                lines_of[duty.id] = lines
                by_source.setdefault(duty.source_id, {})[duty.id] = None
                every.extend(lines)
                count += 1
        finally:  # what was added is booked even when a duplicate stops the rest
            self._book(every, 1)
        return count

    def remove(self, duty_id: str) -> tuple[Line, ...]:
        lines = self._lines.pop(duty_id, ())
        duty = self._duties.pop(duty_id, None)
        if duty is not None:
            same = self._by_source[duty.source_id]
            del same[duty_id]
            if not same:
                del self._by_source[duty.source_id]
        self._book(lines, -1)
        return lines

    def amend(self, changed: Iterable[Duty] = (), removed: Iterable[str] = ()) -> Difference:
        """Replace ``changed`` duties (by ID; new IDs are added) and drop ``removed`` ones;
        re-price only those and say what moved."""
        gone: list[Line] = []
        came: list[Line] = []
        for duty_id in removed:
            gone.extend(self.remove(duty_id))
        for duty in changed:
            gone.extend(self.remove(duty.id))
            came.extend(self.add(duty))
        moved: dict[str, dict[Any, int]] = {}
        for sign, lines in ((-1, gone), (1, came)):
            for line in lines:
                for by, key_of in self._keys:
                    cell = moved.setdefault(by, {})
                    key = key_of(line)
                    cell[key] = cell.get(key, 0) + sign * line.pence
        moved = {by: {k: v for k, v in keys.items() if v} for by, keys in moved.items()}
        moved = {by: keys for by, keys in moved.items() if keys}
        # lines that are the same before and after are no change
        same = set(gone) & set(came)
        return Difference(
            removed=tuple(x for x in gone if x not in same),
            added=tuple(x for x in came if x not in same),
            moved=moved,
            total_pence=sum(x.pence for x in came) - sum(x.pence for x in gone),
        )

    # -- reading ------------------------------------------------------------------------
    def duties(self) -> Iterator[Duty]:
        return iter(self._duties.values())

    def duties_of(self, source_id: str) -> list[str]:
        """IDs of the duties that came from one deployment or rota."""
        return list(self._by_source.get(source_id, ()))

    def duty(self, duty_id: str) -> Duty | None:
        return self._duties.get(duty_id)

    def lines(self) -> Iterator[Line]:
        for lines in self._lines.values():
            yield from lines

    def totals(self, by: str) -> dict[Any, int]:
        """Pence by key for breakdown ``by`` (one of :data:`BREAKDOWNS`)."""
        return {k: v[0] for k, v in self._totals[by].items()}

    def breakdown(self, by: str) -> list[dict[str, Any]]:
        rows = []
        for key, (pence, seconds, count) in sorted(self._totals[by].items(), key=lambda kv: str(kv[0])):
            rows.append({by: key.isoformat() if isinstance(key, dt.date) else key, "lines": count,
                         "hours": str(hours(seconds)), "amount": str(money(pence)), "pence": pence})
        return rows

    @property
    def marking(self) -> Marking:
        return highest(d.marking for d in self._duties.values())

    def __len__(self) -> int:
        return len(self._duties)


def forecast(duties: Iterable[Duty], rules: PayRules) -> Forecast:
    """A full forecast of ``duties``."""
    out = Forecast(rules)
    out.add_many(duties)
    return out
