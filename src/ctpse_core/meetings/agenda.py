"""Agendas built from what is open: each meeting type names its agenda sources; each source
gives the items open at the meeting day and what changed since the last meeting of the type.

Sources are registered through ``ctpse_register_agenda_sources`` (the built-ins in
:mod:`ctpse_core.meetings.sources`), so a service adds its own items without this module
knowing it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs

from ctpse_core.domain.common import LONDON, day_text
from ctpse_core.domain.engagement import Meeting
from ctpse_core.domain.marking import Marking, highest
from ctpse_core.plugin import Registry, registry

__all__ = ["Agenda", "AgendaItem", "AgendaSource", "agenda_sources", "build_agenda", "last_meeting"]


@attrs.frozen(kw_only=True)
class AgendaItem:
    """One line on an agenda: the section it belongs to, what to discuss, the record it is about."""

    section: str
    text: str
    ref: str = ""
    owner: str = ""
    due: dt.date | None = None
    marking: Marking = attrs.field(factory=Marking)


AgendaSource = Callable[[Any, dt.date, dt.date, int], list[AgendaItem]]


def _check(name: str, item: Any) -> None:
    if not callable(item):
        raise TypeError("an agenda source must be a function (uow, since, day, horizon_days) -> list[AgendaItem]")


def agenda_sources() -> Registry[AgendaSource]:
    return registry("ctpse_register_agenda_sources", "agenda source", _check)


def last_meeting(uow: Any, kind: str, before: dt.date) -> Meeting | None:
    """The latest stored meeting of ``kind`` held before ``before`` (London days)."""
    held = [m for m in uow.repository("meetings").list()
            if isinstance(m, Meeting) and m.kind == kind and m.held_at.astimezone(LONDON).date() < before]
    return max(held, key=lambda m: m.held_at, default=None)


@attrs.frozen
class Agenda:
    """A built agenda: a product (``kind`` ``meeting-agenda``)."""

    meeting: str
    meeting_title: str
    day: dt.date
    since: dt.date
    chair: str
    attendees: tuple[str, ...]
    items: tuple[AgendaItem, ...]
    marking: Marking
    kind: str = "meeting-agenda"

    @property
    def title(self) -> str:
        return f"{self.meeting_title}: agenda for {day_text(self.day)}"

    def lines(self) -> list[str]:
        """The agenda as numbered lines (what a stored meeting keeps)."""
        return [f"{i}. [{item.section}] {item.text}" for i, item in enumerate(self.items, 1)]

    def data(self) -> dict[str, Any]:
        sections: dict[str, list[dict[str, Any]]] = {}
        for number, item in enumerate(self.items, 1):
            sections.setdefault(item.section, []).append({
                "number": number, "text": item.text, "ref": item.ref, "owner": item.owner,
                "due": item.due.isoformat() if item.due else "",
            })
        return {
            "meeting": self.meeting, "day": self.day.isoformat(), "since": self.since.isoformat(),
            "chair": self.chair, "attendees": list(self.attendees), "sections": sections,
        }

    def rows(self) -> list[dict[str, Any]]:
        return [{"number": i, "section": it.section, "text": it.text, "ref": it.ref, "owner": it.owner,
                 "due": it.due.isoformat() if it.due else ""} for i, it in enumerate(self.items, 1)]


def build_agenda(uow: Any, kind: Any, day: dt.date) -> Agenda:
    """The agenda of a meeting of type ``kind`` (a :class:`MeetingType`) held on ``day``."""
    previous = last_meeting(uow, kind.key, day)
    since = previous.held_at.astimezone(LONDON).date() if previous else day - dt.timedelta(days=kind.cadence_days)
    items: list[AgendaItem] = [AgendaItem(section="Standing items", text=text) for text in kind.standing_items]
    sources = agenda_sources()
    for name in kind.sources:
        items.extend(sources.get(name, field="sources")(uow, since, day, kind.horizon_days))
    uow.record_event("consultation", "meetings", None,
                     f"agenda for {kind.key} on {day.isoformat()}: {len(items)} items")
    return Agenda(
        meeting=kind.key, meeting_title=kind.title, day=day, since=since, chair=kind.chair,
        attendees=tuple(kind.attendees), items=tuple(items), marking=highest(i.marking for i in items),
    )
