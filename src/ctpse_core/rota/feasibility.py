"""The built-in solver's last step: restore every hard rule before a rota is returned.

The search judges rotas on ``hard violations x moves.hard_weight + soft penalty`` (a hard
violation weighs more than any soft penalty the problem can have) and so prefers any
feasible rota it has seen, but on a hard instance it may never have seen one. The old
final polish only dropped or changed single shifts of the person breaking a rule, which
cannot mend a rule whose cure breaks another of the same person's rules: too many
weekends when dropping a weekend shift takes them under their minimum hours (Curtois and
Qu Instance8). :func:`restore` first plans the schedule of each person still breaking a
rule again, everyone else fixed (:func:`replan_breaking`, with the exact one-person planner
of :mod:`ctpse_core.rota.rowplan`): every built-in hard rule is about one person, so that
alone ends feasible whenever the planner finds each of them a schedule. What is left (an
organisation rule the planner only checks at the end, or a planner out of budget) goes to
a steepest descent on the number of hard violations
over a wider neighbourhood of each person still breaking a rule:

* one day: any other shift or a day off;
* a shift moved to a day off of the same person within a week (hours kept, the day
  changed);
* one day, two people: exchange what they do that day;
* two days, two people: exchange what they do on both (a weekend shift for a weekday
  one: hours kept, weekends moved to someone with room);
* a block of 2-7 days exchanged with another person.

Each rule-breaking person in turn takes the move of theirs that lowers the hard count most
(ties broken by the soft penalty) among the first that does and the ``lookahead`` moves
after it; moves are only taken when they lower it, so
the descent ends; when none does (or the person breaks ``replan_at`` rules or more), their schedule is
planned again with everyone else fixed (the planner again); failing that it
takes a few random moves that add no hard violation (a plateau walk) and tries again,
until the rota is feasible or the deadline or move budget is spent.

:func:`witness` builds, person by person, a rota that breaks no hard rule (but each
person's minimum minutes), which the synthetic generator uses to make problems that are
feasible by construction.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Sequence

from ctpse_core.rota.compiled import OFF, compile_problem
from ctpse_core.rota.model import Roster, RotaProblem
from ctpse_core.rota.moves import Change, Neighbourhood, State
from ctpse_core.rota.rowplan import RowPlanner, cover_costs
from ctpse_core.rota.scoring import PersonScorer

__all__ = ["replan_breaking", "restore", "witness"]


def _moves_for(st: State, nb: Neighbourhood, n: int, rng: random.Random, sampled: int) -> Iterator[list[Change]]:
    c = st.c
    sched = st.sched
    row = sched[n]
    for d in range(c.n_days):
        for x in nb.options[n][d]:
            if x != row[d]:
                yield [(n, d, x)]
    worked = [d for d in range(c.n_days) if row[d] != OFF]
    for d1 in worked:
        for d2 in range(max(0, d1 - 7), min(c.n_days, d1 + 8)):
            if row[d2] == OFF:
                for x in nb.options[n][d2]:
                    if x != OFF:
                        yield [(n, d1, OFF), (n, d2, x)]
    avail = c.avail
    others = [m for m in range(c.n_staff) if m != n]
    for d in range(c.n_days):
        a = row[d]
        for m in others:
            b = sched[m][d]
            if a != b and (b == OFF or avail[n][d][b]) and (a == OFF or avail[m][d][a]):
                yield [(n, d, b), (m, d, a)]
    for _ in range(sampled if others else 0):
        m = rng.choice(others)
        if worked and rng.random() < 0.5:
            d1 = rng.choice(worked)
            d2 = rng.randrange(c.n_days)
            if d1 == d2:
                continue
            changes = [(n, d1, sched[m][d1]), (m, d1, row[d1]), (n, d2, sched[m][d2]), (m, d2, row[d2])]
        else:
            length = rng.randint(2, min(7, c.n_days)) if c.n_days >= 2 else 1
            first = rng.randrange(c.n_days - length + 1)
            changes = []
            for x in range(first, first + length):
                if row[x] != sched[m][x]:
                    changes += [(n, x, sched[m][x]), (m, x, row[x])]
        if changes and all(s == OFF or avail[p][d][s] for p, d, s in changes):
            yield changes


def restore(
    st: State,
    rng: random.Random,
    *,
    deadline: float,
    budget: int = 2_000_000,
    sampled: int = 1_000,
    lookahead: int = 400,
    replan_at: int = 3,
) -> int:
    """Descend on the hard count until ``st`` breaks no hard rule, or ``deadline``
    (``time.perf_counter``) passes, or ``budget`` moves have been priced. Returns the moves
    priced. Leaves ``st`` at the best rota seen (never worse than it started)."""
    replan_breaking(st, rng, deadline=deadline)
    nb = Neighbourhood(st, rng)
    priced = 0
    walks = 0
    best_cost, best_sched = st.cost, st.snapshot()
    while st.hard > 0 and priced < budget and time.perf_counter() < deadline:
        bad = [n for n in range(st.c.n_staff) if st.person[n][0] > 0]
        rng.shuffle(bad)
        progress = False
        for n in bad:
            if st.person[n][0] == 0:
                continue  # mended by an earlier move of this pass
            if st.person[n][0] >= replan_at:
                # too many breaches for one move at a time: plan their schedule again
                replanned = _replan(st, [n], rng)
                if replanned is not None:
                    st.apply(replanned[2])
                    progress = True
                    continue
            chosen: tuple[int, int, list[Change]] | None = None
            after = 0  # moves priced since the first that helps: look a little further only
            for changes in _moves_for(st, nb, n, rng, sampled):
                priced += 1
                d_hard, d_soft, undo = st.apply(changes)
                st.revert(undo)
                if d_hard < 0 and (chosen is None or (d_hard, d_soft) < chosen[:2]):
                    chosen = (d_hard, d_soft, changes)
                if chosen is not None:
                    after += 1
                    if after > lookahead:
                        break
                if priced & 1023 == 0 and time.perf_counter() > deadline:
                    break
            if chosen is not None:
                st.apply(chosen[2])
                progress = True
        if not progress:
            replanned = _replan(st, bad, rng)
            if replanned is not None:
                st.apply(replanned[2])
                progress = True
        if progress:
            if st.cost < best_cost:
                best_cost, best_sched = st.cost, st.snapshot()
            continue
        walks += 1
        if walks > 200:
            break
        made = 0
        for _ in range(200):
            step = nb.propose()
            if not step:
                continue
            priced += 1
            d_hard, _d_soft, undo = st.apply(step)
            if d_hard > 0:
                st.revert(undo)
                continue
            made += 1
            if made >= 3:
                break
    if st.cost > best_cost:
        st.load(best_sched)
    return priced


def _replan(
    st: State,
    bad: list[int],
    rng: random.Random,
    planner: RowPlanner | None = None,
    nodes: int = 20_000,
    deadline: float | None = None,
) -> tuple[int, int, list[Change]] | None:
    """Plan one rule-breaking person's whole schedule again with everyone else fixed
    (:class:`~ctpse_core.rota.rowplan.RowPlanner`, cheapest for the cover first): the first
    re-plan that lowers the hard count."""
    c = st.c
    planner = planner or RowPlanner(c, st.scorer.extra)
    for n in rng.sample(bad, len(bad)):
        got = planner.plan_some(n, cover_costs(c, n, st.count, st.sched[n]), rng, nodes=nodes, deadline=deadline)
        if got is None:
            continue
        changes = [(n, d, x) for d, x in enumerate(got[0]) if st.sched[n][d] != x]
        if not changes:
            continue
        d_hard, d_soft, undo = st.apply(changes)
        st.revert(undo)
        if d_hard < 0:
            return d_hard, d_soft, changes
    return None


def replan_breaking(
    st: State, rng: random.Random, *, deadline: float, nodes: Sequence[int] = (20_000, 200_000, 2_000_000)
) -> None:
    """Plan the schedule of each person still breaking a hard rule again, everyone else
    fixed, with a growing node budget until none breaks one or ``deadline`` passes: every
    built-in hard rule is about one person, so this ends feasible whenever each of them has
    a schedule keeping their rules that the planner finds."""
    planner = RowPlanner(st.c, st.scorer.extra)
    for budget in nodes:
        bad = [n for n in range(st.c.n_staff) if st.person[n][0] > 0]
        for n in bad:
            if time.perf_counter() > deadline:
                return
            found = _replan(st, [n], rng, planner, budget, deadline)
            if found is not None:
                st.apply(found[2])
        if st.hard == 0:
            return


def _row_witness(
    scorer: PersonScorer, n: int, rng: random.Random, moves: int, target: int
) -> list[int]:
    """A schedule for person ``n`` breaking no hard rule (their minimum minutes aside),
    with ``target`` minutes or as many as a short hill climb finds: start from nothing,
    take moves that keep it rule-abiding and do not lose minutes."""
    c = scorer.c
    row = [OFF] * c.n_days
    worked = 0
    options = [[s for s in range(c.n_shifts) if c.avail[n][d][s]] for d in range(c.n_days)]
    since = 0  # moves since the minutes last grew
    for _ in range(moves):
        if worked >= target or since > 800:
            break
        since += 1
        d = rng.randrange(c.n_days)
        if not options[d]:
            continue
        length = rng.choice((1, 1, 2, 3))
        x = rng.choice(options[d]) if rng.random() < 0.9 else OFF
        days = [e for e in range(d, min(c.n_days, d + length)) if x == OFF or x in options[e]]
        old = [row[e] for e in days]
        for e in days:
            row[e] = x
        gained = sum((c.minutes[e][x] if x != OFF else 0) - (c.minutes[e][o] if o != OFF else 0)
                     for e, o in zip(days, old, strict=True))
        if gained < 0 or scorer.score(n, row)[0] > 0:
            for e, o in zip(days, old, strict=True):
                row[e] = o
        else:
            worked += gained
            if gained > 0:
                since = 0
    return row


def witness(
    problem: RotaProblem, seed: int = 0, moves: int = 4_000, restarts: int = 12
) -> tuple[Roster, list[int]]:
    """A rota proving the hard rules can all hold, except perhaps each person's minimum
    minutes (each schedule stops growing once it reaches them): every hard rule of the
    built-in set is about one person (cover is soft), so a rota is feasible exactly when
    each person has a schedule of their own that is.
    Returns the rota and each person's worked minutes in it (per horizon; use with a
    problem whose ``period_days`` are unset)."""
    c = compile_problem(problem)
    targets = c.min_minutes
    c.min_minutes = [0] * c.n_staff
    scorer = PersonScorer(c)
    rng = random.Random(seed)
    sched = []
    for n in range(c.n_staff):
        best: list[int] = []
        best_minutes = -1
        for _attempt in range(restarts):
            row = _row_witness(scorer, n, rng, moves, targets[n])
            got = sum(c.minutes[d][s] for d, s in enumerate(row) if s != OFF)
            if got > best_minutes:
                best, best_minutes = row, got
            if got >= targets[n]:
                break
        sched.append(best)
    minutes = [sum(c.minutes[d][s] for d, s in enumerate(row) if s != OFF) for row in sched]
    return c.roster(sched, "witness", seed, None), minutes
