"""The action log: actions with owner, chair, due date, status and history; chasing what is
overdue, one list per owner and one per chair (the coordinator holds chairs to account).

Every change is a new version of the action with a line in its history (who, when, what, why),
and an audit entry in the same unit of work.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from ctpse_core.domain.common import day_text, utcnow
from ctpse_core.domain.engagement import Action, ActionChange, ActionStatus, Meeting, Minute
from ctpse_core.domain.marking import Marking, highest
from ctpse_core.errors import InputError, Problem

__all__ = ["ChaseList", "add_action", "add_minute", "chase", "close_action", "record_meeting", "reopen_action"]


def _fail(field: str, reason: str) -> InputError:
    return InputError([Problem(field=field, reason=reason)])


def _get(uow: Any, action_id: str) -> Action:
    action = uow.repository("actions").find(action_id)
    if action is None:
        raise _fail("ACTION_ID", f"no action {action_id!r} (see `ctpse actions list`)")
    assert isinstance(action, Action)
    return action


def _next_id(uow: Any) -> str:
    numbers = [int(a.id.rsplit("-", 1)[1]) for a in uow.repository("actions").list()
               if a.id.startswith("ACT-") and a.id.rsplit("-", 1)[1].isdigit()]
    return f"ACT-{max(numbers, default=0) + 1:04d}"


def add_action(uow: Any, *, description: str, owner: str, due_on: dt.date, by: str, meeting_id: str | None = None,
               chair: str | None = None, marking: Marking | None = None, action_id: str | None = None) -> Action:
    """Log a new open action; the chair defaults to the chair of its meeting."""
    meeting = None
    if meeting_id is not None:
        meeting = uow.repository("meetings").find(meeting_id)
        if meeting is None:
            raise _fail("--meeting", f"no meeting {meeting_id!r} (see `ctpse meeting list`)")
    action = Action(
        id=action_id or _next_id(uow), description=description, owner=owner, due_on=due_on, meeting_id=meeting_id,
        chair=chair or (meeting.chair if isinstance(meeting, Meeting) else None),
        marking=highest([marking or Marking(), meeting.marking if meeting is not None else Marking()]),
        history=(ActionChange(at=utcnow(), by=by, what="opened", note=f"due {day_text(due_on)}"),),
    )
    stored = uow.repository("actions").add(action)
    uow.record_event("collection", "actions", stored.id, "action logged")
    assert isinstance(stored, Action)
    return stored


def close_action(uow: Any, action_id: str, *, by: str, on: dt.date, note: str = "") -> Action:
    """Close an open action: done on ``on``, by ``by``."""
    action = _get(uow, action_id)
    if action.status is not ActionStatus.OPEN:
        raise _fail("ACTION_ID", f"action {action_id} is {action.status}, not open (reopen it first)")
    changed = attrs.evolve(action, status=ActionStatus.DONE, completed_on=on, closed_by=by,
                           history=(*action.history, ActionChange(at=utcnow(), by=by, what="closed", note=note)))
    stored = uow.repository("actions").update(changed)
    uow.record_event("alteration", "actions", action_id, f"closed by {by}")
    assert isinstance(stored, Action)
    return stored


def reopen_action(uow: Any, action_id: str, *, by: str, reason: str, due_on: dt.date | None = None) -> Action:
    """Reopen a closed or cancelled action; a reason is required and audited."""
    if not reason.strip():
        raise _fail("--reason", "say why the action is reopened")
    action = _get(uow, action_id)
    if action.status is ActionStatus.OPEN:
        raise _fail("ACTION_ID", f"action {action_id} is already open")
    changed = attrs.evolve(action, status=ActionStatus.OPEN, completed_on=None, closed_by=None,
                           due_on=due_on or action.due_on,
                           history=(*action.history, ActionChange(at=utcnow(), by=by, what="reopened", note=reason)))
    stored = uow.repository("actions").update(changed)
    uow.record_event("alteration", "actions", action_id, f"reopened by {by}: {reason}")
    assert isinstance(stored, Action)
    return stored


@attrs.frozen
class ChaseList:
    """What is overdue at ``as_of``: per owner (to chase) and per chair (to hold to account)."""

    as_of: dt.date
    by_owner: dict[str, tuple[Action, ...]]
    by_chair: dict[str, tuple[Action, ...]]
    marking: Marking
    kind: str = "action-chase"

    @property
    def title(self) -> str:
        return f"Overdue actions to chase, {day_text(self.as_of)}"

    @staticmethod
    def _line(action: Action, as_of: dt.date) -> dict[str, Any]:
        return {"action": action.id, "description": action.description, "owner": action.owner,
                "chair": action.chair or "", "due": action.due_on.isoformat(),
                "days_overdue": (as_of - action.due_on).days, "meeting": action.meeting_id or ""}

    def data(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "by_owner": {k: [self._line(a, self.as_of) for a in v] for k, v in self.by_owner.items()},
            "by_chair": {k: [self._line(a, self.as_of) for a in v] for k, v in self.by_chair.items()},
        }

    def rows(self) -> list[dict[str, Any]]:
        return [self._line(a, self.as_of) for owner in self.by_owner.values() for a in owner]


def chase(uow: Any, as_of: dt.date) -> ChaseList:
    """Open actions whose due date is before ``as_of``, grouped by owner and by chair
    (most overdue first); an action without a chair is listed under ``(no chair)``."""
    overdue = sorted((a for a in uow.repository("actions").list()
                      if isinstance(a, Action) and a.status is ActionStatus.OPEN and a.due_on < as_of),
                     key=lambda a: (a.due_on, a.id))
    by_owner: dict[str, list[Action]] = {}
    by_chair: dict[str, list[Action]] = {}
    for action in overdue:
        by_owner.setdefault(action.owner, []).append(action)
        by_chair.setdefault(action.chair or "(no chair)", []).append(action)
    uow.record_event("consultation", "actions", None, f"chase lists as of {as_of.isoformat()}: {len(overdue)} overdue")
    return ChaseList(as_of=as_of, by_owner={k: tuple(v) for k, v in sorted(by_owner.items())},
                     by_chair={k: tuple(v) for k, v in sorted(by_chair.items())},
                     marking=highest(a.marking for a in overdue))


def record_meeting(uow: Any, agenda: Any, *, held_at: dt.datetime, meeting_id: str | None = None) -> Meeting:
    """Store a meeting held on its agenda (the numbered agenda lines are kept with it)."""
    meeting = Meeting(
        id=meeting_id or f"MTG-{agenda.meeting}-{agenda.day.isoformat()}", title=agenda.meeting_title,
        held_at=held_at, chair=agenda.chair, kind=agenda.meeting, attendees=tuple(agenda.attendees),
        agenda=tuple(agenda.lines()), marking=agenda.marking,
    )
    if uow.repository("meetings").find(meeting.id) is not None:
        raise _fail("--date", f"meeting {meeting.id} is already recorded")
    stored = uow.repository("meetings").add(meeting)
    uow.record_event("collection", "meetings", stored.id, "meeting recorded with its agenda")
    assert isinstance(stored, Meeting)
    return stored


def add_minute(uow: Any, meeting_id: str, *, item: int, note: str, by: str) -> Meeting:
    """Record a minute against agenda item ``item`` (numbered from 1) of a stored meeting."""
    meeting = uow.repository("meetings").find(meeting_id)
    if meeting is None:
        raise _fail("MEETING_ID", f"no meeting {meeting_id!r} (see `ctpse meeting list`)")
    assert isinstance(meeting, Meeting)
    if not 1 <= item <= len(meeting.agenda):
        raise _fail("--item", f"meeting {meeting_id} has agenda items 1 to {len(meeting.agenda)}, not {item}")
    changed = attrs.evolve(meeting, minutes=(*meeting.minutes, Minute(item=item, note=note, recorded_by=by)))
    stored = uow.repository("meetings").update(changed)
    uow.record_event("alteration", "meetings", meeting_id, f"minute recorded against item {item}")
    assert isinstance(stored, Meeting)
    return stored
