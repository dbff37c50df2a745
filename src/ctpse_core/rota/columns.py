"""Price and branch: column generation over whole schedules, then an integer master.

Every built-in hard rule is about one person, and cover is soft, so a rota is one schedule
per person that keeps that person's rules, and its cost is the schedules' own penalties
(requests) plus the cover's. The master problem chooses one schedule (a column) per
person from a pool, with a slack below and above each slot's requirement at the slot's
under- and over-cover weights:

    minimise  sum_j cost_j x_j + sum_k (under_k u_k + over_k o_k)
    such that sum_j a_jk x_j + u_k - o_k = requirement_k   (each slot k)
              sum_{j of person n} x_j = 1                   (each person n)

Its linear relaxation is solved with HiGHS (``scipy.optimize.linprog``); the slots' duals
become cell costs (requests less the dual) for :class:`~ctpse_core.rota.pricing.RowPricer`,
which returns each person's cheapest schedules, and those with a negative reduced cost join
the pool (Desrosiers and Lübbecke's column generation; Curtois and Qu solved these
instances by branch and price). The pricer's least value ignores the caps on shift types,
so the master's value plus each person's least reduced cost is a lower bound on every rota
(:attr:`PriceResult.bound`). When the time share runs out or no column prices out, the
master is solved over the pool as an integer programme (HiGHS through
``scipy.optimize.milp``, time-limited): price and branch, a heuristic rather than the
exact branch and price. The built-in solver polishes the result with its local search.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterable, Sequence

import attrs
import numpy as np
from scipy import sparse
from scipy.optimize import LinearConstraint, linprog, milp

from ctpse_core.rota.compiled import OFF, WORK, Compiled
from ctpse_core.rota.pricing import RowPricer
from ctpse_core.rota.scoring import PersonScorer

__all__ = ["ColumnPool", "Fix", "PriceResult", "price_and_branch"]

#: fixings of a dive: person to day to the shift worked that day (OFF for a day off, WORK
#: for any shift)
Fix = dict[int, dict[int, int]]


@attrs.frozen
class PriceResult:
    #: the integer master's rota (one schedule per person), or None if none was found
    sched: list[list[int]] | None
    #: its cost (soft penalty: requests and cover), or None
    value: int | None
    #: the last linear master's value over the pool
    lp: float
    #: a lower bound on every rota's cost (-inf until a pricing round has run)
    bound: float
    rounds: int
    columns: int


class ColumnPool:
    """The columns so far: per person the distinct schedules, each with its cost and the
    slots it fills."""

    def __init__(self, c: Compiled, scorer: PersonScorer) -> None:
        self.c = c
        self.scorer = scorer
        self.slots = [
            (d, s)
            for d in range(c.n_days)
            for s in range(c.n_shifts)
            if c.requirement[d][s] or c.under_w[d][s] or c.over_w[d][s]
        ]
        self.slot_of = {ds: k for k, ds in enumerate(self.slots)}
        self.on_total = [0] * c.n_staff
        for (p, _d, _s), w in c.on_req.items():
            self.on_total[p] += w
        self.person: list[int] = []
        self.rows: list[tuple[int, ...]] = []
        self.cost: list[int] = []
        self.cells: list[list[int]] = []
        self.seen: set[tuple[int, tuple[int, ...]]] = set()
        self._grid = np.zeros((0, c.n_days), dtype=np.int64)
        self._person = np.zeros(0, dtype=np.int64)
        self._built: tuple[int, tuple[np.ndarray, sparse.csc_matrix, np.ndarray]] | None = None

    def add(self, n: int, row: Sequence[int]) -> bool:
        """Add person ``n``'s schedule if new and breaking none of their hard rules."""
        key = (n, tuple(row))
        if key in self.seen:
            return False
        hard, soft = self.scorer.score(n, list(row))
        if hard:
            return False
        self.seen.add(key)
        self.person.append(n)
        self.rows.append(key[1])
        self.cost.append(soft + self.on_total[n])
        self.cells.append([k for d, s in enumerate(row) if s != OFF and (k := self.slot_of.get((d, s))) is not None])
        return True

    def add_all(self, sched: Iterable[Sequence[int]]) -> None:
        for n, row in enumerate(sched):
            self.add(n, row)

    def grid(self) -> np.ndarray:
        """The columns' schedules as an array (column by day; OFF for a day off)."""
        if self._grid.shape[0] < len(self.rows):
            more = np.array(self.rows[self._grid.shape[0] :], dtype=np.int64).reshape(-1, self.c.n_days)
            self._grid = np.vstack([self._grid, more])
            self._person = np.array(self.person, dtype=np.int64)
        return self._grid

    def allowed(self, fix: Fix) -> np.ndarray:
        """Which columns keep the fixings ``fix`` (person to day to shift, OFF or WORK)."""
        grid = self.grid()
        ok = np.ones(len(self.rows), dtype=bool)
        for n, days in fix.items():
            if days:
                keys = np.fromiter(days.keys(), dtype=np.int64, count=len(days))
                want = np.fromiter(days.values(), dtype=np.int64, count=len(days))
                on = grid[:, keys]
                keeps = np.where(want == WORK, on != OFF, on == want)
                ok &= (self._person != n) | keeps.all(axis=1)
        return ok

    def collected(self, duals: np.ndarray) -> np.ndarray:
        """Per column, the slot duals it collects."""
        _obj, a, _rhs = self._problem()
        k = len(self.slots)
        return np.asarray(a[:k, : len(self.rows)].T @ duals)

    def _problem(self) -> tuple[np.ndarray, sparse.csc_matrix, np.ndarray]:
        """Objective, equality matrix and right-hand side: columns, then under and over
        slacks; rows: slots, then people."""
        if self._built is not None and self._built[0] == len(self.rows):
            return self._built[1]
        c = self.c
        k, m, p = len(self.slots), len(self.rows), c.n_staff
        obj = np.concatenate(
            [
                np.array(self.cost, dtype=float),
                np.array([c.under_w[d][s] for d, s in self.slots], dtype=float),
                np.array([c.over_w[d][s] for d, s in self.slots], dtype=float),
            ]
        )
        rows, cols = [], []
        for j, cells in enumerate(self.cells):
            rows.extend(cells)
            cols.extend([j] * len(cells))
            rows.append(k + self.person[j])
            cols.append(j)
        vals = [1.0] * len(rows)
        eye = list(range(k))
        rows += eye + eye
        cols += [m + i for i in eye] + [m + k + i for i in eye]
        vals += [1.0] * k + [-1.0] * k
        a = sparse.csc_matrix((vals, (rows, cols)), shape=(k + p, m + 2 * k))
        rhs = np.concatenate([np.array([c.requirement[d][s] for d, s in self.slots], dtype=float), np.ones(p)])
        self._built = (m, (obj, a, rhs))
        return obj, a, rhs

    def _kept(self, fix: Fix | None) -> tuple[np.ndarray, np.ndarray, sparse.csc_matrix, np.ndarray]:
        """The master over the columns that keep ``fix`` only (and every slack), so that a
        dive's linear programme shrinks as it fixes cells: the kept columns' indices, the
        objective, the matrix and the right-hand side."""
        obj, a, rhs = self._problem()
        m = len(self.rows)
        if not fix:
            return np.arange(m), obj, a, rhs
        cols = np.flatnonzero(self.allowed(fix))
        kept = np.concatenate([cols, np.arange(m, len(obj))])
        return cols, obj[kept], a[:, kept], rhs

    def relaxation(self, fix: Fix | None = None) -> tuple[float, np.ndarray, np.ndarray, np.ndarray] | None:
        """The linear master: (value, column values, slot duals, person duals) over the
        columns that keep the fixings ``fix``; None if someone has no such column."""
        cols, obj, a, rhs = self._kept(fix)
        res = linprog(obj, A_eq=a, b_eq=rhs, bounds=(0, None), method="highs")
        if res.status != 0:
            return None
        duals = np.asarray(res.eqlin.marginals)
        k = len(self.slots)
        x = np.zeros(len(self.rows))
        x[cols] = res.x[: len(cols)]
        return float(res.fun), x, duals[:k], duals[k:]

    def integer(self, seconds: float) -> list[list[int]] | None:
        """The integer master over the pool within ``seconds`` (HiGHS): a schedule per person,
        or None if HiGHS found no integer solution in time."""
        obj, a, rhs = self._problem()
        m = len(self.rows)
        integrality = np.zeros(len(obj))
        integrality[:m] = 1
        res = milp(
            obj,
            integrality=integrality,
            bounds=(0, np.inf),
            constraints=LinearConstraint(a, rhs, rhs),
            options={"time_limit": max(0.1, seconds), "disp": False},
        )
        if res.x is None:
            return None
        sched = [[OFF] * self.c.n_days for _ in range(self.c.n_staff)]
        for j in np.flatnonzero(res.x[:m] > 0.5):
            sched[self.person[j]] = list(self.rows[j])
        return sched


def price_and_branch(
    pricer: RowPricer,
    pool: ColumnPool,
    *,
    deadline: float,
    dive_until: float,
    mip_seconds: float,
    columns: int = 3,
    smooth: float = 0.5,
    slow: float = 0.1,
    rng: random.Random | None = None,
    clock: Callable[[], float] = time.perf_counter,
    on_rota: Callable[[list[list[int]], int], None] | None = None,
    max_dives: int | None = None,
    work_first: bool = True,
) -> PriceResult:
    """Column generation from ``pool`` until ``deadline`` (``clock``) or until no column
    prices out (the linear master is then optimal), then a dive until ``dive_until`` and
    the integer master. ``pool`` must hold at least one schedule per person. If the first
    round takes more than ``slow`` of the time to the deadline, it stops there (no rota).

    The dive (column generation with rounding, as in branch and price's diving heuristics)
    first fixes which days people work (with ``work_first``: the (person, day) pairs the
    linear master has worked whole or nearly, and the fractional ones it has worked the
    most, one per person and per day, each fixed to work some shift), and once the master
    decides every day's work or rest whole, cells, (person, day, shift) assignments the
    linear master makes whole or nearly, and the fractional ones it makes the most of (one
    per person and per slot), lets the
    column generation converge again under the fixings and repeats until the master is
    integral: a rota (see :func:`_dive`). Dives repeat while time is left, the later ones
    choosing the cells to fix at random (``rng``) in proportion to the master's shares,
    until one reaches the lower bound (or ``max_dives`` of them have ended). The integer
    master over every column then gets at most ``mip_seconds`` (HiGHS; none if 0), unless a
    dive reached the bound, and the better rota is returned. ``on_rota`` is called with each
    dive's rota and its cost as it is found (e.g. for another solver to polish meanwhile).

    Fixing work before shifts is what the linear master's fractions ask for where the days
    people work are the scarce resource: on Curtois-Qu Instance8 the weekends' cover is 133
    person-days against at most 134 the weekend caps allow, and dives that fixed cells at
    once ended a slot or two short (1,400-1,500 against the best known 1,300), while dives
    fixing work first reached 1,304-1,311 (docs/performance.md, the built-in's eighth pass)."""
    c = pool.c
    start = clock()
    lp, bound, rounds = _generate(pricer, pool, {}, deadline, columns, smooth, clock, 1)
    if clock() - start > slow * (deadline - start):
        # too few rounds would fit to get near the linear optimum: leave the time to the search
        return PriceResult(None, None, float(lp), float(bound), rounds, len(pool.rows))
    lp, more_bound, more = _generate(pricer, pool, {}, deadline, columns, smooth, clock, None)
    bound, rounds = max(bound, more_bound), rounds + more
    best: list[list[int]] | None = None
    best_value: int | None = None
    proved = math.ceil(bound - 1e-6) if math.isfinite(bound) else None
    dives = 0
    while clock() < dive_until and (best_value is None or proved is None or best_value > proved):
        got = _dive(pricer, pool, dive_until, columns, clock, rng if dives else None, work_first=work_first)
        dives += 1
        if got is None:
            break
        dived, more = got
        rounds += more
        value = _value(c, pool, dived)
        if on_rota is not None:
            on_rota(dived, value)
        if best_value is None or value < best_value:
            best, best_value = dived, value
        if max_dives is not None and dives >= max_dives:
            break
    done = best_value is not None and proved is not None and best_value <= proved
    sched = None if done or mip_seconds <= 0 else pool.integer(mip_seconds)
    if sched is not None:
        value = _value(c, pool, sched)
        if best_value is None or value < best_value:
            best, best_value = sched, value
    return PriceResult(best, best_value, float(lp), float(bound), rounds, len(pool.rows))


def _dive(
    pricer: RowPricer,
    pool: ColumnPool,
    until: float,
    columns: int,
    clock: Callable[[], float],
    rng: random.Random | None,
    threshold: float = 0.9,
    extra: float = 0.5,
    work_first: bool = True,
) -> tuple[list[list[int]], int] | None:
    """One dive: with ``work_first``, while the linear master leaves some person's work on
    some day fractional, a step fixes days to be worked (:func:`_work_step`); then, on
    cells, fix every (person, day, shift worked) the linear master fills
    to at least ``threshold`` (summed over the person's columns), and if none of those
    is fractional the fractional one it fills the most (with ``rng``, one drawn in
    proportion to the shares) and with it, from each other person, a cell filled to at
    least ``extra`` on a slot no other cell of the step takes
    (:func:`_fractional_step`), let the column generation converge again under the
    fixings (the pricer keeps them, the master leaves out the columns that break them),
    and repeat until the master takes one whole schedule per person: a rota. A fixing no
    schedule of the person keeps is undone and not tried again. Past ``until`` the dive
    goes on over the pool alone (no pricing) for at most a quarter of the time it had.
    The rota and the rounds priced, or None if it did not end in time or the master
    became infeasible."""
    c = pool.c
    fix: Fix = {}
    banned: set[tuple[int, int, int]] = set()
    rounds = 0
    start = clock()
    give_up = until + 0.25 * max(0.0, until - start)
    days = np.arange(c.n_days)
    while True:
        if clock() < until:
            rounds += _generate(pricer, pool, fix, until, columns, 0.0, clock, None)[2]
        elif clock() > give_up:
            return None
        relaxed = pool.relaxation(fix)
        if relaxed is None:
            return None
        _value, x, slot_dual, _p = relaxed
        used = np.flatnonzero(x > 1e-6)
        whole = {pool.person[j]: j for j in used if x[j] > 1 - 1e-6}
        if len(whole) == c.n_staff:
            return [list(pool.rows[whole[n]]) for n in range(c.n_staff)], rounds
        grid = pool.grid()
        share = np.zeros((c.n_staff, c.n_days, c.n_shifts + 1))
        for j in used:
            share[pool.person[j], days, grid[j]] += x[j]  # OFF (-1) is the last index
        picked = _work_step(share, fix, banned, rng, threshold, extra) if work_first else []
        if not picked:
            picked = _step(_cell_shares(share, fix, banned), rng, threshold, extra)
            if not picked:
                return None
        changed: dict[int, list[tuple[int, int]]] = {}
        for n, d, s in picked:
            changed.setdefault(n, []).append((d, s))
        for n, cells in changed.items():
            before = dict(fix.get(n, {}))
            fix[n] = {**before, **dict(cells)}
            if not _ensure(pricer, pool, fix, n, slot_dual):
                fix[n] = before
                banned.update((n, d, s) for d, s in cells)


def _work_step(
    share: np.ndarray,
    fix: Fix,
    banned: set[tuple[int, int, int]],
    rng: random.Random | None,
    threshold: float,
    extra: float,
) -> list[tuple[int, int, int]]:
    """A dive step on whether people work a day, before which shift: the (person, day)
    pairs with no fixing yet that the master has the person work to at least
    ``threshold`` (summed over the shifts), fixed to WORK; if all of those are whole,
    with them the fractional step over the shares of work (:func:`_step`).
    Empty when the master decides every such day whole (work or rest): the dive then
    goes on to cells. ``share`` is the master's per (person, day, shift), the day off
    last."""
    work = share[:, :, :-1].sum(axis=2)
    for n, fixed in fix.items():
        for d in fixed:
            work[n, d] = 0.0
    for n, d, s in banned:
        if s == WORK:
            work[n, d] = 0.0
    return [(n, d, WORK) for n, d, _k in _step(work[:, :, None], rng, threshold, extra)]


def _cell_shares(share: np.ndarray, fix: Fix, banned: set[tuple[int, int, int]]) -> np.ndarray:
    """``share`` (the master's per (person, day, shift), the day off last) with the day off
    and every cell fixed or banned cleared, in place: the cells a step may still fix."""
    share[:, :, OFF] = 0.0
    for n, fixed in fix.items():
        for d, s in fixed.items():
            if s >= 0:
                share[n, d, s] = 0.0
    for n, d, s in banned:
        if s >= 0:
            share[n, d, s] = 0.0
    return share


def _step(share: np.ndarray, rng: random.Random | None, threshold: float, extra: float) -> list[tuple[int, int, int]]:
    """The entries of ``share`` a dive step fixes: every one at least ``threshold``, and if
    all of those are whole, with them the fractional step (:func:`_fractional_step`). Empty
    when nothing is left to fix."""
    picked = [(int(n), int(d), int(s)) for n, d, s in np.argwhere(share >= threshold)]
    if all(share[cell] > 1 - 1e-6 for cell in picked):
        picked.extend(_fractional_step(share, rng, extra))
    return picked


def _fractional_step(
    share: np.ndarray, rng: random.Random | None, extra: float
) -> list[tuple[int, int, int]]:
    """The fractional cells a dive step fixes when the master fills none to the threshold:
    the one it fills the most (with ``rng``, drawn in proportion to the shares), then, in
    the same order, each other cell filled to at least ``extra`` whose person and slot no
    cell picked before has (one cell per person and per slot, so that two people each half
    on one slot are not both fixed to it). Empty if no cell is fractional."""
    frac = np.argwhere((share > 1e-6) & (share < 1 - 1e-6))
    if not len(frac):
        return []
    weights = share[tuple(frac.T)]
    if rng is None:
        order = np.argsort(-weights, kind="stable")
    else:
        # weighted sampling without replacement (Efraimidis and Spirakis): the first drawn
        # in proportion to its share, as a single draw would be
        keys = np.array([rng.random() ** (1.0 / w) for w in weights])
        order = np.argsort(-keys, kind="stable")
    picked: list[tuple[int, int, int]] = []
    people: set[int] = set()
    slots: set[tuple[int, int]] = set()
    for i in order:
        n, d, s = (int(v) for v in frac[i])
        if picked and (weights[i] < extra or n in people or (d, s) in slots):
            continue
        picked.append((n, d, s))
        people.add(n)
        slots.add((d, s))
    return picked


def _ensure(pricer: RowPricer, pool: ColumnPool, fix: Fix, n: int, slot_dual: np.ndarray) -> bool:
    """Make sure the pool holds a column of person ``n`` that keeps their fixings (priced at
    the slot duals); False if no schedule of theirs keeps them."""
    if (pool.allowed({n: fix[n]}) & (pool._person == n)).any():
        return True
    cost = _with_requests(_dual_cells(pool, slot_dual), pricer, n)
    _least, rows = pricer.price(n, cost.tolist(), columns=1, below=math.inf, fix=fix[n])
    return any(pool.add(n, row) for row in rows)


def _dual_cells(pool: ColumnPool, slot_dual: np.ndarray) -> np.ndarray:
    """The cost per day and shift the slot duals give (less each slot's dual)."""
    c = pool.c
    cost = np.zeros((c.n_days, c.n_shifts))
    for k, (d, s) in enumerate(pool.slots):
        cost[d, s] = -slot_dual[k]
    return cost


def _with_requests(cell: np.ndarray, pricer: RowPricer, n: int) -> np.ndarray:
    """Person ``n``'s cost per day and shift: ``cell`` (left unchanged) plus their requests."""
    cost = cell.copy()
    for (d, s), w in pricer.planner._req.get(n, {}).items():
        cost[d, s] += w
    return cost


def _generate(
    pricer: RowPricer,
    pool: ColumnPool,
    fix: Fix,
    deadline: float,
    columns: int,
    smooth: float,
    clock: Callable[[], float],
    limit: int | None,
) -> tuple[float, float, int]:
    """Column generation under the fixings ``fix`` until the deadline, ``limit`` rounds
    or no column prices out: (the linear master's value, the best lower bound, rounds).

    The duals are smoothed (Wentges 1997): each round prices at ``smooth`` times the duals
    that gave the best lower bound so far plus the rest times the master's own, and keeps
    the schedules that price out at the master's duals; a round that keeps none prices
    again at the master's duals alone, and ends the generation when that finds none."""
    rounds = 0
    bound = -np.inf
    lp = np.inf
    centre: np.ndarray | None = None
    while limit is None or rounds < limit:
        got = pool.relaxation(fix)
        if got is None:
            break
        lp, _x, slot_dual, person_dual = got
        added = 0
        for alpha in (smooth, 0.0) if centre is not None and smooth > 0 else (0.0,):
            if clock() > deadline:
                break
            rounds += 1
            duals = slot_dual if centre is None else alpha * centre + (1 - alpha) * slot_dual
            value, found = _price(pricer, pool, duals, columns, deadline, clock, fix)
            if value > bound:
                bound, centre = value, duals
            elif centre is None:
                centre = duals
            added = sum(pool.add(n, row) for n, row in found if _reduced(pool, n, row, slot_dual, person_dual) < -1e-6)
            if added or lp - bound < 1e-6:
                break
        if not added or clock() > deadline:
            break
    return lp, bound, rounds


def _price(
    pricer: RowPricer,
    pool: ColumnPool,
    duals: np.ndarray,
    columns: int,
    deadline: float,
    clock: Callable[[], float],
    fix: Fix,
) -> tuple[float, list[tuple[int, list[int]]]]:
    """Each person's cheapest schedules at the slot ``duals`` that keep their fixings, and
    the Lagrangian lower bound they give (-inf if the deadline cut the round short): the
    duals times the requirements plus, per person, the least of their penalty less the
    duals they collect (a relaxation's least, so still a bound)."""
    c = pool.c
    cell = _dual_cells(pool, duals)
    total = sum(float(duals[k]) * c.requirement[d][s] for k, (d, s) in enumerate(pool.slots))
    reduced = np.array(pool.cost, dtype=float) - pool.collected(duals)
    reduced[~pool.allowed(fix)] = np.inf
    best = np.full(c.n_staff, np.inf)
    np.minimum.at(best, pool._person, reduced)
    found: list[tuple[int, list[int]]] = []
    for n in range(c.n_staff):
        fixed = fix.get(n, {})
        if len(fixed) == c.n_days and WORK not in fixed.values():
            total += best[n]  # the schedule is fixed: the pool holds it
            continue
        cost = _with_requests(cell, pricer, n)
        least, rows = pricer.price(
            n, cost.tolist(), columns=columns, below=-pool.on_total[n] + best[n], fix=fixed or None
        )
        total += min(least + pool.on_total[n], best[n])
        found.extend((n, row) for row in rows)
        if clock() > deadline:
            return -np.inf, found
    return total, found


def _reduced(pool: ColumnPool, n: int, row: Sequence[int], slot_dual: np.ndarray, person_dual: np.ndarray) -> float:
    cells = [k for d, s in enumerate(row) if s != OFF and (k := pool.slot_of.get((d, s))) is not None]
    _hard, soft = pool.scorer.score(n, list(row))
    return soft + pool.on_total[n] - float(slot_dual[cells].sum()) - float(person_dual[n])


def _value(c: Compiled, pool: ColumnPool, sched: list[list[int]]) -> int:
    """The rota's cost: each person's penalty plus the cover's."""
    total = sum(pool.scorer.score(n, row)[1] + pool.on_total[n] for n, row in enumerate(sched))
    count = np.zeros((c.n_days, c.n_shifts), dtype=int)
    for row in sched:
        for d, s in enumerate(row):
            if s != OFF:
                count[d, s] += 1
    for d in range(c.n_days):
        for s in range(c.n_shifts):
            k, want = int(count[d, s]), c.requirement[d][s]
            total += (want - k) * c.under_w[d][s] if k < want else (k - want) * c.over_w[d][s]
    return int(total)

