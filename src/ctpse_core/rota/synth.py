"""A synthetic, obviously fictional Counter Terrorism on-call instance.

Six roles (Intelligence DS, CT SIO, alarm on-call, CT Fusion/Intel cell, regional
Special Branch, SLT), each with a day (08:00-20:00) and a night (20:00-08:00) on-call
shift needing one person; staff with a home role and sometimes a second qualification,
leave, fixed days off, a few deployments, requests, and UK working-time rules.
Numbers are in Ofcom's drama range (07700 900xxx). The default start (Monday
3 March 2025) puts the spring clock change inside a 13-week horizon.
"""

from __future__ import annotations

import datetime as dt
import random

from ctpse_core.domain.common import LONDON
from ctpse_core.domain.staff import ContactNumber, LeaveKind
from ctpse_core.domain.types import PhoneNumber
from ctpse_core.parsing import parse_phone
from ctpse_core.rota.model import (
    Commitment,
    Cover,
    Fairness,
    Person,
    RestRules,
    RoleDef,
    RotaLeave,
    RotaProblem,
    ShiftDef,
    ShiftRequest,
    StaffRules,
)
from ctpse_core.synthetic.names import FORENAMES_F, FORENAMES_M, SURNAMES, pick

__all__ = ["CT_ROLES", "DEFAULT_START", "FAIR_WEIGHTS", "make_feasible", "synthetic_ct_problem"]

DEFAULT_START = dt.date(2025, 3, 3)

#: fairness weights of the synthetic instance (configuration: see ctpse_core.rota.fairness)
FAIR_WEIGHTS = {"nights": 20, "weekends": 20, "bank_holidays": 20}

#: (id, name, qualification)
CT_ROLES: tuple[tuple[str, str, str], ...] = (
    ("intel-ds", "Intelligence DS on-call", "Intelligence DS"),
    ("ct-sio", "CT SIO on-call", "CT SIO"),
    ("alarm", "Alarm on-call", "Alarm response"),
    ("fusion", "CT Fusion / Intel cell", "Fusion cell"),
    ("ssb", "Regional Special Branch", "Special Branch"),
    ("slt", "SLT on-call", "SLT"),
)


def _verified(rng: random.Random, start: dt.date) -> dt.date:
    """When a number was last checked: mostly in the four months before ``start``, one in
    eight between 200 and 500 days before (stale, for the checks to find)."""
    back = rng.randrange(200, 500) if rng.random() < 0.125 else rng.randrange(0, 120)
    return start - dt.timedelta(days=back)


def _phone(k: int) -> PhoneNumber:
    return PhoneNumber(parse_phone(f"07700 900{k:03d}"))


def make_feasible(problem: RotaProblem, seed: int = 0) -> tuple[RotaProblem, list[str]]:
    """The problem with each person's minimum minutes lowered, where needed, to what a
    schedule of their own that keeps every other hard rule reaches, so a rota breaking no
    hard rule exists (the witness is checked with the validator). Returns the problem and
    the IDs of the people whose minimum was lowered."""
    import attrs

    from ctpse_core.rota.feasibility import witness
    from ctpse_core.rota.rules import BUILTIN_RULES
    from ctpse_core.rota.validate import validate

    roster, minutes = witness(problem, seed)
    people = []
    lowered = []
    for person, worked in zip(problem.staff, minutes, strict=True):
        if person.rules.period_days is None and person.rules.min_total_minutes > worked:
            person = attrs.evolve(person, rules=attrs.evolve(person.rules, min_total_minutes=worked))
            lowered.append(person.id)
        people.append(person)
    fixed = attrs.evolve(problem, staff=tuple(people))
    report = validate(fixed, roster, BUILTIN_RULES)
    if report.hard_count:  # cannot happen unless a rule spans people: say so rather than guess
        raise ValueError(f"no witness rota: {report.hard_by_rule()}")
    return fixed, lowered


def synthetic_ct_problem(
    staff: int = 60,
    weeks: int = 13,
    seed: int = 1,
    start: dt.date = DEFAULT_START,
    roles: int = 6,
    feasible: bool = True,
) -> RotaProblem:
    """Build the instance; the same arguments give the same problem. With ``feasible``
    (the default) minimum hours are lowered where a person could not reach them
    (:func:`make_feasible`), so a rota breaking no hard rule exists."""
    if staff < 2 * roles or weeks < 1:
        raise ValueError(f"need at least {2 * roles} staff and one week")
    rng = random.Random(seed)
    checks = random.Random(seed + 7919)  # verification days: a stream of their own
    days = weeks * 7
    role_defs = tuple(
        RoleDef(
            id=r,
            name=name,
            qualification=q,
            on_call_number=_phone(i + 1),
            number_verified=_verified(checks, start),
        )
        for i, (r, name, q) in enumerate(CT_ROLES[:roles])
    )
    shifts: list[ShiftDef] = []
    day_ids = [f"{r.id}-day" for r in role_defs]
    for r in role_defs:
        shifts.append(
            ShiftDef(
                id=f"{r.id}-day", role=r.id, starts=dt.time(8), minutes=720, label=f"{r.name} (day)"
            )
        )
    for r in role_defs:
        shifts.append(
            ShiftDef(
                id=f"{r.id}-night",
                role=r.id,
                starts=dt.time(20),
                minutes=720,
                cannot_follow=frozenset(day_ids),
                label=f"{r.name} (night)",
            )
        )
    slots = 2 * len(role_defs) * days
    mean = slots * 720 / staff
    lo = int(mean // 720) * 720 - 60
    hi = (int(mean // 720) + 1) * 720 + 60
    nights_cap = int(days * 1.0 / (staff / len(role_defs))) + 2
    people: list[Person] = []
    leave: list[RotaLeave] = []
    used_names: set[str] = set()
    for i in range(staff):
        role = role_defs[i % len(role_defs)]
        quals = {role.qualification or role.id}
        if rng.random() < 0.25:
            other = rng.choice(role_defs)
            quals.add(other.qualification or other.id)
        while True:
            pool = FORENAMES_F if rng.random() < 0.5 else FORENAMES_M
            name = f"{pick(rng, pool)[0]} {pick(rng, SURNAMES)[0]}"
            if name not in used_names:
                used_names.add(name)
                break
        numbers = (
            ()
            if i == staff - 1
            else (
                ContactNumber(
                    label="on-call mobile", number=_phone(100 + i), verified=_verified(checks, start)
                ),
            )
        )
        off = frozenset(start + dt.timedelta(days=rng.randrange(days)) for _ in range(2))
        away: set[dt.date] = set(off)
        if rng.random() < min(1.0, weeks / 8):
            first = start + dt.timedelta(days=rng.randrange(days))
            length = rng.choice([3, 5, 7, 9])
            item = RotaLeave(
                staff_id=f"S{i + 1:03d}",
                first_day=first,
                last_day=min(
                    first + dt.timedelta(days=length - 1), start + dt.timedelta(days=days - 1)
                ),
                kind=rng.choice([LeaveKind.ANNUAL, LeaveKind.ANNUAL, LeaveKind.TRAINING]),
            )
            leave.append(item)
            away.update(item.days())
        # the minimum hours hold for everyone unless leave takes a large share of the horizon
        share = len(away) / days
        low = lo if share <= 0.15 else max(0, int(mean * (1 - share) // 720) * 720 - 60)
        people.append(
            Person(
                id=f"S{i + 1:03d}",
                name=name,
                qualifications=frozenset(quals),
                home_team=role.name,
                numbers=numbers,
                days_off=off,
                rules=StaffRules(
                    max_shifts={f"{r.id}-night": nights_cap for r in role_defs},
                    min_total_minutes=low,
                    max_total_minutes=hi,
                    max_consecutive_shifts=3,
                    min_consecutive_shifts=1,
                    min_consecutive_days_off=2,
                    max_weekends=(weeks + 1) // 2,
                ),
            )
        )
    commitments = []
    for k in range(max(1, staff // 10)):
        who = rng.randrange(staff)
        day = start + dt.timedelta(days=rng.randrange(days))
        begin = dt.datetime.combine(day, dt.time(9)).replace(tzinfo=LONDON)
        commitments.append(
            Commitment(
                staff_id=f"S{who + 1:03d}",
                start=begin,
                end=begin + dt.timedelta(hours=10),
                label=f"Deployment OP FICTION-{k + 1}",
            )
        )
    on_requests: list[ShiftRequest] = []
    off_requests: list[ShiftRequest] = []
    for _ in range(staff):
        who = rng.randrange(staff)
        day = start + dt.timedelta(days=rng.randrange(days))
        shift = rng.choice(shifts)
        (off_requests if rng.random() < 0.7 else on_requests).append(
            ShiftRequest(
                staff_id=f"S{who + 1:03d}", day=day, shift=shift.id, weight=rng.randint(1, 3)
            )
        )
    cover = tuple(
        Cover(
            day=start + dt.timedelta(days=d),
            shift=s.id,
            requirement=1,
            under_weight=100,
            over_weight=10,
        )
        for d in range(days)
        for s in shifts
    )
    problem = RotaProblem(
        name=f"synthetic-ct-{staff}x{weeks}w-seed{seed}",
        start=start,
        days=days,
        roles=role_defs,
        shifts=tuple(shifts),
        staff=tuple(people),
        leave=tuple(leave),
        commitments=tuple(commitments),
        shift_on_requests=tuple(on_requests),
        shift_off_requests=tuple(off_requests),
        cover=cover,
        rest=RestRules(),
        fairness=Fairness(weights=dict(FAIR_WEIGHTS)),
    )
    return make_feasible(problem, seed)[0] if feasible else problem
