"""Rota inputs from stored records, and commitments across rotas and deployments."""

from __future__ import annotations

import datetime as dt

import attrs
from rota_strategies import MONDAY, small_problem

from ctpse_core.domain.common import LONDON
from ctpse_core.domain.staff import ContactNumber, Leave, Staff
from ctpse_core.domain.surveillance import Deployment, DeploymentStatus
from ctpse_core.domain.types import PhoneNumber
from ctpse_core.rota.adapters import (
    commitments_from_deployments,
    commitments_from_roster,
    leave_from_domain,
    person_from_staff,
    to_domain_rota,
)
from ctpse_core.rota.model import Assignment, Roster
from ctpse_core.rota.solvers import solve
from ctpse_core.rota.validate import validate


def test_staff_and_leave_records_become_rota_inputs() -> None:
    """A stored Staff keeps its qualifications and number; Leave keeps its days and kind."""
    staff = Staff(
        id="S9",
        forenames="Ada",
        surname="Fictional",
        qualifications=frozenset({"SIO"}),
        numbers=(ContactNumber(number=PhoneNumber("+447700900999")),),
    )
    person = person_from_staff(staff)
    assert (person.name, person.qualifications, person.phone) == (
        "Ada Fictional",
        {"SIO"},
        "+447700900999",
    )
    leave = leave_from_domain([Leave(id="L1", staff_id="S9", first_day=MONDAY, last_day=MONDAY)])
    assert leave[0].first_day == MONDAY and leave[0].staff_id == "S9"


def test_nobody_in_two_places_across_rotas_and_deployments() -> None:
    """A second rota built around the first rota's shifts and a live deployment never puts
    anyone in two places at once; the cancelled deployment does not count."""
    problem = small_problem(days=7)
    first, _ = solve(problem, seed=1, time_limit=5, iterations=10_000)
    start = dt.datetime.combine(MONDAY + dt.timedelta(days=2), dt.time(6)).replace(tzinfo=LONDON)
    live = Deployment(
        id="D1",
        operation_id="OP-FICTION",
        team_id="T1",
        start=start,
        end=start + dt.timedelta(hours=30),
        staff_ids=("P3", "P4"),
    )
    cancelled = attrs.evolve(live, id="D2", staff_ids=("P1",), status=DeploymentStatus.CANCELLED)
    busy = commitments_from_roster(problem, first.roster, "first") + commitments_from_deployments(
        [live, cancelled]
    )
    assert {c.staff_id for c in busy if c.label.startswith("deployment")} == {"P3", "P4"}
    second_problem = attrs.evolve(problem, name="second", commitments=busy)
    second, report = solve(second_problem, seed=1, time_limit=5, iterations=10_000)
    assert report.hard_count == 0 and second.roster.assignments
    clash = Roster(problem="second", assignments=(first.roster.assignments[0],))
    assert "overlap" in validate(second_problem, clash).rules_broken()


def test_roster_becomes_a_stored_rota_record() -> None:
    """The domain Rota holds one aware Shift per assignment with the right instants."""
    problem = small_problem(days=7)
    roster = Roster(
        problem="small",
        assignments=(Assignment(day=dt.date(2025, 3, 29), shift="sio-night", staff_id="P1"),),
    )
    rota = to_domain_rota(problem, roster, "rota-1")
    shift = rota.shifts[0]
    assert (shift.role_id, shift.staff_id, shift.shift_type) == ("sio", "P1", "sio-night")
    assert shift.end - shift.start == dt.timedelta(hours=11)
