"""The commitments board: for a moment, every staff member's commitments (deployments, asset
deployments, on-call shifts, leave and training), who is free, qualified and rested, and what
committing someone for the next hours would break.

It reuses the rota builder's short-notice selection (:func:`ctpse_core.rota.select.select_staff`:
qualification, leave, busy, rest before and after) and the deconfliction rules' instant check
(:func:`ctpse_core.deconfliction.index.check`: double-booking and rest against every stored
deployment) on a would-be deployment naming that person.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from ctpse_core.domain.common import LONDON, london, time_text
from ctpse_core.domain.marking import highest
from ctpse_core.domain.surveillance import COVERT, Deployment, DeploymentStatus
from ctpse_core.reports import SimpleProduct
from ctpse_core.storage.base import UnitOfWork

__all__ = ["board", "board_product"]


@attrs.frozen
class _Span:
    start: dt.datetime
    end: dt.datetime
    label: str
    work: bool = True  # leave is not work: it does not count against rest


def board(uow: UnitOfWork, at: dt.datetime, *, hours: float = 8.0, qualification: str | None = None,
          rest_hours: float = 11.0) -> SimpleProduct:
    """The board at ``at`` for a commitment of ``hours`` from then (see the module docstring)."""
    from ctpse_core.deconfliction.index import check, stored_index
    from ctpse_core.rota.adapters import commitments_from_deployments, leave_from_domain, person_from_staff
    from ctpse_core.rota.model import Commitment, RestRules, Roster, RotaProblem, ShiftDef
    from ctpse_core.rota.select import select_staff

    staff = sorted(uow.staff.list(), key=lambda s: s.id)
    leave = list(uow.leave.list())
    deployments = [d for d in uow.deployments.list() if d.status is not DeploymentStatus.CANCELLED]
    rotas = list(uow.rotas.list())
    for name, n in (("staff", len(staff)), ("leave", len(leave)), ("deployments", len(deployments)),
                    ("rotas", len(rotas))):
        uow.record_event("consultation", name, None, f"commitments board at {at.isoformat()}: {n} read")
    end = at + dt.timedelta(hours=hours)
    commitments = list(commitments_from_deployments(deployments))
    for rota in rotas:
        commitments.extend(Commitment(staff_id=s.staff_id, start=s.start, end=s.end, label=f"on-call {s.role_id}")
                           for s in rota.shifts)
    spans: dict[str, list[_Span]] = {}
    for c in commitments:
        spans.setdefault(c.staff_id, []).append(_Span(c.start, c.end, c.label))
    day = london(at).date()
    for lv in leave:
        spans.setdefault(lv.staff_id, []).append(_Span(
            dt.datetime.combine(lv.first_day, dt.time(0), tzinfo=LONDON),
            dt.datetime.combine(lv.last_day + dt.timedelta(days=1), dt.time(0), tzinfo=LONDON),
            f"{lv.kind} leave", work=False))
    problem = RotaProblem(
        name="commitments-board", start=day - dt.timedelta(days=7), days=15,
        shifts=(ShiftDef(id="board", minutes=60),), staff=tuple(person_from_staff(s) for s in staff),
        leave=leave_from_domain(leave), commitments=tuple(commitments),
        rest=RestRules(daily_rest_hours=rest_hours), marking=COVERT,
    )
    selection = select_staff(problem, Roster(problem="commitments-board"), start=at, end=end,
                             count=len(staff) or 1, qualification=qualification, rest_hours=rest_hours)
    verdict = {c.staff_id: c for c in (*selection.ranked, *selection.rejected)}
    index = stored_index(uow)
    rows = []
    for s in staff:
        mine = sorted(spans.get(s.id, []), key=lambda x: x.start)
        now = [x for x in mine if x.start <= at < x.end]
        upcoming = [x for x in mine if x.start > at]
        before = [x for x in mine if x.end <= at and x.work]
        probe = Deployment(id=f"board-{s.id}", operation_id="commitments-board", team_id=f"board:{s.id}",
                           start=at, end=end, staff_ids=(s.id,))
        conflicts = [f"{c.rule}: {c.why}" for c in check(probe, index).conflicts] if s.id in {
            sid for d in deployments for sid in d.staff_ids} else []
        cand = verdict.get(s.id)
        rested = not before or (at - max(x.end for x in before)) >= dt.timedelta(hours=rest_hours)
        rows.append({
            "staff_id": s.id,
            "name": s.name,
            "rank": s.rank or "",
            "now": "; ".join(f"{x.label} until {time_text(x.end)}" for x in now) or "free",
            "next": f"{upcoming[0].label} {time_text(upcoming[0].start)}" if upcoming else "",
            "free": not now,
            "qualified": qualification is None or qualification in s.qualifications,
            "rested": rested,
            "can_commit": bool(cand and cand.eligible) and not conflicts,
            "would_break": "; ".join([*(() if cand is None or cand.eligible else cand.reasons), *conflicts]),
        })
    marking = highest([COVERT, *(d.marking for d in deployments), *(s.marking for s in staff)])
    data = {
        "at": at.isoformat(),
        "at_text": time_text(at),
        "hours": hours,
        "qualification": qualification,
        "staff": len(rows),
        "free_now": sum(1 for r in rows if r["free"]),
        "can_commit": [r["staff_id"] for r in rows if r["can_commit"]],
        "board": rows,
    }
    return SimpleProduct("commitments", f"Commitments at {time_text(at)}", data, marking, rows=rows)


def board_product(uow: UnitOfWork, at: dt.datetime, **kwargs: Any) -> SimpleProduct:
    return board(uow, at, **kwargs)
