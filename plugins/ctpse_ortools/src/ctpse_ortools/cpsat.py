"""The same rostering model as the built-in solver, for OR-Tools CP-SAT.

Every built-in hard rule is a constraint (one shift a day, availability, qualification,
forbidden successions, daily and weekly rest, shift caps, minutes per period, run
lengths, weekends); the soft rules (requests, under- and over-cover, fairness) are the
objective. Organisation rules added through ``ctpse_register_rota_constraints`` are not
encoded here: the validator checks them on the result.

Where the built-in's pricer models every rule of the problem (the published benchmark
instances' rules; not weekly rest or fairness terms), the built-in's price and branch
(:mod:`ctpse_core.rota.columns`: column generation over whole schedules, dives and an integer
master) runs first for ``price_first`` of the time (or until ``dives`` dives have ended); its
rota becomes CP-SAT's complete hint and its lower bound ends the solve at once if the rota
reaches it. Meanwhile CP-SAT runs in a thread beside it (the price and branch is
single-threaded) from each of its dives' rotas, and on from the best one while no dive waits
(:class:`_Polisher`); the best of those rotas and the price and branch's own is the hint, and
CP-SAT has the rest of the time. Where it gives no rota
(its pricer does not model the problem: weekly rest, fairness terms, or too many states, as
on long horizons), the built-in's whole search runs for ``unpriced_search`` of the time
instead and its rota is the hint, the answer if CP-SAT finds no better, and the LNS below
runs as with ``lns_share`` = ``unpriced_lns``. Then the solver runs
CP-SAT on the whole model. With ``lns_share`` (the ``cpsat_lns`` solver),
unless CP-SAT has proved its rota optimal by half the time, a large-neighbourhood search over
small sub-models (:mod:`ctpse_ortools.lns`) starts beside it from CP-SAT's best rota; after a
tenth of the time the one that improved the rota more goes on alone to the end (CP-SAT on a
tie), so CP-SAT keeps the time where its own search is stronger and the LNS takes it where
CP-SAT has stalled.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import attrs
from ortools.sat.python import cp_model

from ctpse_core.rota.compiled import OFF, Compiled, compile_problem
from ctpse_core.rota.model import RotaProblem
from ctpse_core.rota.moves import State
from ctpse_core.rota.rules import RotaConstraint
from ctpse_core.rota.scoring import PersonScorer
from ctpse_core.rota.search import LocalSearchSolver, SolveResult
from ctpse_core.rota.solvers import SolverError

__all__ = ["CpSatSolver", "build_model"]

log = logging.getLogger(__name__)


Schedule = list[list[int]]


@attrs.define
class _Model:
    model: cp_model.CpModel
    x: dict[tuple[int, int, int], cp_model.IntVar]
    objective_constant: int
    c: Compiled
    #: every other variable with its value for a given schedule, so a hint is complete
    derived: list[tuple[cp_model.IntVar, Callable[[Schedule], int]]] = attrs.Factory(list)

    def hint(self, sched: Schedule, model: cp_model.CpModel | None = None) -> None:
        """Hint ``sched`` on ``model`` (this one by default), every variable: CP-SAT
        takes a complete, feasible hint as its first solution at once, while an
        incomplete one is only followed by its full-problem worker (on Curtois-Qu
        Instance8 the ``max_lp`` worker never got there, and the search started from
        a first solution three times as costly as the built-in's construction)."""
        m = self.model if model is None else model
        m.clear_hints()  # type: ignore[no-untyped-call]
        for (n, d, s), v in self.x.items():
            m.add_hint(v, sched[n][d] == s)
        for v, value in self.derived:
            m.add_hint(v, value(sched))


def build_model(c: Compiled) -> _Model:
    m = cp_model.CpModel()
    x: dict[tuple[int, int, int], cp_model.IntVar] = {}
    for n in range(c.n_staff):
        for d in range(c.n_days):
            for s in range(c.n_shifts):
                if c.avail[n][d][s]:
                    x[n, d, s] = m.new_bool_var(f"x_{n}_{d}_{s}")
    # each person's variables, so a rule about one person does not scan everyone's
    # (that scan grew with staff x staff x days x shift types)
    own: list[dict[tuple[int, int, int], cp_model.IntVar]] = [{} for _ in range(c.n_staff)]
    for key, v in x.items():
        own[key[0]][key] = v
    zero = m.new_constant(0)
    derived: list[tuple[cp_model.IntVar, Callable[[Schedule], int]]] = []

    def var(n: int, d: int, s: int) -> cp_model.IntVar:
        return x.get((n, d, s), zero)

    work: list[list[cp_model.IntVar]] = []
    for n in range(c.n_staff):
        row = []
        for d in range(c.n_days):
            flag = m.new_bool_var(f"w_{n}_{d}")
            m.add(flag == sum(var(n, d, s) for s in range(c.n_shifts)))
            row.append(flag)
            derived.append((flag, partial(_works_any, n, (d,))))
        work.append(row)

    for (n, d, s), v in x.items():
        for t in c.forbid[s]:
            if (n, d + 1, t) in x:
                m.add_bool_or([v.Not(), x[n, d + 1, t].Not()])
        for d2, t in c.conflicts[d][s]:
            if (n, d2, t) in x:
                m.add_bool_or([v.Not(), x[n, d2, t].Not()])

    for n in range(c.n_staff):
        w = work[n]
        for s, limit in c.max_shifts[n].items():
            m.add(sum(var(n, d, s) for d in range(c.n_days)) <= limit)
        for first, last, complete in c.periods[n]:
            total = sum(c.minutes[d][s] * v for (_p, d, s), v in own[n].items() if first <= d < last)
            hi = c.max_minutes[n]
            if hi is not None:
                m.add(total <= hi)
            if complete and c.min_minutes[n] > 0:
                m.add(total >= c.min_minutes[n])
        k = c.max_cons[n]
        if k is not None:
            for d in range(c.n_days - k):
                m.add(sum(w[d : d + k + 1]) <= k)
        for need, on in ((c.min_cons[n], True), (c.min_off[n], False)):
            for d in range(1, c.n_days):
                for length in range(1, need):
                    if d + length >= c.n_days:
                        break
                    lits = [w[d - 1] if on else w[d - 1].Not()]
                    lits += [(w[d + i].Not() if on else w[d + i]) for i in range(length)]
                    lits.append(w[d + length] if on else w[d + length].Not())
                    m.add_bool_or(lits)
        weekends = c.max_weekends[n]
        if weekends is not None:
            flags = []
            for group in c.weekends:
                f = m.new_bool_var("")
                derived.append((f, partial(_works_any, n, tuple(group))))
                for d in group:
                    m.add_implication(w[d], f)
                m.add_bool_or([f.Not(), *[w[d] for d in group]])
                flags.append(f)
            m.add(sum(flags) <= weekends)
        if c.weekly_rest > 0:
            _weekly_rest(m, c, n, own[n], derived)

    terms = []
    constant = 0
    for (n, d, s), weight in c.on_req.items():
        if (n, d, s) in x:
            terms.append(weight * (1 - x[n, d, s]))
        else:
            constant += weight
    for (n, d, s), weight in c.off_req.items():
        if (n, d, s) in x:
            terms.append(weight * x[n, d, s])
    for d in range(c.n_days):
        for s in range(c.n_shifts):
            req = c.requirement[d][s]
            count = sum(v for _key, v in _slot(x, c, d, s))
            if c.under_w[d][s] and req:
                under = m.new_int_var(0, req, "")
                m.add(under >= req - count)
                terms.append(c.under_w[d][s] * under)
                derived.append((under, partial(_cover_gap, d, s, req, -1)))
            if c.over_w[d][s]:
                over = m.new_int_var(0, c.n_staff, "")
                m.add(over >= count - req)
                terms.append(c.over_w[d][s] * over)
                derived.append((over, partial(_cover_gap, d, s, req, 1)))
    for weight, counted, low in c.fair:
        # fairness: weight x (k - a) x (k - a - 1) for k such shifts (ctpse_core.rota.fairness)
        mine: dict[int, list[cp_model.IntVar]] = {}
        for (n, d, s), v in x.items():
            if counted[d][s]:
                mine.setdefault(n, []).append(v)
        for n in range(c.n_staff):
            a = low[n]
            if a is None:
                continue
            if n not in mine:
                constant += weight * a * (a + 1)
                continue
            u, u1, prod = fair_product(m, mine[n], a)
            terms.append(weight * prod)
            for var_, part in ((u, 0), (u1, 1), (prod, 2)):
                derived.append((var_, partial(_fair_term, n, counted, a, part)))
    m.minimize(sum(terms) + constant)
    return _Model(m, x, constant, c, derived)


def fair_product(
    m: cp_model.CpModel, mine: Sequence[Any], a: int
) -> tuple[cp_model.IntVar, cp_model.IntVar, cp_model.IntVar]:
    """The fairness term before its weight, on ``m``: ``u = k - a``, ``u - 1`` and their
    product ``(k - a)(k - a - 1)``, for ``k`` the sum of ``mine`` (0/1 literals or constants)."""
    k = len(mine)
    u = m.new_int_var(-a, k - a, "")
    m.add(u == sum(mine) - a)
    u1 = m.new_int_var(-a - 1, k - a - 1, "")
    m.add(u1 == u - 1)
    bound = max(abs(v * (v - 1)) for v in (-a, k - a))
    prod = m.new_int_var(0, bound, "")
    m.add_multiplication_equality(prod, [u, u1])
    return u, u1, prod


def _works_any(n: int, days: tuple[int, ...], sc: Schedule) -> int:
    return int(any(sc[n][d] != OFF for d in days))


def _cover_gap(d: int, s: int, req: int, sign: int, sc: Schedule) -> int:
    """Under-cover (``sign`` -1) or over-cover (1) of shift ``s`` on day ``d``."""
    return max(0, sign * (sum(row[d] == s for row in sc) - req))


def _fair_term(n: int, counted: list[list[bool]], a: int, part: int, sc: Schedule) -> int:
    u = sum(1 for d, t in enumerate(sc[n]) if t != OFF and counted[d][t]) - a
    return (u, u - 1, u * (u - 1))[part]


def _free_of(n: int, cells: tuple[tuple[int, int], ...], sc: Schedule) -> int:
    return int(all(sc[n][d] != s for d, s in cells))


def _slot(
    x: dict[tuple[int, int, int], cp_model.IntVar], c: Compiled, d: int, s: int
) -> list[tuple[tuple[int, int, int], cp_model.IntVar]]:
    return [((n, d, s), x[n, d, s]) for n in range(c.n_staff) if (n, d, s) in x]


def _weekly_rest(
    m: cp_model.CpModel,
    c: Compiled,
    n: int,
    x: dict[tuple[int, int, int], cp_model.IntVar],
    derived: list[tuple[cp_model.IntVar, Callable[[Schedule], int]]],
) -> None:
    """Some window of ``weekly_rest`` minutes inside each block is free of work. A longest
    free gap starts at the block start or at the end of some work, so those are the only
    windows to offer."""
    need = c.weekly_rest
    for first, lo, hi in c.blocks:
        near = [(key, v) for key, v in x.items() if key[0] == n and first - 3 <= key[1] < first + 8]
        points = {lo} | {c.end[d][s] for (_n, d, s), _v in near} | {e for _s, e in c.work[n]}
        options = []
        for p in sorted(points):
            if p < lo or p + need > hi:
                continue
            if any(a < p + need and p < b for a, b in c.work[n]):
                continue
            r = m.new_bool_var("")
            inside = []
            for (_n, d, s), v in near:
                if c.start[d][s] < p + need and p < c.end[d][s]:
                    m.add_implication(r, v.Not())
                    inside.append((d, s))
            # the window is taken whenever it is free of work
            derived.append((r, partial(_free_of, n, tuple(inside))))
            options.append(r)
        m.add_bool_or(options)  # none possible: the block cannot have its rest


@attrs.define
class CpSatSolver:
    """OR-Tools CP-SAT over the built-in rules; ``workers`` search threads.

    ``subsolvers`` names CP-SAT's full-problem workers. With few workers its default
    portfolio runs only the ``default_lp`` worker, whose LP relaxation leaves out the
    rules presolve turns into clauses (weekends, run lengths), so the lower bound stays
    far below the optimum and small instances are never proved optimal (Curtois and Qu
    Instance2: bound 208 against 828 after 60 s). ``max_lp`` linearises every
    constraint and proves it in seconds; LNS and first-solution workers still run.
    An empty tuple keeps CP-SAT's own portfolio.

    ``full_workers`` of the ``workers`` threads run full-problem workers; CP-SAT's
    large-neighbourhood and local-search workers share the rest (0: CP-SAT decides,
    which with few workers is all but one).
    """

    name: str = "cpsat"
    #: how strong the solver is among those installed (the default is the strongest): on
    #: the measured runs (docs/performance.md, issue 20 third pass) cpsat and hybrid split
    #: Instances 5-8 (hybrid better on 8, cpsat on 6 and 7), so cpsat stays the default
    rank: int = 30
    workers: int = 2
    full_workers: int = 0
    #: start from the built-in's construction (CP-SAT's solution hint). Off by default: with
    #: the hint complete, Curtois-Qu Instances 5-8, seeds 1-3, 60 CPU seconds each, ended
    #: within 2 % of the best known on 4 of 9 runs of 5-7 with it and 7 of 9 without (sum
    #: of the twelve gaps 180 % against 159 %; Instance6 1971-2046 with it, 1950-1957
    #: without); at 60 s wall on a quiet machine, seeds 1-3, neither was better overall (sum
    #: of gaps 84.5 % without, 93.3 % with; docs/performance.md, third quiet sitting)
    hint: bool = False
    #: share of the time for the built-in's price and branch (column generation over whole
    #: schedules, :mod:`ctpse_core.rota.columns`) before CP-SAT, when its pricer models every
    #: rule of the problem: its rota is CP-SAT's complete hint (so the result is never worse),
    #: and its lower bound ends the solve at once when that rota reaches it. 0 turns it off.
    #: Three quarters by default (the built-in's own price and branch ends there, CP-SAT then
    #: polishes instead of the built-in's annealing): Curtois-Qu Instances 5-8, seeds 1-3,
    #: 60 s on a quiet 2-core machine, 0.0-0.6 % above the best known on 5-7 where CP-SAT
    #: alone was 0.0-8.9 %, and 0.2-9.2 % on 8 where it was 16.9-24.1 %
    #: (docs/performance.md, fourth quiet sitting)
    price_first: float = 0.75
    #: with ``price_first``, the price and branch ends after this many dives (and leaves out
    #: its integer master), and CP-SAT, from the best rota, has the rest of the time on every
    #: worker; 0 (the default): dives while its time lasts, then the integer master. Measured
    #: with 1 against 0 (Curtois-Qu Instances 5-8, 60 s, seeds 1-3, the same session;
    #: docs/performance.md, the seventh pass): Instance6 proved optimal in 30-56 s (1,952 with
    #: 0), Instance5 1,145-1,148 (1,143, the optimum, with 0), Instance7 1,057-1,066 (1,057-1,059),
    #: Instance8 within 5 % in 3 of 9 runs (2 of 12 with 0): no better overall, so not the default
    dives: int = 0
    #: with ``price_first``, CP-SAT alone first for this share of the time: a problem it
    #: proves optimal in it (Curtois-Qu Instances 1-3 in 0.3-2.8 s) ends there, since the
    #: price and branch cannot prove an optimum its linear bound does not reach
    probe_first: float = 0.05
    #: with ``price_first``, CP-SAT (``workers`` threads) polishes the price and branch's dive
    #: rotas in a thread beside it (the price and branch runs on one core) for up to this share
    #: of the time each, the best dive not yet polished next; the best polished rota is the
    #: last stage's hint if it beats the price and branch's own. 0 turns it off
    polish: float = 0.05
    subsolvers: tuple[str, ...] = ("max_lp",)
    #: the LNS over small sub-models (:mod:`ctpse_ortools.lns`) may have the last ``lns_share``
    #: of the time, from CP-SAT's best rota, if its probe beside CP-SAT gains more than CP-SAT
    #: does meanwhile. 0 (CP-SAT alone) by default; the ``cpsat_lns`` solver has 0.5
    #: (docs/performance.md, issue 20 fifth pass: seeds 1-3 of Instances 5-8 still to measure)
    lns_share: float = 0.0
    #: ``lns_share`` where the price and branch gives no rota (its pricer does not model the
    #: problem, e.g. too many states on a long horizon): on 50 x 182 and 100 x 364 instances
    #: (docs/performance.md, larger instances) CP-SAT's full model improved the construction
    #: slowly or not at all in 60 s, and the LNS beside it gained 5-12 % more
    unpriced_lns: float = 0.5
    #: and the start there: the built-in's whole search (construction, annealing, ruin and
    #: recreate) for this share of the time, or its construction alone (0)
    unpriced_search: float = 0.5
    #: CP-SAT deterministic time for each LNS sub-problem
    lns_work: float = 0.05
    #: share of the time for the LNS's probe beside CP-SAT, after which the better goes on
    probe: float = 0.1
    #: the clock ``time_limit`` is measured on (benchmarks pass a processor-time clock)
    clock: Callable[[], float] = attrs.field(default=time.perf_counter, repr=False)

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
        clock = self.clock
        deadline = clock() + time_limit
        c = compile_problem(problem)
        built = build_model(c)
        start: tuple[Schedule, int] | None = None
        lns_share = self.lns_share
        unpriced = False  # the price and branch ran and gave no rota
        if self.price_first > 0:
            # CP-SAT alone for a moment: the small problems it proves optimal end here
            proved = self._proved(c, built, seed, self.probe_first * time_limit)
            if proved is not None:
                roster = c.roster(proved[0], self.name, seed, proved[1])
                return SolveResult(roster, proved[1], 0, time.perf_counter() - t0, 0)
            # the built-in's price and branch: its rota as the complete hint, and the answer
            # at once if its lower bound proves it optimal
            polisher = None
            if self.polish > 0:
                until = time.perf_counter() + self.price_first * time_limit
                polisher = _Polisher(self, built, seed, self.polish * time_limit, until, extra)
                polisher.start()
            try:
                pricing = LocalSearchSolver(mip_share=0.0) if self.dives else LocalSearchSolver()
                priced = pricing.price(
                    problem,
                    seed=seed,
                    time_limit=self.price_first * time_limit,
                    extra=extra,
                    on_rota=None if polisher is None else polisher.offer,
                    max_dives=self.dives or None,
                )
            finally:
                if polisher is not None:
                    polisher.stop()
            if priced is not None:
                roster, value, proved = priced
                start = (c.schedule_of(roster), value)
                if value <= proved:
                    log.info("cpsat: price and branch proved %d optimal", value)
                    roster = c.roster(start[0], self.name, seed, value)
                    return SolveResult(roster, value, 0, time.perf_counter() - t0, 0)
                if polisher is not None and polisher.best is not None and polisher.best[1] < value:
                    log.info(
                        "cpsat: %d polishes, the best rota %d (price and branch %d)",
                        polisher.polished, polisher.best[1], value,
                    )
                    start = polisher.best
                built.hint(start[0])
            else:
                unpriced = True
                lns_share = max(lns_share, self.unpriced_lns)
        if start is None and (self.hint or self.price_first > 0):
            # the built-in's rota (its whole search for half the time where the price and
            # branch gave none, else its construction) as the complete hint, kept as the
            # answer if CP-SAT finds nothing better: without it (the pricer does not model
            # weekly rest, fairness, or a long horizon's many states) CP-SAT alone found no
            # first rota on a 100 x 364 instance in 55 s; with the construction the default
            # ended at 224,048 there, with the search at 176,196-184,035 (the built-in alone
            # 181,469-190,102)
            search = self.unpriced_search * time_limit if unpriced else 0.0
            start = self._construction(problem, c, built, seed, extra, search)
        probe = _Probe(c, seed, clock, self.lns_work, fallback=start) if lns_share > 0 else None
        # from (1 - lns_share) of the time (or CP-SAT's first rota, if later) the LNS runs in
        # a thread beside CP-SAT for ``probe`` of the time, from CP-SAT's best rota (or the
        # start, if that is better)
        switch = deadline - lns_share * time_limit
        try:
            _status, sched, objective, steps = self._cpsat(
                c, built, seed, clock, deadline, probe, switch, self.probe * time_limit
            )
            # before it proves optimality CP-SAT's objective may count a cover slack beyond
            # the shortfall (1351 for a rota costing 1350): the rota's own cost, as the
            # built-in and the validator score it, is what is compared and returned
            objective = State(c, PersonScorer(c, extra), sched).total()[1]
        except SolverError:
            if start is None:
                raise
            log.info("cpsat: no rota from CP-SAT in the time; the start's %d kept", start[1])
            sched, objective, steps = start[0], start[1], 0
        if start is not None and start[1] < objective:
            sched, objective = start  # CP-SAT did not take the hint: the start is kept
        if probe is not None and probe.found is not None and probe.cost < objective:
            sched, objective = probe.found, probe.cost
        if probe is not None and probe.chosen and clock() < deadline:
            from ctpse_ortools.lns import search

            sched, (_hard, objective), lns_steps = search(
                c, sched, seed=seed + 1, until=deadline, clock=clock, threads=self.workers, work=self.lns_work
            )
            steps += lns_steps + probe.steps
            log.info("cpsat lns: objective %d, %d sub-problems", objective, lns_steps + probe.steps)
        roster = c.roster(sched, self.name, seed, objective)
        return SolveResult(roster, objective, 0, time.perf_counter() - t0, steps)

    def _construction(
        self,
        problem: RotaProblem,
        c: Compiled,
        built: _Model,
        seed: int,
        extra: Sequence[RotaConstraint],
        search: float = 0.0,
    ) -> tuple[Schedule, int] | None:
        """The built-in's construction (or with ``search`` seconds its whole search) hinted
        on ``built``: the rota and its objective, or None if it breaks a hard rule (then only
        the hint is left)."""
        if search > 0:
            sched = c.schedule_of(LocalSearchSolver().solve(problem, seed=seed, time_limit=search, extra=extra).roster)
        else:
            sched = c.schedule_of(LocalSearchSolver().construct(problem, seed=seed))
        built.hint(sched)
        hard, soft = State(c, PersonScorer(c, extra), sched).total()
        return None if hard else (sched, soft)

    def _proved(self, c: Compiled, built: _Model, seed: int, seconds: float) -> tuple[Schedule, int] | None:
        """CP-SAT alone for ``seconds``: its rota and objective if it proves that rota
        optimal, else None. Raises if it proves that the hard rules cannot all be met."""
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.1, seconds)
        solver.parameters.num_workers = self.workers
        solver.parameters.num_full_subsolvers = self.full_workers
        solver.parameters.random_seed = seed
        solver.parameters.subsolvers.extend(self.subsolvers)
        status = solver.solve(built.model)
        if status == cp_model.INFEASIBLE:
            raise SolverError("cpsat: the hard rules cannot all be met for this problem")
        if status != cp_model.OPTIMAL:
            return None
        log.info("cpsat: proved %d optimal alone", round(solver.objective_value))
        return _read(c, built, solver.value), round(solver.objective_value)

    def _cpsat(
        self,
        c: Compiled,
        built: _Model,
        seed: int,
        clock: Callable[[], float],
        deadline: float,
        probe: _Probe | None,
        switch: float,
        probe_time: float,
    ) -> tuple[Any, Schedule, int, int]:
        """CP-SAT on the whole model until ``deadline``, or until ``probe`` is chosen:
        the status, the rota, its objective and CP-SAT's branch count. Raises if no rota
        is found."""
        t0 = time.perf_counter()
        solver = cp_model.CpSolver()
        if clock is time.perf_counter:
            solver.parameters.max_time_in_seconds = max(0.1, deadline - clock())
        solver.parameters.num_workers = self.workers
        solver.parameters.num_full_subsolvers = self.full_workers
        solver.parameters.random_seed = seed
        solver.parameters.subsolvers.extend(self.subsolvers)
        status = _solve_until(solver, built, clock, deadline, probe, switch, probe_time)
        found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        log.info(
            "cpsat: %s objective %s bound %s after %.1f s",
            solver.status_name(status),
            round(solver.objective_value) if found else "-",
            round(solver.best_objective_bound),
            time.perf_counter() - t0,
        )
        if not found:
            if status == cp_model.INFEASIBLE:
                raise SolverError("cpsat: the hard rules cannot all be met for this problem")
            raise SolverError(f"cpsat: no rota found within the time ({solver.status_name(status)}); allow more time")
        return status, _read(c, built, solver.value), round(solver.objective_value), int(solver.num_branches)


class _Polisher:
    """CP-SAT in a thread beside the price and branch (which runs on one core), from its
    dives' rotas: each dive's rota (the best one waiting) for ``seconds`` at most, and
    while no dive is waiting, on from the best rota so far, until the next dive or
    ``until``. CP-SAT drops a dive's rota to its nearest plateau within a few seconds
    (Curtois-Qu Instance8: 1513-1727 to 1403-1418 in 10 s on one core), so each dive is a
    start, and the best polished rota is the last stage's hint. A dive's rota keeps every
    rule the pricer models, which is every rule of the problem (the price and branch runs
    only then), so it is a complete, feasible hint."""

    def __init__(
        self,
        owner: CpSatSolver,
        built: _Model,
        seed: int,
        seconds: float,
        until: float,
        extra: Sequence[RotaConstraint] = (),
    ) -> None:
        self.owner = owner
        #: the rotas' costs as the price and branch counts them (``extra`` rules included)
        self.scorer = PersonScorer(built.c, extra)
        self.built = built
        self.seed = seed
        self.seconds = max(0.1, seconds)
        self.until = until
        self.best: tuple[Schedule, int] | None = None
        self.polished = 0
        self.waiting: tuple[Schedule, int] | None = None
        self.cond = threading.Condition()
        self.stopped = False
        #: the CP-SAT solve running and whether it is a continuation (a dive's rota stops it)
        self.solver: cp_model.CpSolver | None = None
        self.continuing = False
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def offer(self, sched: Schedule, value: int) -> None:
        """A dive's rota and its cost (called by the price and branch as it finds them)."""
        with self.cond:
            if self.waiting is None or value < self.waiting[1]:
                self.waiting = ([list(row) for row in sched], value)
                if self.solver is not None and self.continuing:
                    self.solver.stop_search()
                self.cond.notify()

    def stop(self) -> None:
        with self.cond:
            self.stopped = True
            if self.solver is not None:
                self.solver.stop_search()
            self.cond.notify()
        self.thread.join()

    def _run(self) -> None:
        owner, built = self.owner, self.built
        while True:
            with self.cond:
                while self.waiting is None and self.best is None and not self.stopped:
                    self.cond.wait()
                left = self.until - time.perf_counter()
                if self.stopped or left < 0.1:
                    return
                self.continuing = self.waiting is None
                if self.waiting is not None:
                    (sched, value), self.waiting = self.waiting, None
                    if self.best is None or value < self.best[1]:
                        self.best = (sched, value)
                    left = min(self.seconds, left)
                else:
                    assert self.best is not None
                    sched, value = self.best
                solver = cp_model.CpSolver()
                solver.parameters.max_time_in_seconds = left
                solver.parameters.num_workers = owner.workers
                solver.parameters.num_full_subsolvers = owner.full_workers
                solver.parameters.random_seed = self.seed + self.polished
                solver.parameters.subsolvers.extend(owner.subsolvers)
                self.solver = solver
            model = built.model.clone()
            built.hint(sched, model)
            if self.stopped or (self.continuing and self.waiting is not None):
                status = cp_model.UNKNOWN  # stopped before CP-SAT started
            else:
                status = solver.solve(model)
            with self.cond:
                self.solver = None
                self.polished += 1
                if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                    # the rota's own cost: before optimality CP-SAT's objective may count a
                    # cover slack above the shortfall (the slacks are bounded below only)
                    found = _read(built.c, built, solver.value)
                    hard, cost = State(built.c, self.scorer, found).total()
                    log.debug("cpsat: %d polished to %d (%s)", value, cost, "on" if self.continuing else "a dive")
                    assert self.best is not None
                    if hard == 0 and cost < self.best[1]:
                        self.best = (found, cost)
                    if status == cp_model.OPTIMAL and self.continuing:
                        return  # nothing more to gain from this rota; the last stage proves it again


def _read(c: Compiled, built: _Model, value: Callable[[Any], Any]) -> Schedule:
    """The rota a CP-SAT solution gives (``value``: the solver's or a callback's)."""
    sched = [[OFF] * c.n_days for _ in range(c.n_staff)]
    for (n, d, s), v in built.x.items():
        if value(v):
            sched[n][d] = s
    return sched


@attrs.define
class _Probe:
    """The LNS run beside CP-SAT for a while, from CP-SAT's best rota at its start. It is
    ``chosen`` (CP-SAT stops and the LNS goes on to the end) if it improved the rota by more
    than CP-SAT did over the same time."""

    c: Compiled
    seed: int
    clock: Callable[[], float]
    work: float
    #: a rota (and its objective) to start from if it is better than CP-SAT's at the switch
    fallback: tuple[Schedule, int] | None = None
    found: Schedule | None = None
    cost: int = 0
    steps: int = 0
    chosen: bool = False
    thread: threading.Thread | None = None
    stop: threading.Event = attrs.Factory(threading.Event)

    def start(self, sched: Schedule, until: float) -> None:
        from ctpse_ortools.lns import search

        def run() -> None:
            best, (_hard, self.cost), self.steps = search(
                self.c, sched, seed=self.seed, until=until, clock=self.clock, threads=1, work=self.work, stop=self.stop
            )
            self.found = best

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()


def _solve_until(
    solver: cp_model.CpSolver,
    built: _Model,
    clock: Callable[[], float],
    deadline: float,
    probe: _Probe | None,
    switch: float,
    probe_time: float,
) -> Any:
    """Solve ``built``'s model until ``deadline``; with a ``probe``, start it at ``switch``
    (or at CP-SAT's first rota, if later) from CP-SAT's best rota, and after ``probe_time``
    stop CP-SAT if the probe gained more than CP-SAT did meanwhile."""
    c = built.c
    latest: dict[str, Any] = {"read_at": float("-inf"), "read_cost": 0.0}
    done = threading.Event()

    class Found(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            # the rota for the probe to start from; reading it costs a call per variable, so
            # on large models it is read at most a tenth of the time (the probe may then
            # start from a slightly older rota; its gain is measured from that one's cost)
            now = time.perf_counter()
            if probe is not None and probe.thread is None and now - latest["read_at"] >= 10 * latest["read_cost"]:
                sched = _read(c, built, self.value)
                latest["objective"], latest["sched"] = round(self.objective_value), sched
                latest["read_at"], latest["read_cost"] = now, time.perf_counter() - now
            latest["best"] = round(self.objective_value)

    def watch() -> None:
        probe_end = deadline
        start_objective = 0
        decided = probe is None
        while not done.wait(0.05):
            now = clock()
            if now >= deadline:
                solver.stop_search()
                return
            if decided or probe is None:
                continue
            if probe.thread is None and now >= switch and ("sched" in latest or probe.fallback is not None):
                sched, start_objective = latest.get("sched"), latest.get("objective")
                if probe.fallback is not None and (sched is None or probe.fallback[1] < start_objective):
                    sched, start_objective = probe.fallback
                probe_end = min(deadline, now + probe_time)
                probe.start(sched, probe_end)
            elif probe.thread is not None and now >= probe_end:
                probe.thread.join()
                decided = True
                lns_gain = start_objective - probe.cost
                cpsat_gain = start_objective - latest.get("best", start_objective)
                probe.chosen = lns_gain > cpsat_gain
                log.info("cpsat lns probe: gain %d, CP-SAT's %d meanwhile", lns_gain, cpsat_gain)
                if probe.chosen:
                    solver.stop_search()
                    return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        return solver.solve(built.model, Found())
    finally:
        done.set()
        watcher.join()
        if probe is not None and probe.thread is not None:
            probe.stop.set()  # CP-SAT proved the optimum (or the time is up) during the probe
            probe.thread.join()
