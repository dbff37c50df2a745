"""The day the performance products are for when no ``--as-of`` is given: the latest data.

Like every other product (the casework products take the day of the latest completed contact,
the tasking products the latest deployment's week), the dashboard and the national return
default to the store's latest data, not the clock, so the same store gives the same figures
whatever day they are built on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ctpse_core.casework import consult, local_day
from ctpse_core.errors import InputError, Problem

__all__ = ["latest_data_day"]


def latest_data_day(uow: Any, purpose: str = "KPIs: the latest data day") -> dt.date:
    """The Europe/London day of the latest work recorded among what the built-in KPIs count:
    a completed contact, correspondence logged (the time it was received), an action
    completed, a step a CT asset request took. Each collection's reading is audited (one consultation each). An
    :class:`InputError` naming ``--as-of`` when the store holds none of them."""
    days: list[dt.date] = []
    days += [local_day(c.done_at) for c in consult(uow, "contacts", purpose) if c.done_at is not None]
    days += [local_day(c.received_at) for c in consult(uow, "correspondence", purpose)]
    days += [a.completed_on for a in consult(uow, "actions", purpose) if a.completed_on is not None]
    days += [local_day(t.at) for r in consult(uow, "asset_requests", purpose) for t in r.history]
    if not days:
        raise InputError([Problem("--as-of", "no completed contact, correspondence, completed action or CT asset "
                                             "request step is stored, so there is no latest day: give --as-of")])
    return max(days)
