"""The built-in solver: each person's schedule planned whole (so no hard rule is broken
from the start), then price and branch, then simulated annealing with restarts and
ruin-and-recreate.

Price and branch (:mod:`ctpse_core.rota.columns`, when :class:`~ctpse_core.rota.pricing.
RowPricer` models every rule of the problem and no ``iterations`` budget is given) runs
column generation over whole schedules from the construction's, a dive and an integer
master over the schedules generated; its rota replaces the construction's when cheaper,
and its lower bound ends the search early when a rota reaches it.

No extra dependency. The search runs in rounds of ``round_moves`` moves (see
:mod:`ctpse_core.rota.moves` for the moves): the first round of a run cools from a
temperature at which a typical worsening move is taken half the time down to one at
which the smallest is taken about once in a thousand; after each round, ruin and recreate
(1 to ``ruin`` people planned again whole by :mod:`ctpse_core.rota.rowplan`, kept when no
worse) descends from the run's best; each later round starts from the
run's best rota, perturbed by a few random block moves, at a lower temperature; after
``patience`` rounds without a better rota a new run starts, from a fresh construction
or (``crossover`` of the time) from two of the ``elite`` best rotas runs ended with, each
person's days taken whole from one of them.
Without a move budget it runs until the time limit (or objective 0); with ``iterations``
it stops after that many moves, so a seed and a count always give the same rota.

The cost of a schedule is ``hard violations x a weight above any soft penalty
(:func:`~ctpse_core.rota.moves.hard_weight`) + soft penalty``; while searching, a
hard violation costs a weight that oscillates between the largest soft weight and
``HARD`` (up while the schedule breaks a hard rule, down while it does not), and the best
schedule is judged on the true cost. Most rules are about one person, so a move is priced
by re-scoring the one or two people it touches plus the cover of the slots it changes.
Organisation rules registered with ``per_person=True`` are scored the same way; others
are checked by the validator afterwards.
"""

from __future__ import annotations

import math
import random
import sys
import time
from collections.abc import Callable, Sequence

import attrs

from ctpse_core.rota.columns import ColumnPool, price_and_branch
from ctpse_core.rota.compiled import OFF, Compiled, compile_problem
from ctpse_core.rota.feasibility import restore
from ctpse_core.rota.model import Roster, RotaProblem
from ctpse_core.rota.moves import HARD, Change, Neighbourhood, State
from ctpse_core.rota.pricing import RowPricer
from ctpse_core.rota.rowplan import RowPlanner, cover_costs
from ctpse_core.rota.rules import RotaConstraint
from ctpse_core.rota.scoring import PersonScorer

__all__ = ["HARD", "LocalSearchSolver", "PersonScorer", "SolveResult"]


@attrs.frozen
class SolveResult:
    roster: Roster
    objective: int
    hard: int
    seconds: float
    iterations: int


@attrs.define
class LocalSearchSolver:
    """Construction, then simulated annealing in rounds restarted from a shaken best (see
    the module docstring).

    ``round_moves``: moves in one annealing round (capped by the ``iterations`` budget);
    ``patience``: rounds without a better rota before a fresh run; ``reheat``: where the
    later rounds start between the final (0) and the first temperature (1), on a log
    scale; ``shake``: random block moves that perturb the best rota before a later round;
    ``oscillate`` and ``floor``: the oscillating hard weight and its lowest value as a
    share of the largest soft weight; ``backfill``: how often a move that leaves a slot
    short is extended by someone taking it; ``elite`` and ``crossover``: how many run
    results are kept, and how often a new run starts from a crossover of two of them;
    ``restore_budget``: moves the final repair of hard rules may price
    (:func:`ctpse_core.rota.feasibility.restore`).
    """

    name: str = "builtin"
    #: how strong the solver is among those installed (the default is the strongest)
    rank: int = 10
    round_moves: int = 20_000
    patience: int = 6
    reheat: float = 0.6
    shake: int = 3
    oscillate: bool = True
    floor: float = 1.0
    backfill: float = 0.3
    elite: int = 4
    crossover: float = 0.5
    restore_budget: int = 2_000_000
    #: search nodes for planning one person's schedule (:mod:`ctpse_core.rota.rowplan`)
    plan_nodes: int = 4_000
    #: ruin-and-recreate steps after each annealing round (each a share of the staff,
    #: 1 to ``ruin`` people, re-planned whole); a step counts as ``recreate_moves`` moves
    recreate: float = 1.0
    ruin: int = 3
    recreate_moves: int = 200
    #: price and branch (:mod:`ctpse_core.rota.columns`) after the construction, when the
    #: pricer models every rule of the problem and no ``iterations`` budget is given: the
    #: root's column generation until this share of the time limit, the dive until
    #: ``dive_share``, then the integer master for at most ``mip_share``; 0 turns it off
    price_share: float = 0.45
    dive_share: float = 0.65
    mip_share: float = 0.1

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
        deadline = t0 + time_limit
        proved = 0  # a proved lower bound on the objective: the search stops there
        if iterations is None and self.price_share > 0 and c.n_staff and c.n_days:
            sched, proved = self._price(c, scorer, sched, rng, t0, time_limit)
        state = State(c, scorer, sched)
        done = 0
        # while no feasible rota has been seen, the search stops early enough to leave
        # ``restore`` a quarter of the time (at most 15 s) to mend the hard rules
        reserve = deadline - min(15.0, 0.25 * time_limit)
        if c.n_staff and c.n_days:
            done = self._search(state, rng, iterations, deadline, reserve, proved)
        if state.hard:
            # a rota breaking a hard rule is worse than a late one: the repair may run past
            # the limit, by at most the limit again (and at least 1 s)
            restore(state, rng, deadline=max(deadline, time.perf_counter() + 1.0) + time_limit,
                    budget=self.restore_budget)
            left = None if iterations is None else iterations - done
            if not state.hard and time.perf_counter() < deadline and (left is None or left > 0):
                # the rest of the time polishes the feasible rota (the best is kept)
                done += self._search(state, rng, left, deadline)
        hard, soft = state.total()
        roster = c.roster(state.sched, self.name, seed, soft)
        return SolveResult(roster, soft, hard, time.perf_counter() - t0, done)

    def price(
        self,
        problem: RotaProblem,
        *,
        seed: int = 0,
        time_limit: float = 30.0,
        extra: Sequence[RotaConstraint] = (),
        on_rota: Callable[[list[list[int]], int], None] | None = None,
        max_dives: int | None = None,
    ) -> tuple[Roster, int, int] | None:
        """The construction, then price and branch alone (no local search) within
        ``time_limit``, e.g. as another solver's start: the rota, its objective and the lower
        bound proved on every rota's objective (0 if none). None when the pricer does not
        model every rule of the problem, or the rota breaks a hard rule. ``on_rota`` is called
        with each dive's rota (one schedule per person) and its soft cost as it is found; with
        ``max_dives`` it ends after that many dives (and the integer master, if ``mip_share``)."""
        t0 = time.perf_counter()
        rng = random.Random(seed)
        c = compile_problem(problem)
        scorer = PersonScorer(c, extra)
        pricer = RowPricer(RowPlanner(c, scorer.extra))
        if not (c.n_staff and c.n_days) or not pricer.supported:
            return None
        sched = [[OFF] * c.n_days for _ in range(c.n_staff)]
        self._construct(c, scorer, sched, rng)
        # the shares of ``_price`` end at (dive_share + mip_share) of the limit it is given
        limit = time_limit / (self.dive_share + self.mip_share)
        sched, proved = self._price(c, scorer, sched, rng, t0, limit, pricer, on_rota, max_dives)
        hard, soft = State(c, scorer, sched).total()
        if hard:
            return None
        return c.roster(sched, self.name, seed, soft), soft, proved

    def improve(
        self,
        problem: RotaProblem,
        roster: Roster,
        *,
        seed: int = 0,
        time_limit: float = 5.0,
        iterations: int | None = None,
        extra: Sequence[RotaConstraint] = (),
    ) -> SolveResult:
        """Search from ``roster`` (another solver's rota) with the same moves, and repair
        any hard rule still broken (:func:`~ctpse_core.rota.feasibility.restore`): the result
        is never worse on the true cost (hard violations first) than the rota given."""
        t0 = time.perf_counter()
        rng = random.Random(seed)
        c = compile_problem(problem)
        state = State(c, PersonScorer(c, extra), c.schedule_of(roster))
        done = 0
        deadline = t0 + time_limit
        if c.n_staff and c.n_days:
            reserve = deadline - min(15.0, 0.25 * time_limit)
            done = self._search(state, rng, iterations, deadline, reserve)
        if state.hard:
            restore(state, rng, deadline=max(deadline, time.perf_counter() + 1.0) + time_limit,
                    budget=self.restore_budget)
        hard, soft = state.total()
        return SolveResult(
            c.roster(state.sched, roster.solver or self.name, seed, soft),
            soft,
            hard,
            time.perf_counter() - t0,
            done,
        )

    def construct(self, problem: RotaProblem, *, seed: int = 0) -> Roster:
        """The greedy construction alone (fairest first), e.g. as another solver's hint."""
        c = compile_problem(problem)
        sched = [[OFF] * c.n_days for _ in range(c.n_staff)]
        self._construct(c, PersonScorer(c), sched, random.Random(seed))
        return c.roster(sched, self.name, seed, None)

    def _price(
        self,
        c: Compiled,
        scorer: PersonScorer,
        sched: list[list[int]],
        rng: random.Random,
        t0: float,
        limit: float,
        pricer: RowPricer | None = None,
        on_rota: Callable[[list[list[int]], int], None] | None = None,
        max_dives: int | None = None,
    ) -> tuple[list[list[int]], int]:
        """Price and branch (:func:`~ctpse_core.rota.columns.price_and_branch`) from the
        construction's schedules, in the shares of the time ``limit`` from ``t0`` given by
        the solver's settings: its rota if it is better than ``sched``, else ``sched``, and
        the lower bound it proved on the objective (0 if none)."""
        if pricer is None:
            pricer = RowPricer(RowPlanner(c, scorer.extra))
        if not pricer.supported:
            return sched, 0
        pool = ColumnPool(c, scorer)
        pool.add_all(sched)
        if len(set(pool.person)) < c.n_staff:
            return sched, 0  # someone's row breaks a rule: the master would have no column for them
        got = price_and_branch(
            pricer,
            pool,
            deadline=t0 + self.price_share * limit,
            dive_until=t0 + self.dive_share * limit,
            mip_seconds=self.mip_share * limit,
            rng=rng,
            on_rota=on_rota,
            max_dives=max_dives,
        )
        proved = max(0, math.ceil(got.bound - 1e-6)) if math.isfinite(got.bound) else 0
        if got.sched is not None and State(c, scorer, got.sched).cost < State(c, scorer, sched).cost:
            return got.sched, proved
        return sched, proved

    # --- construction ----------------------------------------------------------------------

    def _construct(
        self, c: Compiled, scorer: PersonScorer, sched: list[list[int]], rng: random.Random
    ) -> None:
        """Plan each person's whole schedule in turn (random order) against the cover the
        people before them leave (:class:`~ctpse_core.rota.rowplan.RowPlanner`: cheapest first,
        breaking none of their hard rules); anyone the planner finds no such schedule for
        within its budget is filled in afterwards by the day-by-day greedy
        (:meth:`_fill`)."""
        planner = RowPlanner(c, scorer.extra)
        count = [[0] * c.n_shifts for _ in range(c.n_days)]
        for row in sched:
            for d, s in enumerate(row):
                if s != OFF:
                    count[d][s] += 1
        left = []
        for n in rng.sample(range(c.n_staff), c.n_staff):
            got = planner.plan_some(n, cover_costs(c, n, count, sched[n]), rng, nodes=self.plan_nodes)
            if got is None:
                left.append(n)
                continue
            for d, s in enumerate(sched[n]):
                if s != OFF:
                    count[d][s] -= 1
            sched[n] = got[0]
            for d, s in enumerate(got[0]):
                if s != OFF:
                    count[d][s] += 1
        if left:
            self._fill(c, scorer, sched, rng, left)

    def _fill(
        self,
        c: Compiled,
        scorer: PersonScorer,
        sched: list[list[int]],
        rng: random.Random,
        people: list[int],
    ) -> None:
        """Fill each day's cover in order with ``people``, fairest first, never breaking a
        hard rule that the days so far can already decide."""
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
                candidates = [n for n in people if sched[n][d] == OFF and c.avail[n][d][s]]
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

    # --- search ----------------------------------------------------------------------------

    def _search(
        self,
        st: State,
        rng: random.Random,
        budget: int | None,
        deadline: float,
        reserve: float | None = None,
        proved: int = 0,
    ) -> int:
        """Anneal in rounds until the budget (moves) or the deadline is spent, or the cost
        reaches ``proved``, a lower bound (nothing can be better); leave ``st`` at the best
        schedule seen.

        A run starts from a fresh construction at the full temperature (or from a
        crossover of two earlier runs' results at the lower one); each later round of the
        run starts from the run's best, shaken, at the lower temperature. After
        ``patience`` rounds without a better rota the run ends and a new one starts."""
        c = st.c
        nb = Neighbourhood(st, rng, backfill=self.backfill)
        planner = RowPlanner(c, st.scorer.extra)
        limit = budget if budget is not None else sys.maxsize
        length = max(1, min(self.round_moves, limit))
        t_hi, t_lo = _temperatures(st, nb)
        # hard breaches cost ``weight`` each while searching: it rises while the schedule
        # breaks a hard rule and falls back towards the largest soft weight once it does not,
        # so the search can cross a breach to reach a better region (strategic oscillation)
        floor = self.floor * _largest_soft_weight(c) if self.oscillate else float(HARD)
        weight = floor
        best, best_sched = st.cost, st.snapshot()
        run_best, run_sched = best, best_sched
        elite: list[tuple[int, list[list[int]]]] = []
        it = attempts = stall = 0
        fresh = False
        top = t_hi
        while it < limit and best > proved:
            if fresh:
                _remember(elite, run_best, run_sched, self.elite)
                if len(elite) >= 2 and rng.random() < self.crossover:
                    # each person's rows from one of two good rotas: every per-person rule
                    # still holds, only the cover mixes
                    a, b = rng.sample(range(len(elite)), 2)
                    sched = [rng.choice((ra, rb))[:] for ra, rb in zip(elite[a][1], elite[b][1], strict=True)]
                    top = t_lo * (t_hi / t_lo) ** self.reheat
                else:
                    sched = [[OFF] * c.n_days for _ in range(c.n_staff)]
                    self._construct(c, st.scorer, sched, rng)
                    top = t_hi
                st.load(sched)
                run_best, run_sched = st.cost, st.snapshot()
                fresh = False
            elif it:
                st.load(run_sched)
                self._shake(st, nb)
                top = t_lo * (t_hi / t_lo) ** self.reheat
            moves = min(length, limit - it)
            temp = top
            cool = (t_lo / top) ** (1.0 / moves) if top > t_lo else 1.0
            end = it + moves
            improved = False
            while it < end:
                attempts += 1
                if attempts & 127 == 0:
                    now = time.perf_counter()
                    late = reserve is not None and now > reserve and best >= st.hard_weight
                    if now > deadline or late or attempts > 50 * limit:
                        limit = it  # out of time (or of moves that can be made): stop
                        break
                    weight = min(float(HARD), weight * 1.2) if st.hard else max(floor, weight / 1.2)
                changes = nb.propose()
                if not changes:
                    continue
                it += 1
                temp *= cool
                d_hard, d_soft, undo = st.apply(changes)
                delta = weight * d_hard + d_soft
                if delta <= 0 or (delta < 30 * temp and rng.random() < math.exp(-delta / temp)):
                    cost = st.cost
                    if cost < run_best:
                        run_best, run_sched, improved = cost, st.snapshot(), True
                        if cost < best:
                            best, best_sched = cost, run_sched
                            if best <= proved:
                                break
                else:
                    st.revert(undo)
            if self.recreate > 0 and it < limit and run_best < st.hard_weight:
                st.load(run_sched)
                steps = max(1, int(self.recreate * c.n_staff))
                steps = min(steps, max(1, (limit - it) // self.recreate_moves))
                it += steps * self.recreate_moves
                if self._recreate(st, planner, rng, steps, deadline):
                    cost = st.cost
                    if cost < run_best:
                        run_best, run_sched, improved = cost, st.snapshot(), True
                        if cost < best:
                            best, best_sched = cost, run_sched
            stall = 0 if improved else stall + 1
            if stall >= self.patience:
                fresh, stall = True, 0
        st.load(best_sched)
        return it

    def _recreate(
        self, st: State, planner: RowPlanner, rng: random.Random, steps: int, deadline: float
    ) -> bool:
        """Ruin and recreate (Schrimpf et al.; Pisinger and Ropke), a descent: take 1 to
        ``ruin`` people off the rota and plan each again whole, in random order, against
        the cover everyone else leaves (:class:`~ctpse_core.rota.rowplan.RowPlanner`); keep
        the result when it costs no more. Returns whether anything was kept."""
        c = st.c
        kept = False
        for _ in range(steps):
            if time.perf_counter() > deadline:
                break
            people = rng.sample(range(c.n_staff), min(c.n_staff, rng.randint(1, self.ruin)))
            undo_all: list[list[Change]] = []
            total = 0
            for n in people:
                _h, _s, undo = st.apply([(n, d, OFF) for d in range(c.n_days) if st.sched[n][d] != OFF])
                undo_all.append(undo)
                total += _h * st.hard_weight + _s
            for n in rng.sample(people, len(people)):
                got = planner.plan_some(n, cover_costs(c, n, st.count, st.sched[n]), rng, nodes=self.plan_nodes)
                if got is None:
                    continue
                d_hard, d_soft, undo = st.apply([(n, d, x) for d, x in enumerate(got[0]) if st.sched[n][d] != x])
                undo_all.append(undo)
                total += d_hard * st.hard_weight + d_soft
            if total <= 0:
                kept = kept or total < 0
            else:
                for undo in reversed(undo_all):
                    st.apply(undo)
        return kept

    def _shake(self, st: State, nb: Neighbourhood) -> None:
        """Perturb the schedule with random block moves that add no hard violation."""
        made = tries = 0
        while made < self.shake and tries < 50 * self.shake:
            tries += 1
            changes = nb.block_swap() if nb.rng.random() < 0.5 else nb.chain()
            if not changes:
                continue
            hard = st.hard
            _hard, _soft, undo = st.apply(changes)
            if st.hard > hard:
                st.revert(undo)
            else:
                made += 1


def _temperatures(st: State, nb: Neighbourhood, samples: int = 300) -> tuple[float, float]:
    """Starting and final temperatures from the soft cost of a sample of moves: at the
    start a typical worsening move is taken half the time, at the end the smallest is
    taken about one time in a thousand."""
    worse: list[int] = []
    for _ in range(samples):
        changes = nb.propose()
        if not changes:
            continue
        d_hard, d_soft, undo = st.apply(changes)
        st.revert(undo)
        if d_hard <= 0 and d_soft > 0:
            worse.append(d_soft)
    if not worse:
        return 1.0, 0.1
    worse.sort()
    t_hi = worse[len(worse) // 2] / math.log(2)
    t_lo = worse[0] / math.log(1000)
    return max(t_hi, t_lo), t_lo


def _remember(elite: list[tuple[int, list[list[int]]]], cost: int, sched: list[list[int]], size: int) -> None:
    """Keep the ``size`` best distinct rotas that runs ended with."""
    if any(other == sched for _c, other in elite):
        return
    elite.append((cost, sched))
    elite.sort(key=lambda item: item[0])
    del elite[size:]


def _largest_soft_weight(c: Compiled) -> int:
    """The largest penalty one soft item can carry (a cover slot or a request)."""
    weights = [w for row in c.under_w for w in row]
    weights += [w for row in c.over_w for w in row]
    weights += list(c.on_req.values()) + list(c.off_req.values())
    return max([1, *weights])
