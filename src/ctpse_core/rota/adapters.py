"""Bridges between the rota model and the rest of ctpse_core.

* :func:`person_from_staff` and :func:`leave_from_domain` turn stored
  :class:`~ctpse_core.domain.staff.Staff` and :class:`~ctpse_core.domain.staff.Leave`
  records into rota inputs;
* :func:`commitments_from_deployments` and :func:`commitments_from_roster` make
  surveillance deployments and other published rotas into commitments, so nobody is
  rostered in two places at once across rotas;
* :func:`to_domain_rota` turns a roster into the stored
  :class:`~ctpse_core.domain.staff.Rota` record (aware UTC intervals per shift).
"""

from __future__ import annotations

from collections.abc import Iterable

from ctpse_core.domain.staff import Leave, Rota, Shift, Staff
from ctpse_core.domain.surveillance import Deployment, DeploymentStatus
from ctpse_core.rota.model import Commitment, Person, Roster, RotaLeave, RotaProblem, StaffRules
from ctpse_core.rota.timing import interval

__all__ = [
    "commitments_from_deployments",
    "commitments_from_roster",
    "leave_from_domain",
    "person_from_staff",
    "to_domain_rota",
]


def person_from_staff(staff: Staff, rules: StaffRules | None = None) -> Person:
    return Person(
        id=staff.id,
        name=staff.name,
        qualifications=staff.qualifications,
        home_team=staff.home_team,
        numbers=staff.numbers,
        rules=rules or StaffRules(),
    )


def leave_from_domain(items: Iterable[Leave]) -> tuple[RotaLeave, ...]:
    return tuple(
        RotaLeave(staff_id=x.staff_id, first_day=x.first_day, last_day=x.last_day, kind=x.kind)
        for x in items
    )


def commitments_from_deployments(deployments: Iterable[Deployment]) -> tuple[Commitment, ...]:
    """One commitment per named officer on each deployment that is not cancelled."""
    out = []
    for d in deployments:
        if d.status == DeploymentStatus.CANCELLED:
            continue
        for sid in d.staff_ids:
            out.append(
                Commitment(
                    staff_id=sid,
                    start=d.start,
                    end=d.end,
                    label=f"deployment {d.id} ({d.operation_id})",
                )
            )
    return tuple(out)


def commitments_from_roster(
    problem: RotaProblem, roster: Roster, label: str = ""
) -> tuple[Commitment, ...]:
    """Another rota's shifts as commitments (for rostering a second rota around it)."""
    shifts = {s.id: s for s in problem.shifts}
    out = []
    for a in roster.assignments:
        if a.shift in shifts:
            start, end = interval(a.day, shifts[a.shift])
            out.append(
                Commitment(
                    staff_id=a.staff_id,
                    start=start,
                    end=end,
                    label=f"{label or problem.name}: {shifts[a.shift].label or a.shift}",
                )
            )
    return tuple(out)


def to_domain_rota(problem: RotaProblem, roster: Roster, rota_id: str) -> Rota:
    shifts = {s.id: s for s in problem.shifts}
    items = []
    for a in sorted(roster.assignments):
        shift = shifts[a.shift]
        start, end = interval(a.day, shift)
        items.append(
            Shift(
                role_id=shift.role or shift.id,
                staff_id=a.staff_id,
                start=start,
                end=end,
                shift_type=shift.id,
            )
        )
    return Rota(
        id=rota_id,
        marking=problem.marking,
        first_day=problem.start,
        last_day=problem.end,
        shifts=tuple(items),
        published_version=1,
    )
