"""Allocation of the week's tasking requests to teams: an exact mixed-integer programme.

Every request gets at most one team. A request may go to a team only when the team is of
the requested type, has every requested skill, can field the officers (its capacity less
its officers on leave on the days the request touches) and is not marked unavailable
then. Everything else comes from the conflict rules themselves, so allocation can never
create a conflict the engine would report against a blocking rule:

* rules whose candidate keys do not include ``team`` (person double-booking, rest,
  subject clash, proximity, and any plugin rule of that kind) do not depend on which team
  is chosen: each request is run through them once, as a *probe* deployment, against the
  existing deployments (a conflict makes the request impossible, with the rule's
  explanation as the reason) and against the other requests (a conflict means at most
  one of the two may be allocated). Only a conflict involving ONE request rules it out; a
  conflict among several requests (with or without existing deployments) only forbids
  them together, so relaxing a rule can never remove a candidate;
* rules keyed on ``team`` are run on one candidate deployment per (request, suitable team)
  against the existing deployments (a candidate is dropped only when it breaks the rule
  alone with them); between requests, team double-booking and capacity
  become one "clique" row per team and instant (at most one deployment at a time, or the
  officers needed at that instant within the capacity less the existing load);
* the solution is then checked by running every blocking rule over existing + allocated
  deployments; anything still found (only possible for plugin rules whose verdict depends
  on more than the keys say) is cut off and the programme solved again, until clean.

Blocking rules are the hard rules plus every other rule not named in ``allow`` (so subject
clashes and proximity with other operations are not created unless allowed).

The objective is lexicographic and solved as one integer programme: first maximise the
priority-weighted coverage (:func:`priority_weight`: ``6 - priority``, national priorities
counting as priority 1), then keep as many assignments of the previous plan as possible.
Because weights are whole numbers, ``(kept_max + 1) * coverage + kept`` orders solutions
exactly lexicographically. Pinned (published, unchanged) assignments are fixed. HiGHS
(through :func:`scipy.optimize.milp`) solves it to a proven optimum (relative gap 0).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from functools import partial
from typing import Any

import attrs

from ctpse_core.deconfliction.engine import find_conflicts, registered_rules
from ctpse_core.deconfliction.frame import DeploymentFrame, to_micros
from ctpse_core.deconfliction.grid import london_days
from ctpse_core.deconfliction.model import Conflict, Settings
from ctpse_core.deconfliction.rules import ConflictRule, Found, RestRule
from ctpse_core.domain.staff import Leave, Staff
from ctpse_core.domain.surveillance import (
    Deployment,
    DeploymentStatus,
    Operation,
    TaskingRequest,
    Team,
    TeamUnavailability,
)
from ctpse_core.errors import ConfigError, CtpseError, InputError, Problem

__all__ = [
    "Allocation",
    "Availability",
    "Change",
    "TeamUnavailability",
    "Unallocated",
    "allocate",
    "allow_problems",
    "priority_weight",
    "request_deployment",
]

Weight = Callable[[TaskingRequest, Operation | None], int]


@attrs.frozen(kw_only=True)
class Availability:
    """What already holds teams and officers: deployments, leave, team unavailability.

    ``staff`` (with ``home_team``) lets leave reduce a team's officers on those days.
    Existing deployments that serve one of the requests being planned (``request_id``) are
    the previous plan, not obstacles.
    """

    deployments: tuple[Deployment, ...] = ()
    leave: tuple[Leave, ...] = ()
    staff: tuple[Staff, ...] = ()
    unavailable: tuple[TeamUnavailability, ...] = ()


@attrs.frozen(kw_only=True)
class Unallocated:
    """A request left out, and why (each reason a sentence for the coordinator)."""

    request_id: str
    reasons: tuple[str, ...]


@attrs.frozen(kw_only=True)
class Change:
    """A request whose team differs from the previous plan (``None``: not allocated)."""

    request_id: str
    before: str | None
    after: str | None


@attrs.frozen(kw_only=True)
class Allocation:
    """The plan: which team serves each request, the deployments, and what was left out."""

    assignments: Mapping[str, str]
    deployments: tuple[Deployment, ...]
    unallocated: tuple[Unallocated, ...]
    #: priority-weighted coverage achieved, and the most any plan could reach (all requests).
    coverage: int
    requested: int
    changes: tuple[Change, ...] = ()
    kept: int = 0
    pinned: tuple[str, ...] = ()
    #: pins that could not be kept (the request can no longer go to that team), with why.
    released: tuple[Unallocated, ...] = ()
    #: conflicts of allowed (non-blocking) rules the plan creates, for information.
    allowed_conflicts: tuple[Conflict, ...] = ()
    method: str = "MILP (HiGHS via scipy.optimize.milp), proven optimal"
    variables: int = 0
    rows: int = 0
    rounds: int = 1
    seconds: float = 0.0


def priority_weight(request: TaskingRequest, operation: Operation | None) -> int:
    """``6 - priority`` (priority 1 is worth 5, priority 5 is worth 1); a national-priority
    operation's requests count as priority 1."""
    priority = 1 if operation is not None and operation.national_priority else request.priority
    return 6 - priority


def request_deployment(
    request: TaskingRequest, team_id: str, deployment_id: str | None = None
) -> Deployment:
    """The deployment that serves ``request`` with team ``team_id``."""
    return Deployment(
        id=deployment_id or f"alloc-{request.id}",
        marking=request.marking,
        operation_id=request.operation_id,
        team_id=team_id,
        start=request.start,
        end=request.end,
        location=request.location,
        staff_ids=request.staff_ids,
        officers=request.officers,
        subject_ids=request.subject_ids,
        status=DeploymentStatus.PLANNED,
        request_id=request.id,
    )


def _overlaps(a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime, b_end: dt.datetime) -> bool:
    return a_start < b_end and b_start < a_end


def _pair_window(frame: DeploymentFrame, a: int, b: int) -> tuple[int, int]:
    start = max(int(frame.start[a]), int(frame.start[b]))
    end = min(int(frame.end[a]), int(frame.end[b]))
    return (end, start) if end <= start else (start, end)


def _found_items(
    frame: DeploymentFrame, rule: ConflictRule, found: Found, settings: Settings
) -> Iterable[tuple[tuple[int, ...], Callable[[], str]]]:
    """``(rows, explain)`` of each conflict; the sentence is built only when asked for."""
    for a, b in found.pairs.tolist():
        start, end = _pair_window(frame, a, b)
        yield (a, b), partial(rule.why, frame, (a, b), start, end, settings)
    for rows, start, end in found.groups():
        yield rows, partial(rule.why, frame, rows, start, end, settings)


class _Problem:
    """The integer programme: variables are eligible (request, team) pairs."""

    def __init__(self) -> None:
        self.var_of: dict[tuple[int, int], int] = {}
        self.pairs: list[tuple[int, int]] = []
        self.rows: list[tuple[list[int], list[float], float]] = []

    def add_var(self, r: int, t: int) -> None:
        self.var_of[(r, t)] = len(self.pairs)
        self.pairs.append((r, t))

    def at_most(self, cols: Sequence[int], weights: Sequence[float] | None, limit: float) -> None:
        if cols:
            self.rows.append((list(cols), list(weights) if weights else [1.0] * len(cols), limit))


def allocate(
    requests: Iterable[TaskingRequest],
    teams: Iterable[Team],
    availability: Availability | None = None,
    *,
    operations: Iterable[Operation] = (),
    previous: Mapping[str, str] | None = None,
    pinned: Collection[str] = (),
    allow: Collection[str] = (),
    rules: Iterable[ConflictRule] | None = None,
    settings: Settings | None = None,
    weight: Weight = priority_weight,
) -> Allocation:
    """Allocate requests to teams for the best priority-weighted coverage (see the module).

    ``previous`` maps request ID -> team of the previous plan (stored deployments with a
    ``request_id`` are added to it); ``pinned`` names requests whose previous assignment
    must stay (they are released, with the reason, if that team can no longer take them).
    ``allow`` names non-hard rules whose conflicts may be created.
    """
    began = time.perf_counter()
    settings = settings or Settings()
    all_rules = [
        r.as_pairs() if isinstance(r, RestRule) else r
        for r in (list(rules) if rules is not None else registered_rules())
    ]
    reqs = list(requests)
    team_list = list(teams)
    avail = availability or Availability()
    ops = {o.id: o for o in operations}
    _check_inputs(reqs, team_list, all_rules, allow)
    blocking = [r for r in all_rules if r.name not in allow]
    allowed = [r for r in all_rules if r.name in allow]
    r_index = {r.id: i for i, r in enumerate(reqs)}

    prev: dict[str, str] = {k: v for k, v in (previous or {}).items() if k in r_index}
    prev_ids: dict[str, str] = {}
    existing: list[Deployment] = []
    for d in avail.deployments:
        if d.status is DeploymentStatus.CANCELLED:
            continue
        if d.request_id is not None and d.request_id in r_index:
            prev.setdefault(d.request_id, d.team_id)
            prev_ids[d.request_id] = d.id
            continue
        existing.append(d)
    capacities = {t.id: t.capacity for t in team_list}
    weights = [weight(r, ops.get(r.operation_id)) for r in reqs]
    if any(w < 1 for w in weights):
        raise ConfigError("every request's weight must be a whole number of at least 1")

    request_reasons: list[list[str]] = [[] for _ in reqs]
    team_reasons: list[dict[int, str]] = [{} for _ in reqs]
    _eligibility(reqs, team_list, avail, request_reasons, team_reasons)

    n_old = len(existing)
    problem = _Problem()
    req_pairs: dict[tuple[int, int], str] = {}
    extra: list[tuple[list[int], str]] = []  # candidate-row groups "not all together"

    # team-independent rules: one probe per request
    indep = [rule for rule in blocking if "team" not in rule.keys]
    probes = [request_deployment(r, f"probe:{r.id}", r.id) for r in reqs]
    frame = DeploymentFrame.from_deployments([*existing, *probes], capacities, include_cancelled=True)
    for rule, found in find_conflicts(frame, indep, settings).found:
        for rows, explain in _found_items(frame, rule, found, settings):
            new = sorted({row - n_old for row in rows if row >= n_old})
            if not new:
                continue
            # Only a conflict of ONE request (alone or with existing deployments) rules it out;
            # a conflict among several requests (existing ones or not) forbids them together.
            if len(new) == 1:
                request_reasons[new[0]].append(f"{rule.name}: {explain()}")
            elif len(new) == 2:
                req_pairs.setdefault((new[0], new[1]), f"{rule.name}: {explain()}")
            else:
                extra.append(([-1 - i for i in new], rule.name))

    # team rules: one candidate per (request, suitable team) against existing deployments
    dep_rules = [rule for rule in blocking if "team" in rule.keys]
    cand: list[tuple[int, int]] = [
        (i, t)
        for i in range(len(reqs))
        if not request_reasons[i]
        for t in range(len(team_list))
        if t not in team_reasons[i]
    ]
    cdeps = [request_deployment(reqs[i], team_list[t].id, reqs[i].id) for i, t in cand]
    frame2 = DeploymentFrame.from_deployments([*existing, *cdeps], capacities, include_cancelled=True)
    dropped: set[int] = set()
    cand_pairs: list[tuple[int, int]] = []
    names = {rule.name for rule in blocking}
    clique_rules = {"team-double-booking", "capacity"} & names
    for rule, found in find_conflicts(frame2, dep_rules, settings).found:
        for rows, explain in _found_items(frame2, rule, found, settings):
            new = sorted({row - n_old for row in rows if row >= n_old})
            if not new:
                continue
            if len(new) == 1:  # this candidate alone (with existing deployments) breaks the rule
                dropped.add(new[0])
                i, t = cand[new[0]]
                team_reasons[i].setdefault(t, f"{rule.name}: {explain()}")
            elif rule.name in clique_rules:
                continue  # written as clique rows below
            elif len(new) == 2:
                cand_pairs.append((new[0], new[1]))
            else:
                extra.append((new, rule.name))
    for c, (i, t) in enumerate(cand):
        if c not in dropped:
            problem.add_var(i, t)
    col_of_cand = {c: problem.var_of[cand[c]] for c in range(len(cand)) if cand[c] in problem.var_of}

    # at most one team per request
    by_request: dict[int, list[int]] = {}
    for col, (i, _t) in enumerate(problem.pairs):
        by_request.setdefault(i, []).append(col)
    for cols in by_request.values():
        if len(cols) > 1:
            problem.at_most(cols, None, 1)
    # clique rows per team
    if clique_rules:
        unit = "team-double-booking" in clique_rules
        _team_cliques(problem, reqs, team_list, existing, unit)
    for (i, j), _why in req_pairs.items():
        problem.at_most(by_request.get(i, []) + by_request.get(j, []), None, 1)
    for a, b in cand_pairs:
        if a in col_of_cand and b in col_of_cand and cand[a][0] != cand[b][0]:
            problem.at_most([col_of_cand[a], col_of_cand[b]], None, 1)
    for members, _name in extra:
        group = _group_cols(members, by_request, col_of_cand)
        if group is not None:
            problem.at_most(group, None, len(members) - 1)

    # pins
    fixed: list[int] = []
    released: list[Unallocated] = []
    team_pos = {t.id: k for k, t in enumerate(team_list)}
    for rid in sorted(set(pinned)):
        if rid not in r_index or rid not in prev:
            continue
        i, team_id = r_index[rid], prev[rid]
        pin = problem.var_of.get((i, team_pos.get(team_id, -1)))
        if pin is None:
            why = request_reasons[i] or [team_reasons[i].get(team_pos.get(team_id, -1), f"team {team_id} is not known")]
            released.append(Unallocated(request_id=rid, reasons=tuple(why)))
        else:
            fixed.append(pin)

    kept_bonus = [1 if prev.get(reqs[i].id) == team_list[t].id else 0 for i, t in problem.pairs]
    scale = sum(kept_bonus) + 1
    cost = [-(scale * weights[i] + kept_bonus[k]) for k, (i, _t) in enumerate(problem.pairs)]

    rounds = 0
    while True:
        rounds += 1
        chosen = _solve(problem, cost, fixed, [reqs[r_index[p]].id for p in sorted(set(pinned)) if p in prev])
        deployments = [
            request_deployment(reqs[i], team_list[t].id, prev_ids.get(reqs[i].id))
            for i, t in (problem.pairs[c] for c in chosen)
        ]
        cuts = _violations(existing, deployments, capacities, blocking, settings, problem, chosen)
        if not cuts:
            break
        if rounds >= 200:
            raise CtpseError("allocation did not settle after 200 rounds of checking the rules")
        for cols in cuts:
            problem.at_most(cols, None, len(cols) - 1)

    assigned = {reqs[problem.pairs[c][0]].id: team_list[problem.pairs[c][1]].id for c in chosen}
    allowed_found: list[Conflict] = []
    if allowed and deployments:
        fr = DeploymentFrame.from_deployments([*existing, *deployments], capacities)
        cs = find_conflicts(fr, allowed, settings)
        new_rows = range(len(fr) - len(deployments), len(fr))
        seen: set[str] = set()
        for new_row in new_rows:
            for conflict in cs.conflicts(involving=new_row):
                if conflict.key not in seen:
                    seen.add(conflict.key)
                    allowed_found.append(conflict)
        allowed_found.sort(key=lambda c: (c.start, c.rule, c.deployment_ids))

    unallocated = [
        Unallocated(
            request_id=r.id,
            reasons=tuple(
                _why_not(i, reqs, team_list, ops, request_reasons, team_reasons, problem, assigned, req_pairs)
            ),
        )
        for i, r in enumerate(reqs)
        if r.id not in assigned
    ]
    changes = tuple(
        Change(request_id=rid, before=team, after=assigned.get(rid))
        for rid, team in sorted(prev.items())
        if assigned.get(rid) != team
    )
    return Allocation(
        assignments=dict(sorted(assigned.items())),
        deployments=tuple(sorted(deployments, key=lambda d: (d.start, d.team_id, d.id))),
        unallocated=tuple(unallocated),
        coverage=sum(weights[r_index[rid]] for rid in assigned),
        requested=sum(weights),
        changes=changes,
        kept=sum(1 for rid, team in prev.items() if assigned.get(rid) == team),
        pinned=tuple(sorted(reqs[problem.pairs[c][0]].id for c in fixed)),
        released=tuple(released),
        allowed_conflicts=tuple(allowed_found),
        variables=len(problem.pairs),
        rows=len(problem.rows),
        rounds=rounds,
        seconds=time.perf_counter() - began,
    )


def _check_inputs(
    reqs: Sequence[TaskingRequest], teams: Sequence[Team], rules: Sequence[ConflictRule], allow: Collection[str]
) -> None:
    problems: list[Problem] = []
    for label, items in (("request", reqs), ("team", teams)):
        seen: set[str] = set()
        for k, item in enumerate(items):
            if item.id in seen:
                problems.append(Problem("id", f"{item.id!r} is used by more than one {label}", f"{label}s[{k}]"))
            seen.add(item.id)
    if problems:
        raise InputError(problems, "duplicate IDs")
    problems = allow_problems(sorted(allow), rules)
    if problems:
        raise InputError(problems, "rules that cannot be allowed")


def allow_problems(allow: Iterable[str], rules: Sequence[ConflictRule], where: str = "") -> list[Problem]:
    """One :class:`Problem` for each name in ``allow`` that is not a rule, or is a hard one."""
    by_name = {r.name: r for r in rules}
    problems: list[Problem] = []
    for name in allow:
        if name not in by_name:
            reason = f"cannot allow {name!r}: no such conflict rule (known: {', '.join(sorted(by_name))})"
        elif by_name[name].hard:
            reason = (
                f"cannot allow {name!r}: it is a hard rule (breaking one needs a recorded override, "
                "not a planning option)"
            )
        else:
            continue
        problems.append(Problem("allow", reason, where, name))
    return problems


def _days_text(first: dt.date, last: dt.date) -> str:
    return f"{first:%d/%m/%Y}" if first == last else f"{first:%d/%m/%Y} to {last:%d/%m/%Y}"


def _eligibility(
    reqs: Sequence[TaskingRequest],
    teams: Sequence[Team],
    avail: Availability,
    request_reasons: list[list[str]],
    team_reasons: list[dict[int, str]],
) -> None:
    from ctpse_core.deconfliction.text import window

    leave_of: dict[str, list[Leave]] = {}
    for lv in avail.leave:
        leave_of.setdefault(lv.staff_id, []).append(lv)
    names = {s.id: f"{s.name} ({s.id})" for s in avail.staff}
    members: dict[str, list[str]] = {}
    for s in avail.staff:
        if s.home_team:
            members.setdefault(s.home_team, []).append(s.id)
    off: dict[str, list[TeamUnavailability]] = {}
    for u in avail.unavailable:
        off.setdefault(u.team_id, []).append(u)

    def away_on(staff_id: str, days: set[dt.date]) -> Leave | None:
        for lv in leave_of.get(staff_id, []):
            if any(lv.first_day <= d <= lv.last_day for d in days):
                return lv
        return None

    for i, r in enumerate(reqs):
        days = set(london_days(r.start, r.end))
        for person in r.staff_ids:
            absent = away_on(person, days)
            if absent is not None:
                request_reasons[i].append(
                    f"named officer {names.get(person, person)} is on {absent.kind} leave "
                    f"{_days_text(absent.first_day, absent.last_day)}"
                )
        for t, team in enumerate(teams):
            if team.team_type != r.team_type:
                team_reasons[i][t] = f"{team.id} is a {team.team_type} team, not {r.team_type}"
                continue
            missing = sorted(r.skills - team.skills)
            if missing:
                team_reasons[i][t] = f"{team.id} lacks {', '.join(missing)}"
                continue
            away = sum(1 for s in members.get(team.id, []) if away_on(s, days) is not None)
            if r.officers > team.capacity - away:
                on_leave = f" ({away} on leave)" if away else ""
                team_reasons[i][t] = (
                    f"{team.id} can field {team.capacity - away} officers{on_leave}; {r.officers} are needed"
                )
                continue
            for u in off.get(team.id, []):
                if _overlaps(u.start, u.end, r.start, r.end):
                    team_reasons[i][t] = (
                        f"{team.id} is unavailable ({u.reason}) {window(to_micros(u.start), to_micros(u.end))}"
                    )
                    break


def _team_cliques(
    problem: _Problem,
    reqs: Sequence[TaskingRequest],
    teams: Sequence[Team],
    existing: Sequence[Deployment],
    unit: bool,
) -> None:
    """One row per team and instant at which some eligible requests overlap: at most one of
    them (``unit``), or their officers within the capacity less the existing load."""
    cols_of_team: dict[int, list[int]] = {}
    for col, (_i, t) in enumerate(problem.pairs):
        cols_of_team.setdefault(t, []).append(col)
    for t, cols in cols_of_team.items():
        team = teams[t]
        # a deployment over capacity alone is its own conflict, not load (as in the rule)
        live = [d for d in existing if d.team_id == team.id and d.end > d.start and d.officers <= team.capacity]
        spans = [(reqs[problem.pairs[c][0]], c) for c in cols]
        spans = [(r, c) for r, c in spans if r.end > r.start]
        points = sorted({r.start for r, _c in spans} | {d.start for d in live})
        seen: set[tuple[int, ...]] = set()
        for p in points:
            members = tuple(sorted(c for r, c in spans if r.start <= p < r.end))
            if len(members) < (2 if unit else 1):
                continue
            if unit:
                if members in seen:
                    continue
                seen.add(members)
                problem.at_most(members, None, 1)
                continue
            load = sum(d.officers for d in live if d.start <= p < d.end)
            w = [float(reqs[problem.pairs[c][0]].officers) for c in members]
            if sum(w) + load > team.capacity:
                # existing deployments may already fill (or overfill) the team: then none fits
                problem.at_most(members, w, max(0, team.capacity - load))


def _group_cols(
    members: Sequence[int], by_request: Mapping[int, list[int]], col_of_cand: Mapping[int, int]
) -> list[int] | None:
    """Columns of a "not all of these together" group: request probes are written ``-1 - i``
    (any team of request ``i``), candidates by their candidate number."""
    cols: list[int] = []
    for m in members:
        if m < 0:
            found = by_request.get(-1 - m, [])
            if not found:
                return None
            cols.extend(found)
        elif m in col_of_cand:
            cols.append(col_of_cand[m])
        else:
            return None
    return cols


def _solve(problem: _Problem, cost: Sequence[float], fixed: Sequence[int], pinned_ids: Sequence[str]) -> list[int]:
    """The optimal set of chosen columns (HiGHS, gap 0)."""
    n = len(problem.pairs)
    if n == 0:
        return []
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_array

    lower = np.zeros(n)
    lower[list(fixed)] = 1.0
    constraints: list[Any] = []
    if problem.rows:
        data: list[float] = []
        indices: list[int] = []
        indptr = [0]
        upper: list[float] = []
        for cols, w, limit in problem.rows:
            indices.extend(cols)
            data.extend(w)
            indptr.append(len(indices))
            upper.append(limit)
        matrix = csr_array((data, indices, indptr), shape=(len(problem.rows), n))
        constraints.append(LinearConstraint(matrix, -np.inf, np.array(upper)))
    result = milp(
        c=np.asarray(cost, dtype=float),
        integrality=np.ones(n),
        bounds=Bounds(lower, np.ones(n)),
        constraints=constraints,
        options={"mip_rel_gap": 0.0, "presolve": True},
    )
    if result.status == 2:
        raise CtpseError(
            "the pinned assignments cannot all be kept together "
            f"({', '.join(pinned_ids) or 'none pinned'}); re-plan without --pinned or amend them"
        )
    if result.status != 0 or result.x is None:
        raise CtpseError(f"the allocation solver stopped without a proven optimum: {result.message}")
    return [c for c in range(n) if result.x[c] > 0.5]


def _violations(
    existing: Sequence[Deployment],
    deployments: Sequence[Deployment],
    capacities: Mapping[str, int],
    blocking: Sequence[ConflictRule],
    settings: Settings,
    problem: _Problem,
    chosen: Sequence[int],
) -> list[list[int]]:
    """Blocking conflicts the plan creates, as groups of chosen columns not to repeat."""
    if not deployments:
        return []
    frame = DeploymentFrame.from_deployments([*existing, *deployments], capacities, include_cancelled=True)
    n_old = len(existing)
    cuts: list[list[int]] = []
    for _rule, found in find_conflicts(frame, blocking, settings).found:
        for rows, _explain in _found_items(frame, _rule, found, settings):
            cols = sorted({chosen[row - n_old] for row in rows if row >= n_old})
            if cols:
                cuts.append(cols)
    return cuts


def _why_not(
    i: int,
    reqs: Sequence[TaskingRequest],
    teams: Sequence[Team],
    ops: Mapping[str, Operation],
    request_reasons: Sequence[Sequence[str]],
    team_reasons: Sequence[Mapping[int, str]],
    problem: _Problem,
    assigned: Mapping[str, str],
    req_pairs: Mapping[tuple[int, int], str],
) -> list[str]:
    r = reqs[i]
    if request_reasons[i]:
        return list(request_reasons[i])
    mine = [t for (j, t) in problem.pairs if j == i]
    if not mine:
        return [_no_team(r, teams, team_reasons[i])]
    out: list[str] = []
    by_id = {q.id: q for q in reqs}
    taken: list[str] = []
    for t in mine:
        team = teams[t]
        holders = [
            q
            for rid, team_id in assigned.items()
            if team_id == team.id and _overlaps((q := by_id[rid]).start, q.end, r.start, r.end)
        ]
        if holders:
            taken.append(f"{team.id} (on " + ", ".join(_request_label(q, ops) for q in holders) + ")")
    for (a, b), why in req_pairs.items():
        other = b if a == i else a if b == i else None
        if other is not None and reqs[other].id in assigned:
            out.append(f"would clash with allocated request {_request_label(reqs[other], ops)}: {why}")
    if taken:
        lead = "all suitable teams are taken" if len(taken) == len(mine) else "suitable teams taken"
        out.append(f"{lead} at that time: " + "; ".join(taken))
    if not out:
        out.append("allocating it as well would break a blocking rule together with the allocated requests")
    unsuitable = [team_reasons[i][t] for t in sorted(team_reasons[i])]
    if unsuitable and taken:
        out.append("other teams unsuitable: " + "; ".join(unsuitable))
    return out


def _request_label(r: TaskingRequest, ops: Mapping[str, Operation]) -> str:
    op = ops.get(r.operation_id)
    name = op.name if op is not None else r.operation_id
    return f"{r.id} ({name}, priority {r.priority})"


def _no_team(r: TaskingRequest, teams: Sequence[Team], reasons: Mapping[int, str]) -> str:
    if not teams:
        return "no teams are known"
    typed = [t for t in teams if t.team_type == r.team_type]
    if not typed:
        return f"no team of type {r.team_type}"
    skilled = [t for t in typed if r.skills <= t.skills]
    if not skilled:
        return f"no {r.team_type} team has the skills {', '.join(sorted(r.skills))}"
    listed = "; ".join(reasons[k] for k, t in enumerate(teams) if t in skilled and k in reasons)
    return f"no suitable team is free or large enough: {listed}"
