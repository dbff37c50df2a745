"""Builders shared by the performance and meetings tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ctpse_core.domain import LONDON

USER = "kpi-tester"


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    """Noon (London) on ``day``, as an aware datetime."""
    return dt.datetime.combine(day, dt.time(hour, 0), LONDON)


def add(store: Any, collection: str, *records: Any) -> None:
    with store.unit_of_work(user=USER) as uow:
        uow.repository(collection).add_many(records)
        uow.commit()
