"""Times a coordinator reads are Europe/London wall-clock with their zone and a year.

Repair notes, the who-must-be-told list, selection reasons and validator messages say
``Sat 29 Mar 2025 20:00 GMT``, never raw UTC or ISO text, and are right across the
spring clock change (Sunday 30 March 2025).
"""

from __future__ import annotations

import datetime as dt
import re

import attrs
from rota_strategies import MONDAY, small_problem

from ctpse_core.domain.common import LONDON, UTC, day_text, time_text
from ctpse_core.rota.changes import Removal, repair
from ctpse_core.rota.model import Assignment, Commitment, Roster, RotaLeave
from ctpse_core.rota.select import select_staff
from ctpse_core.rota.validate import validate

ISO = re.compile(r"\d{4}-\d{2}-\d{2}|\+00:00|T\d{2}:\d{2}")
SATURDAY = MONDAY + dt.timedelta(days=5)  # Sat 29 Mar 2025; clocks go forward that night
NIGHT = "SIO night Sat 29 Mar 2025 20:00 GMT to Sun 30 Mar 2025 08:00 BST"


def _roster(*items: tuple[int, str, str]) -> Roster:
    return Roster(
        problem="small",
        assignments=tuple(
            Assignment(day=MONDAY + dt.timedelta(days=d), shift=s, staff_id=p) for d, s, p in items
        ),
    )


def test_time_and_day_text_name_the_month_year_and_zone() -> None:
    """An instant shows on the London clock with GMT or BST; a day has weekday, month name
    and year, so 03/04 can never be read as 4 March."""
    assert time_text(dt.datetime(2026, 3, 28, 19, 0, tzinfo=UTC)) == "Sat 28 Mar 2026 19:00 GMT"
    assert time_text(dt.datetime(2026, 3, 29, 19, 0, tzinfo=UTC)) == "Sun 29 Mar 2026 20:00 BST"
    assert time_text(dt.datetime(2025, 10, 26, 1, 30, tzinfo=UTC)) == "Sun 26 Oct 2025 01:30 GMT"
    assert day_text(dt.date(2025, 4, 3)) == "Thu 3 Apr 2025"
    assert day_text(dt.datetime(2025, 6, 30, 23, 30, tzinfo=UTC)) == "Tue 1 Jul 2025"


def test_repair_notes_and_messages_use_london_time() -> None:
    """A night left uncovered over the clock change is described by its London start and
    end with GMT/BST; the notes, the messages to send and the recorded reason carry no
    ISO dates or UTC offsets."""
    problem = small_problem(days=7)
    roster = _roster((5, "sio-night", "P1"))
    everyone = [Removal(p, SATURDAY, SATURDAY) for p in ("P1", "P2", "P3", "P6")]
    fixed = repair(problem, roster, everyone, by="cato")
    assert fixed.notes == [f"{NIGHT}: left uncovered; every candidate would break a hard rule: "
                           + fixed.notes[0].split("hard rule: ", 1)[1]]
    told = {n["who"]: n["message"] for n in fixed.notify}
    assert told["P1"] == f"stood down from {NIGHT}"
    assert "P1 sick Sat 29 Mar 2025" in fixed.roster.changes[-1].reason
    texts = [*fixed.notes, *told.values(), fixed.roster.changes[-1].reason]
    assert not [t for t in texts if ISO.search(t)]


def test_repair_tells_the_new_person_when_in_london_time() -> None:
    """Whoever fills the gap is told the shift's London start and end, not a raw date."""
    problem = small_problem(days=7)
    fixed = repair(problem, _roster((5, "sio-night", "P1")), [Removal("P1", SATURDAY, SATURDAY)],
                   by="cato")
    (added,) = fixed.added
    told = {n["who"]: n["message"] for n in fixed.notify}
    assert told[added.staff_id] == f"now on {NIGHT}"


def test_selection_reasons_carry_the_year_and_zone() -> None:
    """Leave, busy, rest and next-duty reasons give full dates with the year and times with
    GMT/BST; nothing is left as day/month alone."""
    problem = attrs.evolve(
        small_problem(),
        leave=(RotaLeave(staff_id="P5", first_day=SATURDAY, last_day=SATURDAY),),
    )
    roster = _roster((5, "sio-day", "P1"), (6, "sio-day", "P2"), (4, "sio-night", "P3"))
    start = dt.datetime.combine(SATURDAY, dt.time(12)).replace(tzinfo=LONDON)
    found = select_staff(problem, roster, start=start, end=start + dt.timedelta(hours=4), count=1)
    why = {c.staff_id: "; ".join(c.reasons) for c in [*found.ranked, *found.rejected]}
    assert "on annual leave Sat 29 Mar 2025" in why["P5"]
    assert "busy: SIO day Sat 29 Mar 2025 08:00 GMT to Sat 29 Mar 2025 20:00 GMT" in why["P1"]
    assert "next duty SIO day Sun 30 Mar 2025 08:00 BST" in why["P2"]
    assert "since SIO night ended Sat 29 Mar 2025 08:00 GMT" in why["P3"]
    assert not [t for t in why.values() if re.search(r"\b\d{2}/\d{2}\b|\d{4}-\d{2}", t)]


def test_validator_messages_use_london_time() -> None:
    """Daily rest, overlap, weekly rest and horizon messages name London times and days."""
    sunday_duty = Commitment(
        staff_id="P2",
        start=dt.datetime(2025, 3, 30, 7, 0, tzinfo=UTC),
        end=dt.datetime(2025, 3, 30, 9, 0, tzinfo=UTC),
        label="court",
    )
    problem = attrs.evolve(small_problem(days=7), commitments=(sunday_duty,))
    roster = _roster((0, "sio-night", "P1"), (1, "sio-day", "P1"), (6, "sio-day", "P2"),
                     (9, "ds-day", "P4"))
    details = {v.rule: v.detail for v in validate(problem, roster).violations}
    assert details["daily_rest"] == (
        "0 hours' rest between Tue 25 Mar 2025 08:00 GMT and Tue 25 Mar 2025 08:00 GMT, at least 11"
    )
    assert details["overlap"] == (
        "sio-day (Sun 30 Mar 2025 08:00 BST to Sun 30 Mar 2025 20:00 BST) overlaps "
        "court (Sun 30 Mar 2025 08:00 BST to Sun 30 Mar 2025 10:00 BST)"
    ) or details["overlap"] == (
        "court (Sun 30 Mar 2025 08:00 BST to Sun 30 Mar 2025 10:00 BST) overlaps "
        "sio-day (Sun 30 Mar 2025 08:00 BST to Sun 30 Mar 2025 20:00 BST)"
    )
    assert details["assignment"] == "Wed 2 Apr 2025 is outside the rota (Mon 24 Mar 2025 to Sun 30 Mar 2025)"
    assert not [d for d in details.values() if ISO.search(d)]
