"""Agenda source for meetings: fast-time events received since the last meeting, and every
recipient still to acknowledge one (``fast-time-events``; a meeting type names it in its
``sources``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ctpse_core.domain.common import LONDON, time_text

__all__ = ["fast_time_events"]


def fast_time_events(uow: Any, since: dt.date, day: dt.date, horizon: int) -> list[Any]:
    from ctpse_core.meetings.agenda import AgendaItem
    from ctpse_core.tasking.events import escalations

    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=LONDON)
    events = list(uow.fast_time_events.list())
    uow.record_event("consultation", "fast_time_events", None, f"agenda {since}..{day}")
    items = [AgendaItem(section="Fast-time events", ref=e.id, marking=e.marking,
                        text=f"{e.id}: {e.title} (received {time_text(e.occurred_at)}, {e.stage})")
             for e in sorted(events, key=lambda e: e.occurred_at)
             if since < e.occurred_at.astimezone(LONDON).date() <= day]
    by_id = {e.id: e for e in events}
    items += [AgendaItem(section="Fast-time events not acknowledged", ref=x.event_id, owner=x.recipient,
                         marking=by_id[x.event_id].marking,
                         text=f"{x.event_id}: {x.recipient} has not acknowledged (sent {time_text(x.sent_at)})")
              for x in escalations(events, end)]
    del horizon
    return items
