"""The built-in solver: greedy construction, then late-acceptance local search.

No extra dependency. It is deterministic for a seed: the search runs a fixed number of
moves (``iterations``, by default proportional to the problem's size) and stops early
only when nothing is left to improve or when the time limit is reached; with a time
limit long enough for the move budget, the same seed gives the same roster.

The cost of a schedule is ``HARD * hard violations + soft penalty``. Most rules are
about one person, so a move (give a shift to someone else, swap two people's days, move
a block of days between two people, add or drop a shift) is priced by re-scoring the
one or two people it touches plus the cover of the slots it changes. Organisation rules
registered with ``per_person=True`` are scored the same way; others are checked by the
validator afterwards.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Sequence

import attrs

from ctpse_core.rota.compiled import OFF, Compiled, compile_problem
from ctpse_core.rota.model import Assignment, Roster, RotaProblem
from ctpse_core.rota.rules import RotaConstraint

__all__ = ["HARD", "LocalSearchSolver", "PersonScorer", "SolveResult"]

HARD = 100_000


@attrs.frozen
class SolveResult:
    roster: Roster
    objective: int
    hard: int
    seconds: float
    iterations: int


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
            group_of = self._group_of
            worked = len({group_of[d] for d in range(days) if row[d] != OFF and group_of[d] >= 0})
            if worked > weekends:
                hard += worked - weekends
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


class _State:
    def __init__(self, c: Compiled, scorer: PersonScorer, sched: list[list[int]]) -> None:
        self.c = c
        self.scorer = scorer
        self.sched = sched
        self.count = [[0] * c.n_shifts for _ in range(c.n_days)]
        for row in sched:
            for d, s in enumerate(row):
                if s != OFF:
                    self.count[d][s] += 1
        self.person = [scorer.score(n, sched[n]) for n in range(c.n_staff)]
        self.under: set[tuple[int, int]] = set()
        self.over: set[tuple[int, int]] = set()
        self.recount()

    def recount(self) -> None:
        c = self.c
        self.under = {
            (d, s)
            for d in range(c.n_days)
            for s in range(c.n_shifts)
            if self.count[d][s] < c.requirement[d][s]
        }
        self.over = {
            (d, s)
            for d in range(c.n_days)
            for s in range(c.n_shifts)
            if self.count[d][s] > c.requirement[d][s] and c.over_w[d][s] > 0
        }

    def cover_cost(self, d: int, s: int, count: int) -> int:
        req = self.c.requirement[d][s]
        if count < req:
            return (req - count) * self.c.under_w[d][s]
        return (count - req) * self.c.over_w[d][s]

    def total(self) -> tuple[int, int]:
        """Hard count and soft penalty (granted on-requests are counted as savings, so the
        constant of all on-request weights is added back)."""
        hard = sum(h for h, _ in self.person)
        soft = sum(s for _, s in self.person) + sum(self.c.on_req.values())
        for d in range(self.c.n_days):
            for s in range(self.c.n_shifts):
                soft += self.cover_cost(d, s, self.count[d][s])
        return hard, soft


@attrs.define
class LocalSearchSolver:
    """Construction plus late-acceptance hill climbing (see the module docstring)."""

    name: str = "builtin"
    history: int = 300

    def solve(
        self,
        problem: RotaProblem,
        *,
        seed: int = 0,
        time_limit: float = 30.0,
        iterations: int | None = None,
        extra: Sequence[RotaConstraint] = (),
    ) -> SolveResult:
        t0 = time.perf_counter()
        rng = random.Random(seed)
        c = compile_problem(problem)
        scorer = PersonScorer(c, extra)
        sched = [[OFF] * c.n_days for _ in range(c.n_staff)]
        self._construct(c, scorer, sched, rng)
        state = _State(c, scorer, sched)
        budget = iterations if iterations is not None else 50_000 + 200 * c.n_staff * c.n_days
        done = self._search(state, rng, budget, t0 + time_limit)
        hard, soft = state.total()
        objective = soft
        roster = c.roster(state.sched, self.name, seed, objective)
        return SolveResult(roster, objective, hard, time.perf_counter() - t0, done)

    # --- construction ----------------------------------------------------------------------

    def _construct(
        self, c: Compiled, scorer: PersonScorer, sched: list[list[int]], rng: random.Random
    ) -> None:
        """Fill each day's cover in order, fairest first, never breaking a hard rule that the
        days so far can already decide."""
        assigned = [sum(c.minutes[d][s] for d, s in enumerate(row) if s != OFF) for row in sched]
        target = [max(c.min_minutes[n], 1) for n in range(c.n_staff)]
        tie = [rng.random() for _ in range(c.n_staff)]
        for d in range(c.n_days):
            slots = [s for s in range(c.n_shifts) if c.requirement[d][s] > 0]
            slots.sort(key=lambda s: sum(1 for n in range(c.n_staff) if c.avail[n][d][s]))
            for s in slots:
                have = sum(1 for n in range(c.n_staff) if sched[n][d] == s)
                need = c.requirement[d][s] - have
                if need <= 0:
                    continue
                candidates = [
                    n for n in range(c.n_staff) if sched[n][d] == OFF and c.avail[n][d][s]
                ]
                candidates.sort(key=lambda n: (assigned[n] / target[n], tie[n]))
                for n in candidates:
                    if need == 0:
                        break
                    row = sched[n]
                    before = scorer.score(n, row, construct=True)[0]
                    row[d] = s
                    if scorer.score(n, row, construct=True)[0] > before:
                        row[d] = OFF
                        continue
                    assigned[n] += c.minutes[d][s]
                    need -= 1

    # --- local search ----------------------------------------------------------------------

    def _search(self, st: _State, rng: random.Random, budget: int, deadline: float) -> int:
        c = st.c
        hard, soft = st.total()
        current = hard * HARD + soft
        best = current
        best_sched = [row[:] for row in st.sched]
        hist = [current] * self.history
        people = list(range(c.n_staff))
        days = c.n_days
        it = 0
        it = attempts = 0
        while it < budget and attempts < 20 * budget:
            attempts += 1
            if current == 0 or (attempts & 255 == 0 and time.perf_counter() > deadline):
                break
            bad = [n for n in people if st.person[n][0] > 0]
            n = rng.choice(bad) if bad and rng.random() < 0.5 else rng.randrange(c.n_staff)
            m = rng.randrange(c.n_staff)
            kind = rng.random()
            d = rng.randrange(days)
            changes: list[tuple[int, int, int]] = []  # (person, day, new shift)
            if kind < 0.25:
                options = [OFF, *[s for s in range(c.n_shifts) if c.avail[n][d][s]]]
                new = rng.choice(options)
                if new == st.sched[n][d]:
                    continue
                changes = [(n, d, new)]
            elif kind < 0.55:
                if m == n or st.sched[n][d] == st.sched[m][d]:
                    continue
                changes = [(n, d, st.sched[m][d]), (m, d, st.sched[n][d])]
            elif kind < 0.70:
                if m == n:
                    continue
                length = rng.randint(2, 7)
                end = min(days, d + length)
                changes = [
                    (p, x, st.sched[q][x])
                    for x in range(d, end)
                    for p, q in ((n, m), (m, n))
                    if st.sched[n][x] != st.sched[m][x]
                ]
                if not changes:
                    continue
            elif st.over and rng.random() < 0.3:
                # drop someone from an over-covered slot, perhaps moving them to an open one
                d, s = rng.choice(sorted(st.over))
                on = [p for p in people if st.sched[p][d] == s]
                m = rng.choice(on)
                changes = [(m, d, OFF)]
                if st.under and rng.random() < 0.7:
                    d2, s2 = rng.choice(sorted(st.under))
                    if d2 != d and c.avail[m][d2][s2]:
                        changes.append((m, d2, s2))
            else:
                # fill an under-covered slot, often giving up another shift to stay in hours
                if not st.under:
                    continue
                d, s = rng.choice(sorted(st.under))
                able = [p for p in people if c.avail[p][d][s] and st.sched[p][d] != s]
                if not able:
                    continue
                m = rng.choice(able)
                changes = [(m, d, s)]
                worked = [x for x in range(days) if x != d and st.sched[m][x] != OFF]
                if worked and rng.random() < 0.6:
                    changes.append((m, rng.choice(worked), OFF))
            if any(x != OFF and not c.avail[p][y][x] for p, y, x in changes):
                continue  # never make someone work when they cannot
            it += 1
            delta, undo = self._apply(st, changes)
            candidate = current + delta
            slot = it % self.history
            if candidate <= current or candidate <= hist[slot]:
                current = candidate
                if current < best:
                    best = current
                    best_sched = [row[:] for row in st.sched]
            else:
                self._apply(st, undo)
            hist[slot] = current
        if best < current:
            st.sched[:] = best_sched
            st.count = [[0] * c.n_shifts for _ in range(c.n_days)]
            for row in st.sched:
                for x, s in enumerate(row):
                    if s != OFF:
                        st.count[x][s] += 1
            st.person = [st.scorer.score(p, st.sched[p]) for p in range(c.n_staff)]
            st.recount()
        self._polish(st)
        return it

    def _polish(self, st: _State) -> None:
        """Last resort for anyone still breaking a hard rule: drop or change single shifts
        while that lowers the cost (an empty schedule breaks only minimum-type rules)."""
        c = st.c
        improved = True
        while improved:
            improved = False
            for n in range(c.n_staff):
                if st.person[n][0] == 0:
                    continue
                for d in range(c.n_days):
                    if st.sched[n][d] == OFF or st.person[n][0] == 0:
                        continue
                    options = [[(n, d, x)] for x in range(c.n_shifts) if c.avail[n][d][x]]
                    options += [
                        [(n, x, OFF) for x in range(d, min(c.n_days, d + k))] for k in (1, 2, 3, 4)
                    ]
                    for changes in options:
                        if all(st.sched[p][x] == new for p, x, new in changes):
                            continue
                        delta, undo = self._apply(st, changes)
                        if delta < 0:
                            improved = True
                            break
                        self._apply(st, undo)

    @staticmethod
    def _apply(
        st: _State, changes: list[tuple[int, int, int]]
    ) -> tuple[int, list[tuple[int, int, int]]]:
        undo: list[tuple[int, int, int]] = []
        touched: dict[int, list[int]] = {}
        slots: dict[tuple[int, int], int] = {}
        for p, d, new in changes:
            old = st.sched[p][d]
            undo.append((p, d, old))
            if old != OFF:
                slots[(d, old)] = slots.get((d, old), 0) - 1
            if new != OFF:
                slots[(d, new)] = slots.get((d, new), 0) + 1
            st.sched[p][d] = new
            touched.setdefault(p, []).append(d)
        delta = 0
        for (d, s), diff in slots.items():
            if diff:
                before = st.count[d][s]
                delta += st.cover_cost(d, s, before + diff) - st.cover_cost(d, s, before)
                st.count[d][s] = before + diff
                if before + diff < st.c.requirement[d][s]:
                    st.under.add((d, s))
                else:
                    st.under.discard((d, s))
                if before + diff > st.c.requirement[d][s] and st.c.over_w[d][s] > 0:
                    st.over.add((d, s))
                else:
                    st.over.discard((d, s))
        for p, days in touched.items():
            old_h, old_s = st.person[p]
            new_h, new_s = st.scorer.score(p, st.sched[p], changed=days)
            st.person[p] = (new_h, new_s)
            delta += (new_h - old_h) * HARD + (new_s - old_s)
        undo.reverse()
        return delta, undo
