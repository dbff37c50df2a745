"""The validator's rules, written from the model alone (not from the solvers).

Each rule is a :class:`RotaConstraint`: a name, whether it is hard, and
``check(problem, roster)`` returning one :class:`Violation` per breach, naming the
person and the day. Hard violations make a roster unusable; soft ones carry a
penalty (weight times amount) that the solvers minimise. Organisations add their own
rules through the ``ctpse_register_rota_constraints`` hook.

Conventions, shared with the solvers and documented in docs/rota.md:

* a day is "worked" when the person has any shift on it;
* runs of work or days off that touch the start or end of the horizon are not held to
  the minimum-length rules (the days outside the horizon are unknown);
* a weekend is the weekend days of one calendar week; it is worked if any of them is;
* total minutes are real minutes (a night over a clock change counts 60 more or less),
  per ``period_days`` block from the start (minimums only for complete blocks);
* weekly rest is looked for inside each complete 7-day block from the start, counting
  shifts and commitments marked ``is_work``;
* a day and shift with no cover line has no requirement and no over-cover cost.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Protocol, runtime_checkable

import attrs

from ctpse_core.domain.common import LONDON, UTC, day_text, time_text
from ctpse_core.rota.model import Assignment, Roster, RotaProblem, ShiftDef
from ctpse_core.rota.timing import interval, minutes_between

__all__ = [
    "BUILTIN_RULES",
    "FunctionConstraint",
    "RotaConstraint",
    "Violation",
    "builtin_constraints",
]


@attrs.frozen(kw_only=True, order=True)
class Violation:
    """One broken rule for one person (or one cover slot) on one day."""

    rule: str
    day: dt.date | None = None
    staff_id: str | None = None
    shift: str | None = None
    hard: bool = True
    penalty: int = 1
    detail: str = ""


@runtime_checkable
class RotaConstraint(Protocol):
    """A rule a roster must (hard) or should (soft) keep.

    ``per_person`` says the rule only looks at one person's assignments at a time, so
    the built-in solver can evaluate it on one person's schedule while it searches.
    """

    @property
    def name(self) -> str: ...

    @property
    def hard(self) -> bool: ...

    @property
    def per_person(self) -> bool: ...

    def check(self, problem: RotaProblem, roster: Roster) -> Iterable[Violation]: ...


Check = Callable[[RotaProblem, Roster], Iterable[Violation]]


@attrs.frozen
class FunctionConstraint:
    """A :class:`RotaConstraint` made from a function."""

    name: str
    hard: bool
    fn: Check
    per_person: bool = True
    description: str = ""

    def check(self, problem: RotaProblem, roster: Roster) -> Iterable[Violation]:
        return self.fn(problem, roster)


# --- helpers --------------------------------------------------------------------------------


def _shifts(problem: RotaProblem) -> dict[str, ShiftDef]:
    return {s.id: s for s in problem.shifts}


def _known(problem: RotaProblem, roster: Roster) -> dict[str, list[Assignment]]:
    """Each person's assignments that refer to known things, in day order."""
    shifts = _shifts(problem)
    staff = {p.id for p in problem.staff}
    out: dict[str, list[Assignment]] = defaultdict(list)
    for a in sorted(roster.assignments):
        if a.shift in shifts and a.staff_id in staff and problem.start <= a.day <= problem.end:
            out[a.staff_id].append(a)
    return out


def _worked_days(problem: RotaProblem, roster: Roster) -> dict[str, list[bool]]:
    out: dict[str, list[bool]] = {}
    for person in problem.staff:
        out[person.id] = [False] * problem.days
    for sid, items in _known(problem, roster).items():
        for a in items:
            out[sid][problem.index(a.day)] = True
    return out


def _runs(flags: list[bool], value: bool) -> list[tuple[int, int]]:
    """(first index, length) of each maximal run of ``value``."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(flags):
        if flags[i] == value:
            j = i
            while j < len(flags) and flags[j] == value:
                j += 1
            runs.append((i, j - i))
            i = j
        else:
            i += 1
    return runs


def _london_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0)).replace(tzinfo=LONDON).astimezone(UTC)


def _work_intervals(
    problem: RotaProblem, roster: Roster
) -> dict[str, list[tuple[dt.datetime, dt.datetime, dt.date, bool]]]:
    """Each person's work: (start, end, day, is a rota shift), shifts and work commitments."""
    shifts = _shifts(problem)
    out: dict[str, list[tuple[dt.datetime, dt.datetime, dt.date, bool]]] = defaultdict(list)
    for sid, items in _known(problem, roster).items():
        for a in items:
            start, end = interval(a.day, shifts[a.shift])
            out[sid].append((start, end, a.day, True))
    for c in problem.commitments:
        if c.is_work:
            out[c.staff_id].append((c.start, c.end, c.start.astimezone(LONDON).date(), False))
    for spans in out.values():
        spans.sort()
    return out


# --- hard rules -----------------------------------------------------------------------------


def _assignment(problem: RotaProblem, roster: Roster) -> Iterable[Violation]:
    shifts = _shifts(problem)
    staff = {p.id for p in problem.staff}
    for a in roster.assignments:
        if a.staff_id not in staff:
            yield Violation(
                rule="assignment",
                day=a.day,
                staff_id=a.staff_id,
                shift=a.shift,
                detail=f"{a.staff_id!r} is not on the staff list",
            )
        if a.shift not in shifts:
            yield Violation(
                rule="assignment",
                day=a.day,
                staff_id=a.staff_id,
                shift=a.shift,
                detail=f"{a.shift!r} is not a shift type",
            )
        if not problem.start <= a.day <= problem.end:
            yield Violation(
                rule="assignment",
                day=a.day,
                staff_id=a.staff_id,
                shift=a.shift,
                detail=f"{day_text(a.day)} is outside the rota "
                f"({day_text(problem.start)} to {day_text(problem.end)})",
            )


def _one_shift_per_day(problem: RotaProblem, roster: Roster) -> Iterable[Violation]:
    counts = Counter((a.staff_id, a.day) for a in roster.assignments)
    for (sid, day), n in sorted(counts.items()):
        if n > 1:
            yield Violation(
                rule="one_shift_per_day",
                day=day,
                staff_id=sid,
                penalty=n - 1,
                detail=f"{n} shifts on one day",
            )


def _qualification(problem: RotaProblem, roster: Roster) -> Iterable[Violation]:
    shifts = _shifts(problem)
    people = {p.id: p for p in problem.staff}
    for sid, items in _known(problem, roster).items():
        for a in items:
            needed = problem.required_qualification(shifts[a.shift])
            if needed is not None and needed not in people[sid].qualifications:
                yield Violation(
                    rule="qualification",
                    day=a.day,
                    staff_id=sid,
                    shift=a.shift,
                    detail=f"needs qualification {needed!r}",
                )


def _leave(problem: RotaProblem, roster: Roster) -> Iterable[Violation]:
    away: dict[tuple[str, dt.date], str] = {}
    for leave in problem.leave:
        for day in leave.days():
            away[(leave.staff_id, day)] = str(leave.kind)
    for a in roster.assignments:
        kind = away.get((a.staff_id, a.day))
        if kind is not None:
            yield Violation(
                rule="leave",
                day=a.day,
                staff_id=a.staff_id,
                shift=a.shift,
                detail=f"on {kind} leave",
            )


def _day_off(problem: RotaProblem, roster: Roster) -> Iterable[Violation]:
    people = {p.id: p for p in problem.staff}
    for sid, items in _known(problem, roster).items():
        for a in items:
            if a.day in people[sid].days_off:
                yield Violation(
                    rule="day_off", day=a.day, staff_id=sid, shift=a.shift, detail="fixed day off"
                )


def _overlap(problem: RotaProblem, roster: Roster) -> Iterable[Violation]:
    """No one in two places at once: shifts against shifts and all commitments."""
    shifts = _shifts(problem)
    busy: dict[str, list[tuple[dt.datetime, dt.datetime, str, dt.date | None]]] = defaultdict(list)
    for c in problem.commitments:
        busy[c.staff_id].append((c.start, c.end, c.label, None))
    for sid, items in _known(problem, roster).items():
        for a in items:
            start, end = interval(a.day, shifts[a.shift])
            busy[sid].append((start, end, a.shift, a.day))
    for sid, spans in sorted(busy.items()):
        spans.sort(key=lambda s: (s[0], s[1]))
        for i, (start, end, label, day) in enumerate(spans):
            for other in spans[i + 1 :]:
                if other[0] >= end:
                    break
                if day is None and other[3] is None:
                    continue  # two commitments clashing is not the rota's doing
                when = other[3] if other[3] is not None else day
                yield Violation(
                    rule="overlap",
                    day=when,
                    staff_id=sid,
                    detail=f"{label} ({time_text(start)} to {time_text(end)}) overlaps "
                    f"{other[2]} ({time_text(other[0])} to {time_text(other[1])})",
                )


def _forbidden_succession(problem: RotaProblem, roster: Roster) -> Iterable[Violation]:
    shifts = _shifts(problem)
    for sid, items in _known(problem, roster).items():
        by_day: dict[dt.date, list[str]] = defaultdict(list)
        for a in items:
            by_day[a.day].append(a.shift)
        for day, codes in sorted(by_day.items()):
            for nxt in by_day.get(day + dt.timedelta(days=1), []):
                for code in codes:
                    if nxt in shifts[code].cannot_follow:
                        yield Violation(
                            rule="forbidden_succession",
                            day=day + dt.timedelta(days=1),
                            staff_id=sid,
                            shift=nxt,
                            detail=f"{nxt} may not follow {code}",
                        )


def _max_shifts_per_type(problem: RotaProblem, roster: Roster) -> Iterable[Violation]:
    known = _known(problem, roster)
    for person in problem.staff:
        counts = Counter(a.shift for a in known.get(person.id, []))
        for code, limit in sorted(person.rules.max_shifts.items()):
            if counts[code] > limit:
                last = [a.day for a in known[person.id] if a.shift == code][limit]
                yield Violation(
                    rule="max_shifts_per_type",
                    day=last,
                    staff_id=person.id,
                    shift=code,
                    penalty=counts[code] - limit,
                    detail=f"{counts[code]} {code} shifts, at most {limit}",
                )


def _period_minutes(
    problem: RotaProblem, roster: Roster
) -> Iterable[tuple[str, dt.date, int, bool, int, int | None]]:
    """(person, period start, minutes, complete period, min, max) for every period."""
    shifts = _shifts(problem)
    known = _known(problem, roster)
    for person in problem.staff:
        length = person.rules.period_days or problem.days
        for first in range(0, problem.days, length):
            last = min(first + length, problem.days)
            total = 0
            for a in known.get(person.id, []):
                if first <= problem.index(a.day) < last:
                    s, e = interval(a.day, shifts[a.shift])
                    total += minutes_between(s, e)
            yield (
                person.id,
                problem.day(first),
                total,
                last - first == length,
                person.rules.min_total_minutes,
                person.rules.max_total_minutes,
            )


def _min_total_minutes(problem: RotaProblem, roster: Roster) -> Iterable[Violation]:
    for sid, day, total, complete, low, _high in _period_minutes(problem, roster):
        if complete and total < low:
            yield Violation(
                rule="min_total_minutes",
                day=day,
                staff_id=sid,
                detail=f"{total} minutes, at least {low}",
            )


def _max_total_minutes(problem: RotaProblem, roster: Roster) -> Iterable[Violation]:
    for sid, day, total, _complete, _low, high in _period_minutes(problem, roster):
        if high is not None and total > high:
            yield Violation(
                rule="max_total_minutes",
                day=day,
                staff_id=sid,
                detail=f"{total} minutes, at most {high}",
            )


def _max_consecutive_shifts(problem: RotaProblem, roster: Roster) -> Iterable[Violation]:
    worked = _worked_days(problem, roster)
    for person in problem.staff:
        limit = person.rules.max_consecutive_shifts
        if limit is None:
            continue
        for first, length in _runs(worked[person.id], True):
            if length > limit:
                yield Violation(
                    rule="max_consecutive_shifts",
                    day=problem.day(first + limit),
                    staff_id=person.id,
                    detail=f"{length} days in a row, at most {limit}",
                )


def _min_consecutive_shifts(problem: RotaProblem, roster: Roster) -> Iterable[Violation]:
    worked = _worked_days(problem, roster)
    for person in problem.staff:
        need = person.rules.min_consecutive_shifts
        for first, length in _runs(worked[person.id], True):
            inside = first > 0 and first + length < problem.days
            if inside and length < need:
                yield Violation(
                    rule="min_consecutive_shifts",
                    day=problem.day(first),
                    staff_id=person.id,
                    detail=f"{length} days in a row, at least {need}",
                )


def _min_consecutive_days_off(problem: RotaProblem, roster: Roster) -> Iterable[Violation]:
    worked = _worked_days(problem, roster)
    for person in problem.staff:
        need = person.rules.min_consecutive_days_off
        for first, length in _runs(worked[person.id], False):
            inside = first > 0 and first + length < problem.days
            if inside and length < need:
                yield Violation(
                    rule="min_consecutive_days_off",
                    day=problem.day(first),
                    staff_id=person.id,
                    detail=f"{length} days off in a row, at least {need}",
                )


def _max_weekends(problem: RotaProblem, roster: Roster) -> Iterable[Violation]:
    known = _known(problem, roster)
    for person in problem.staff:
        limit = person.rules.max_weekends
        if limit is None:
            continue
        first_day: dict[dt.date, dt.date] = {}
        for a in known.get(person.id, []):
            if a.day.weekday() in problem.weekend:
                monday = a.day - dt.timedelta(days=a.day.weekday())
                first_day[monday] = min(first_day.get(monday, a.day), a.day)
        weeks = [first_day[k] for k in sorted(first_day)]
        if len(weeks) > limit:
            yield Violation(
                rule="max_weekends",
                day=weeks[limit],
                staff_id=person.id,
                penalty=len(weeks) - limit,
                detail=f"{len(weeks)} weekends worked, at most {limit}",
            )


def _daily_rest(problem: RotaProblem, roster: Roster) -> Iterable[Violation]:
    need = problem.rest.daily_rest_hours * 60
    if need <= 0:
        return
    for sid, spans in sorted(_work_intervals(problem, roster).items()):
        for (_s1, e1, _d1, shift1), (s2, _e2, d2, shift2) in itertools.pairwise(spans):
            gap = minutes_between(e1, s2)
            if 0 <= gap < need and (shift1 or shift2):  # two commitments are not the rota's doing
                yield Violation(
                    rule="daily_rest",
                    day=d2,
                    staff_id=sid,
                    detail=f"{gap / 60:g} hours' rest between {time_text(e1)} and "
                    f"{time_text(s2)}, at least {problem.rest.daily_rest_hours:g}",
                )


def _weekly_rest(problem: RotaProblem, roster: Roster) -> Iterable[Violation]:
    need = problem.rest.weekly_rest_hours * 60
    if need <= 0:
        return
    work = _work_intervals(problem, roster)
    for person in problem.staff:
        spans = work.get(person.id, [])
        for first in range(0, problem.days - 6, 7):
            lo = _london_midnight(problem.day(first))
            hi = _london_midnight(problem.day(first + 7))
            best, cursor = 0, lo
            for start, end, _day, _shift in spans:
                if end <= lo or start >= hi:
                    continue
                best = max(best, minutes_between(cursor, max(start, lo)))
                cursor = max(cursor, min(end, hi))
            best = max(best, minutes_between(cursor, hi))
            if best < need:
                yield Violation(
                    rule="weekly_rest",
                    day=problem.day(first),
                    staff_id=person.id,
                    detail=f"longest rest in the 7 days from {day_text(problem.day(first))} is "
                    f"{best / 60:g} hours, at least "
                    f"{problem.rest.weekly_rest_hours:g}",
                )


# --- soft rules -----------------------------------------------------------------------------


def _shift_on_request(problem: RotaProblem, roster: Roster) -> Iterable[Violation]:
    have = {(a.staff_id, a.day, a.shift) for a in roster.assignments}
    for r in problem.shift_on_requests:
        if (r.staff_id, r.day, r.shift) not in have and r.weight > 0:
            yield Violation(
                rule="shift_on_request",
                day=r.day,
                staff_id=r.staff_id,
                shift=r.shift,
                hard=False,
                penalty=r.weight,
                detail=f"asked to work {r.shift}",
            )


def _shift_off_request(problem: RotaProblem, roster: Roster) -> Iterable[Violation]:
    have = {(a.staff_id, a.day, a.shift) for a in roster.assignments}
    for r in problem.shift_off_requests:
        if (r.staff_id, r.day, r.shift) in have and r.weight > 0:
            yield Violation(
                rule="shift_off_request",
                day=r.day,
                staff_id=r.staff_id,
                shift=r.shift,
                hard=False,
                penalty=r.weight,
                detail=f"asked not to work {r.shift}",
            )


def _cover_counts(problem: RotaProblem, roster: Roster) -> Counter[tuple[dt.date, str]]:
    return Counter((a.day, a.shift) for a in roster.assignments)


def _under_cover(problem: RotaProblem, roster: Roster) -> Iterable[Violation]:
    counts = _cover_counts(problem, roster)
    for c in problem.cover:
        short = c.requirement - counts[(c.day, c.shift)]
        if short > 0 and c.under_weight > 0:
            yield Violation(
                rule="under_cover",
                day=c.day,
                shift=c.shift,
                hard=False,
                penalty=short * c.under_weight,
                detail=f"{short} short of {c.requirement}",
            )


def _over_cover(problem: RotaProblem, roster: Roster) -> Iterable[Violation]:
    counts = _cover_counts(problem, roster)
    for c in problem.cover:
        extra = counts[(c.day, c.shift)] - c.requirement
        if extra > 0 and c.over_weight > 0:
            yield Violation(
                rule="over_cover",
                day=c.day,
                shift=c.shift,
                hard=False,
                penalty=extra * c.over_weight,
                detail=f"{extra} more than {c.requirement}",
            )


def _fairness(problem: RotaProblem, roster: Roster) -> Iterable[Violation]:
    from ctpse_core.rota.fairness import fair_terms, penalty

    for term in fair_terms(problem):
        done: Counter[str] = Counter(
            a.staff_id
            for a in roster.assignments
            if 0 <= problem.index(a.day) < problem.days and (problem.index(a.day), a.shift) in term.slots
        )
        for sid, low in sorted(term.low.items()):
            cost = penalty(term.weight, low, done[sid])
            if cost:
                yield Violation(
                    rule="fairness",
                    day=problem.start,  # over the whole horizon: reported on its first day
                    staff_id=sid,
                    hard=False,
                    penalty=cost,
                    detail=f"{term.measure.replace('_', ' ')}: {done[sid]} in this rota, "
                    f"fair share {low}-{low + 1} (with the history)",
                )


BUILTIN_RULES: tuple[FunctionConstraint, ...] = (
    FunctionConstraint(
        "assignment", True, _assignment, True, "refers to known people, shifts, days"
    ),
    FunctionConstraint(
        "one_shift_per_day", True, _one_shift_per_day, True, "at most one shift a day"
    ),
    FunctionConstraint(
        "qualification", True, _qualification, True, "holds the role's qualification"
    ),
    FunctionConstraint("leave", True, _leave, True, "not rostered while on leave"),
    FunctionConstraint("day_off", True, _day_off, True, "fixed days off kept"),
    FunctionConstraint("overlap", True, _overlap, True, "never in two places at once"),
    FunctionConstraint(
        "forbidden_succession",
        True,
        _forbidden_succession,
        True,
        "no shift after one it may not follow",
    ),
    FunctionConstraint(
        "max_shifts_per_type", True, _max_shifts_per_type, True, "at most N shifts of a type"
    ),
    FunctionConstraint(
        "min_total_minutes",
        True,
        _min_total_minutes,
        True,
        "at least the minimum minutes per period",
    ),
    FunctionConstraint(
        "max_total_minutes",
        True,
        _max_total_minutes,
        True,
        "at most the maximum minutes per period",
    ),
    FunctionConstraint(
        "max_consecutive_shifts",
        True,
        _max_consecutive_shifts,
        True,
        "no more days in a row than allowed",
    ),
    FunctionConstraint(
        "min_consecutive_shifts",
        True,
        _min_consecutive_shifts,
        True,
        "runs of work at least the minimum",
    ),
    FunctionConstraint(
        "min_consecutive_days_off",
        True,
        _min_consecutive_days_off,
        True,
        "runs of days off at least the minimum",
    ),
    FunctionConstraint("max_weekends", True, _max_weekends, True, "at most N weekends worked"),
    FunctionConstraint("daily_rest", True, _daily_rest, True, "11 hours' rest between work"),
    FunctionConstraint("weekly_rest", True, _weekly_rest, True, "24 hours' rest in each 7 days"),
    FunctionConstraint("shift_on_request", False, _shift_on_request, True, "requests to work"),
    FunctionConstraint(
        "shift_off_request", False, _shift_off_request, True, "requests not to work"
    ),
    FunctionConstraint("under_cover", False, _under_cover, False, "each shift fully covered"),
    FunctionConstraint("over_cover", False, _over_cover, False, "no more people than needed"),
    FunctionConstraint(
        "fairness", False, _fairness, True, "nights, weekends and bank holidays shared fairly over time"
    ),
)


def builtin_constraints() -> tuple[FunctionConstraint, ...]:
    return BUILTIN_RULES
