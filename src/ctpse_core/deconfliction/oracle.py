"""The brute-force reference: every pair of deployments checked directly, ``O(n^2)``.

It reads the rules' definitions straight from :mod:`ctpse_core.deconfliction.model`
(half-open intervals, distance ``<=`` radii plus buffer, rest strictly under the
minimum between an officer's consecutive deployments, capacity runs of deployments that
each fit) on ``Deployment`` objects and Python datetimes, sharing nothing with the fast
engine but the distance formula. Property tests and benchmarks compare against it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from itertools import combinations, pairwise, product

import numpy as np

from ctpse_core.deconfliction.model import Settings
from ctpse_core.deconfliction.spatial import haversine_m
from ctpse_core.domain.staff import Leave, Staff
from ctpse_core.domain.surveillance import Deployment, DeploymentStatus, TaskingRequest, Team, TeamUnavailability

__all__ = ["best_allocation", "brute_force"]

Key = tuple[str, tuple[str, ...]]


def _overlap(a: Deployment, b: Deployment) -> bool:
    return a.start < b.end and b.start < a.end


def _distance(a: Deployment, b: Deployment) -> float:
    assert a.location is not None and b.location is not None
    return float(
        haversine_m(
            np.array([a.location.lat]),
            np.array([a.location.lon]),
            np.array([b.location.lat]),
            np.array([b.location.lon]),
        )[0]
    )


def brute_force(
    deployments: Sequence[Deployment],
    capacities: Mapping[str, int],
    settings: Settings | None = None,
) -> set[Key]:
    """``(rule, sorted IDs)`` of every conflict the built-in rules define."""
    s = settings or Settings()
    rest = dt.timedelta(hours=s.rest_hours)
    live = [
        d for d in deployments if d.status is not DeploymentStatus.CANCELLED and d.end > d.start
    ]
    out: set[Key] = set()
    for a, b in combinations(live, 2):
        ids = tuple(sorted((a.id, b.id)))
        shared_staff = set(a.staff_ids) & set(b.staff_ids)
        if _overlap(a, b):
            if a.team_id == b.team_id:
                out.add(("team-double-booking", ids))
            if shared_staff:
                out.add(("person-double-booking", ids))
            if a.operation_id != b.operation_id:
                if set(a.subject_ids) & set(b.subject_ids):
                    out.add(("subject-clash", ids))
                if (
                    a.location is not None
                    and b.location is not None
                    and _distance(a, b) <= (a.location.radius_m + b.location.radius_m + s.buffer_m)
                ):
                    out.add(("proximity", ids))
    out |= _rest(live, rest)
    out |= _capacity(live, capacities)
    return out


def _rest(live: Sequence[Deployment], rest: dt.timedelta) -> set[Key]:
    """Per officer: each deployment and the next one(s) (earliest start at or after its end)."""
    out: set[Key] = set()
    for person in {p for d in live for p in d.staff_ids}:
        mine = [d for d in live if person in d.staff_ids]
        for a in mine:
            later = [b for b in mine if b.start >= a.end]
            if not later:
                continue
            first = min(b.start for b in later)
            if first - a.end < rest:
                out |= {("rest", tuple(sorted((a.id, b.id)))) for b in later if b.start == first}
    return out


def _capacity(live: Sequence[Deployment], capacities: Mapping[str, int]) -> set[Key]:
    out: set[Key] = set()
    for d in live:
        cap = capacities.get(d.team_id)
        if cap is not None and d.officers > cap:
            out.add(("capacity", (d.id,)))
    for team in {d.team_id for d in live}:
        cap = capacities.get(team)
        if cap is None:
            continue
        mine = [d for d in live if d.team_id == team and d.officers <= cap]  # over alone: own conflict
        instants = sorted({d.start for d in mine} | {d.end for d in mine})
        run: set[str] = set()
        for t0, _t1 in pairwise(instants):
            active = [d for d in mine if d.start <= t0 < d.end]
            if sum(d.officers for d in active) > cap:
                run |= {d.id for d in active}
                continue
            if len(run) >= 2:
                out.add(("capacity", tuple(sorted(run))))
            run = set()
        if len(run) >= 2:
            out.add(("capacity", tuple(sorted(run))))
    return out


def best_allocation(
    requests: Sequence[TaskingRequest],
    teams: Sequence[Team],
    existing: Sequence[Deployment] = (),
    *,
    leave: Sequence[Leave] = (),
    staff: Sequence[Staff] = (),
    unavailable: Sequence[TeamUnavailability] = (),
    previous: Mapping[str, str] | None = None,
    pinned: Sequence[str] = (),
    allow: Sequence[str] = (),
    settings: Settings | None = None,
) -> tuple[int, int] | None:
    """The best ``(coverage, kept)`` over *every* assignment of each request to no team or
    one team (lexicographically), checking each with :func:`brute_force`; ``None`` when no
    assignment keeps the pins. Exponential: for property tests on a handful of requests."""
    from ctpse_core.deconfliction.allocation import priority_weight, request_deployment
    from ctpse_core.deconfliction.grid import london_days

    prev = dict(previous or {})
    capacities = {t.id: t.capacity for t in teams}
    blocking_soft = {"subject-clash", "proximity"} - set(allow)
    live_existing = [d for d in existing if d.status is not DeploymentStatus.CANCELLED]

    def suitable(r: TaskingRequest, t: Team) -> bool:
        days = set(london_days(r.start, r.end))
        on_leave = {lv.staff_id for lv in leave if any(lv.first_day <= d <= lv.last_day for d in days)}
        if set(r.staff_ids) & on_leave:
            return False
        away = sum(1 for s in staff if s.home_team == t.id and s.id in on_leave)
        if t.team_type != r.team_type or not r.skills <= t.skills or r.officers > t.capacity - away:
            return False
        return not any(u.team_id == t.id and u.start < r.end and r.start < u.end for u in unavailable)

    options = [[None, *[t.id for t in teams if suitable(r, t)]] for r in requests]
    best: tuple[int, int] | None = None
    for choice in product(*options):
        if any(prev.get(rid) != team for rid, team in zip((r.id for r in requests), choice, strict=True)
               if rid in pinned and rid in prev):
            continue
        new = [request_deployment(r, team) for r, team in zip(requests, choice, strict=True) if team is not None]
        new_ids = {d.id for d in new}
        found = brute_force([*live_existing, *new], capacities, settings)
        if any(
            (rule not in {"subject-clash", "proximity"} or rule in blocking_soft) and set(ids) & new_ids
            for rule, ids in found
        ):
            continue
        coverage = sum(priority_weight(r, None) for r, team in zip(requests, choice, strict=True) if team)
        kept = sum(1 for r, team in zip(requests, choice, strict=True) if r.id in prev and prev[r.id] == team)
        if best is None or (coverage, kept) > best:
            best = (coverage, kept)
    return best
