"""Small hand-made casework: a store with nominals, plans, contacts, orders, pathways,
correspondence and leave whose answers are obvious."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ctpse_core.domain import (
    Category,
    Contact,
    ContactPlan,
    Marking,
    Nominal,
    NominalStatus,
    Provenance,
    RiskTier,
)
from ctpse_core.domain.common import LONDON

AS_OF = dt.date(2026, 3, 16)  # a Monday


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """Mid-morning London time on ``day``."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def nominal(ident: str, status: str = "community", tier: str | None = "4", manager: str | None = "NM1",
            force: str = "Kent", **extra: Any) -> Nominal:
    extra.setdefault("category", Category.TACT)
    return Nominal(id=ident, forenames="Ada", surname=f"Example{ident}", status=NominalStatus(status),
                   risk_tier=RiskTier(tier) if tier else None, nominal_manager=manager, force=force,
                   provenance=Provenance(source="regional", received_at=at(AS_OF - dt.timedelta(days=1))),
                   **extra)


def plan(nominal_id: str, every: int, starts: dt.date, manager: str = "NM1") -> ContactPlan:
    return ContactPlan(id=f"PL-{nominal_id}", nominal_id=nominal_id, manager=manager, every_days=every,
                       starts_on=starts)


def contact(nominal_id: str, day: dt.date, manager: str = "NM1", n: int = 0, method: str = "in-person",
            marking: Marking | None = None) -> Contact:
    return Contact(id=f"C-{nominal_id}-{day.isoformat()}-{n}", nominal_id=nominal_id, manager=manager,
                   planned_at=at(day), done_at=at(day), method=method,  # type: ignore[arg-type]
                   marking=marking or Marking.parse("OFFICIAL-SENSITIVE"))
