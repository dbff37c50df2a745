"""Large-neighbourhood search over small CP-SAT sub-models (the ``cpsat`` solver's second stage).

A neighbourhood frees a rectangle of the rota: some people over a run of days (all of
them over a few days, a few of them over the whole horizon, half of them over twice as
many days). :func:`build_sub` writes a fresh CP-SAT model over the free cells only; every
other cell is a constant, folded into the cover counts of the free days and into each
free person's counters (shifts, minutes, runs, weekends, fairness). Only the rules and
objective terms that touch a free cell are written, so a sub-model of Curtois-Qu
Instance8 has a few hundred variables and is built and solved in milliseconds, where a
clone of the whole model with the other cells fixed (the ``hybrid`` solver's LNS) costs
0.2-1 CPU seconds of presolve and LP. Its objective is the full objective less the terms
no free cell touches, so a better sub-model solution is a better rota by the same amount.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Sequence
from typing import Any

import attrs
from ortools.sat.python import cp_model

from ctpse_core.rota.compiled import OFF, Compiled
from ctpse_core.rota.moves import State
from ctpse_core.rota.scoring import PersonScorer
from ctpse_ortools.cpsat import fair_product

__all__ = ["Rect", "SubModel", "build_sub", "search"]

Schedule = list[list[int]]
#: a literal of the sub-model: a Boolean variable or a constant 0 / 1
Lit = Any


@attrs.define(frozen=True)
class Rect:
    """The free cells: ``people`` on days ``first`` to ``last - 1``."""

    people: tuple[int, ...]
    first: int
    last: int


@attrs.define
class SubModel:
    model: cp_model.CpModel
    x: dict[tuple[int, int, int], cp_model.IntVar]
    rect: Rect


def _not(lit: Lit) -> Lit:
    return 1 - lit if isinstance(lit, int) else lit.Not()


def _clause(m: cp_model.CpModel, lits: Sequence[Lit]) -> None:
    """At least one of ``lits``; constants folded (a true one satisfies the clause)."""
    free = []
    for lit in lits:
        if isinstance(lit, int):
            if lit:
                return
        else:
            free.append(lit)
    if free:
        m.add_bool_or(free)
    else:
        m.add_bool_or([m.new_constant(0)])  # broken by the fixed cells: infeasible


def _at_most(m: cp_model.CpModel, expr: Any, bound: int) -> None:
    """``expr <= bound``; a constant ``expr`` (no free cell in it) is left to the fixed
    rota, which keeps it."""
    if not isinstance(expr, int):
        m.add(expr <= bound)


def build_sub(c: Compiled, sched: Schedule, rect: Rect) -> SubModel:
    """The model over ``rect``'s free cells, the rest of ``sched`` fixed (module docstring)."""
    m = cp_model.CpModel()
    first, last = rect.first, rect.last
    inside = range(first, last)
    x: dict[tuple[int, int, int], cp_model.IntVar] = {}

    def lit(n: int, d: int, s: int) -> Lit:
        if first <= d < last:
            return x.get((n, d, s), 0)
        return int(sched[n][d] == s)

    terms: list[Any] = []
    for n in rect.people:
        for d in inside:
            for s in range(c.n_shifts):
                if c.avail[n][d][s]:
                    x[n, d, s] = m.new_bool_var("")
        w: list[Lit] = [int(v != OFF) for v in sched[n]]
        for d in inside:
            row = [x[n, d, s] for s in range(c.n_shifts) if (n, d, s) in x]
            if row:
                w[d] = m.new_bool_var("")
                m.add(w[d] == sum(row))
                m.add_hint(w[d], sched[n][d] != OFF)
            else:
                w[d] = 0
        _person(c, m, n, lit, w, first, last, terms, sched)
        for d in inside:
            for s in range(c.n_shifts):
                if (n, d, s) in x:
                    terms.append(c.on_req.get((n, d, s), 0) * (1 - x[n, d, s]))
                    terms.append(c.off_req.get((n, d, s), 0) * x[n, d, s])
    chosen = set(rect.people)
    for d in inside:
        fixed = [0] * c.n_shifts
        for n in range(c.n_staff):
            if n not in chosen and sched[n][d] != OFF:
                fixed[sched[n][d]] += 1
        for s in range(c.n_shifts):
            req = c.requirement[d][s]
            count = fixed[s] + sum(x[n, d, s] for n in rect.people if (n, d, s) in x)
            now = fixed[s] + sum(sched[n][d] == s for n in rect.people)
            if c.under_w[d][s] and req:
                under = m.new_int_var(0, req, "")
                m.add(under >= req - count)
                m.add_hint(under, max(0, req - now))
                terms.append(c.under_w[d][s] * under)
            if c.over_w[d][s]:
                over = m.new_int_var(0, c.n_staff, "")
                m.add(over >= count - req)
                m.add_hint(over, max(0, now - req))
                terms.append(c.over_w[d][s] * over)
    m.minimize(sum(terms))
    for (n, d, s), v in x.items():
        m.add_hint(v, sched[n][d] == s)
    return SubModel(m, x, rect)


def _person(
    c: Compiled,
    m: cp_model.CpModel,
    n: int,
    lit: Callable[[int, int, int], Lit],
    w: list[Lit],
    first: int,
    last: int,
    terms: list[Any],
    sched: Schedule,
) -> None:
    """Person ``n``'s hard rules and fairness terms that touch days ``first`` to ``last - 1``."""
    days = c.n_days
    touches = lambda a, b: a < last and first <= b  # noqa: E731 - days a..b meet the window
    for d in range(max(0, first - 1), min(last, days - 1)):
        for s in range(c.n_shifts):
            for t in c.forbid[s]:
                _clause(m, [_not(lit(n, d, s)), _not(lit(n, d + 1, t))])
    for d in range(max(0, first - 3), min(last, days)):
        for s in range(c.n_shifts):
            for d2, t in c.conflicts[d][s]:
                if touches(d, d2) and (first <= d < last or first <= d2 < last):
                    _clause(m, [_not(lit(n, d, s)), _not(lit(n, d2, t))])
    for s, limit in c.max_shifts[n].items():
        _at_most(m, sum(lit(n, d, s) for d in range(days)), limit)
    for p_first, p_last, complete in c.periods[n]:
        if not touches(p_first, p_last - 1):
            continue
        total = sum(c.minutes[d][s] * lit(n, d, s) for d in range(p_first, p_last) for s in range(c.n_shifts))
        hi = c.max_minutes[n]
        if hi is not None:
            _at_most(m, total, hi)
        if complete and c.min_minutes[n] > 0:
            _at_most(m, -total, -c.min_minutes[n])
    k = c.max_cons[n]
    if k is not None:
        for d in range(max(0, first - k), min(last, days - k)):
            _at_most(m, sum(w[d : d + k + 1]), k)
    for need, on in ((c.min_cons[n], True), (c.min_off[n], False)):
        for d in range(max(1, first - need), min(last + 1, days)):
            for length in range(1, need):
                if d + length >= days:
                    break
                if not touches(d - 1, d + length):
                    continue
                lits = [w[d - 1] if on else _not(w[d - 1])]
                lits += [(_not(w[d + i]) if on else w[d + i]) for i in range(length)]
                lits.append(w[d + length] if on else _not(w[d + length]))
                _clause(m, lits)
    weekends = c.max_weekends[n]
    if weekends is not None:
        flags: list[Lit] = []
        for group in c.weekends:
            if not any(first <= d < last for d in group):
                flags.append(int(any(w[d] for d in group)))
                continue
            f = m.new_bool_var("")
            m.add_hint(f, any(sched[n][d] != OFF for d in group))
            for d in group:
                _clause(m, [_not(w[d]), f])
            _clause(m, [_not(f), *[w[d] for d in group]])
            flags.append(f)
        _at_most(m, sum(flags), weekends)
    if c.weekly_rest > 0:
        _weekly_rest(c, m, n, lit, first, last, sched)
    for weight, counted, low in c.fair:
        a = low[n]
        if a is None:
            continue
        mine = [lit(n, d, s) for d in range(days) for s in range(c.n_shifts) if counted[d][s]]
        if not any(not isinstance(v, int) for v in mine):
            continue
        u, u1, prod = fair_product(m, mine, a)
        terms.append(weight * prod)
        k_now = sum(1 for d in range(days) if sched[n][d] != OFF and counted[d][sched[n][d]]) - a
        for var, value in ((u, k_now), (u1, k_now - 1), (prod, k_now * (k_now - 1))):
            m.add_hint(var, value)


def _weekly_rest(
    c: Compiled,
    m: cp_model.CpModel,
    n: int,
    lit: Callable[[int, int, int], Lit],
    first: int,
    last: int,
    sched: Schedule,
) -> None:
    """As the full model's weekly rest (``cpsat._weekly_rest``), for the blocks near the
    free days: a window is offered if no fixed cell inside it is worked."""
    need = c.weekly_rest
    for b_first, lo, hi in c.blocks:
        near_days = range(max(0, b_first - 3), min(c.n_days, b_first + 8))
        if not any(first <= d < last for d in near_days):
            continue
        near = [(d, s) for d in near_days for s in range(c.n_shifts) if c.avail[n][d][s]]
        points = {lo} | {c.end[d][s] for d, s in near} | {e for _s, e in c.work[n]}
        options: list[Lit] = []
        for p in sorted(points):
            if p < lo or p + need > hi:
                continue
            if any(a < p + need and p < b for a, b in c.work[n]):
                continue
            cells = [lit(n, d, s) for d, s in near if c.start[d][s] < p + need and p < c.end[d][s]]
            if any(v == 1 for v in cells if isinstance(v, int)):
                continue
            free = [v for v in cells if not isinstance(v, int)]
            if not free:
                options = [1]
                break
            r = m.new_bool_var("")
            m.add_hint(r, all(sched[n][d] != s for d, s in near if c.start[d][s] < p + need and p < c.end[d][s]))
            for v in free:
                m.add_implication(r, v.Not())
            options.append(r)
        _clause(m, options)


def _cost(c: Compiled, sched: Schedule) -> tuple[int, int]:
    """(hard violations, soft penalty) of a schedule, as the built-in solver scores it."""
    st = State(c, PersonScorer(c), sched)
    return st.hard, st.soft


def solve_sub(c: Compiled, sched: Schedule, rect: Rect, seed: int, work: float) -> tuple[Any, Schedule | None, float]:
    """Re-solve ``rect`` of ``sched`` with a budget of ``work`` deterministic seconds: the
    status, the new schedule (None if none found) and the deterministic time used."""
    sub = build_sub(c, sched, rect)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = work
    solver.parameters.max_time_in_seconds = 10.0 * work + 1.0
    # small models: the full LP relaxation closes them soonest, and probing and symmetry
    # detection cost more than they save (Instance8: 51 against 98 ms a sub-problem)
    solver.parameters.linearization_level = 2
    solver.parameters.add_lp_constraints_lazily = False
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.symmetry_level = 0
    status = solver.solve(sub.model)
    used = float(solver.deterministic_time)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, None, used
    out = [row[:] for row in sched]
    for n in rect.people:
        for d in range(rect.first, rect.last):
            out[n][d] = OFF
    for (n, d, s), v in sub.x.items():
        if solver.value(v):
            out[n][d] = s
    return status, out, used


@attrs.define
class Kinds:
    """The neighbourhood kinds, their sizes and how often each recently improved the rota.

    ``days``: everyone over ``size`` days (half the time centred on a day with a shift
    short); ``people``: ``size`` people over the whole horizon; ``block``: half the people
    over twice ``size`` days. A size grows after a sub-problem is closed (solved to
    optimality) and shrinks after one is not; kinds are drawn in proportion to their recent
    rate of improvement (at least ``FLOOR``)."""

    c: Compiled
    size: dict[str, int]
    rate: dict[str, float]

    KINDS = ("days", "people", "block")
    FLOOR = 0.1
    MEMORY = 0.95

    @classmethod
    def start(cls, c: Compiled) -> Kinds:
        return cls(c, {"days": 3, "people": 2, "block": 3}, {k: 0.5 for k in cls.KINDS})

    def draw(self, sched: Schedule, rng: random.Random) -> tuple[str, Rect]:
        c = self.c
        kind = rng.choices(self.KINDS, [max(self.FLOOR, self.rate[k]) for k in self.KINDS])[0]
        size = self.size[kind]
        if kind == "people":
            return kind, Rect(tuple(sorted(rng.sample(range(c.n_staff), min(c.n_staff, size)))), 0, c.n_days)
        span = min(c.n_days, size if kind == "days" else 2 * size)
        short = _short_days(c, sched) if rng.random() < 0.5 else []
        if short:
            centre = rng.choice(short)
            begin = min(max(0, centre - span // 2), c.n_days - span)
        else:
            begin = rng.randrange(c.n_days - span + 1)
        if kind == "days":
            people = tuple(range(c.n_staff))
        else:
            people = tuple(sorted(rng.sample(range(c.n_staff), max(1, c.n_staff // 2))))
        return kind, Rect(people, begin, begin + span)

    def record(self, kind: str, improved: bool) -> None:
        self.rate[kind] = self.MEMORY * self.rate[kind] + (1 - self.MEMORY) * improved

    def adapt(self, kind: str, step: int) -> None:
        most = self.c.n_staff if kind == "people" else self.c.n_days
        if kind == "block":
            most = max(2, (self.c.n_days + 1) // 2)
        self.size[kind] = max(1, min(most, self.size[kind] + step))


def _short_days(c: Compiled, sched: Schedule) -> list[int]:
    """Days with a shift off its requirement where that costs something."""
    count = [[0] * c.n_shifts for _ in range(c.n_days)]
    for row in sched:
        for d, s in enumerate(row):
            if s != OFF:
                count[d][s] += 1
    return [
        d
        for d in range(c.n_days)
        for s in range(c.n_shifts)
        if (c.under_w[d][s] and count[d][s] < c.requirement[d][s])
        or (c.over_w[d][s] and count[d][s] > c.requirement[d][s])
    ]


def search(
    c: Compiled,
    start: Schedule,
    *,
    seed: int,
    until: float,
    clock: Callable[[], float],
    threads: int = 2,
    work: float = 0.1,
    stop: threading.Event | None = None,
) -> tuple[Schedule, tuple[int, int], int]:
    """LNS from the hard-feasible ``start`` until ``clock()`` reaches ``until``, in
    ``threads`` threads sharing the best rota (CP-SAT releases the GIL while it solves). A
    rota no worse is kept, so the search drifts across plateaus. Returns the best rota,
    its (hard, soft) cost and the number of sub-problems solved. ``stop`` set ends it early."""
    lock = threading.Lock()
    kinds = Kinds.start(c)
    shared: dict[str, Any] = {"best": start, "cost": _cost(c, start), "steps": 0}

    def run(k: int) -> None:
        rng = random.Random(seed * 7919 + k)
        while clock() < until and not (stop is not None and stop.is_set()):
            with lock:
                current, before = shared["best"], shared["cost"]
                kind, rect = kinds.draw(current, rng)
                step = shared["steps"]
                shared["steps"] += 1
            status, found, _used = solve_sub(c, current, rect, seed + step, work)
            cost = _cost(c, found) if found is not None else None
            with lock:
                kinds.record(kind, cost is not None and cost < before)
                if found is not None and cost is not None and cost[0] == 0 and cost <= shared["cost"]:
                    shared["best"], shared["cost"] = found, cost
                # about half the sub-problems closed, as CP-SAT's own LNS aims for
                kinds.adapt(kind, 1 if status == cp_model.OPTIMAL else -1)

    workers = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return shared["best"], shared["cost"], shared["steps"]
