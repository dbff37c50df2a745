"""One person's cheapest schedules under a cost per day and shift: a dynamic programme.

The pricing step of column generation (:mod:`ctpse_core.rota.columns`) asks, for each
person, for schedules whose cost under ``cost[d][s]`` (requests less the cover's duals) is
least. :class:`RowPricer` answers with a dynamic programme over the days whose state after
a day is the shift worked that day (or a day off), the length of the current run of work
or rest, whether that run started on the first day (its minimum length then does not
apply), the weekends worked so far and the minutes worked so far in the period (in units
of the greatest common divisor of the shift lengths). Every array operation covers all
states of a day at once (numpy), so a person costs a few milliseconds.

The programme keeps the same rules as :class:`~ctpse_core.rota.rowplan.RowPlanner`
(availability, forbidden successions and daily rest between consecutive days, run lengths
of work and rest, weekends, minimum and maximum minutes per period), reading them from the
same :class:`~ctpse_core.rota.compiled.Compiled` problem and the planner's weekend groups.
The caps on shifts of one type are not in the state: the programme without them is a
relaxation (its least value is a lower bound on the true least, which keeps a
column-generation bound valid), and a schedule that breaks a cap is priced again with a
Lagrangian price on the capped shifts. Rules the programme does not model (weekly rest,
daily rest reaching past the next day, fairness terms, organisation rules scored per
person, weekends that are not runs of days) make :meth:`RowPricer.supported` false; the
caller then does not use it. Every schedule returned is checked with the full
:class:`~ctpse_core.rota.scoring.PersonScorer` and breaks no hard rule.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import reduce

import numpy as np

from ctpse_core.rota.compiled import OFF, WORK
from ctpse_core.rota.rowplan import RowPlanner

__all__ = ["RowPricer"]

_INF = math.inf
#: the minutes dimension is left out (and the pricer not used) past this many units
_MAX_UNITS = 400
#: capped shift types are counted in the state while their combinations are at most this
_MAX_COUNTS = 64
#: nor when one person's tables (every state of every day) would hold more values than this
_MAX_CELLS = 4_000_000


class RowPricer:
    """Least-cost schedules for one person at a time (see the module docstring)."""

    def __init__(self, planner: RowPlanner) -> None:
        self.planner = planner
        self.c = c = planner.c
        self.scorer = planner.scorer
        self.group_of = planner.group_of
        lengths = {c.minutes[d][s] for d in range(c.n_days) for s in range(c.n_shifts)}
        self.unit = reduce(math.gcd, lengths, 0) or 1
        #: each person's Lagrangian prices on capped shift types, kept between calls
        self._penalty: dict[int, list[float]] = {}
        self._track: dict[int, tuple[dict[int, tuple[list[int], int]], int]] = {}
        self._buffers: dict[tuple[int, ...], np.ndarray] = {}
        self.why = self._unsupported()

    @property
    def supported(self) -> bool:
        return not self.why

    def _unsupported(self) -> str:
        c = self.c
        if c.weekly_rest > 0:
            return "weekly rest"
        if c.fair:
            return "fairness terms"
        if self.scorer.extra:
            return "organisation rules"
        if not self.planner.runs:
            return "weekends that are not runs of days"
        for d in range(c.n_days):
            for s in range(c.n_shifts):
                if any(d2 > d + 1 for d2, _t in c.conflicts[d][s]):
                    return "daily rest reaching past the next day"
        for n in range(c.n_staff):
            hi = c.max_minutes[n]
            if (c.min_minutes[n] if hi is None else hi) // self.unit > _MAX_UNITS:
                return "minutes too fine for the programme"
            runs, weekends, units, _saturate = self._dims(n)
            _tracked, width = self._tracked(n)
            if (c.n_shifts + 1) * (runs + 1) * 2 * (weekends + 1) * (units + 1) * width * c.n_days > _MAX_CELLS:
                return "too many states for the programme"
        return ""

    def price(
        self,
        n: int,
        cost: Sequence[Sequence[float]],
        *,
        columns: int = 1,
        below: float = 0.0,
        rounds: int = 6,
        fix: Mapping[int, int] | None = None,
    ) -> tuple[float, list[list[int]]]:
        """``(bound, schedules)``: ``bound`` is a lower bound on the least ``cost`` over
        person ``n``'s schedules (the programme's least value with the caps on shift types
        priced in, Lagrangian style, less what the caps are worth at those prices);
        ``schedules`` are up to ``columns`` distinct schedules breaking none of their hard
        rules, each costing less than ``below``, cheapest first. A schedule that breaks a
        cap raises that shift type's price and the programme runs again (at most
        ``rounds`` times); the prices are kept for the person's next call. ``fix`` maps days
        to the shift the schedules must work that day (:data:`~ctpse_core.rota.compiled.OFF`
        for a day off, :data:`~ctpse_core.rota.compiled.WORK` for any shift): the bound and
        schedules are then those of the schedules that keep it (no schedule, and an infinite
        bound, if none does)."""
        c = self.c
        tracked, _width = self._tracked(n)
        caps = {s: k for s, k in c.max_shifts[n].items() if k < c.n_days and s not in tracked}
        penalty = self._penalty.setdefault(n, [0.0] * c.n_shifts)
        bound = -_INF
        found: dict[tuple[int, ...], float] = {}
        spread = max((abs(x) for line in cost for x in line), default=1.0) or 1.0
        for _attempt in range(max(1, rounds)):
            priced = [[cost[d][s] + penalty[s] for s in range(c.n_shifts)] for d in range(c.n_days)]
            tables = self._forward(n, priced, fix or {})
            least = float(np.min(tables[-1])) if tables else 0.0
            bound = max(bound, least - sum(penalty[s] * k for s, k in caps.items()))
            broken: set[int] = set()
            slack = set(caps)
            for row in self._rows(n, priced, tables, columns * 2, below + sum(penalty) * c.n_days):
                counts = [0] * c.n_shifts
                for s in row:
                    if s != OFF:
                        counts[s] += 1
                over = {s for s, k in caps.items() if counts[s] > k}
                slack -= {s for s, k in caps.items() if counts[s] >= k}
                if over:
                    broken |= over
                    continue
                value = sum(cost[d][s] for d, s in enumerate(row) if s != OFF)
                if value < below and tuple(row) not in found and self.scorer.score(n, row)[0] == 0:
                    found[tuple(row)] = value
            for s in slack:
                penalty[s] *= 0.5
            if not broken or len(found) >= columns:
                break
            for s in broken:
                penalty[s] = 2 * penalty[s] + spread / 4
        best = sorted(found.items(), key=lambda item: item[1])[:columns]
        return bound, [list(row) for row, _v in best]

    # --- the programme -------------------------------------------------------------------

    def _buffer(self, shape: tuple[int, ...], days: int) -> np.ndarray:
        """Every day's table for a person of this shape, all infinite: kept between calls
        (the last few shapes), as allocating them anew costs more than the programme."""
        key = (days, *shape)
        buffer = self._buffers.pop(key, None)
        if buffer is None:
            buffer = np.empty(key)
            while len(self._buffers) >= 3:
                del self._buffers[next(iter(self._buffers))]
        buffer.fill(_INF)
        self._buffers[key] = buffer
        return buffer

    def _dims(self, n: int) -> tuple[int, int, int, bool]:
        """(run lengths kept, weekends kept, minute units kept, minutes saturate)."""
        c = self.c
        runs = max(c.max_cons[n] or 0, c.min_cons[n], c.min_off[n], 1) + 1
        wk = c.max_weekends[n]
        weekends = 0 if wk is None else min(wk, len(c.weekends))
        hi, lo = c.max_minutes[n], c.min_minutes[n]
        if hi is not None:
            return runs, weekends, hi // self.unit, False
        return runs, weekends, -(-lo // self.unit), True

    def _tracked(self, n: int) -> tuple[dict[int, tuple[list[int], int]], int]:
        """The capped shift types counted in the programme's state (the tightest caps first,
        while the counts' combinations stay few): per type, the count indices from which
        one more is allowed and the step one more adds; and how many combinations."""
        c = self.c
        if n in self._track:
            return self._track[n]
        shortest = min((m for line in c.minutes for m in line if m > 0), default=1)
        hi = c.max_minutes[n]
        most = c.n_days if hi is None else min(c.n_days, hi // shortest)
        caps = sorted((k, s) for s, k in c.max_shifts[n].items() if 0 < k < most)
        width = 1
        digits: list[tuple[int, int, int]] = []
        for k, s in caps:
            if width * (k + 1) > _MAX_COUNTS:
                break
            digits.append((s, k, width))
            width *= k + 1
        out: dict[int, tuple[list[int], int]] = {}
        for s, k, stride in digits:
            out[s] = ([q for q in range(width) if (q // stride) % (k + 1) < k], stride)
        self._track[n] = (out, width)
        return out, width

    def _options(
        self, n: int, cost: Sequence[Sequence[float]], fix: Mapping[int, int]
    ) -> list[list[tuple[int, float, int]]]:
        """Per day, the shifts person ``n`` may work: (shift, cost, minute units); on a day
        ``fix`` names, that shift alone (none for a day off, any for WORK)."""
        c = self.c
        caps = c.max_shifts[n]
        return [
            [
                (s, float(cost[d][s]), c.minutes[d][s] // self.unit)
                for s in range(c.n_shifts)
                if c.avail[n][d][s] and caps.get(s, 1) > 0 and fix.get(d, s) in (s, WORK)
            ]
            for d in range(c.n_days)
        ]

    def _follows(self, d: int, t: int, s: int) -> bool:
        """May shift ``s`` on day ``d`` follow shift ``t`` on day ``d - 1``?"""
        c = self.c
        return s not in c.forbid[t] and (d, s) not in c.conflicts[d - 1][t]

    def _forward(self, n: int, cost: Sequence[Sequence[float]], fix: Mapping[int, int]) -> list[np.ndarray]:
        """The value after each day: ``table[last][run][exempt][weekends][minutes]``, the
        least cost of the days so far ending in that state (``last``: the shift worked that
        day, the last index for a day off); a day ``fix`` names keeps that shift alone."""
        c = self.c
        days, shifts = c.n_days, c.n_shifts
        if days == 0:
            return []
        runs, top_w, top_m, saturate = self._dims(n)
        max_cons, min_cons, min_off = c.max_cons[n], c.min_cons[n], c.min_off[n]
        lo = c.min_minutes[n]
        longest = runs if max_cons is None else min(runs, max_cons)
        opts = self._options(n, cost, fix)
        group_of = self.group_of
        tracked, width = self._tracked(n)
        moves = {s: (np.array(src), np.array(src) + stride) for s, (src, stride) in tracked.items()}
        shape = (shifts + 1, runs + 1, 2, top_w + 1, top_m + 1, width)
        rest_ok_work = np.zeros((runs + 1, 2), dtype=bool)  # a run of work may end here
        rest_ok_work[:, 1] = True
        rest_ok_work[min_cons:, 0] = True
        rest_ok_work[0, :] = False
        work_ok_rest = np.zeros((runs + 1, 2), dtype=bool)  # a rest may end here
        work_ok_rest[:, 1] = True
        work_ok_rest[min_off:, 0] = True
        work_ok_rest[0, :] = False
        period_start = {first: k for k, (first, _last, _complete) in enumerate(c.periods[n]) if first > 0}
        periods = c.periods[n]

        def add(dst: np.ndarray, src: np.ndarray, weekend: bool, units: int, value: float, s: int) -> None:
            """``dst[w][m][q] = min(dst, src[w - weekend][m - units][q - shift s] + value)``
            (the last three axes), in place on views of ``dst``."""
            if weekend:
                if top_w == 0:
                    return
                dst, src = dst[..., 1:, :, :], src[..., :-1, :, :]
            parts: list[tuple[np.ndarray, np.ndarray]]
            if units > top_m:
                if not saturate:
                    return
                parts = [(dst[..., top_m :, :], src.min(axis=-2, keepdims=True))]
            elif units:
                parts = [(dst[..., units:, :], src[..., : top_m + 1 - units, :])]
                if saturate:
                    parts.append((dst[..., top_m :, :], src[..., top_m + 1 - units :, :].min(axis=-2, keepdims=True)))
            else:
                parts = [(dst, src)]
            for into, frm_src in parts:
                if s in moves:
                    frm, to = moves[s]
                    into[..., to] = np.minimum(into[..., to], frm_src[..., frm] + value)
                else:
                    np.minimum(into, frm_src + value, out=into)

        tables: list[np.ndarray] = []
        buffer = self._buffer(shape, days)
        first = buffer[0]
        first[shifts, 1, 1, 0, 0, 0] = 0.0
        start = np.full(shape[3:], _INF)
        start[0, 0, 0] = 0.0
        counted = c.max_weekends[n] is not None
        new_weekend = counted and group_of[0] >= 0
        for s, value, units in opts[0]:
            add(first[s, 1, 1], start, new_weekend, units, value, s)
        if fix.get(0, OFF) != OFF:
            first[shifts] = _INF
        tables.append(first)
        for d in range(1, days):
            prev = tables[-1]
            if d in period_start:
                _f, _l, complete = periods[period_start[d] - 1]
                prev = prev.copy()
                if complete and lo > 0:
                    prev[..., : -(-lo // self.unit), :] = _INF
                merged = prev.min(axis=-2)
                prev[...] = _INF
                prev[..., 0, :] = merged
            table = buffer[d]
            # a day off: a rest goes on, or a run of work ends
            rest = prev[shifts]
            table[shifts, 2:] = rest[1:runs]
            np.minimum(table[shifts, runs], rest[runs], out=table[shifts, runs])
            ended = np.where(rest_ok_work[None, :, :, None, None, None], prev[:shifts], _INF)
            if shifts:
                table[shifts, 1, 0] = ended.min(axis=(0, 1, 2))
            # work: after a rest long enough, or going on from a run of work
            after_rest = np.where(work_ok_rest[:, :, None, None, None], rest, _INF).min(axis=(0, 1))
            g = group_of[d]
            opens = counted and g >= 0
            goes_on = opens and group_of[d - 1] == g
            for s, value, units in opts[d]:
                add(table[s, 1, 0], after_rest, opens, units, value, s)
                from_work = [t for t, _v, _u in opts[d - 1] if self._follows(d, t, s)]
                if not from_work or longest < 2:
                    continue
                run = prev[from_work].min(axis=0)  # [run][exempt][w][m][q]
                if max_cons is None:
                    carried = np.full_like(run, _INF)
                    carried[2:] = run[1:runs]
                    np.minimum(carried[runs], run[runs], out=carried[runs])
                else:
                    carried = np.full_like(run, _INF)
                    carried[2 : longest + 1] = run[1:longest]
                add(table[s], carried, opens and not goes_on, units, value, s)
            if fix.get(d, OFF) != OFF:
                table[shifts] = _INF
            tables.append(table)
        last = tables[-1]
        _f, _l, complete = periods[-1]
        if complete and lo > 0:
            last = last.copy()
            last[..., : -(-lo // self.unit), :] = _INF
            tables[-1] = last
        return tables

    def _rows(
        self, n: int, cost: Sequence[Sequence[float]], tables: list[np.ndarray], limit: int, below: float
    ) -> list[list[int]]:
        """Schedules traced back from the ``limit`` cheapest final states (the cheapest,
        and any others valued below ``below``)."""
        if not tables:
            return [[]]
        last = tables[-1]
        flat = np.argsort(last, axis=None)[: max(1, limit)]
        out: list[list[int]] = []
        for i in flat:
            if not np.isfinite(last.flat[i]) or (out and last.flat[i] >= below):
                break
            state = tuple(int(x) for x in np.unravel_index(i, last.shape))
            row = self._trace(n, cost, tables, state)
            if row is not None:
                out.append(row)
        return out

    def _trace(
        self, n: int, cost: Sequence[Sequence[float]], tables: list[np.ndarray], state: tuple[int, ...]
    ) -> list[int] | None:
        """The schedule of a final state: each day's predecessor is one whose value plus
        the day's cost gives the state's value (checked against the tables)."""
        c = self.c
        shifts, days = c.n_shifts, c.n_days
        runs, _top_w, top_m, saturate = self._dims(n)
        max_cons, min_cons, min_off = c.max_cons[n], c.min_cons[n], c.min_off[n]
        group_of = self.group_of
        row = [OFF] * days
        period_first = {first for first, _l, _c in c.periods[n] if first > 0}
        tracked, _width = self._tracked(n)
        for d in range(days - 1, 0, -1):
            last, run, ex, w, m, q = state
            target = tables[d][state]
            prev = tables[d - 1]
            row[d] = OFF if last == shifts else last
            candidates: list[tuple[tuple[int, ...], float]] = []
            ms: list[int]
            if last == shifts:
                if run >= 2:
                    candidates.append(((shifts, run - 1, ex, w, m, q), 0.0))
                    if run == runs:
                        candidates.append(((shifts, runs, ex, w, m, q), 0.0))
                elif run == 1 and ex == 0:
                    for t in range(shifts):
                        for r in range(1, runs + 1):
                            for e in (0, 1):
                                if e or r >= min_cons:
                                    candidates.append(((t, r, e, w, m, q), 0.0))
            else:
                value = float(cost[d][last])
                pq = q - tracked[last][1] if last in tracked else q
                units = c.minutes[d][last] // self.unit
                g = group_of[d]
                opens = c.max_weekends[n] is not None and g >= 0
                goes_on = opens and group_of[d - 1] == g
                if saturate and m == top_m:
                    ms = list(range(max(0, top_m - units), top_m + 1))
                else:
                    ms = [m - units] if m - units >= 0 else []
                if run == 1 and ex == 0:
                    pw = w - 1 if opens else w
                    for r in range(1, runs + 1):
                        for e in (0, 1):
                            if (e or r >= min_off) and pw >= 0 and pq >= 0:
                                candidates.extend(((shifts, r, e, pw, pm, pq), value) for pm in ms)
                elif run >= 2:
                    pw = w - 1 if opens and not goes_on else w
                    rs = [run - 1] + ([runs] if run == runs and max_cons is None else [])
                    if pw >= 0 and pq >= 0:
                        for t in range(shifts):
                            if self._follows(d, t, last):
                                candidates.extend(((t, r, ex, pw, pm, pq), value) for r in rs for pm in ms)
            if d in period_first:
                # the minutes were reset at the period's start: any earlier total that
                # reached the period's minimum will do
                _f, _l, complete = next(p for p in c.periods[n] if p[1] == d)
                floor = -(-c.min_minutes[n] // self.unit) if complete else 0
                candidates = [
                    ((p[0], p[1], p[2], p[3], pm, p[5]), v)
                    for p, v in candidates
                    if p[4] == 0
                    for pm in range(floor, top_m + 1)
                ]
            pick = None
            for p, v in candidates:
                got = prev[p] + v
                if math.isfinite(got) and abs(got - target) <= 1e-7 * max(1.0, abs(target)):
                    pick = p
                    break
            if pick is None:
                return None
            state = pick
        row[0] = OFF if state[0] == shifts else state[0]
        return row
