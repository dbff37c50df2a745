"""How good a roster is, beyond its rule breaches.

* ``coverage``: percentage of required cover that is filled;
* ``balance``: as Grafana OnCall scores schedules, the mean over every pair of people on
  the rota of min(hours)/max(hours) (1.0 when everyone works the same hours);
* hours, nights and weekends per person, with their spread;
* the soft penalty per rule (from the validator);
* gaps: required cover not filled in the 30 days from a date;
* people rostered without a contact number, and roles without an on-call number.

"People on the rota" are the staff qualified for at least one shift of the problem.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from typing import Any

import attrs

from ctpse_core.rota.model import Roster, RotaProblem
from ctpse_core.rota.timing import real_minutes
from ctpse_core.rota.validate import ValidationReport, validate

__all__ = ["QualityReport", "balance_score", "quality"]


def balance_score(hours: list[float]) -> float:
    """Mean over all pairs of min/max (pairs of two zeros count as 1); 1.0 for under two."""
    if len(hours) < 2:
        return 1.0
    values = sorted(hours)
    # For sorted values, pair (i, j>i) scores v_i / v_j: sum per j is prefix(v_i)/v_j.
    total, prefix, zeros = 0.0, 0.0, 0
    for v in values:
        if v <= 0:
            total += zeros  # zero with earlier zeros: 1 each
            zeros += 1
            continue
        total += prefix / v
        prefix += v
    pairs = len(values) * (len(values) - 1) / 2
    return total / pairs


@attrs.frozen
class QualityReport:
    coverage: float
    balance: float
    hard_violations: int
    soft_penalty: int
    penalty_by_rule: dict[str, int]
    people: list[dict[str, Any]]
    spread: dict[str, dict[str, float]]
    gaps: list[dict[str, Any]]
    no_number: list[dict[str, str]]
    roles_without_number: list[str]
    #: per measure (nights, weekend shifts, bank-holiday shifts): the spread over people on
    #: the rota of this rota's counts and of the counts with the history, the weights and
    #: the published rotas the history came from
    fairness: dict[str, Any] = attrs.Factory(dict)
    #: numbers not verified within ``stale_days`` of ``today`` (people and roles), and
    #: people rostered with no number verified in that window
    stale_numbers: list[dict[str, Any]] = attrs.Factory(list)
    no_working_number: list[dict[str, Any]] = attrs.Factory(list)

    def as_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


def _pool(problem: RotaProblem) -> list[str]:
    out = []
    for person in problem.staff:
        for shift in problem.shifts:
            need = problem.required_qualification(shift)
            if need is None or need in person.qualifications:
                out.append(person.id)
                break
    return out


def _spread(values: list[float]) -> dict[str, float]:
    if not values:
        return {"min": 0.0, "max": 0.0, "mean": 0.0, "stdev": 0.0}
    return {
        "min": round(min(values), 2),
        "max": round(max(values), 2),
        "mean": round(statistics.fmean(values), 2),
        "stdev": round(statistics.pstdev(values), 2),
    }


def _fairness(problem: RotaProblem, roster: Roster, pool: list[str]) -> dict[str, Any]:
    from ctpse_core.rota.fairness import counts
    from ctpse_core.rota.model import FAIRNESS_MEASURES, FairnessCounts

    now = counts(problem, roster.assignments)
    history = problem.fairness.history
    measures = {}
    for m in FAIRNESS_MEASURES:
        this = [now.get(sid, {}).get(m, 0) for sid in pool]
        past = [getattr(history.get(sid, FairnessCounts()), m) for sid in pool]
        both = [a + b for a, b in zip(this, past, strict=True)]
        if not any(both):
            continue  # nothing of this kind (no nights, no bank holiday): no row
        measures[m] = {
            "weight": problem.fairness.weights.get(m, 0),
            "this_rota": {"min": min(this), "max": max(this), "spread": max(this) - min(this)},
            "with_history": {"min": min(both), "max": max(both), "spread": max(both) - min(both)},
        }
    return {"measures": measures, "history_from": list(problem.fairness.sources)}


def quality(
    problem: RotaProblem,
    roster: Roster,
    report: ValidationReport | None = None,
    today: dt.date | None = None,
    stale_days: int | None = None,
) -> QualityReport:
    report = report if report is not None else validate(problem, roster)
    shifts = {s.id: s for s in problem.shifts}
    counts = Counter((a.day, a.shift) for a in roster.assignments)
    required = sum(c.requirement for c in problem.cover)
    filled = sum(min(c.requirement, counts[(c.day, c.shift)]) for c in problem.cover)
    coverage = 100.0 if required == 0 else round(100.0 * filled / required, 2)

    minutes: dict[str, int] = defaultdict(int)
    nights: dict[str, int] = defaultdict(int)
    weekends: dict[str, set[dt.date]] = defaultdict(set)
    n_shifts: dict[str, int] = defaultdict(int)
    for a in roster.assignments:
        shift = shifts.get(a.shift)
        if shift is None:
            continue
        minutes[a.staff_id] += real_minutes(a.day, shift)
        n_shifts[a.staff_id] += 1
        nights[a.staff_id] += int(shift.is_night)
        if a.day.weekday() in problem.weekend:
            weekends[a.staff_id].add(a.day - dt.timedelta(days=a.day.weekday()))
    pool = _pool(problem)
    names = {p.id: p.name for p in problem.staff}
    people = [
        {
            "id": sid,
            "name": names[sid],
            "shifts": n_shifts[sid],
            "hours": round(minutes[sid] / 60, 2),
            "nights": nights[sid],
            "weekends": len(weekends[sid]),
        }
        for sid in pool
    ]
    hours = [minutes[sid] / 60 for sid in pool]

    start = today or problem.start
    stop = start + dt.timedelta(days=30)
    gaps = []
    for c in sorted(problem.cover, key=lambda c: (c.day, c.shift)):
        missing = c.requirement - counts[(c.day, c.shift)]
        if start <= c.day < stop and missing > 0:
            gaps.append(
                {
                    "day": c.day.isoformat(),
                    "shift": c.shift,
                    "role": shifts[c.shift].role if c.shift in shifts else None,
                    "missing": missing,
                }
            )
    rostered = {a.staff_id for a in roster.assignments}
    no_number = [
        {"id": p.id, "name": p.name} for p in problem.staff if p.id in rostered and not p.numbers
    ]
    from ctpse_core.rota.contacts import STALE_DAYS, stale_numbers, without_working_number

    window = STALE_DAYS if stale_days is None else stale_days
    return QualityReport(
        fairness=_fairness(problem, roster, pool),
        stale_numbers=stale_numbers(problem, today=start, days=window),
        no_working_number=without_working_number(problem, roster, today=start, days=window),
        coverage=coverage,
        balance=round(balance_score(hours), 4),
        hard_violations=report.hard_count,
        soft_penalty=report.soft_penalty,
        penalty_by_rule=report.penalty_by_rule(),
        people=people,
        spread={
            "hours": _spread(hours),
            "nights": _spread([float(nights[s]) for s in pool]),
            "weekends": _spread([float(len(weekends[s])) for s in pool]),
        },
        gaps=gaps,
        no_number=no_number,
        roles_without_number=[r.id for r in problem.roles if r.on_call_number is None],
    )
