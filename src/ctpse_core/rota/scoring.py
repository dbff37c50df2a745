"""One person's schedule scored against the solver-side rules (hard count, soft penalty).

Shared by the built-in solver (:mod:`ctpse_core.rota.search`) and its moves
(:mod:`ctpse_core.rota.moves`); it imports neither, so the two do not import each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ctpse_core.rota.compiled import OFF, Compiled
from ctpse_core.rota.model import Assignment, Roster
from ctpse_core.rota.rules import RotaConstraint

__all__ = ["PersonScorer"]


class PersonScorer:
    """Hard violations and soft penalty of one person's schedule (solver-side rules)."""

    def __init__(self, c: Compiled, extra: Sequence[RotaConstraint] = ()) -> None:
        self.c = c
        self.extra = [r for r in extra if r.per_person]
        self._week_cache: dict[int, list[int]] = {}
        self._on: list[dict[tuple[int, int], int]] = [{} for _ in range(c.n_staff)]
        self._off: list[dict[tuple[int, int], int]] = [{} for _ in range(c.n_staff)]
        for (p, d, s), w in c.on_req.items():
            self._on[p][(d, s)] = w
        for (p, d, s), w in c.off_req.items():
            self._off[p][(d, s)] = w
        self._group_of = [-1] * c.n_days
        for g, group in enumerate(c.weekends):
            for d in group:
                self._group_of[d] = g
        self._period_of: list[list[int]] = []
        for periods in c.periods:
            of = [0] * c.n_days
            for k, (first, last, _complete) in enumerate(periods):
                for d in range(first, last):
                    of[d] = k
            self._period_of.append(of)
        longest = max(
            (c.end[d][s] - d * 1440 for d in range(c.n_days) for s in range(c.n_shifts)),
            default=1440,
        )
        #: how many days back a shift can still reach into a day
        self._reach = max(1, -(-longest // 1440))
        self._blocks_of: list[list[int]] = [[] for _ in range(c.n_days)]
        for b, (first, _lo, _hi) in enumerate(c.blocks):
            for d in range(max(0, first - self._reach), min(c.n_days, first + 7)):
                self._blocks_of[d].append(b)

    def score(
        self, n: int, row: list[int], construct: bool = False, changed: Iterable[int] | None = None
    ) -> tuple[int, int]:
        """(hard violations, soft penalty) of person ``n`` working ``row`` (a shift index or
        ``OFF`` per day). With ``construct``, rules the later days could still satisfy
        (minimum minutes and run lengths) are not counted."""
        c = self.c
        hard = 0
        soft = 0
        avail = c.avail[n]
        forbid = c.forbid
        conflicts = c.conflicts
        minutes = c.minutes
        on_req, off_req = self._on[n], self._off[n]
        period_of = self._period_of[n]
        totals = [0] * len(c.periods[n])
        counts = [0] * c.n_shifts
        days = c.n_days
        max_cons, min_cons, min_off = c.max_cons[n], c.min_cons[n], c.min_off[n]
        run_on = row[0] != OFF
        run_start = 0
        prev = OFF
        for d in range(days):
            s = row[d]
            working = s != OFF
            if working != run_on:
                # a run of work or rest ended at d - 1
                length = d - run_start
                # penalties grow with the breach, so the search can see progress
                if run_on:
                    if max_cons is not None and length > max_cons:
                        hard += length - max_cons
                    if not construct and run_start > 0 and length < min_cons:
                        hard += min_cons - length
                elif not construct and run_start > 0 and length < min_off:
                    hard += min_off - length
                run_on = working
                run_start = d
            if working:
                if not avail[d][s]:
                    hard += 1
                counts[s] += 1
                totals[period_of[d]] += minutes[d][s]
                if prev != OFF and s in forbid[prev]:
                    hard += 1
                for d2, t in conflicts[d][s]:
                    if row[d2] == t:
                        hard += 1
                if on_req:
                    soft -= on_req.get((d, s), 0)
                if off_req:
                    soft += off_req.get((d, s), 0)
            prev = s
        if run_on and max_cons is not None and days - run_start > max_cons:
            hard += days - run_start - max_cons  # the last run, touching the end
        for s, limit in c.max_shifts[n].items():
            if counts[s] > limit:
                hard += counts[s] - limit
        lo, hi = c.min_minutes[n], c.max_minutes[n]
        for k, (_first, _last, complete) in enumerate(c.periods[n]):
            total = totals[k]
            if hi is not None and total > hi:
                hard += 1 + (total - hi) // 240
            if not construct and complete and total < lo:
                hard += 1 + (lo - total) // 240
        weekends = c.max_weekends[n]
        if weekends is not None:
            worked = 0
            for group in c.weekends:
                for d in group:
                    if row[d] != OFF:
                        worked += 1
                        break
            if worked > weekends:
                hard += worked - weekends
        for weight, flag, low in c.fair:
            a = low[n]
            if a is not None:
                k = sum(1 for d in range(days) if row[d] != OFF and flag[d][row[d]])
                soft += weight * (k - a) * (k - a - 1)
        if c.weekly_rest > 0:
            hard += self._weekly(n, row, changed)
        if self.extra:
            hard_x, soft_x = self._extra(n, row)
            hard += hard_x
            soft += soft_x
        return hard, soft

    def _weekly(self, n: int, row: list[int], changed: Iterable[int] | None = None) -> int:
        """Blocks without their weekly rest; with ``changed`` days, only the blocks those
        days can reach are recomputed (the rest come from the cache of the last call)."""
        c = self.c
        cache = self._week_cache.get(n)
        if changed is None or cache is None:
            cache = [self._block(n, row, b) for b in range(len(c.blocks))]
        else:
            for b in {b for d in changed for b in self._blocks_of[d]}:
                cache[b] = self._block(n, row, b)
        self._week_cache[n] = cache
        return sum(cache)

    def _block(self, n: int, row: list[int], b: int) -> int:
        c = self.c
        first, lo, hi = c.blocks[b]
        start, end = c.start, c.end
        spans = [
            (start[d][s], end[d][s])
            for d in range(max(0, first - self._reach), min(c.n_days, first + 7))
            if (s := row[d]) != OFF
        ]
        if c.work[n]:
            spans.extend(c.work[n])
            spans.sort()
        best, cursor = 0, lo
        for a, z in spans:
            if z <= lo or a >= hi:
                continue
            if a > cursor and a - cursor > best:
                best = a - cursor
            if z > cursor:
                cursor = z if z < hi else hi
        if hi - cursor > best:
            best = hi - cursor
        return int(best < c.weekly_rest)

    def _extra(self, n: int, row: list[int]) -> tuple[int, int]:
        c = self.c
        sid = c.staff_ids[n]
        items = tuple(
            Assignment(day=c.problem.day(d), shift=c.shift_ids[s], staff_id=sid)
            for d, s in enumerate(row)
            if s != OFF
        )
        roster = Roster(problem=c.problem.name, assignments=items)
        hard = soft = 0
        for rule in self.extra:
            for v in rule.check(c.problem, roster):
                if v.staff_id != sid:
                    continue
                if v.hard:
                    hard += 1
                else:
                    soft += v.penalty
        return hard, soft
