"""CP-SAT and the built-in solver together: the ``hybrid`` solver.

1. **Start.** The built-in solver's construction (each person's schedule planned whole,
   so no hard rule is broken on the instances measured): CP-SAT's solution hint.
2. **Full solve.** CP-SAT on the whole model (as the ``cpsat`` solver, with its
   ``max_lp`` worker) for ``full_share`` (two fifths) of the time; if it proves the rota
   optimal, that is the answer (small instances end here). If the start breaks a hard
   rule, CP-SAT has all the time, since LNS keeps most of a rota and cannot mend it.
3. **Large-neighbourhood search** (Shaw 1998; Pisinger and Ropke 2010) guided by CP-SAT,
   in two threads sharing the best rota (CP-SAT releases the GIL while it solves): most
   of the rota is fixed and CP-SAT re-solves the rest from the current rota, with a
   budget of CP-SAT's deterministic time (a measure of work, so a loaded machine gives
   the same sub-problems, only slower). The neighbourhoods: a run of days for everyone
   (half the time centred on a shift left under-covered), a group of people for the
   whole horizon, and a run of twice as many days for half the people. A rota no worse
   is kept (so the search drifts across plateaus). Each kind has its own size: it grows
   after a sub-problem is closed within half its budget and shrinks after one runs out
   (as CP-SAT's own LNS workers adapt theirs), so sub-problems stay as large as CP-SAT
   can close; kinds are drawn in proportion to how often they recently improved the
   rota. A day window that has grown to the whole horizon and is closed proves the
   optimum and ends the search.
4. **Polish.** The last fiftieth goes to the built-in moves from the best rota.

The result is never worse than the start (each stage keeps the best rota on the true
cost), so every hard rule holds whenever the construction or CP-SAT found a feasible
rota. Measured against ``cpsat`` in docs/performance.md (Rota, issue 20).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Sequence
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
from ctpse_ortools.cpsat import _Model, _read, build_model

__all__ = ["HybridSolver", "Neighbourhoods"]

log = logging.getLogger(__name__)


def _cost(c: Compiled, sched: list[list[int]]) -> tuple[int, int]:
    """(hard violations, soft penalty) of a schedule, as the built-in solver scores it."""
    st = State(c, PersonScorer(c), sched)
    return st.hard, st.soft


def _under_covered(c: Compiled, sched: list[list[int]]) -> list[int]:
    """Days with a shift below its requirement where under-cover costs something."""
    count = [[0] * c.n_shifts for _ in range(c.n_days)]
    for row in sched:
        for d, s in enumerate(row):
            if s != OFF:
                count[d][s] += 1
    return [
        d
        for d in range(c.n_days)
        for s in range(c.n_shifts)
        if c.under_w[d][s] and count[d][s] < c.requirement[d][s]
    ]


@attrs.define
class Neighbourhoods:
    """Which (person, day) cells an LNS step frees, and how large, adapted as it goes.

    ``size[kind]`` is in days for ``days`` and ``block`` (a block is twice as long, for
    half the people) and in people for ``people``. ``rate[kind]``: a moving average of
    how often that kind found a better rota; kinds are drawn in proportion to it (at
    least ``FLOOR`` each), so the search leans on what works on this instance."""

    c: Compiled
    size: dict[str, int]
    rate: dict[str, float] = attrs.Factory(dict)

    FLOOR = 0.1
    MEMORY = 0.9

    KINDS = ("days", "people", "block")

    @classmethod
    def start(cls, c: Compiled, window: int) -> Neighbourhoods:
        days = max(2, min(window, c.n_days))
        people = max(2, min(c.n_staff, c.n_staff // 5 or 1))
        return cls(c, {"days": days, "people": people, "block": days}, {k: 0.5 for k in cls.KINDS})

    def draw(self, sched: list[list[int]], rng: random.Random) -> tuple[str, set[tuple[int, int]]]:
        c = self.c
        kind = rng.choices(self.KINDS, [max(self.FLOOR, self.rate[k]) for k in self.KINDS])[0]
        size = self.size[kind]
        if kind == "people":
            group = rng.sample(range(c.n_staff), min(c.n_staff, size))
            return kind, {(n, d) for n in group for d in range(c.n_days)}
        span = min(c.n_days, size if kind == "days" else 2 * size)
        short = _under_covered(c, sched) if kind == "days" and rng.random() < 0.5 else []
        if short:
            centre = rng.choice(short)
            first = min(max(0, centre - span // 2), c.n_days - span)
        else:
            first = rng.randrange(c.n_days - span + 1)
        days = range(first, first + span)
        if kind == "days":
            return kind, {(n, d) for n in range(c.n_staff) for d in days}
        group = rng.sample(range(c.n_staff), max(1, c.n_staff // 2))
        return kind, {(n, d) for n in group for d in days}

    def record(self, kind: str, improved: bool) -> None:
        self.rate[kind] = self.MEMORY * self.rate[kind] + (1 - self.MEMORY) * improved

    def adapt(self, kind: str, step: int) -> None:
        """Grow (``step`` 1) or shrink (-1) the neighbourhoods of ``kind``."""
        most = self.c.n_staff if kind == "people" else self.c.n_days
        if kind == "block":
            most = max(2, (self.c.n_days + 1) // 2)
        self.size[kind] = max(2, min(most, self.size[kind] + step))


@attrs.define
class HybridSolver:
    """Construction, full CP-SAT, CP-SAT-guided LNS and a built-in polish (module docstring).

    ``hint_share``: share of the time limit for a built-in search before CP-SAT (0: the
    construction alone); ``full_share``: share of the rest for the full CP-SAT solve;
    ``polish_share``: share for the final polish (LNS has the rest); ``lns_threads``:
    LNS threads; ``sub_work``: CP-SAT deterministic time per LNS sub-problem (0.5 is
    one to two CPU seconds on Curtois-Qu Instance8); ``window``: the starting size of
    the day neighbourhoods; ``lns_workers``: CP-SAT threads per sub-problem."""

    name: str = "hybrid"
    rank: int = 25
    workers: int = 2
    lns_workers: int = 1
    lns_threads: int = 2
    hint_share: float = 0.0
    full_share: float = 0.4
    polish_share: float = 0.02
    sub_work: float = 0.5
    window: int = 7
    subsolvers: tuple[str, ...] = ("max_lp",)

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
        deadline = t0 + time_limit
        rng = random.Random(seed)
        c = compile_problem(problem)
        builtin = LocalSearchSolver()
        if self.hint_share > 0:
            first = builtin.solve(problem, seed=seed, time_limit=self.hint_share * time_limit, extra=extra)
            best = c.schedule_of(first.roster)
        else:
            best = c.schedule_of(builtin.construct(problem, seed=seed))
        best_cost = _cost(c, best)
        built = build_model(c)
        lns_end = deadline - self.polish_share * time_limit
        best, best_cost, steps, status = self._search(c, built, best, best_cost, rng, seed, lns_end)
        if status == cp_model.INFEASIBLE:
            raise SolverError("hybrid: the hard rules cannot all be met for this problem")
        left = deadline - time.perf_counter()
        if status != cp_model.OPTIMAL and (left > 0.5 or best_cost[0]):
            # the built-in's moves polish (and, if no feasible rota was found, repair) it
            roster = c.roster(best, self.name, seed, best_cost[1])
            polished = builtin.improve(problem, roster, seed=seed, time_limit=max(left, 1.0), extra=extra)
            if (polished.hard, polished.objective) < best_cost:
                best = c.schedule_of(polished.roster)
                best_cost = (polished.hard, polished.objective)
        roster = c.roster(best, self.name, seed, best_cost[1])
        return SolveResult(roster, best_cost[1], best_cost[0], time.perf_counter() - t0, steps)

    def _run(
        self,
        built: _Model,
        model: cp_model.CpModel,
        hint: list[list[int]],
        seed: int,
        limit: float,
        *,
        full: bool,
        work: float | None = None,
    ) -> tuple[Any, list[list[int]] | None, float]:
        """Solve ``model`` (the full one or a clone with cells fixed) from ``hint``: the
        status, the schedule found (or None) and the deterministic time used."""
        built.hint(hint, model)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.1, limit)
        solver.parameters.random_seed = seed
        if full:  # CP-SAT's max_lp worker, as `cpsat`
            solver.parameters.num_workers = self.workers
            solver.parameters.subsolvers.extend(self.subsolvers)
        else:  # a small sub-problem: the full LP relaxation closes it fastest
            solver.parameters.num_workers = self.lns_workers
            solver.parameters.linearization_level = 2
        if work is not None:
            solver.parameters.max_deterministic_time = work
        status = solver.solve(model)
        used = float(solver.deterministic_time)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return status, None, used
        return status, _read(built.c, built, solver.value), used

    def _search(
        self,
        c: Compiled,
        built: _Model,
        best: list[list[int]],
        best_cost: tuple[int, int],
        rng: random.Random,
        seed: int,
        until: float,
    ) -> tuple[list[list[int]], tuple[int, int], int, Any]:
        """CP-SAT on the whole model for ``full_share`` of the time, then ``lns_threads``
        LNS threads until ``until`` sharing the best rota (CP-SAT releases the GIL while
        it solves). CP-SAT proving optimality, or a sub-problem freeing every cell
        closing, ends the search. Returns the best rota, its cost, the number of sub-problems and the status
        (OPTIMAL when proved, INFEASIBLE when CP-SAT proved there is no rota)."""
        lock = threading.Lock()
        shared: dict[str, Any] = {"best": best, "cost": best_cost, "steps": 0, "status": cp_model.UNKNOWN}

        def offer(found: list[list[int]]) -> tuple[int, int]:
            cost = _cost(c, found)
            with lock:
                if cost <= shared["cost"]:
                    shared["best"], shared["cost"] = found, cost
            return cost

        full = cp_model.CpSolver()

        class Found(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                offer(_read(c, built, self.value))

        def full_solve(limit: float) -> None:
            model = built.model
            built.hint(best)
            full.parameters.max_time_in_seconds = max(0.1, limit)
            full.parameters.random_seed = seed
            full.parameters.num_workers = self.workers
            full.parameters.subsolvers.extend(self.subsolvers)  # its max_lp worker, as `cpsat`
            status = full.solve(model, Found())
            if status in (cp_model.OPTIMAL, cp_model.INFEASIBLE):
                shared["status"] = status
            log.debug("full solve: %s %s", full.status_name(status), shared["cost"])

        if self.full_share > 0 or best_cost[0]:
            # the whole model first (all the time it needs if the start breaks a hard rule,
            # since LNS keeps most of the rota and cannot mend it)
            share = self.full_share if best_cost[0] == 0 else 1.0
            full_solve(min(share * (until - time.perf_counter()), until - time.perf_counter()))
        lns = [
            threading.Thread(target=self._lns, args=(c, built, shared, lock, rng.random() + k, seed, until))
            for k in range(self.lns_threads)
        ]
        for t in lns:
            t.start()
        for t in lns:
            t.join()
        return shared["best"], shared["cost"], shared["steps"], shared["status"]

    def _lns(
        self,
        c: Compiled,
        built: _Model,
        shared: dict[str, Any],
        lock: threading.Lock,
        draw_seed: float,
        seed: int,
        until: float,
    ) -> None:
        """One LNS thread: from the shared best rota, free a neighbourhood, let CP-SAT
        re-solve it with a budget of ``sub_work``, keep a rota no worse; until ``until``
        or until the search is proved optimal (or infeasible)."""
        with lock:
            hoods = shared.setdefault("hoods", Neighbourhoods.start(c, self.window))
        mine = random.Random(draw_seed)
        base = built.model
        while time.perf_counter() + 0.2 < until and shared["status"] == cp_model.UNKNOWN:
            with lock:
                current, cost_now, step = shared["best"], shared["cost"], shared["steps"]
                if cost_now[0] == 0:
                    shared["steps"] += 1
                    kind, free = hoods.draw(current, mine)
            if cost_now[0]:  # LNS keeps most of the rota: it waits for one breaking no hard rule
                time.sleep(0.05)
                continue
            model = base.clone()
            proto = model.proto
            for (n, d, s), v in built.x.items():
                if (n, d) not in free:
                    value = int(current[n][d] == s)
                    domain = proto.variables[v.index].domain  # [0, 1]: fix it to [value, value]
                    domain[0] = value
                    domain[1] = value
            limit = until - time.perf_counter()
            status, found, used = self._run(
                built, model, current, seed + 1000 + step, limit, full=False, work=self.sub_work
            )
            cost = _cost(c, found) if found is not None else None
            with lock:
                hoods.record(kind, cost is not None and cost < shared["cost"])
                if found is not None and cost is not None and cost <= shared["cost"]:
                    shared["best"], shared["cost"] = found, cost
                log.debug(
                    "lns %d %s size %d: %s work %.2f best %s",
                    step,
                    kind,
                    hoods.size[kind],
                    cp_model.CpSolver().status_name(status),
                    used,
                    shared["cost"],
                )
                if status == cp_model.OPTIMAL and len(free) == c.n_staff * c.n_days:
                    shared["status"] = status  # the whole rota, proved optimal
                elif status == cp_model.OPTIMAL and used < self.sub_work / 2:
                    hoods.adapt(kind, 1)  # closed with time to spare: a larger one
                elif status != cp_model.OPTIMAL and used >= self.sub_work * 0.95:
                    hoods.adapt(kind, -1)  # ran out of work: a smaller one
