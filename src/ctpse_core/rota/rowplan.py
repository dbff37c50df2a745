"""One person's whole schedule planned at once: a depth-first branch and bound.

Every built-in hard rule is about one person (cover is soft), so a rota breaks no hard
rule exactly when each person's own schedule breaks none. :meth:`RowPlanner.plan` searches one
person's schedules day by day, pruning a partial schedule as soon as it breaks a rule that
the days so far decide (availability, forbidden successions, daily rest, run lengths, shift
caps, maximum minutes, weekends, each week's weekly rest) or cannot reach its minimum
minutes in the days left; a complete schedule is checked once more with the full
:class:`~ctpse_core.rota.scoring.PersonScorer` (which also covers organisation rules).

Among the schedules that break no rule it looks for the cheapest under a cost per day and
shift (``cost[d][s]``, e.g. the cover change of that person working it plus the requests),
plus the scorer's soft penalty of the complete schedule (requests, fairness), within a
budget of search nodes. The bound is a small dynamic programme over the days left, by the
current run of work or rest and the weekends still allowed (:meth:`RowPlanner._least_cost`:
availability, run lengths and weekends kept, minutes, caps and successions relaxed); each
day's options are tried in the order of that bound, and a branch is cut when its cost so
far plus the bound cannot beat the best found. A second programme
(:meth:`RowPlanner._most_minutes`) cuts schedules that can no longer reach their minimum
minutes. Without a
budget the search is complete: ``None`` then means the person has no schedule at all that
keeps every rule.

It is the built-in solver's construction (each person planned in turn against the cover
the others leave), its final repair of any person still breaking a rule, and a move of its
search (ruin and recreate: a few people re-planned against everyone else).
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence

import numpy as np

from ctpse_core.rota.compiled import OFF, Compiled
from ctpse_core.rota.rules import RotaConstraint
from ctpse_core.rota.scoring import PersonScorer

__all__ = ["RowPlanner", "cover_costs"]

_BIG = 1 << 60


def cover_costs(
    c: Compiled, n: int, count: Sequence[Sequence[int]], row: Sequence[int] | None = None
) -> list[list[int]]:
    """``cost[d][s]``: what person ``n`` working shift ``s`` on day ``d`` changes in the cover
    penalty (given ``count``, the cover including ``row``, their current schedule, which is
    taken out) plus their shift-off request minus their shift-on request."""
    out = []
    on, off = c.on_req, c.off_req
    for d in range(c.n_days):
        mine = OFF if row is None else row[d]
        req_d, under_d, over_d, cnt_d = c.requirement[d], c.under_w[d], c.over_w[d], count[d]
        line = []
        for s in range(c.n_shifts):
            k = cnt_d[s] - (1 if mine == s else 0)
            req = req_d[s]
            delta = -under_d[s] if k < req else over_d[s]
            key = (n, d, s)
            line.append(delta + off.get(key, 0) - on.get(key, 0))
        out.append(line)
    return out


class RowPlanner:
    """Plans one person's schedule at a time (see the module docstring); what depends only
    on the problem and the person is worked out once and kept."""

    def __init__(self, c: Compiled, extra: Sequence[RotaConstraint] = ()) -> None:
        self.c = c
        # its own scorer: scoring a row replaces that person's cached weekly-rest blocks, so
        # it must not be the one a State keeps
        self.scorer = PersonScorer(c, extra)
        days = c.n_days
        self.back: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for e in range(days):
            for t in range(c.n_shifts):
                for d2, s2 in c.conflicts[e][t]:
                    self.back.setdefault((d2, s2), []).append((e, t))
        self.block_ends: dict[int, list[int]] = {}
        for b, (first, _lo, _hi) in enumerate(c.blocks):
            self.block_ends.setdefault(min(days - 1, first + 6), []).append(b)
        self.group_of = self.scorer._group_of
        #: weekends counted in the minutes bound only when each is a run of days
        self.runs = all(g == list(range(g[0], g[0] + len(g))) for g in c.weekends if g)
        self._most: dict[int, np.ndarray] = {}
        self._req: dict[int, dict[tuple[int, int], int]] = {}
        for (p, d, s), w in c.off_req.items():
            self._req.setdefault(p, {})[(d, s)] = self._req.get(p, {}).get((d, s), 0) + w
        for (p, d, s), w in c.on_req.items():
            self._req.setdefault(p, {})[(d, s)] = self._req.get(p, {}).get((d, s), 0) - w

    def plan(
        self,
        n: int,
        cost: Sequence[Sequence[int]],
        rng: random.Random | None = None,
        nodes: int | None = 20_000,
        cutoff: int | None = None,
        deadline: float | None = None,
    ) -> tuple[list[int], int] | None:
        """The cheapest schedule found for person ``n`` that breaks none of their hard rules,
        and its value (``cost`` summed over the shifts worked, plus the scorer's soft penalty
        of the schedule less the requests, which ``cost`` already holds); ``None`` if none was
        found within ``nodes`` search nodes (``None``: no limit, so ``None`` proves there is
        none) or none is cheaper than ``cutoff``, or by ``deadline`` (``time.perf_counter``)."""
        c = self.c
        scorer = self.scorer
        days = c.n_days
        if days == 0:
            return [], 0
        avail = c.avail[n]
        minutes = c.minutes
        forbid = c.forbid
        jitter = rng.random if rng is not None else None
        # each day's options, cheapest first (ties at random): shifts that pay, a day off, the rest
        order: list[list[int]] = []
        for d in range(days):
            line = cost[d]
            ranked = sorted((line[s], jitter() if jitter else 0.0, s) for s in range(c.n_shifts) if avail[d][s])
            opts = [s for _c, _j, s in ranked]
            order.append([s for s in opts if cost[d][s] < 0] + [OFF] + [s for s in opts if cost[d][s] >= 0])
        # the cheapest possible remainder after each day, by the run and weekends so far
        least = self._least_cost(n, cost)
        top_len = len(least[0][0]) - 1
        back, block_ends, group_of = self.back, self.block_ends, self.group_of
        periods = c.periods[n]
        period_of = scorer._period_of[n]
        lo, hi = c.min_minutes[n], c.max_minutes[n]
        max_cons, min_cons, min_off = c.max_cons[n], c.min_cons[n], c.min_off[n]
        most = self._most_minutes(n)
        wk_cap = c.max_weekends[n]
        wk_top = most.shape[-1] - 1
        longest = max((minutes[d][s] for d in range(days) for s in range(c.n_shifts) if avail[d][s]), default=0)
        caps = dict(c.max_shifts[n])
        all_capped = len(caps) == c.n_shifts
        cap_total = sum(caps.values())
        weekly = c.weekly_rest > 0
        req = self._req.get(n, {})
        totals = [0] * len(periods)
        counts = [0] * c.n_shifts
        in_group = [0] * len(c.weekends)
        row = [OFF] * days
        budget = [nodes if nodes is not None else -1]
        found: list[tuple[list[int], int]] = []
        best_value = _BIG if cutoff is None else cutoff
        worked = [0]  # weekends worked so far

        def blocks_ok(d: int) -> bool:
            return not weekly or all(scorer._block(n, row, b) == 0 for b in block_ends.get(d, ()))

        def reachable(d: int, on: int, run_len: int, exempt: int) -> bool:
            """Can the period of day ``d`` still reach its minimum minutes, the run ending on
            day ``d`` being ``run_len`` days of work (``on``) or of rest?"""
            k = period_of[d]
            _first, last, complete = periods[k]
            if not complete or lo <= 0:
                return True
            total = totals[k]
            if total >= lo:
                return True
            if d == last - 1:
                return False
            left = wk_top if wk_cap is None else min(wk_top, max(0, wk_cap - worked[0]))
            more = int(most[d + 1, on, min(run_len, most.shape[2] - 1), int(exempt), left])
            if all_capped:
                more = min(more, longest * (cap_total - sum(counts)))
            return total + more >= lo

        def dfs(d: int, run_on: bool, run_len: int, run_start: int, spent: int, cover: int) -> None:
            """``run_*``: the run of work (or rest) ending on day ``d - 1``; ``spent``: the
            cost so far; ``cover``: its part without the requests."""
            nonlocal best_value
            if budget[0] == 0:
                return
            budget[0] -= 1
            if deadline is not None and budget[0] & 1023 == 0 and time.perf_counter() > deadline:
                budget[0] = 0
                return
            if d == days:
                hard, soft = scorer.score(n, row)
                if not hard and cover + soft < best_value:
                    best_value = cover + soft
                    found.append((row[:], best_value))
                return
            left = wk_top if wk_cap is None else min(wk_top, max(0, wk_cap - worked[0]))
            prev = row[d - 1] if d else OFF
            k = period_of[d]
            after = least[d + 1]
            children = []
            for rank, s in enumerate(order[d]):
                if s == OFF:
                    if d == 0 or run_on:
                        if d and run_start > 0 and run_len < min_cons:
                            continue  # a run of work too short
                        length, start = 1, d
                    else:
                        length, start = run_len + 1, run_start
                    bound = spent + after[0][min(length, top_len)][start == 0][left]
                    if bound < best_value:
                        children.append((bound, rank, s, length, start, False))
                    continue
                if prev != OFF and s in forbid[prev]:
                    continue
                if d and run_on:
                    if max_cons is not None and run_len + 1 > max_cons:
                        continue
                    length, start = run_len + 1, run_start
                else:
                    if d and run_start > 0 and run_len < min_off:
                        continue  # a rest too short
                    if max_cons is not None and max_cons < 1:
                        continue
                    length, start = 1, d
                cap = caps.get(s)
                if cap is not None and counts[s] >= cap:
                    continue
                if hi is not None and totals[k] + minutes[d][s] > hi:
                    continue
                if any(row[e] == t for e, t in back.get((d, s), ())):
                    continue
                g = group_of[d]
                new_weekend = g >= 0 and in_group[g] == 0
                if new_weekend and wk_cap is not None and worked[0] >= wk_cap:
                    continue
                spare = left - 1 if new_weekend and wk_top else left
                bound = spent + cost[d][s] + after[1][min(length, top_len)][start == 0][spare]
                if bound < best_value:
                    children.append((bound, rank, s, length, start, new_weekend))
            children.sort()
            for bound, _rank, s, length, start, new_weekend in children:
                if bound >= best_value:
                    break
                if s == OFF:
                    if blocks_ok(d) and reachable(d, 0, length, start == 0):
                        dfs(d + 1, False, length, start, spent, cover)
                else:
                    m = minutes[d][s]
                    g = group_of[d]
                    row[d] = s
                    counts[s] += 1
                    totals[k] += m
                    if g >= 0:
                        in_group[g] += 1
                        worked[0] += new_weekend
                    if blocks_ok(d) and reachable(d, 1, length, start == 0):
                        step = cost[d][s]
                        dfs(d + 1, True, length, start, spent + step, cover + step - req.get((d, s), 0))
                    row[d] = OFF
                    counts[s] -= 1
                    totals[k] -= m
                    if g >= 0:
                        in_group[g] -= 1
                        worked[0] -= new_weekend
                if budget[0] == 0:
                    return

        dfs(0, False, 0, 0, 0, 0)
        return found[-1] if found else None

    def plan_some(
        self,
        n: int,
        cost: Sequence[Sequence[int]],
        rng: random.Random | None = None,
        nodes: int | None = 20_000,
        deadline: float | None = None,
    ) -> tuple[list[int], int] | None:
        """:meth:`plan`, and if it finds nothing within ``nodes``, a schedule that only keeps
        the rules (every option priced the same, so the search goes straight for one; its
        value is then that of ``cost``): the cheap ordering can lead the search into a corner
        where the cover pulls against the rules."""
        got = self.plan(n, cost, rng, nodes, deadline=deadline)
        if got is not None:
            return got
        flat = [[0] * self.c.n_shifts for _ in range(self.c.n_days)]
        plain = self.plan(n, flat, rng, nodes, deadline=deadline)
        if plain is None:
            return None
        row = plain[0]
        req = self._req.get(n, {})
        value = sum(cost[d][s] - req.get((d, s), 0) for d, s in enumerate(row) if s != OFF) + plain[1]
        return row, value

    def _tables(self, n: int) -> tuple[int, int, np.ndarray, np.ndarray, np.ndarray]:
        """The shape of person ``n``'s programmes (run lengths up to ``cap``, ``top`` more
        weekends) and which steps their run lengths allow, by [length][exempt]: rest after
        work, work after work (by length only), work after rest."""
        c = self.c
        k, min_cons, min_off = c.max_cons[n], c.min_cons[n], c.min_off[n]
        cap = max(k or 0, min_cons, min_off, 1) + 1
        limit = c.max_weekends[n]
        top = 0 if limit is None or not self.runs else min(limit, len(c.weekends))
        length = np.arange(cap + 1)[:, None]
        exempt = np.array([False, True])[None, :]
        rest_after_work = exempt | (length >= min_cons)
        work_after_work = np.ones(cap + 1, dtype=bool) if k is None else np.arange(cap + 1) + 1 <= k
        work_after_rest = exempt | (length >= min_off)
        return cap, top, rest_after_work, work_after_work, work_after_rest

    def _least_cost(self, n: int, cost: Sequence[Sequence[int]]) -> list[list[list[list[list[int]]]]]:
        """``least[d][on][length][exempt][weekends]``: the least ``cost`` person ``n`` could
        incur from day ``d`` to the end after a run of ``length`` days of work (``on``) or
        rest ending on day ``d - 1`` (``exempt`` as in :meth:`_most_minutes`), with
        ``weekends`` more weekends allowed, under their availability, run lengths and
        weekends only: a lower bound for the branch and bound. Each day's table is worked
        out at once with numpy (a long horizon has many weekends to track)."""
        c = self.c
        days = c.n_days
        cap, top, rest_after_work, work_after_work, work_after_rest = self._tables(n)
        group_of = self.group_of
        avail = c.avail[n]
        cheapest = [min((cost[d][s] for s in range(c.n_shifts) if avail[d][s]), default=None) for d in range(days)]
        exact = all(isinstance(v, int) for v in cheapest if v is not None)
        dtype = np.int64 if exact else np.float64
        shape = (2, cap + 1, 2, top + 1)
        nxt = np.minimum(cap, np.arange(cap + 1) + 1)
        later = np.arange(top + 1) > 0  # a new weekend needs one more allowed
        after = np.zeros(shape, dtype=dtype)
        least: list[list[list[list[list[int]]]]] = [after.tolist()] * (days + 1)
        for d in range(days - 1, -1, -1):
            g = group_of[d]
            starts = top > 0 and g >= 0
            continues = starts and d > 0 and group_of[d - 1] == g
            table = np.full(shape, _BIG, dtype=dtype)
            table[0] = after[0][nxt]
            table[1] = np.where(rest_after_work[:, :, None], after[0, 1, 0][None, None, :], _BIG)
            work = cheapest[d]
            if work is not None:
                for on in (0, 1):
                    new = starts and not (continues and on)
                    to = after[1][nxt] if on else np.broadcast_to(after[1, 1, 0], (cap + 1, 2, top + 1))
                    allowed = work_after_work[:, None, None] if on else work_after_rest[:, :, None]
                    if new:
                        to = np.concatenate([to[..., :1], to[..., :-1]], axis=-1)  # one weekend fewer
                        allowed = allowed & later
                    table[on] = np.where(allowed, np.minimum(table[on], work + to), table[on])
            least[d] = table.tolist()
            after = table
        return least

    def _most_minutes(self, n: int) -> np.ndarray:
        """``most[d][on][length][exempt][weekends]``: the most minutes person ``n`` could
        work from day ``d`` to the end of its period after a run of ``length`` days of work
        (``on``) or rest ending on day ``d - 1`` (``exempt``: the run started on the first
        day, so its minimum length does not apply), with ``weekends`` more weekends allowed,
        under their availability, run lengths and weekends only (a bound for pruning). One
        numpy array per person, kept (as nested lists it took about 1 GB for 100 people over
        364 days)."""
        if n in self._most:
            return self._most[n]
        c = self.c
        days = c.n_days
        cap, top, rest_after_work, work_after_work, work_after_rest = self._tables(n)
        group_of = self.group_of
        best = [max((c.minutes[d][s] for s in range(c.n_shifts) if c.avail[n][d][s]), default=-1) for d in range(days)]
        shape = (2, cap + 1, 2, top + 1)
        nxt = np.minimum(cap, np.arange(cap + 1) + 1)
        later = np.arange(top + 1) > 0
        zero = np.zeros(shape, dtype=np.int64)
        most = np.zeros((days + 1, *shape), dtype=np.int64)
        for first, last, _complete in c.periods[n]:
            after = zero
            for d in range(last - 1, first - 1, -1):
                g = group_of[d]
                # working day d starts a weekend unless the day before (same weekend) was worked
                starts = top > 0 and g >= 0
                continues = starts and d > 0 and group_of[d - 1] == g
                table = np.full(shape, -1, dtype=np.int64)
                table[0] = after[0][nxt]
                table[1] = np.where(rest_after_work[:, :, None], after[0, 1, 0][None, None, :], -1)
                if best[d] >= 0:
                    for on in (0, 1):
                        new = starts and not (continues and on)
                        to = after[1][nxt] if on else np.broadcast_to(after[1, 1, 0], (cap + 1, 2, top + 1))
                        allowed = work_after_work[:, None, None] if on else work_after_rest[:, :, None]
                        if new:
                            to = np.concatenate([to[..., :1], to[..., :-1]], axis=-1)
                            allowed = allowed & later
                        table[on] = np.where(allowed, np.maximum(table[on], best[d] + to), table[on])
                table = np.maximum(table, 0)
                most[d] = table
                after = table
        self._most[n] = most
        return most
