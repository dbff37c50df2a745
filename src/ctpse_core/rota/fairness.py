"""Fairness over time: nights, weekend shifts and bank-holiday shifts.

On-call staff care more about who does the nights, the weekends and Christmas than about
hours. Each measure counts a person's shifts of one kind (``nights``: shifts crossing
midnight; ``weekends``: shifts on a weekend day; ``bank_holidays``: shifts on an England
and Wales bank holiday, from the ``holidays`` package) over the rota being built *plus*
a rolling history of published rotas (:func:`history_from`), so whoever did the last
Christmas is not first in line for the next.

The soft penalty (rule ``fairness``) is separable by person, so the built-in solver
prices it like any per-person rule and CP-SAT encodes it exactly: for each measure with
a weight, the people who may work such shifts share the history and this rota's demand
(the cover required on such shifts) evenly: the fair total is
``T = (sum of history + demand) / people``. With ``a = floor(T) - history_p`` a person
doing ``k`` such shifts in this rota costs ``weight x (k - a) x (k - a - 1)``: nothing
when their total with the history is ``floor(T)`` or ``floor(T) + 1``, growing
quadratically beyond (a convex, integer stand-in for the spread between the most and the
least loaded; someone whose history is already above the fair total pays a constant and
more for each further shift, so they get none). Weights live in the problem (``fairness.weights``): configuration, 0 or
absent turns a measure off.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence

import attrs

from ctpse_core.rota.model import (
    FAIRNESS_MEASURES,
    Assignment,
    Fairness,
    FairnessCounts,
    Roster,
    RotaProblem,
    ShiftDef,
)

__all__ = [
    "FairTerm",
    "bank_holidays",
    "counts",
    "fair_terms",
    "history_from",
    "penalty",
]


def bank_holidays(first: dt.date, last: dt.date) -> frozenset[dt.date]:
    """England and Wales bank holidays from ``first`` to ``last`` (``holidays``, GB-ENG:
    Wales keeps the same days)."""
    import holidays

    found = holidays.country_holidays("GB", subdiv="ENG", years=range(first.year, last.year + 1))
    return frozenset(d for d in found if first <= d <= last)


def _flag(measure: str, day: dt.date, shift: ShiftDef, weekend: frozenset[int], bank: frozenset[dt.date]) -> bool:
    if measure == "nights":
        return shift.is_night
    if measure == "weekends":
        return day.weekday() in weekend
    return day in bank


def counts(problem: RotaProblem, assignments: Iterable[Assignment]) -> dict[str, dict[str, int]]:
    """Per person, per measure: how many of their ``assignments`` are of that kind (shift
    types unknown to ``problem`` are skipped)."""
    shifts = {s.id: s for s in problem.shifts}
    items = [a for a in assignments if a.shift in shifts]
    days = [a.day for a in items]
    bank = bank_holidays(min(days), max(days)) if days else frozenset()
    out: dict[str, dict[str, int]] = {}
    for a in items:
        row = out.setdefault(a.staff_id, dict.fromkeys(FAIRNESS_MEASURES, 0))
        for m in FAIRNESS_MEASURES:
            row[m] += int(_flag(m, a.day, shifts[a.shift], problem.weekend, bank))
    return out


@attrs.frozen
class FairTerm:
    """One measure with a weight: which (day index, shift id) pairs count, and each
    person's ``a`` (no penalty for ``a`` or ``a + 1`` such shifts in this rota; negative
    when their history is above the fair total); people not in ``low`` cannot work such
    shifts and are not scored."""

    measure: str
    weight: int
    slots: frozenset[tuple[int, str]]
    low: dict[str, int]
    fair_total: float


def fair_terms(problem: RotaProblem) -> list[FairTerm]:
    """The fairness terms of ``problem`` (none when no weight is set)."""
    weights = {m: w for m, w in problem.fairness.weights.items() if w > 0}
    if not weights:
        return []
    bank = bank_holidays(problem.start, problem.end)
    need = {s.id: problem.required_qualification(s) for s in problem.shifts}
    demand: dict[tuple[int, str], int] = {}
    for cv in problem.cover:
        key = (problem.index(cv.day), cv.shift)
        demand[key] = demand.get(key, 0) + cv.requirement
    shifts = {s.id: s for s in problem.shifts}
    history = problem.fairness.history
    out = []
    for measure in FAIRNESS_MEASURES:
        weight = weights.get(measure, 0)
        if not weight:
            continue
        slots = frozenset(
            (d, s.id)
            for d in range(problem.days)
            for s in problem.shifts
            if _flag(measure, problem.day(d), s, problem.weekend, bank)
        )
        kinds = {sid for _d, sid in slots}
        pool = [
            p.id
            for p in problem.staff
            if any(need[k] is None or need[k] in p.qualifications for k in kinds)
        ]
        if not pool or not slots:
            continue
        wanted = sum(n for key, n in demand.items() if key in slots and key[1] in shifts)
        past = {sid: getattr(history.get(sid, FairnessCounts()), measure) for sid in pool}
        fair = (sum(past.values()) + wanted) / len(pool)
        low = {sid: math.floor(fair) - past[sid] for sid in pool}
        out.append(FairTerm(measure, weight, slots, low, fair))
    return out


def penalty(weight: int, low: int, k: int) -> int:
    """``weight x (k - low) x (k - low - 1)``: 0 at ``low`` and ``low + 1``."""
    return weight * (k - low) * (k - low - 1)


def history_from(
    problem: RotaProblem,
    published: Sequence[tuple[RotaProblem, Roster]],
    *,
    window_days: int = 365,
    weights: dict[str, int] | None = None,
) -> Fairness:
    """The problem's fairness configuration with ``history`` counted from ``published``
    rotas (each with its own problem, for shift types and weekends), keeping only shifts
    in the ``window_days`` before ``problem.start`` (a rolling history), and ``sources``
    naming each rota and the days it covered."""
    since = problem.start - dt.timedelta(days=window_days)
    totals: dict[str, dict[str, int]] = {}
    sources = []
    for old_problem, roster in published:
        kept = [a for a in roster.assignments if since <= a.day < problem.start]
        if not kept:
            continue
        first, last = min(a.day for a in kept), max(a.day for a in kept)
        sources.append(f"{roster.problem} ({first.isoformat()} to {last.isoformat()})")
        for sid, row in counts(old_problem, kept).items():
            mine = totals.setdefault(sid, dict.fromkeys(FAIRNESS_MEASURES, 0))
            for m, n in row.items():
                mine[m] += n
    history = {sid: FairnessCounts(**row) for sid, row in sorted(totals.items())}
    return Fairness(
        weights=dict(weights if weights is not None else problem.fairness.weights),
        history=history,
        sources=tuple(sources),
    )
