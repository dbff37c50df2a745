"""Synthetic meetings and actions for a year (fictional owners and chairs).

Each NM TTCG sits every 28 days and sets 3-6 actions due 14-28 days later; most are closed on
time, some late, a few left open past their date (the chase list), a few cancelled. Everything
is relative to ``as_of`` and fixed by ``seed``, so the same call gives the same records.
"""

from __future__ import annotations

import datetime as dt
import random

from ctpse_core.domain.common import LONDON, utc
from ctpse_core.domain.engagement import Action, ActionChange, ActionStatus, Meeting

__all__ = ["OWNERS", "synthetic_meetings"]

#: Fictional role-holders (never real people).
OWNERS = ("DS Testperson", "DC Fictional", "PS Madeup", "Ms Placeholder (Probation)", "Mr Sample (Prison OMU)")
CHAIRS = ("DCI Imaginary", "DI Notreal")
TASKS = (
    "Update the risk assessment for the nominal discussed",
    "Confirm licence conditions with probation",
    "Chase the prison OMU for the release address",
    "Review the notification requirements due",
    "Share the pathway plan with the community partner",
    "Correct the headcount entry with JCTPPH",
)


def synthetic_meetings(as_of: dt.date, seed: int = 7, months: int = 12) -> tuple[list[Meeting], list[Action]]:
    rng = random.Random(seed)
    meetings: list[Meeting] = []
    actions: list[Action] = []
    day = as_of - dt.timedelta(days=28 * (months * 30 // 28))
    number = 0
    while day < as_of:
        chair = rng.choice(CHAIRS)
        held = utc(dt.datetime.combine(day, dt.time(10, 0), LONDON))
        meeting_id = f"MTG-nm-ttcg-{day.isoformat()}"
        meetings.append(Meeting(id=meeting_id, title="Regional NM Tactical Tasking and Coordination Group",
                                held_at=held, chair=chair, kind="nm-ttcg", attendees=OWNERS))
        for _ in range(rng.randint(3, 6)):
            number += 1
            due = day + dt.timedelta(days=rng.randint(14, 28))
            owner = rng.choice(OWNERS)
            roll = rng.random()
            status, done = ActionStatus.DONE, None
            if roll < 0.70:
                done = due - dt.timedelta(days=rng.randint(0, 10))
            elif roll < 0.85:
                done = due + dt.timedelta(days=rng.randint(1, 20))
            elif roll < 0.95:
                status = ActionStatus.OPEN
            else:
                status = ActionStatus.CANCELLED
            if done is not None and done > as_of:
                status, done = ActionStatus.OPEN, None
            history = [ActionChange(at=held, by="nm-coordinator", what="opened")]
            if done is not None:
                history.append(ActionChange(at=utc(dt.datetime.combine(done, dt.time(16, 0), LONDON)), by=owner,
                                            what="closed"))
            actions.append(Action(
                id=f"ACT-{number:04d}", description=rng.choice(TASKS), owner=owner, due_on=due,
                meeting_id=meeting_id, status=status, completed_on=done, chair=chair,
                closed_by=owner if done is not None else None, history=tuple(history),
            ))
        day += dt.timedelta(days=28)
    return meetings, actions
