"""Shift instants in Europe/London across the clock changes."""

from __future__ import annotations

import datetime as dt

from ctpse_core.rota.model import (
    Assignment,
    Person,
    RestRules,
    Roster,
    RotaProblem,
    ShiftDef,
    StaffRules,
)
from ctpse_core.rota.quality import quality
from ctpse_core.rota.timing import interval, real_minutes
from ctpse_core.rota.validate import validate

NIGHT = ShiftDef(id="N", starts=dt.time(20), minutes=720)


def test_spring_night_is_an_hour_shorter() -> None:
    """The night of Saturday 29 March 2025 hands over at 08:00 BST: 11 real hours."""
    start, end = interval(dt.date(2025, 3, 29), NIGHT)
    assert start == dt.datetime(2025, 3, 29, 20, tzinfo=dt.UTC)
    assert end == dt.datetime(2025, 3, 30, 7, tzinfo=dt.UTC)
    assert real_minutes(dt.date(2025, 3, 29), NIGHT) == 660


def test_autumn_night_is_an_hour_longer() -> None:
    """The night of Saturday 25 October 2025 lasts 13 real hours, handing over at 08:00 GMT."""
    assert real_minutes(dt.date(2025, 10, 25), NIGHT) == 780
    assert real_minutes(dt.date(2025, 10, 18), NIGHT) == 720


def test_minutes_rules_count_real_minutes() -> None:
    """A person capped at 720 minutes may work the short spring night but not the long
    autumn one; the quality report counts 11 and 13 hours."""
    for day, allowed, hours in (
        (dt.date(2025, 3, 29), True, 11.0),
        (dt.date(2025, 10, 25), False, 13.0),
    ):
        problem = RotaProblem(
            name="dst",
            start=day,
            days=1,
            shifts=(NIGHT,),
            staff=(Person(id="A", name="A", rules=StaffRules(max_total_minutes=720)),),
            rest=RestRules(daily_rest_hours=0, weekly_rest_hours=0),
        )
        roster = Roster(problem="dst", assignments=(Assignment(day=day, shift="N", staff_id="A"),))
        report = validate(problem, roster)
        assert (report.hard_count == 0) is allowed
        assert quality(problem, roster, report).people[0]["hours"] == hours
