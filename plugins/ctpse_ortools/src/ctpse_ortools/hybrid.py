"""CP-SAT and the built-in solver together: the ``hybrid`` solver (``--solver hybrid``;
the default is ``cpsat``, which beat it on most measured runs: docs/performance.md).

1. **Hint.** The built-in solver's construction plus a short built-in search (a
   twentieth of the time) gives a rota that CP-SAT takes as its solution hint.
2. **Full solve.** CP-SAT on the whole model (as the ``cpsat`` solver, with its
   ``max_lp`` worker) for three quarters of the time; if it proves the rota optimal,
   that is the answer.
3. **Large-neighbourhood search** (Shaw; Pisinger and Ropke) guided by CP-SAT, for the
   instances it cannot close: most of the rota is fixed and CP-SAT re-solves a window
   (a run of days for everyone, a group of people for the whole horizon, or a run of
   days for a group of people), hinted with the current rota, with a few seconds each.
   A better rota is kept. The window grows after a sub-problem is solved to optimality
   quickly and shrinks after one runs out of time (as CP-SAT's own LNS workers adapt
   their neighbourhood size).
4. **Polish.** The last twentieth goes to the built-in moves from the best rota.

The result is never worse than the hint (each stage keeps the best rota on the true
cost), so every hard rule holds whenever the built-in's hint or CP-SAT found a feasible
rota.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
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
from ctpse_ortools.cpsat import _Model, build_model

__all__ = ["HybridSolver"]


def _cost(c: Compiled, sched: list[list[int]]) -> tuple[int, int]:
    """(hard violations, soft penalty) of a schedule, as the built-in solver scores it."""
    st = State(c, PersonScorer(c), sched)
    return st.hard, st.soft


Run = Callable[[cp_model.CpModel, float, list[list[int]]], tuple[Any, list[list[int]] | None]]


@attrs.define
class HybridSolver:
    """Hint, full CP-SAT, CP-SAT-guided LNS and a built-in polish (module docstring).

    ``hint_share``, ``full_share`` and ``polish_share``: shares of the time limit for the
    built-in hint, the full CP-SAT solve and the final polish (LNS has the rest);
    ``sub_limit``: seconds per LNS sub-problem; ``window``: its starting size (days, or
    people for a people window)."""

    name: str = "hybrid"
    rank: int = 25
    workers: int = 2
    hint_share: float = 0.05
    full_share: float = 0.75
    polish_share: float = 0.05
    sub_limit: float = 3.0
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
        first = builtin.solve(problem, seed=seed, time_limit=self.hint_share * time_limit, extra=extra)
        best = c.schedule_of(first.roster)
        best_cost = (first.hard, first.objective)
        built = build_model(c)
        steps = 0

        def run(model: cp_model.CpModel, limit: float, hint: list[list[int]]) -> tuple[Any, list[list[int]] | None]:
            nonlocal steps
            model.clear_hints()  # type: ignore[no-untyped-call]
            for (n, d, s), v in built.x.items():
                model.add_hint(v, hint[n][d] == s)
            solver = cp_model.CpSolver()
            solver.parameters.max_time_in_seconds = max(0.1, limit)
            solver.parameters.num_workers = self.workers
            solver.parameters.random_seed = seed + steps
            if model is built.model:  # the full solve: CP-SAT's max_lp worker, as `cpsat`
                solver.parameters.subsolvers.extend(self.subsolvers)
            steps += 1
            status = solver.solve(model)
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return status, None
            sched = [[OFF] * c.n_days for _ in range(c.n_staff)]
            for (n, d, s), v in built.x.items():
                if solver.value(v):
                    sched[n][d] = s
            return status, sched

        full_limit = min(self.full_share * time_limit, deadline - time.perf_counter())
        status, found = run(built.model, full_limit, best)
        if status == cp_model.INFEASIBLE and first.hard:
            raise SolverError("hybrid: the hard rules cannot all be met for this problem")
        if found is not None:
            cost = _cost(c, found)
            if cost < best_cost:
                best, best_cost = found, cost
        more = deadline - self.polish_share * time_limit - time.perf_counter()
        if found is None and status != cp_model.INFEASIBLE and more > 0.5:
            # no rota from CP-SAT yet: give it the time LNS would have had
            status, found = run(built.model, more, best)
            if found is not None and (cost := _cost(c, found)) < best_cost:
                best, best_cost = found, cost
        if status != cp_model.OPTIMAL and best_cost[0] == 0:
            best, best_cost = self._lns(c, built, run, best, best_cost, rng, deadline - self.polish_share * time_limit)
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

    def _lns(
        self,
        c: Compiled,
        built: _Model,
        run: Run,
        best: list[list[int]],
        best_cost: tuple[int, int],
        rng: random.Random,
        until: float,
    ) -> tuple[list[list[int]], tuple[int, int]]:
        x = built.x
        base = built.model
        days = max(2, min(self.window, c.n_days))
        people = max(2, min(c.n_staff, c.n_staff // 3 or 1))
        while time.perf_counter() + 0.5 < until:
            kind = rng.randrange(3)
            if kind == 0:  # a run of days, everyone
                first = rng.randrange(max(1, c.n_days - days + 1))
                free = {(n, d) for n in range(c.n_staff) for d in range(first, min(c.n_days, first + days))}
            elif kind == 1:  # a group of people, the whole horizon
                group = rng.sample(range(c.n_staff), min(c.n_staff, people))
                free = {(n, d) for n in group for d in range(c.n_days)}
            else:  # a longer run of days for half the people
                span = min(c.n_days, 2 * days)
                first = rng.randrange(max(1, c.n_days - span + 1))
                group = rng.sample(range(c.n_staff), max(1, c.n_staff // 2))
                free = {(n, d) for n in group for d in range(first, first + span)}
            model = base.clone()
            proto = model.proto
            for (n, d, s), v in x.items():
                if (n, d) not in free:
                    value = int(best[n][d] == s)
                    domain = proto.variables[v.index].domain  # [0, 1]: fix it to [value, value]
                    domain[0] = value
                    domain[1] = value
            limit = min(self.sub_limit, until - time.perf_counter())
            t = time.perf_counter()
            status, found = run(model, limit, best)
            if found is not None:
                cost = _cost(c, found)
                if cost < best_cost:
                    best, best_cost = found, cost
            quick = status == cp_model.OPTIMAL and time.perf_counter() - t < limit / 2
            if kind == 1:
                people = min(c.n_staff, people + 1) if quick else max(2, people - 1)
            else:
                days = min(c.n_days, days + 1) if quick else max(2, days - 1)
        return best, best_cost
