"""The built-in solver's neighbourhood: a schedule with incremental costs, and its moves.

A schedule is one row per person, one shift index (or ``OFF``) per day. :class:`State`
keeps the cover counts and each person's (hard, soft) score, so a move (a list of
``(person, day, new shift)`` changes) is priced by re-scoring only the people it touches
and the cover of the slots it changes, and can be undone.

The moves (:class:`Neighbourhood`), each drawn at random:

* ``change``: one person, one day, another shift or a day off (often filling a slot that
  is short, or emptying one that is over-full);
* ``swap``: two people exchange what they do on one day (cover unchanged);
* ``block swap``: two people exchange several consecutive days (cover unchanged);
* ``chain``: one person works one shift (or rests) on several consecutive days;
* ``slide``: one person's run of work moves a day earlier or later, or grows or shrinks
  by a day at one end;
* ``transfer``: one person's shift moves to another day (hours unchanged), often from an
  over-full slot to a short one, or to someone free that day;
* ``request``: an unmet request to work a shift is granted, or a request not to is
  honoured, by a change or an exchange with someone on that day.

Partners for exchanges are mostly drawn from the people who may do the shifts involved.
A one-person move that leaves a slot short is sometimes extended by someone free that
day taking it (``backfill``: a two-step ejection chain).

No move ever gives someone a shift they are not available for (leave, fixed days off,
qualifications, commitments): those cells are pinned to a day off.
"""

from __future__ import annotations

import random

from ctpse_core.rota.compiled import OFF, Compiled
from ctpse_core.rota.scoring import PersonScorer

__all__ = ["HARD", "Change", "Neighbourhood", "State", "hard_weight"]

#: weight of one hard violation against the soft penalty (at least: see :func:`hard_weight`)
HARD = 100_000


def hard_weight(c: Compiled) -> int:
    """What one hard violation weighs in :attr:`State.cost`: more than the largest soft
    penalty any rota of the problem can have (every slot empty at its under-cover weight,
    or everyone on it at its over-cover weight, every request unmet, every fairness term at
    its worst), and at least :data:`HARD`, so a rota breaking a rule always costs more than
    one that does not. A fixed weight did not: on a 100 x 364 instance the soft penalty
    passes 200,000, and the built-in took feasible rotas for infeasible ones (it stopped
    early to mend them, and never ruined and recreated). Soft penalties of organisation
    rules are not bounded here."""
    soft = sum(c.on_req.values()) + sum(c.off_req.values())
    for d in range(c.n_days):
        soft += sum(r * w for r, w in zip(c.requirement[d], c.under_w[d], strict=True))
        soft += c.n_staff * max([0, *c.over_w[d]])
    for weight, _counted, low in c.fair:
        soft += weight * sum(max(a * (a + 1), (c.n_days - a) * (c.n_days - a - 1)) for a in low if a is not None)
    return max(HARD, soft + 1)

#: (person, day, new shift or OFF)
Change = tuple[int, int, int]


class State:
    """A schedule with its cover counts and per-person scores, kept up to date by
    :meth:`apply`."""

    def __init__(self, c: Compiled, scorer: PersonScorer, sched: list[list[int]]) -> None:
        self.c = c
        self.scorer = scorer
        self.sched = sched
        self.count: list[list[int]] = []
        self.person: list[tuple[int, int]] = []
        self.under: set[tuple[int, int]] = set()
        self.over: set[tuple[int, int]] = set()
        self.hard = 0
        self.soft = 0
        #: one hard violation in :attr:`cost` (:func:`hard_weight`)
        self.hard_weight = hard_weight(c)
        self._saved: tuple[list[tuple[int, tuple[int, int], list[int] | None]], int, int] = ([], 0, 0)
        self.load(sched)

    def load(self, sched: list[list[int]]) -> None:
        """Take ``sched`` (copied) as the schedule and recompute every cost."""
        c = self.c
        self.sched = [row[:] for row in sched]
        self.count = [[0] * c.n_shifts for _ in range(c.n_days)]
        for row in self.sched:
            for d, s in enumerate(row):
                if s != OFF:
                    self.count[d][s] += 1
        self.person = [self.scorer.score(n, self.sched[n]) for n in range(c.n_staff)]
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
        self.hard, self.soft = self.total()

    def snapshot(self) -> list[list[int]]:
        return [row[:] for row in self.sched]

    @property
    def cost(self) -> int:
        return self.hard * self.hard_weight + self.soft

    def cover_cost(self, d: int, s: int, count: int) -> int:
        req = self.c.requirement[d][s]
        if count < req:
            return (req - count) * self.c.under_w[d][s]
        return (count - req) * self.c.over_w[d][s]

    def total(self) -> tuple[int, int]:
        """Hard count and soft penalty, from scratch (granted on-requests are counted as
        savings, so the constant of all on-request weights is added back)."""
        hard = sum(h for h, _ in self.person)
        soft = sum(s for _, s in self.person) + sum(self.c.on_req.values())
        for d in range(self.c.n_days):
            for s in range(self.c.n_shifts):
                soft += self.cover_cost(d, s, self.count[d][s])
        return hard, soft

    def _move(self, changes: list[Change]) -> tuple[int, list[Change], dict[int, list[int]]]:
        """Make the changes to the schedule and the cover; return the change in the cover
        penalty, the changes that undo them and the days changed per person."""
        c = self.c
        sched = self.sched
        undo: list[Change] = []
        touched: dict[int, list[int]] = {}
        slots: dict[tuple[int, int], int] = {}
        for p, d, new in changes:
            old = sched[p][d]
            if old == new:
                continue
            undo.append((p, d, old))
            if old != OFF:
                slots[(d, old)] = slots.get((d, old), 0) - 1
            if new != OFF:
                slots[(d, new)] = slots.get((d, new), 0) + 1
            sched[p][d] = new
            touched.setdefault(p, []).append(d)
        d_soft = 0
        count, under, over = self.count, self.under, self.over
        for (d, s), diff in slots.items():
            if diff:
                before = count[d][s]
                after = before + diff
                d_soft += self.cover_cost(d, s, after) - self.cover_cost(d, s, before)
                count[d][s] = after
                req = c.requirement[d][s]
                if after < req:
                    under.add((d, s))
                else:
                    under.discard((d, s))
                if after > req and c.over_w[d][s] > 0:
                    over.add((d, s))
                else:
                    over.discard((d, s))
        undo.reverse()
        return d_soft, undo, touched

    def apply(self, changes: list[Change]) -> tuple[int, int, list[Change]]:
        """Make the changes; return the change in hard count and in soft penalty, and the
        changes that undo them (:meth:`revert` undoes them without scoring anyone again)."""
        d_soft, undo, touched = self._move(changes)
        d_hard = 0
        scorer = self.scorer
        weekly = self.c.weekly_rest > 0
        saved = []
        for p, days in touched.items():
            old = self.person[p]
            cache = scorer._week_cache.get(p)
            saved.append((p, old, cache[:] if weekly and cache is not None else None))
            new_h, new_s = scorer.score(p, self.sched[p], changed=days)
            self.person[p] = (new_h, new_s)
            d_hard += new_h - old[0]
            d_soft += new_s - old[1]
        self.hard += d_hard
        self.soft += d_soft
        self._saved = (saved, d_hard, d_soft)
        return d_hard, d_soft, undo

    def revert(self, undo: list[Change]) -> None:
        """Undo the last :meth:`apply` (``undo`` is what it returned): the people's scores
        come back from before it rather than being computed again."""
        saved, d_hard, d_soft = self._saved
        self._move(undo)
        for p, old, cache in saved:
            self.person[p] = old
            if cache is not None:
                self.scorer._week_cache[p] = cache
        self.hard -= d_hard
        self.soft -= d_soft
        self._saved = ([], 0, 0)


class Neighbourhood:
    """Random moves over a :class:`State` (see the module docstring)."""

    #: (move, relative weight)
    KINDS = ("change", "swap", "block_swap", "chain", "slide", "transfer", "request")
    WEIGHTS = (0.20, 0.18, 0.18, 0.12, 0.12, 0.12, 0.08)

    def __init__(
        self, st: State, rng: random.Random, max_block: int = 7, backfill: float = 0.3
    ) -> None:
        self.st = st
        self.backfill = backfill
        self.rng = rng
        c = st.c
        self.n_staff, self.n_days = c.n_staff, c.n_days
        #: options[n][d]: what person n may do on day d (OFF first)
        self.options = [
            [[OFF, *[s for s in range(c.n_shifts) if c.avail[n][d][s]]] for d in range(c.n_days)]
            for n in range(c.n_staff)
        ]
        #: able[d][s]: who may work shift s on day d
        self.able = [
            [[n for n in range(c.n_staff) if c.avail[n][d][s]] for s in range(c.n_shifts)]
            for d in range(c.n_days)
        ]
        self.max_block = max(2, min(max_block, c.n_days))
        self._cum: list[float] = []
        total = 0.0
        for w in self.WEIGHTS:
            total += w
            self._cum.append(total)
        self._movers = (
            self.change,
            self.swap,
            self.block_swap,
            self.chain,
            self.slide,
            self.transfer,
            self.request,
        )
        #: the moves about one person, which a backfill can extend
        self._single = {self.KINDS.index(k) for k in ("change", "chain", "slide", "transfer")}
        #: (person, day, shift, asked to work it) for every request with a weight
        self.requests = sorted(
            [(n, d, x, True) for (n, d, x), w in c.on_req.items() if w > 0]
            + [(n, d, x, False) for (n, d, x), w in c.off_req.items() if w > 0]
        )

    # --- drawing ---------------------------------------------------------------------------

    def propose(self) -> list[Change] | None:
        """A random move that keeps everyone within their availability, or ``None``."""
        r = self.rng.random() * self._cum[-1]
        k = 0
        while k < len(self._cum) - 1 and r >= self._cum[k]:
            k += 1
        changes = self._movers[k]()
        if changes and k in self._single and self.rng.random() < self.backfill:
            changes = self._backfill(changes)
        return changes

    def _backfill(self, changes: list[Change]) -> list[Change]:
        """Add, for each slot the changes leave short, someone free that day to fill it (a
        two-step ejection chain: one person's move, another's cover)."""
        st, rng = self.st, self.rng
        sched, count, req = st.sched, st.count, st.c.requirement
        moved = {p for p, _d, _s in changes}
        delta: dict[tuple[int, int], int] = {}
        for p, d, new in changes:
            old = sched[p][d]
            if old != OFF:
                delta[(d, old)] = delta.get((d, old), 0) - 1
            if new != OFF:
                delta[(d, new)] = delta.get((d, new), 0) + 1
        out = list(changes)
        for (d, s), diff in sorted(delta.items()):
            if diff < 0 and count[d][s] + diff < req[d][s]:
                free = [m for m in self.able[d][s] if sched[m][d] == OFF and m not in moved]
                if free:
                    m = rng.choice(free)
                    moved.add(m)
                    out.append((m, d, s))
        return out

    def _person(self) -> int:
        """Someone breaking a hard rule half the time (when there is anyone), else anyone."""
        st, rng = self.st, self.rng
        if st.hard and rng.random() < 0.5:
            bad = [n for n in range(self.n_staff) if st.person[n][0] > 0]
            if bad:
                return rng.choice(bad)
        return rng.randrange(self.n_staff)

    def _ok(self, changes: list[Change]) -> bool:
        avail = self.st.c.avail
        return all(x == OFF or avail[p][d][x] for p, d, x in changes)

    # --- moves -----------------------------------------------------------------------------

    def change(self) -> list[Change] | None:
        st, rng = self.st, self.rng
        sched = st.sched
        r = rng.random()
        if r < 0.3 and st.under:
            d, s = rng.choice(sorted(st.under))
            able = [n for n in self.able[d][s] if sched[n][d] != s]
            if not able:
                return None
            return [(rng.choice(able), d, s)]
        if r < 0.45 and st.over:
            d, s = rng.choice(sorted(st.over))
            on = [n for n in range(self.n_staff) if sched[n][d] == s]
            return [(rng.choice(on), d, OFF)] if on else None
        n = self._person()
        d = rng.randrange(self.n_days)
        options = self.options[n][d]
        if len(options) < 2:
            return None
        new = rng.choice(options)
        if new == sched[n][d]:
            return None
        return [(n, d, new)]

    def _partner(self, n: int, days: range) -> int:
        """Someone to exchange days with ``n``: usually a person who may work one of the
        shifts ``n`` works in ``days`` (so the exchange can be valid), else anyone."""
        rng, row = self.rng, self.st.sched[n]
        worked = [d for d in days if row[d] != OFF]
        if worked and rng.random() < 0.8:
            d = rng.choice(worked)
            return rng.choice(self.able[d][row[d]])
        return rng.randrange(self.n_staff)

    def swap(self) -> list[Change] | None:
        st, rng = self.st, self.rng
        n = self._person()
        d = rng.randrange(self.n_days)
        m = self._partner(n, range(d, d + 1))
        a, b = st.sched[n][d], st.sched[m][d]
        if n == m or a == b:
            return None
        changes = [(n, d, b), (m, d, a)]
        return changes if self._ok(changes) else None

    def block_swap(self) -> list[Change] | None:
        st, rng = self.st, self.rng
        n = self._person()
        length = rng.randint(2, self.max_block)
        d = rng.randrange(self.n_days - length + 1)
        m = self._partner(n, range(d, d + length))
        if n == m:
            return None
        rn, rm = st.sched[n], st.sched[m]
        changes = []
        for x in range(d, d + length):
            if rn[x] != rm[x]:
                changes.append((n, x, rm[x]))
                changes.append((m, x, rn[x]))
        return changes if changes and self._ok(changes) else None

    def request(self) -> list[Change] | None:
        """Grant an unmet request to work a shift, or honour a request not to, by a change
        or an exchange with someone else on that day."""
        st, rng = self.st, self.rng
        sched = st.sched
        if not self.requests:
            return None
        n, d, s, on = rng.choice(self.requests)
        if (sched[n][d] == s) == on:
            return None  # already kept
        if on:
            holders = [m for m in self.able[d][s] if sched[m][d] == s and m != n]
            if holders and rng.random() < 0.7:
                m = rng.choice(holders)
                changes = [(n, d, s), (m, d, sched[n][d])]
            else:
                changes = [(n, d, s)]
        else:
            others = [m for m in self.able[d][s] if sched[m][d] != s]
            if others and rng.random() < 0.7:
                m = rng.choice(others)
                changes = [(n, d, sched[m][d]), (m, d, s)]
            else:
                changes = [(n, d, OFF)]
        return changes if self._ok(changes) else None

    def chain(self) -> list[Change] | None:
        st, rng = self.st, self.rng
        n = self._person()
        length = rng.randint(2, self.max_block)
        d = rng.randrange(self.n_days - length + 1)
        row = st.sched[n]
        if rng.random() < 0.5:
            new = OFF
        else:
            # a shift the person already works nearby, or any they may do
            near = [row[x] for x in range(max(0, d - 1), min(self.n_days, d + length + 1)) if row[x] != OFF]
            choices = near or [s for s in self.options[n][d] if s != OFF]
            if not choices:
                return None
            new = rng.choice(choices)
        changes = [(n, x, new) for x in range(d, d + length) if row[x] != new]
        return changes if changes and self._ok(changes) else None

    def slide(self) -> list[Change] | None:
        """Move a run of work one day earlier or later, or grow or shrink it at one end."""
        st, rng = self.st, self.rng
        n = self._person()
        row = st.sched[n]
        days = self.n_days
        d = rng.randrange(days)
        if row[d] == OFF:
            return None
        a = d
        while a > 0 and row[a - 1] != OFF:
            a -= 1
        z = d
        while z + 1 < days and row[z + 1] != OFF:
            z += 1
        kind = rng.randrange(4)
        changes: list[Change] = []
        if kind == 0 and z + 1 < days:  # later
            changes = [(n, z + 1, row[z]), (n, a, OFF)]
            changes += [(n, x, row[x - 1]) for x in range(a + 1, z + 1)]
        elif kind == 1 and a > 0:  # earlier
            changes = [(n, a - 1, row[a]), (n, z, OFF)]
            changes += [(n, x, row[x + 1]) for x in range(a, z)]
        elif kind == 2:  # grow at one end
            if rng.random() < 0.5 and z + 1 < days:
                changes = [(n, z + 1, row[z])]
            elif a > 0:
                changes = [(n, a - 1, row[a])]
        else:  # shrink at one end
            changes = [(n, z if rng.random() < 0.5 else a, OFF)]
        return changes if changes and self._ok(changes) else None

    def transfer(self) -> list[Change] | None:
        """One person's shift moves to another day, or to another person on the same day."""
        st, rng = self.st, self.rng
        sched = st.sched
        if st.over and st.under and rng.random() < 0.5:
            d, s = rng.choice(sorted(st.over))
            d2, s2 = rng.choice(sorted(st.under))
            on = [n for n in range(self.n_staff) if sched[n][d] == s and sched[n][d2] in (OFF, s)]
            if not on:
                return None
            n = rng.choice(on)
            changes = [(n, d, OFF), (n, d2, s2)] if d != d2 else [(n, d, s2)]
            return changes if self._ok(changes) else None
        n = self._person()
        row = sched[n]
        worked = [x for x in range(self.n_days) if row[x] != OFF]
        if not worked:
            return None
        d = rng.choice(worked)
        if rng.random() < 0.5:
            d2 = rng.randrange(self.n_days)
            if row[d2] != OFF:
                return None
            changes = [(n, d, OFF), (n, d2, row[d])]
        else:
            m = rng.randrange(self.n_staff)
            if m == n or sched[m][d] != OFF:
                return None
            changes = [(n, d, OFF), (m, d, row[d])]
        return changes if self._ok(changes) else None
