"""Changes to a published roster: overrides, swaps and short-notice repair.

Every change is recorded on the roster (:class:`~ctpse_core.rota.model.ChangeRecord`)
and checked with the validator. The hard rules split in two, as on-call tools
(linkedin/oncall, PagerDuty overrides) treat them:

* :data:`NEVER_BROKEN`: rest (daily, weekly, forbidden successions), qualification,
  leave and fixed days off, one place at a time (one shift a day, no overlap with a
  commitment), and any organisation rule. A change that breaks one of these for anyone
  it touches is refused with one line per broken rule.
* :data:`ACCEPTABLE`: contractual totals (minutes per period, shifts per type),
  run lengths (consecutive days on and off) and weekends. A change that breaks one goes
  through with a warning per breach, shown to the coordinator and kept on the change
  record; ``strict=True`` refuses these too.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from ctpse_core.domain.common import day_text, time_text, utcnow
from ctpse_core.domain.staff import LeaveKind
from ctpse_core.errors import InputError, Problem
from ctpse_core.rota.model import Assignment, ChangeRecord, Roster, RotaLeave, RotaProblem
from ctpse_core.rota.rules import BUILTIN_RULES, RotaConstraint, Violation
from ctpse_core.rota.timing import days_text, interval, real_minutes
from ctpse_core.rota.validate import validate

__all__ = [
    "ACCEPTABLE",
    "NEVER_BROKEN",
    "Removal",
    "RepairResult",
    "describe_shift",
    "override",
    "repair",
    "swap",
    "warning_text",
]

#: hard rules an override, swap or repair never breaks
NEVER_BROKEN = frozenset(
    {
        "assignment",
        "one_shift_per_day",
        "qualification",
        "leave",
        "day_off",
        "overlap",
        "forbidden_succession",
        "daily_rest",
        "weekly_rest",
    }
)
#: hard rules a change may break with a warning the coordinator accepts
ACCEPTABLE = frozenset(
    {
        "min_total_minutes",
        "max_total_minutes",
        "max_shifts_per_type",
        "max_consecutive_shifts",
        "min_consecutive_shifts",
        "min_consecutive_days_off",
        "max_weekends",
    }
)


def _label(problem: RotaProblem, shift_id: str) -> str:
    for s in problem.shifts:
        if s.id == shift_id:
            return s.label or s.id
    return shift_id


def describe_shift(problem: RotaProblem, a: Assignment) -> str:
    """The shift as a coordinator reads it, in Europe/London time with its zone:
    ``Night shift Sat 28 Mar 2026 19:00 GMT to Sun 29 Mar 2026 08:00 BST``."""
    for s in problem.shifts:
        if s.id == a.shift:
            start, end = interval(a.day, s)
            return f"{s.label or s.id} {time_text(start)} to {time_text(end)}"
    return f"{a.shift} on {day_text(a.day)}"


def _person_rules(rules: Sequence[RotaConstraint] | None) -> list[RotaConstraint]:
    chosen: list[RotaConstraint] = list(rules) if rules is not None else list(BUILTIN_RULES)
    return [r for r in chosen if r.per_person]


def _own(roster: Roster, staff_id: str) -> Roster:
    return attrs.evolve(
        roster, assignments=tuple(a for a in roster.assignments if a.staff_id == staff_id)
    )


def _hard_for(
    problem: RotaProblem, roster: Roster, staff_id: str, rules: Sequence[RotaConstraint]
) -> Counter[tuple[str, dt.date | None]]:
    report = validate(problem, _own(roster, staff_id), rules, only_staff=[staff_id])
    return Counter((v.rule, v.day) for v in report.hard)


def _soft_for(
    problem: RotaProblem, roster: Roster, staff_id: str, rules: Sequence[RotaConstraint]
) -> int:
    return validate(problem, _own(roster, staff_id), rules, only_staff=[staff_id]).soft_penalty


def _new_hard(
    problem: RotaProblem,
    before: Roster,
    after: Roster,
    people: Iterable[str],
    rules: Sequence[RotaConstraint],
) -> list[Violation]:
    out: list[Violation] = []
    for sid in sorted(set(people)):
        old = _hard_for(problem, before, sid, rules)
        report = validate(problem, _own(after, sid), rules, only_staff=[sid])
        seen: Counter[tuple[str, dt.date | None]] = Counter()
        for v in report.hard:
            seen[(v.rule, v.day)] += 1
            if seen[(v.rule, v.day)] > old[(v.rule, v.day)]:
                out.append(v)
    return out


def warning_text(v: Violation) -> str:
    """One line for a coordinator: ``S004 max_total_minutes: ... (Mon 3 Mar 2025)``."""
    when = f" ({day_text(v.day)})" if v.day else ""
    return f"{v.staff_id} {v.rule}: {v.detail or 'broken'}{when}"


def _refuse(what: str, broken: list[Violation]) -> InputError:
    return InputError(
        [
            Problem(
                v.rule,
                v.detail or "broken",
                f"{v.staff_id} {day_text(v.day) if v.day else ''}".strip(),
            )
            for v in broken
        ],
        f"{what} refused",
    )


def _apply(
    problem: RotaProblem,
    roster: Roster,
    removed: list[Assignment],
    added: list[Assignment],
    kind: str,
    by: str,
    reason: str,
    rules: Sequence[RotaConstraint] | None,
    at: dt.datetime | None,
    strict: bool,
) -> Roster:
    keep = list(roster.assignments)
    for a in removed:
        keep.remove(a)
    after = attrs.evolve(roster, assignments=tuple(sorted(keep + added)))
    people = {a.staff_id for a in removed + added}
    broken = _new_hard(problem, roster, after, people, _person_rules(rules))
    refused = [v for v in broken if strict or v.rule not in ACCEPTABLE]
    if refused:
        raise _refuse(kind, refused)
    record = ChangeRecord(
        kind=kind,
        at=at or utcnow(),
        by=by,
        reason=reason,
        removed=tuple(removed),
        added=tuple(added),
        warnings=tuple(warning_text(v) for v in broken),
    )
    return attrs.evolve(after, changes=(*roster.changes, record))


def _find(roster: Roster, staff_id: str, day: dt.date, shift: str | None = None) -> Assignment:
    for a in roster.assignments:
        if a.staff_id == staff_id and a.day == day and (shift is None or a.shift == shift):
            return a
    what = f"{shift} " if shift else ""
    raise InputError(
        [Problem("assignment", f"{staff_id} has no {what}shift on {day_text(day)}")],
        "no such assignment",
    )


def override(
    problem: RotaProblem,
    roster: Roster,
    *,
    day: dt.date,
    shift: str,
    from_staff: str,
    to_staff: str,
    by: str,
    reason: str = "",
    rules: Sequence[RotaConstraint] | None = None,
    at: dt.datetime | None = None,
    strict: bool = False,
) -> Roster:
    """``to_staff`` covers ``from_staff``'s ``shift`` on ``day``: refused if it breaks a
    rule in :data:`NEVER_BROKEN` (or, with ``strict``, any hard rule); breaches of
    :data:`ACCEPTABLE` rules are recorded as the change's ``warnings``."""
    if to_staff not in {p.id for p in problem.staff}:
        raise InputError([Problem("to", f"{to_staff!r} is not on the staff list")])
    old = _find(roster, from_staff, day, shift)
    new = Assignment(day=day, shift=shift, staff_id=to_staff)
    return _apply(problem, roster, [old], [new], "override", by, reason, rules, at, strict)


def swap(
    problem: RotaProblem,
    roster: Roster,
    *,
    staff_a: str,
    day_a: dt.date,
    staff_b: str,
    day_b: dt.date,
    by: str,
    reason: str = "",
    rules: Sequence[RotaConstraint] | None = None,
    at: dt.datetime | None = None,
    strict: bool = False,
) -> Roster:
    """A's shift on ``day_a`` goes to B and B's shift on ``day_b`` goes to A (refused and
    warned about as :func:`override`)."""
    a = _find(roster, staff_a, day_a)
    b = _find(roster, staff_b, day_b)
    added = [
        Assignment(day=a.day, shift=a.shift, staff_id=staff_b),
        Assignment(day=b.day, shift=b.shift, staff_id=staff_a),
    ]
    return _apply(problem, roster, [a, b], added, "swap", by, reason, rules, at, strict)


@attrs.frozen
class Removal:
    """Someone who cannot work from ``first_day`` to ``last_day`` (sick, deployed...)."""

    staff_id: str
    first_day: dt.date
    last_day: dt.date
    reason: str = "sick"


@attrs.frozen
class RepairResult:
    problem: RotaProblem
    roster: Roster
    removed: list[Assignment]
    added: list[Assignment]
    notify: list[dict[str, Any]]
    notes: list[str]
    affected_days: list[dt.date]
    #: acceptable rules the repair's own fills break (see :data:`ACCEPTABLE`)
    warnings: list[str] = attrs.Factory(list)
    #: every hard rule the repaired rota breaks, one line each (including those the
    #: absence itself causes, e.g. the person off sick now below their minimum hours)
    breaks: list[str] = attrs.Factory(list)

    def as_dict(self) -> dict[str, Any]:
        def row(a: Assignment) -> dict[str, str]:
            return {"day": a.day.isoformat(), "shift": a.shift, "staff_id": a.staff_id}

        return {
            "removed": [row(a) for a in self.removed],
            "added": [row(a) for a in self.added],
            "notify": self.notify,
            "notes": self.notes,
            "affected_days": [d.isoformat() for d in self.affected_days],
            "warnings": self.warnings,
            "breaks": self.breaks,
        }


def repair(
    problem: RotaProblem,
    roster: Roster,
    removals: Sequence[Removal],
    *,
    by: str,
    rules: Sequence[RotaConstraint] | None = None,
    at: dt.datetime | None = None,
) -> RepairResult:
    """Take the removed people off their shifts and fill each gap on the same day,
    changing nothing else. Each gap goes to the qualified, rested person for whom it
    breaks no hard rule and adds the least soft penalty, fewest hours first; failing
    that, someone already on duty that day moves over and their shift is refilled. A
    gap no one can fill is left and explained in ``notes``.
    """
    staff = {p.id: p for p in problem.staff}
    for r in removals:
        if r.staff_id not in staff:
            raise InputError([Problem("staff", f"{r.staff_id!r} is not on the staff list")])
        if r.last_day < problem.start or r.first_day > problem.end:
            raise InputError(
                [
                    Problem(
                        "day",
                        f"{days_text(r.first_day, r.last_day)} is outside the rota "
                        f"({days_text(problem.start, problem.end)})",
                        r.staff_id,
                    )
                ],
                "nothing to repair",
            )
    kinds = {"sick": LeaveKind.SICK, "training": LeaveKind.TRAINING, "court": LeaveKind.COURT}
    problem = attrs.evolve(
        problem,
        leave=(
            *problem.leave,
            *[
                RotaLeave(
                    staff_id=r.staff_id,
                    first_day=r.first_day,
                    last_day=r.last_day,
                    kind=kinds.get(r.reason.lower(), LeaveKind.OTHER),
                )
                for r in removals
            ],
        ),
    )
    out = {
        (r.staff_id, d)
        for r in removals
        for d in RotaLeave(staff_id=r.staff_id, first_day=r.first_day, last_day=r.last_day).days()
    }
    vacated = sorted(a for a in roster.assignments if (a.staff_id, a.day) in out)
    affected = sorted({a.day for a in vacated})
    person_rules = _person_rules(rules)
    current = attrs.evolve(
        roster, assignments=tuple(a for a in roster.assignments if a not in vacated)
    )
    added: list[Assignment] = []
    moved: list[Assignment] = []
    notes: list[str] = []
    warnings: list[str] = []
    shifts = {s.id: s for s in problem.shifts}

    def hours(sid: str, r: Roster) -> int:
        return sum(real_minutes(a.day, shifts[a.shift]) for a in r.assignments if a.staff_id == sid)

    def candidates(
        day: dt.date, shift: str, r: Roster, exclude: set[str]
    ) -> tuple[list[tuple[int, int, int, str, list[Violation]]], Counter[str]]:
        """(acceptable breaches, soft cost, hours, person, breaches) for everyone who may
        take the shift without breaking a rule in NEVER_BROKEN; and why the rest may not."""
        busy = {a.staff_id for a in r.assignments if a.day == day} | exclude
        why: Counter[str] = Counter()
        options = []
        for sid in sorted(staff):
            if sid in busy or (sid, day) in out:
                continue
            trial = attrs.evolve(
                r, assignments=(*r.assignments, Assignment(day=day, shift=shift, staff_id=sid))
            )
            broken = _new_hard(problem, r, trial, [sid], person_rules)
            why.update(v.rule for v in broken)
            if any(v.rule not in ACCEPTABLE for v in broken):
                continue
            cost = _soft_for(problem, trial, sid, person_rules) - _soft_for(
                problem, r, sid, person_rules
            )
            options.append((len(broken), cost, hours(sid, r), sid, broken))
        options.sort(key=lambda o: o[:4])
        return options, why

    def best_for(
        day: dt.date, shift: str, r: Roster, exclude: set[str]
    ) -> tuple[str | None, Counter[str]]:
        options, why = candidates(day, shift, r, exclude)
        clean = [o for o in options if not o[4]]
        return (clean[0][3] if clean else None), why

    for gap in vacated:
        who, why = best_for(gap.day, gap.shift, current, set())
        if who is not None:
            new = Assignment(day=gap.day, shift=gap.shift, staff_id=who)
            current = attrs.evolve(current, assignments=tuple(sorted((*current.assignments, new))))
            added.append(new)
            continue
        # chain: someone on another shift that day moves over, and their shift is refilled
        done = False
        for other in [a for a in current.assignments if a.day == gap.day]:
            without = attrs.evolve(
                current, assignments=tuple(a for a in current.assignments if a != other)
            )
            mover = Assignment(day=gap.day, shift=gap.shift, staff_id=other.staff_id)
            trial = attrs.evolve(without, assignments=(*without.assignments, mover))
            if _new_hard(problem, current, trial, [other.staff_id], person_rules):
                continue
            fill, _ = best_for(other.day, other.shift, trial, {other.staff_id})
            if fill is None:
                continue
            refill = Assignment(day=other.day, shift=other.shift, staff_id=fill)
            current = attrs.evolve(trial, assignments=tuple(sorted((*trial.assignments, refill))))
            moved.append(other)
            added.extend([mover, refill])
            notes.append(
                f"{describe_shift(problem, gap)}: no one free could take it; "
                f"{other.staff_id} moved from {_label(problem, other.shift)} and {fill} took that"
            )
            done = True
            break
        if not done:
            # last: someone for whom it breaks only rules a coordinator may accept
            options, why = candidates(gap.day, gap.shift, current, set())
            if options:
                _n, _cost, _hours, who, broken = options[0]
                new = Assignment(day=gap.day, shift=gap.shift, staff_id=who)
                current = attrs.evolve(
                    current, assignments=tuple(sorted((*current.assignments, new)))
                )
                added.append(new)
                warnings.extend(warning_text(v) for v in broken)
                notes.append(
                    f"{describe_shift(problem, gap)}: no one could take it within every rule; "
                    f"{who} took it with {len(broken)} warning(s) to accept"
                )
                continue
            reasons = ", ".join(f"{rule} ({n})" for rule, n in why.most_common(4)) or "no one free"
            notes.append(
                f"{describe_shift(problem, gap)}: left uncovered; every candidate would "
                f"break a hard rule: {reasons}"
            )
    removed = vacated + moved
    record = ChangeRecord(
        kind="repair",
        at=at or utcnow(),
        by=by,
        reason="; ".join(
            f"{r.staff_id} {r.reason} {days_text(r.first_day, r.last_day)}" for r in removals
        ),
        removed=tuple(removed),
        added=tuple(added),
        warnings=tuple(warnings),
    )
    final = attrs.evolve(current, changes=(*roster.changes, record))
    notify = _notifications(problem, removed, added)
    breaks = [warning_text(v) for v in validate(problem, final, rules).hard]
    return RepairResult(
        problem, final, removed, added, notify, notes, affected, warnings, breaks
    )


def _notifications(
    problem: RotaProblem, removed: list[Assignment], added: list[Assignment]
) -> list[dict[str, Any]]:
    staff = {p.id: p for p in problem.staff}
    shifts = {s.id: s for s in problem.shifts}
    roles = {r.id: r for r in problem.roles}
    out: list[dict[str, Any]] = []
    for verb, items in (("stood down from", removed), ("now on", added)):
        for a in items:
            person = staff[a.staff_id]
            out.append(
                {
                    "who": a.staff_id,
                    "name": person.name,
                    "number": person.phone,
                    "message": f"{verb} {describe_shift(problem, a)}",
                }
            )
    touched = {r for a in removed + added if (r := shifts[a.shift].role) is not None}
    for role_id in sorted(touched):
        role = roles.get(role_id)
        if role is not None:
            out.append(
                {
                    "who": role.id,
                    "name": role.name,
                    "number": role.on_call_number,
                    "message": "on-call rota changed: republish the role's feed",
                }
            )
    return out
