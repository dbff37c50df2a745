"""Short-notice selection: qualified, available, rested, ranked with reasons."""

from __future__ import annotations

import datetime as dt

import attrs
from rota_strategies import MONDAY, small_problem

from ctpse_core.domain.common import LONDON
from ctpse_core.rota.model import Assignment, Roster, RotaLeave
from ctpse_core.rota.select import select_staff


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime.combine(MONDAY + dt.timedelta(days=day), dt.time(hour)).replace(
        tzinfo=LONDON
    )


def test_selection_excludes_the_unrested_unqualified_and_absent() -> None:
    """For a deployment at 06:00 on day 2: P1 came off a night at 08:00 on day 2 (busy),
    P2 finished at 20:00 the day before (10 h rest), P5 is on leave, P4 lacks the
    qualification; P3 and P6 qualify, the less worked first, each with reasons."""
    problem = attrs.evolve(
        small_problem(),
        leave=(
            RotaLeave(
                staff_id="P5",
                first_day=MONDAY + dt.timedelta(days=2),
                last_day=MONDAY + dt.timedelta(days=3),
            ),
        ),
    )
    roster = Roster(
        problem="small",
        assignments=(
            Assignment(day=MONDAY + dt.timedelta(days=1), shift="sio-night", staff_id="P1"),
            Assignment(day=MONDAY + dt.timedelta(days=1), shift="sio-day", staff_id="P2"),
            Assignment(day=MONDAY, shift="sio-day", staff_id="P3"),
        ),
    )
    found = select_staff(
        problem, roster, start=at(2, 6), end=at(2, 14), count=1, qualification="SIO"
    )
    rejected = {c.staff_id: " ".join(c.reasons) for c in found.rejected}
    assert "busy" in rejected["P1"]
    assert "not rested" in rejected["P2"]
    assert "leave" in rejected["P5"]
    assert "not qualified" in rejected["P4"]
    assert [c.staff_id for c in found.ranked] == ["P6", "P3"]
    assert [c.staff_id for c in found.chosen] == ["P6"]
    assert any("rested" in r for r in found.chosen[0].reasons)
    assert any("no contact number" in r for r in found.chosen[0].reasons)
    assert found.as_dict()["reserves"][0]["staff_id"] == "P3"


def test_selection_protects_the_next_shift() -> None:
    """Someone whose next shift starts less than 11 hours after the deployment ends is not
    rested for it."""
    problem = small_problem()
    roster = Roster(
        problem="small",
        assignments=(
            Assignment(day=MONDAY + dt.timedelta(days=3), shift="sio-day", staff_id="P3"),
        ),
    )
    found = select_staff(problem, roster, start=at(2, 10), end=at(2, 22), count=5)
    rejected = {c.staff_id: " ".join(c.reasons) for c in found.rejected}
    assert "would not be rested" in rejected["P3"]
