"""A problem turned into arrays for the solvers (people, days and shifts as indices).

This is the solvers' view; the validator in :mod:`ctpse_core.rota.rules` reads the
model directly, so a mistake here is caught there rather than repeated.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import attrs

from ctpse_core.domain.common import LONDON, UTC
from ctpse_core.rota.model import Assignment, Roster, RotaProblem
from ctpse_core.rota.timing import interval

__all__ = ["Compiled", "compile_problem"]

OFF = -1
#: in a price and branch dive's fixings (:mod:`ctpse_core.rota.columns`): the person works
#: that day, whichever shift
WORK = -2


@attrs.define
class Compiled:
    problem: RotaProblem
    staff_ids: list[str]
    shift_ids: list[str]
    n_staff: int
    n_days: int
    n_shifts: int
    #: minutes from the horizon's first midnight UTC
    start: list[list[int]]
    end: list[list[int]]
    minutes: list[list[int]]
    #: avail[n][d][s]: qualified, not on leave or a fixed day off, clear of commitments
    avail: list[list[list[bool]]]
    #: forbid[s]: shifts that may not be worked the day after s
    forbid: list[frozenset[int]]
    #: conflicts[d][s]: (d2, t) later pairs too close to (d, s) for daily rest (or overlapping)
    conflicts: list[list[list[tuple[int, int]]]]
    requirement: list[list[int]]
    under_w: list[list[int]]
    over_w: list[list[int]]
    on_req: dict[tuple[int, int, int], int]
    off_req: dict[tuple[int, int, int], int]
    max_shifts: list[dict[int, int]]
    periods: list[list[tuple[int, int, bool]]]
    min_minutes: list[int]
    max_minutes: list[int | None]
    min_cons: list[int]
    max_cons: list[int | None]
    min_off: list[int]
    max_weekends: list[int | None]
    weekends: list[list[int]]
    #: weekly-rest blocks: (first day, lo minute, hi minute)
    blocks: list[tuple[int, int, int]]
    weekly_rest: int
    daily_rest: int
    #: work commitments per person: (start, end) minutes
    work: list[list[tuple[int, int]]]
    day_of_week: list[int] = attrs.Factory(list)
    #: fairness terms: (weight, flag[d][s], low[n] or None when not scored)
    fair: list[tuple[int, list[list[bool]], list[int | None]]] = attrs.Factory(list)

    def roster(
        self, sched: list[list[int]], solver: str, seed: int | None, objective: int | None
    ) -> Roster:
        items = [
            Assignment(day=self.problem.day(d), shift=self.shift_ids[s], staff_id=self.staff_ids[n])
            for n in range(self.n_staff)
            for d in range(self.n_days)
            if (s := sched[n][d]) != OFF
        ]
        return Roster(
            problem=self.problem.name,
            solver=solver,
            seed=seed,
            objective=objective,
            assignments=tuple(sorted(items)),
        )

    def schedule_of(self, roster: Roster) -> list[list[int]]:
        sched = [[OFF] * self.n_days for _ in range(self.n_staff)]
        n_of = {sid: i for i, sid in enumerate(self.staff_ids)}
        s_of = {sid: i for i, sid in enumerate(self.shift_ids)}
        for a in roster.assignments:
            d = self.problem.index(a.day)
            if a.staff_id in n_of and a.shift in s_of and 0 <= d < self.n_days:
                sched[n_of[a.staff_id]][d] = s_of[a.shift]
        return sched


def _minute(moment: dt.datetime, origin: dt.datetime) -> int:
    return int((moment - origin).total_seconds() // 60)


def compile_problem(problem: RotaProblem) -> Compiled:
    days, shifts, staff = problem.days, list(problem.shifts), list(problem.staff)
    origin = dt.datetime.combine(problem.start, dt.time(0), tzinfo=UTC)
    start = [[0] * len(shifts) for _ in range(days)]
    end = [[0] * len(shifts) for _ in range(days)]
    for d in range(days):
        for s, shift in enumerate(shifts):
            a, b = interval(problem.day(d), shift)
            start[d][s], end[d][s] = _minute(a, origin), _minute(b, origin)
    minutes = [[end[d][s] - start[d][s] for s in range(len(shifts))] for d in range(days)]
    s_of = {sh.id: i for i, sh in enumerate(shifts)}
    n_of = {p.id: i for i, p in enumerate(staff)}
    rest = int(problem.rest.daily_rest_hours * 60)

    busy: list[list[tuple[int, int]]] = [[] for _ in staff]
    work: list[list[tuple[int, int]]] = [[] for _ in staff]
    for c in problem.commitments:
        if c.staff_id in n_of:
            span = (_minute(c.start, origin), _minute(c.end, origin))
            busy[n_of[c.staff_id]].append(span)
            if c.is_work:
                work[n_of[c.staff_id]].append(span)
    away: set[tuple[int, int]] = set()
    for leave in problem.leave:
        if leave.staff_id in n_of:
            for day in leave.days():
                if problem.start <= day <= problem.end:
                    away.add((n_of[leave.staff_id], problem.index(day)))
    avail = []
    for n, person in enumerate(staff):
        off_days = {problem.index(x) for x in person.days_off}
        rows = []
        for d in range(days):
            row = []
            for s, shift in enumerate(shifts):
                ok = (n, d) not in away and d not in off_days
                need = problem.required_qualification(shift)
                ok = ok and (need is None or need in person.qualifications)
                s0, s1 = start[d][s], end[d][s]
                for cs, ce in busy[n]:
                    if cs < s1 and s0 < ce:
                        ok = False
                for cs, ce in work[n]:
                    if (0 <= s0 - ce < rest) or (0 <= cs - s1 < rest):
                        ok = False
                row.append(ok)
            rows.append(row)
        avail.append(rows)

    conflicts: list[list[list[tuple[int, int]]]] = []
    for d in range(days):
        per_shift = []
        for s in range(len(shifts)):
            pairs = []
            for d2 in range(d + 1, min(days, d + 4)):
                for t in range(len(shifts)):
                    gap = start[d2][t] - end[d][s]
                    if gap < rest and end[d2][t] > start[d][s]:
                        pairs.append((d2, t))
            per_shift.append(pairs)
        conflicts.append(per_shift)

    requirement = [[0] * len(shifts) for _ in range(days)]
    under_w = [[0] * len(shifts) for _ in range(days)]
    over_w = [[0] * len(shifts) for _ in range(days)]
    for cv in problem.cover:
        d, s = problem.index(cv.day), s_of[cv.shift]
        requirement[d][s] += cv.requirement
        under_w[d][s], over_w[d][s] = cv.under_weight, cv.over_weight
    on_req: dict[tuple[int, int, int], int] = defaultdict(int)
    off_req: dict[tuple[int, int, int], int] = defaultdict(int)
    for r in problem.shift_on_requests:
        on_req[(n_of[r.staff_id], problem.index(r.day), s_of[r.shift])] += r.weight
    for r in problem.shift_off_requests:
        off_req[(n_of[r.staff_id], problem.index(r.day), s_of[r.shift])] += r.weight

    periods = []
    for person in staff:
        length = person.rules.period_days or days
        periods.append(
            [
                (f, min(f + length, days), min(f + length, days) - f == length)
                for f in range(0, days, length)
            ]
        )
    week_groups: dict[dt.date, list[int]] = defaultdict(list)
    for d in range(days):
        day = problem.day(d)
        if day.weekday() in problem.weekend:
            week_groups[day - dt.timedelta(days=day.weekday())].append(d)
    blocks = []
    for f in range(0, days - 6, 7):
        lo = dt.datetime.combine(problem.day(f), dt.time(0)).replace(tzinfo=LONDON)
        hi = dt.datetime.combine(problem.day(f + 7), dt.time(0)).replace(tzinfo=LONDON)
        blocks.append((f, _minute(lo.astimezone(UTC), origin), _minute(hi.astimezone(UTC), origin)))

    return Compiled(
        problem=problem,
        staff_ids=[p.id for p in staff],
        shift_ids=[s.id for s in shifts],
        n_staff=len(staff),
        n_days=days,
        n_shifts=len(shifts),
        start=start,
        end=end,
        minutes=minutes,
        avail=avail,
        forbid=[frozenset(s_of[x] for x in sh.cannot_follow if x in s_of) for sh in shifts],
        conflicts=conflicts,
        requirement=requirement,
        under_w=under_w,
        over_w=over_w,
        on_req=dict(on_req),
        off_req=dict(off_req),
        max_shifts=[
            {s_of[k]: v for k, v in p.rules.max_shifts.items() if k in s_of} for p in staff
        ],
        periods=periods,
        min_minutes=[p.rules.min_total_minutes for p in staff],
        max_minutes=[p.rules.max_total_minutes for p in staff],
        min_cons=[p.rules.min_consecutive_shifts for p in staff],
        max_cons=[p.rules.max_consecutive_shifts for p in staff],
        min_off=[p.rules.min_consecutive_days_off for p in staff],
        max_weekends=[p.rules.max_weekends for p in staff],
        weekends=[week_groups[k] for k in sorted(week_groups)],
        blocks=blocks,
        weekly_rest=int(problem.rest.weekly_rest_hours * 60),
        daily_rest=rest,
        work=work,
        day_of_week=[problem.day(d).weekday() for d in range(days)],
        fair=_fair(problem, s_of, [p.id for p in staff]),
    )


def _fair(
    problem: RotaProblem, s_of: dict[str, int], staff_ids: list[str]
) -> list[tuple[int, list[list[bool]], list[int | None]]]:
    from ctpse_core.rota.fairness import fair_terms

    out = []
    for term in fair_terms(problem):
        flag = [[False] * len(s_of) for _ in range(problem.days)]
        for d, sid in term.slots:
            if sid in s_of:
                flag[d][s_of[sid]] = True
        out.append((term.weight, flag, [term.low.get(n) for n in staff_ids]))
    return out
