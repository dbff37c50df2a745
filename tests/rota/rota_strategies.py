"""Small rota problems for the rota tests: a hand-made one and a Hypothesis strategy.

Every generated problem is feasible (no minimum hours, cover is soft), so any solver
must return a roster with no hard violations.
"""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import strategies as st

from ctpse_core.domain.common import LONDON
from ctpse_core.domain.staff import ContactNumber
from ctpse_core.domain.types import PhoneNumber
from ctpse_core.rota.model import (
    Commitment,
    Cover,
    Person,
    RestRules,
    RoleDef,
    RotaLeave,
    RotaProblem,
    ShiftDef,
    ShiftRequest,
    StaffRules,
)

MONDAY = dt.date(2025, 3, 24)  # the week of the spring clock change (Sunday 30 March)


def number(k: int) -> tuple[ContactNumber, ...]:
    return (ContactNumber(label="mobile", number=PhoneNumber(f"+447700900{k:03d}")),)


def small_problem(days: int = 14, **rules: object) -> RotaProblem:
    """Two roles (day 08:00-20:00, night 20:00-08:00), five people, one a cover each."""
    roles = (
        RoleDef(
            id="sio",
            name="CT SIO",
            qualification="SIO",
            on_call_number=PhoneNumber("+447700900001"),
        ),
        RoleDef(
            id="ds",
            name="Intel DS",
            qualification="DS",
            on_call_number=PhoneNumber("+447700900002"),
        ),
    )
    shifts = (
        ShiftDef(id="sio-day", role="sio", starts=dt.time(8), minutes=720, label="SIO day"),
        ShiftDef(
            id="sio-night",
            role="sio",
            starts=dt.time(20),
            minutes=720,
            label="SIO night",
            cannot_follow=frozenset({"sio-day", "ds-day"}),
        ),
        ShiftDef(id="ds-day", role="ds", starts=dt.time(8), minutes=720, label="DS day"),
    )
    base = {"max_consecutive_shifts": 3, "min_consecutive_days_off": 1, "max_weekends": 2}
    base.update(rules)
    staff = tuple(
        Person(
            id=f"P{i}",
            name=f"Person {i}",
            numbers=number(100 + i) if i != 6 else (),
            qualifications=frozenset(q),
            rules=StaffRules(**base),
        )  # type: ignore[arg-type]
        for i, q in enumerate(
            [{"SIO"}, {"SIO"}, {"SIO", "DS"}, {"DS"}, {"DS"}, {"SIO", "DS"}], start=1
        )
    )
    cover = tuple(
        Cover(day=MONDAY + dt.timedelta(days=d), shift=s.id, requirement=1)
        for d in range(days)
        for s in shifts
    )
    return RotaProblem(
        name="small",
        start=MONDAY,
        days=days,
        roles=roles,
        shifts=shifts,
        staff=staff,
        cover=cover,
        rest=RestRules(),
    )


@st.composite
def problems(draw: st.DrawFn) -> RotaProblem:
    """A random small feasible problem: 2-5 people, 5-12 days, 1-3 shift types."""
    days = draw(st.integers(5, 12))
    start = MONDAY + dt.timedelta(days=7 * draw(st.integers(-2, 30)))
    n_shifts = draw(st.integers(1, 3))
    shifts = []
    for s in range(n_shifts):
        follow = draw(st.sets(st.sampled_from([f"T{k}" for k in range(n_shifts)]), max_size=2))
        shifts.append(
            ShiftDef(
                id=f"T{s}",
                starts=dt.time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 30]))),
                minutes=draw(st.integers(4, 14)) * 60,
                role="r" if s == 0 else None,
                cannot_follow=frozenset(follow),
            )
        )
    roles = (RoleDef(id="r", name="Role", qualification="Q"),)
    people = []
    n_staff = draw(st.integers(2, 5))
    for i in range(n_staff):
        rules = StaffRules(
            max_shifts={"T0": draw(st.integers(0, days))} if draw(st.booleans()) else {},
            max_total_minutes=draw(st.one_of(st.none(), st.integers(0, days * 600))),
            max_consecutive_shifts=draw(st.one_of(st.none(), st.integers(1, 5))),
            min_consecutive_shifts=draw(st.integers(1, 2)),
            min_consecutive_days_off=draw(st.integers(1, 2)),
            max_weekends=draw(st.one_of(st.none(), st.integers(0, 2))),
            period_days=draw(st.one_of(st.none(), st.just(7))),
        )
        off = draw(st.sets(st.integers(0, days - 1), max_size=2))
        people.append(
            Person(
                id=f"P{i}",
                name=f"Person {i}",
                qualifications=frozenset({"Q"} if draw(st.booleans()) else set()),
                rules=rules,
                days_off=frozenset(start + dt.timedelta(days=d) for d in off),
            )
        )
    leave = []
    commitments = []
    for i in range(n_staff):
        if draw(st.booleans()):
            first = draw(st.integers(0, days - 1))
            leave.append(
                RotaLeave(
                    staff_id=f"P{i}",
                    first_day=start + dt.timedelta(days=first),
                    last_day=start
                    + dt.timedelta(days=min(days - 1, first + draw(st.integers(0, 3)))),
                )
            )
        if draw(st.booleans()):
            day = start + dt.timedelta(days=draw(st.integers(0, days - 1)))
            begin = dt.datetime.combine(day, dt.time(draw(st.integers(0, 23)))).replace(
                tzinfo=LONDON
            )
            commitments.append(
                Commitment(
                    staff_id=f"P{i}",
                    start=begin,
                    end=begin + dt.timedelta(hours=draw(st.integers(1, 10))),
                )
            )
    cover = tuple(
        Cover(
            day=start + dt.timedelta(days=d),
            shift=s.id,
            requirement=draw(st.integers(0, 2)),
            under_weight=draw(st.integers(0, 100)),
            over_weight=draw(st.integers(0, 5)),
        )
        for d in range(days)
        for s in shifts
    )
    requests = [
        ShiftRequest(
            staff_id=f"P{draw(st.integers(0, n_staff - 1))}",
            day=start + dt.timedelta(days=draw(st.integers(0, days - 1))),
            shift=f"T{draw(st.integers(0, n_shifts - 1))}",
            weight=draw(st.integers(1, 3)),
        )
        for _ in range(draw(st.integers(0, 4)))
    ]
    split = draw(st.integers(0, len(requests)))
    rest = RestRules(
        daily_rest_hours=draw(st.sampled_from([0, 11])),
        weekly_rest_hours=draw(st.sampled_from([0, 24])),
    )
    return RotaProblem(
        name="hypothesis",
        start=start,
        days=days,
        roles=roles,
        shifts=tuple(shifts),
        staff=tuple(people),
        leave=tuple(leave),
        commitments=tuple(commitments),
        shift_on_requests=tuple(requests[:split]),
        shift_off_requests=tuple(requests[split:]),
        cover=cover,
        rest=rest,
    )


@st.composite
def rosters(draw: st.DrawFn, problem: RotaProblem) -> list[list[int]]:
    """A random schedule (shift index or -1 per person and day) for ``problem``."""
    return [
        [draw(st.integers(-1, len(problem.shifts) - 1)) for _ in range(problem.days)]
        for _ in problem.staff
    ]


def benchmark_text(seed: int, days: int, staff: int, tight: bool) -> str:
    """A fictional benchmark-format instance (people P0, P1, ...); ``tight``: the rules of
    the published 28-day instances (16-18 eight-hour shifts, runs of 2-5, rests of 2 or
    more, at most two weekends, two fixed days off each)."""
    rng = random.Random(seed)
    lines = ["SECTION_HORIZON", str(days), "", "SECTION_SHIFTS", "E,480,", "D,480,E", "L,480,E|D", "N,480,E|D|L", ""]
    lines.append("SECTION_STAFF")
    for p in range(staff):
        caps = "|".join(f"{s}={rng.choice((0, days // 2, days)) if s != 'D' else days}" for s in "EDLN")
        if tight:
            lines.append(f"P{p},{caps},8640,7680,5,2,2,2")
        else:
            most = rng.randint(2, days) * 480
            lines.append(
                f"P{p},{caps},{most},{rng.randint(0, most // 480) * 480},{rng.randint(1, 5)},"
                f"{rng.randint(1, 3)},{rng.randint(1, 3)},{rng.randint(0, 2)}"
            )
    lines += ["", "SECTION_DAYS_OFF"]
    for p in range(staff):
        lines.append(f"P{p}," + ",".join(str(d) for d in sorted(rng.sample(range(days), 2))))
    lines += ["", "SECTION_SHIFT_ON_REQUESTS"]
    for _ in range(staff * 2):
        lines.append(f"P{rng.randrange(staff)},{rng.randrange(days)},{rng.choice('EDLN')},{rng.randint(1, 3)}")
    lines += ["", "SECTION_SHIFT_OFF_REQUESTS"]
    for _ in range(staff * 2):
        lines.append(f"P{rng.randrange(staff)},{rng.randrange(days)},{rng.choice('EDLN')},{rng.randint(1, 3)}")
    lines += ["", "SECTION_COVER"]
    for d in range(days):
        for s in "EDLN":
            lines.append(f"{d},{s},{rng.randint(0, max(1, staff // 4))},100,1")
    return "\n".join(lines) + "\n"
