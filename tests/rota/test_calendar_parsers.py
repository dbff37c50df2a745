"""The iCalendar feeds read the same in two independent parsers (icalendar, and dateutil
through vobject) across both clock changes, and changed events carry SEQUENCE."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
import vobject

from ctpse_core.domain.common import UTC
from ctpse_core.rota.changes import override
from ctpse_core.rota.model import Assignment, Roster, RotaProblem
from ctpse_core.rota.publish import calendar_for_role, london_rules_hold
from ctpse_core.rota.synth import synthetic_ct_problem
from ctpse_core.rota.timing import interval

# the weeks of the spring (30 March) and autumn (26 October) 2025 clock changes, and a
# winter and a summer week, one person on every shift of the SIO role
DAYS = [dt.date(2025, 3, 28) + dt.timedelta(days=k) for k in range(4)]
DAYS += [dt.date(2025, 10, 24) + dt.timedelta(days=k) for k in range(4)]
DAYS += [dt.date(2025, 1, 6), dt.date(2025, 7, 7), dt.date(2025, 12, 1)]


@pytest.fixture(scope="module")
def feed() -> tuple[RotaProblem, Roster, bytes]:
    problem = synthetic_ct_problem(staff=12, weeks=52, seed=2, start=dt.date(2025, 1, 6), feasible=False)
    sio = [s for s in problem.shifts if s.role == "ct-sio"]
    who = [p.id for p in problem.staff if "CT SIO" in p.qualifications]
    roster = Roster(
        problem=problem.name,
        assignments=tuple(
            sorted(Assignment(day=d, shift=s.id, staff_id=who[k % len(who)]) for d in DAYS for k, s in enumerate(sio))
        ),
    )
    return problem, roster, calendar_for_role(problem, roster, "ct-sio")


def _expected(problem: RotaProblem, roster: Roster) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    shifts = {s.id: s for s in problem.shifts}
    out = {}
    for a in roster.assignments:
        start, end = interval(a.day, shifts[a.shift])
        out[f"{a.day:%Y%m%d}-{a.shift}-{a.staff_id}@ctpse-rota"] = (start.astimezone(UTC), end.astimezone(UTC))
    return out


def test_icalendar_reads_every_event_at_the_right_instant(feed: tuple[RotaProblem, Roster, bytes]) -> None:
    """icalendar (zoneinfo) reads each DTSTART/DTEND as the instant the rota means: the
    spring night lasts 11 hours, the autumn night 13, winter events are at GMT."""
    problem, roster, data = feed
    expected = _expected(problem, roster)
    seen = {}
    for ev in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        seen[str(ev["UID"])] = (ev.decoded("DTSTART").astimezone(UTC), ev.decoded("DTEND").astimezone(UTC))
    assert seen == expected
    lengths = {end - start for start, end in expected.values()}
    assert lengths == {dt.timedelta(hours=h) for h in (11, 12, 13)}


def test_vobject_and_dateutil_read_the_same_instants(feed: tuple[RotaProblem, Roster, bytes]) -> None:
    """vobject builds the zone from the feed's own VTIMEZONE with dateutil (not zoneinfo):
    it reads the same instants as icalendar, including winter events (the RDATE form was
    read as +01:00 all year: every winter event an hour early)."""
    problem, roster, data = feed
    expected = _expected(problem, roster)
    cal = vobject.readOne(data.decode("utf-8"))
    seen = {}
    for ev in cal.vevent_list:
        start, end = ev.dtstart.value, ev.dtend.value
        assert start.tzinfo is not None and "zoneinfo" not in type(start.tzinfo).__module__
        seen[ev.uid.value] = (start.astimezone(UTC), end.astimezone(UTC))
    assert seen == expected


def test_the_vtimezone_is_in_rrule_form_and_matches_zoneinfo() -> None:
    """The feed's VTIMEZONE has yearly RRULEs and no RDATE list, and the rules agree with
    zoneinfo around every clock change from 1996 to 2037."""
    problem = synthetic_ct_problem(staff=12, weeks=1, seed=1)
    roster = Roster(problem=problem.name, assignments=(Assignment(day=problem.start, shift="ct-sio-day",
                                                                  staff_id=problem.staff[1].id),))
    text = calendar_for_role(problem, roster, "ct-sio").decode()
    assert "RRULE:FREQ=YEARLY" in text and "RDATE" not in text
    assert london_rules_hold(range(1996, 2038))


def test_changed_events_carry_a_higher_sequence() -> None:
    """An override gives the events of the changed day and shift SEQUENCE 1; the others
    keep 0."""
    problem = synthetic_ct_problem(staff=12, weeks=1, seed=1)
    day = problem.start + dt.timedelta(days=2)
    roster = Roster(problem=problem.name, assignments=(
        Assignment(day=problem.start, shift="ct-sio-day", staff_id=problem.staff[1].id),
        Assignment(day=day, shift="ct-sio-day", staff_id=problem.staff[1].id),
    ))
    other = next(p.id for p in problem.staff if "CT SIO" in p.qualifications and p.id != problem.staff[1].id)
    changed = override(problem, roster, day=day, shift="ct-sio-day", from_staff=problem.staff[1].id,
                       to_staff=other, by="cato")
    events = icalendar.Calendar.from_ical(calendar_for_role(problem, changed, "ct-sio")).walk("VEVENT")
    sequence = {ev.decoded("DTSTART").date(): int(ev["SEQUENCE"]) for ev in events}
    assert sequence == {problem.start: 0, day: 1}
