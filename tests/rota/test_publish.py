"""Publication: the weekly report and iCalendar feeds parsed back with icalendar."""

from __future__ import annotations

import datetime as dt
import json

import icalendar
import pytest
from rota_strategies import MONDAY, small_problem

from ctpse_core.reports import render
from ctpse_core.rota.model import Roster, RotaProblem
from ctpse_core.rota.publish import RotaProduct, calendar_for_person, calendar_for_role
from ctpse_core.rota.solvers import solve


@pytest.fixture(scope="module")
def solved() -> tuple[RotaProblem, Roster]:
    problem = small_problem(days=14)
    result, _ = solve(problem, seed=4, time_limit=10, iterations=20_000)
    return problem, result.roster


def test_role_feed_parses_back_with_the_on_call_number(solved: tuple[RotaProblem, Roster]) -> None:
    """Every event in a role's feed carries the role's on-call number, a stable UID and
    Europe/London times; the night over the spring change lasts 11 hours."""
    problem, roster = solved
    cal = icalendar.Calendar.from_ical(calendar_for_role(problem, roster, "sio"))
    events = list(cal.walk("VEVENT"))
    sio = [a for a in roster.assignments if a.shift.startswith("sio")]
    assert len(events) == len(sio)
    assert len({str(e["UID"]) for e in events}) == len(events)
    for e in events:
        assert "+447700900001" in str(e["DESCRIPTION"])
        assert str(e["CONTACT"]) == "+447700900001"
        assert e.decoded("DTSTART").tzinfo is not None
        assert str(e["DTSTART"].params["TZID"]) == "Europe/London"
    # aware datetimes sharing a tzinfo subtract as wall-clock times: compare in UTC
    nights = {
        e.decoded("DTSTART").date(): e.decoded("DTEND").astimezone(dt.UTC)
        - e.decoded("DTSTART").astimezone(dt.UTC)
        for e in events
        if "night" in str(e["SUMMARY"])
    }
    spring = dt.date(2025, 3, 29)
    assert spring in nights
    assert nights[spring] == dt.timedelta(hours=11)
    assert any(v == dt.timedelta(hours=12) for v in nights.values())
    assert cal.walk("VTIMEZONE")


def test_person_feed_has_only_their_shifts(solved: tuple[RotaProblem, Roster]) -> None:
    """A person's feed holds exactly their shifts, each with an on-call number."""
    problem, roster = solved
    for person in problem.staff:
        cal = icalendar.Calendar.from_ical(calendar_for_person(problem, roster, person.id))
        events = list(cal.walk("VEVENT"))
        mine = [a for a in roster.assignments if a.staff_id == person.id]
        assert len(events) == len(mine)
        assert all("On-call number: +4477009000" in str(e["DESCRIPTION"]) for e in events)


def test_weekly_report_in_every_format(solved: tuple[RotaProblem, Roster]) -> None:
    """The weekly rota renders as md, html, json and csv with the marking, the roles,
    the on-call numbers and the week's shifts only."""
    problem, roster = solved
    product = RotaProduct(problem, roster, MONDAY, MONDAY + dt.timedelta(days=6))
    md = render(product, "md")
    assert md.startswith("**OFFICIAL**") and "CT SIO — on-call +447700900001" in md
    html = render(product, "html")
    assert "<table>" in html and "Intel DS" in html
    data = json.loads(render(product, "json"))
    days = {row["day"] for role in data["roles"] for row in role["shifts"]}
    assert max(days) <= "2025-03-30" and min(days) >= "2025-03-24"
    assert data["quality"]["coverage"] > 0
    csv = render(product, "csv")
    assert csv.splitlines()[1].startswith("role,day,shift")


def _stamps(feed: bytes) -> set[dt.datetime]:
    return {e.decoded("DTSTAMP") for e in icalendar.Calendar.from_ical(feed).walk("VEVENT")}


def test_feeds_are_reproducible_and_stamped_by_the_rota(solved: tuple[RotaProblem, Roster]) -> None:
    """Without a stamp, DTSTAMP is 00:00 London on the rota's first day (a UTC date-time as
    RFC 5545 requires), so publishing twice gives the same bytes; after a recorded change
    it is the change's time; an explicit stamp (naive: London) wins."""
    import attrs

    from ctpse_core.rota.model import ChangeRecord

    problem, roster = solved
    first = calendar_for_role(problem, roster, "sio")
    assert first == calendar_for_role(problem, roster, "sio")
    assert _stamps(first) == {dt.datetime(2025, 3, 24, 0, 0, tzinfo=dt.UTC)}
    at = dt.datetime(2025, 3, 27, 16, 45, 12, 345, tzinfo=dt.UTC)
    earlier = ChangeRecord(kind="swap", at=at - dt.timedelta(days=1), by="cato")
    changed = attrs.evolve(roster, changes=(ChangeRecord(kind="override", at=at, by="cato"), earlier))
    staff_id = roster.assignments[0].staff_id
    assert _stamps(calendar_for_person(problem, changed, staff_id)) == {at.replace(microsecond=0)}
    summer = dt.datetime(2025, 6, 2, 9, 30)  # naive: London (BST)
    assert _stamps(calendar_for_role(problem, roster, "sio", stamp=summer)) == {
        dt.datetime(2025, 6, 2, 8, 30, tzinfo=dt.UTC)
    }
