"""Pure engagement rules: the contact policy, each nominal's deadlines, due/overdue and
compliance. No storage, no clock: every function takes the as-of date it answers for.

Deadlines. A nominal's plan starts on ``starts_on`` and asks for a contact every
``every`` days. The first deadline is ``starts_on + every``; each counting contact on day
``c`` sets the next deadline to ``c + every``. A deadline is **met** when a counting
contact falls on or before it, **missed** when the next contact came later (or, as of a
date after the deadline, has not happened). While no contact comes a deadline falls every
``every`` days, each missed; a late contact restarts the clock from its day.

Compliance over a period. A nominal is *required* in the period when at least one of its
deadlines falls in it (up to the day before the as-of date: a deadline today can still be
met). It is *compliant* when none of those deadlines was missed. Compliance is compliant
over required, per manager, per force and for the region.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from ctpse_core.errors import InputError, Problem

__all__ = [
    "Case",
    "Deadline",
    "Policy",
    "ProposedContact",
    "compliance",
    "deadlines",
    "is_compliant",
    "next_due",
    "parse_policy",
    "propose_schedule",
]

DAY = dt.timedelta(days=1)


@attrs.frozen(kw_only=True)
class Policy:
    """The contact policy (``engagement/policy.toml`` with any override laid over it)."""

    intervals: Mapping[str, Mapping[str, int]]  # status -> tier -> days
    force_intervals: Mapping[str, Mapping[str, Mapping[str, int]]] = attrs.field(factory=dict)
    methods: frozenset[str] = frozenset()
    by_others: bool = True
    soon_days: int = 7
    weeks: int = 4
    capacity_per_day: int = 3
    capacity: Mapping[str, int] = attrs.field(factory=dict)
    working_days_only: bool = True
    source: str = ""

    def interval(self, status: str | None, tier: str | None, force: str | None = None) -> int | None:
        """Days between required contacts for this status and tier (force override first);
        ``None`` when the policy asks for none (or the status or tier is unknown)."""
        if status is None or tier is None:
            return None
        for table in (self.force_intervals.get(force or "", {}), self.intervals):
            days = table.get(status, {}).get(tier)
            if days is not None:
                return days
        return None

    def counts(self, method: str, by: str, manager: str) -> bool:
        """Whether a completed contact by ``method`` done by ``by`` counts for ``manager``'s plan."""
        return method in self.methods and (self.by_others or by == manager)

    def capacity_of(self, manager: str) -> int:
        return self.capacity.get(manager, self.capacity_per_day)


def parse_policy(data: Mapping[str, Any], where: str = "policy.toml") -> Policy:
    """A :class:`Policy` from its TOML tables; a bad value is an :class:`InputError` naming it."""
    problems: list[Problem] = []

    def days_table(table: Any, path: str) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for status, tiers in dict(table or {}).items():
            out[status] = {}
            for tier, days in dict(tiers).items():
                if not isinstance(days, int) or isinstance(days, bool) or days < 1:
                    problems.append(Problem(f"{path}.{status}.{tier}", f"{days!r} must be a whole number of days >= 1",
                                            where))
                else:
                    out[status][str(tier)] = days
        return out

    intervals = days_table(data.get("intervals"), "intervals")
    forces = {
        name: days_table(dict(table).get("intervals"), f"forces.{name}.intervals")
        for name, table in dict(data.get("forces") or {}).items()
    }
    counts = dict(data.get("counts") or {})
    schedule = dict(data.get("schedule") or {})
    capacity = {str(k): v for k, v in dict(schedule.get("capacity") or {}).items()}
    for name, value in [("schedule.capacity_per_day", schedule.get("capacity_per_day", 3)),
                        *((f"schedule.capacity.{k}", v) for k, v in capacity.items())]:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(Problem(name, f"{value!r} must be a whole number of contacts >= 0", where))
    if problems:
        raise InputError(problems)
    return Policy(
        intervals=intervals,
        force_intervals=forces,
        methods=frozenset(str(m) for m in counts.get("methods", ())),
        by_others=bool(counts.get("by_others", True)),
        soon_days=int(dict(data.get("due") or {}).get("soon_days", 7)),
        weeks=int(schedule.get("weeks", 4)),
        capacity_per_day=int(schedule.get("capacity_per_day", 3)),
        capacity=capacity,
        working_days_only=bool(schedule.get("working_days_only", True)),
        source=str(data.get("source", "")),
    )


@attrs.frozen(kw_only=True)
class Case:
    """One nominal's engagement as the rules see it: who manages them, how often they must be
    seen and the days of their counting contacts (sorted, on or after ``starts_on``)."""

    nominal_id: str
    manager: str
    every: int
    starts_on: dt.date
    contact_days: tuple[dt.date, ...] = ()
    force: str | None = None


@attrs.frozen
class Deadline:
    """A day by which a contact was due; ``met_on`` the contact that met it (``None``: missed,
    or still open when it is not yet past)."""

    due_on: dt.date
    met_on: dt.date | None
    late_on: dt.date | None = None  # the late contact that followed a missed deadline


def deadlines(case: Case, as_of: dt.date) -> list[Deadline]:
    """Every deadline of ``case`` up to the first one on or after ``as_of`` (contacts after
    ``as_of`` are not known yet and ignored).

    While no contact comes, a deadline falls every ``every`` days, each one missed; a contact
    on one of those days meets it; the first contact after a miss restarts the clock."""
    out: list[Deadline] = []
    step = DAY * case.every
    anchor = case.starts_on
    for day in case.contact_days:
        if day > as_of:
            break
        if day <= anchor:
            continue
        due = anchor + step
        while due < day:
            out.append(Deadline(due, None, day))
            due += step
        if due == day or due == anchor + step:
            out.append(Deadline(due, day))
        anchor = day
    due = anchor + step
    while due < as_of:
        out.append(Deadline(due, None))
        due += step
    out.append(Deadline(due, None))
    return out


def next_due(case: Case, as_of: dt.date) -> dt.date:
    """The day the next contact is due by: the last counting contact on or before ``as_of``
    (or the plan start) plus ``every`` days; in the past when overdue."""
    anchor = case.starts_on
    for day in case.contact_days:
        if day > as_of:
            break
        anchor = max(anchor, day)
    return anchor + DAY * case.every


def is_compliant(case: Case, first: dt.date, last: dt.date, as_of: dt.date) -> bool | None:
    """Whether every deadline of ``case`` in ``[first, last]`` (and before ``as_of``) was met;
    ``None`` when no deadline falls there (nothing was required)."""
    last = min(last, as_of - DAY)
    required = [d for d in deadlines(case, as_of) if first <= d.due_on <= last]
    if not required:
        return None
    return all(d.met_on is not None for d in required)


def compliance(cases: Iterable[Case], first: dt.date, last: dt.date, as_of: dt.date,
               key: str = "manager") -> dict[str, tuple[int, int]]:
    """``{group: (compliant, required)}`` grouping cases by ``key`` (``manager``, ``force`` or
    ``region``)."""
    out: dict[str, list[int]] = {}
    for case in cases:
        verdict = is_compliant(case, first, last, as_of)
        if verdict is None:
            continue
        group = "region" if key == "region" else (getattr(case, key) or "(none)")
        tally = out.setdefault(group, [0, 0])
        tally[0] += int(verdict)
        tally[1] += 1
    return {k: (v[0], v[1]) for k, v in sorted(out.items())}


@attrs.frozen(kw_only=True)
class ProposedContact:
    """One contact the schedule proposes: ``manager`` sees ``nominal_id`` on ``day``."""

    manager: str
    nominal_id: str
    day: dt.date
    due_on: dt.date

    @property
    def late(self) -> bool:
        return self.day > self.due_on


def propose_schedule(
    cases: Sequence[Case],
    as_of: dt.date,
    days: int,
    capacity: Mapping[str, int],
    unavailable: Mapping[str, frozenset[dt.date]],
    closed: frozenset[dt.date] = frozenset(),
    lead: int = 7,
) -> tuple[list[ProposedContact], list[tuple[str, str, dt.date]]]:
    """Earliest deadline first within each manager's capacity, never on a day they are away.

    A contact becomes *ready* ``lead`` days before its deadline (at once when already overdue).
    For each manager, day by day from ``as_of`` for ``days`` days: skip ``closed`` days
    (weekends, bank holidays) and the manager's ``unavailable`` days (leave); otherwise take
    up to ``capacity[manager]`` ready contacts, earliest deadline first. A contact planned on
    day ``d`` brings that nominal's next deadline to ``d + every``, planned again in turn.
    Returns the proposals and every deadline before the horizon's end left unplanned
    (``(manager, nominal_id, due_on)``): who cannot keep up.
    """
    by_manager: dict[str, list[Case]] = {}
    for case in cases:
        by_manager.setdefault(case.manager, []).append(case)
    end = as_of + DAY * days
    proposals: list[ProposedContact] = []
    left: list[tuple[str, str, dt.date]] = []
    for manager in sorted(by_manager):
        waiting: list[tuple[dt.date, dt.date, str, int]] = []  # (ready on, due, nominal, every)
        for case in by_manager[manager]:
            due = next_due(case, as_of)
            waiting.append((max(as_of, due - DAY * lead), due, case.nominal_id, case.every))
        heapq.heapify(waiting)
        ready: list[tuple[dt.date, str, int]] = []
        cap = capacity.get(manager, 0)
        away = unavailable.get(manager, frozenset())
        day = as_of
        while day < end:
            while waiting and waiting[0][0] <= day:
                _ready_on, due, nominal, every = heapq.heappop(waiting)
                heapq.heappush(ready, (due, nominal, every))
            if day not in closed and day not in away:
                for _ in range(min(cap, len(ready))):
                    due, nominal, every = heapq.heappop(ready)
                    proposals.append(ProposedContact(manager=manager, nominal_id=nominal, day=day, due_on=due))
                    nxt = day + DAY * every
                    heapq.heappush(waiting, (max(day + DAY, nxt - DAY * lead), nxt, nominal, every))
            day += DAY
        pending = [(due, nominal) for due, nominal, _e in ready] + [(due, n) for _r, due, n, _e in waiting]
        left.extend((manager, nominal, due) for due, nominal in sorted(pending) if due < end)
    return proposals, left
