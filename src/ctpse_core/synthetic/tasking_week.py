"""Synthetic (fictional) tasking data: CT asset requests, fast-time events, staff with ranks,
significant issues and overtime claims, for a week. The same seed gives the same data."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

import attrs

from ctpse_core.domain.common import LONDON, Provenance
from ctpse_core.domain.finance import FastTimeEvent
from ctpse_core.domain.marking import Marking
from ctpse_core.domain.staff import Staff
from ctpse_core.domain.surveillance import COVERT, AssetRequest, Deployment

__all__ = ["TaskingWeek", "synthetic_tasking_week"]

_KINDS = ("forensic", "media-viewing", "investigative")
_UNITS = ("CTP SE", "CTP East", "CTP North West", "Met CT Command", "CTP Wales")
_HOMES = ("Example Forensic Hub", "Sample Digital Lab", "Fictional Investigations Unit")
_RANKS = ("DC", "DC", "DC", "PC", "DS", "PS", "DI", "SO2", "PO1")
_RECIPIENTS = ("CTPOR duty officer", "SIO Op EXAMPLE", "R&A duty analyst", "NCTPOC desk", "Special Branch duty")


@attrs.frozen
class TaskingWeek:
    staff: tuple[Staff, ...]
    asset_requests: tuple[AssetRequest, ...]
    events: tuple[FastTimeEvent, ...]


def synthetic_tasking_week(week: dt.date, operations: Sequence[str], staff_ids: Sequence[str] = (),
                           seed: int = 7, requests: int = 6, events: int = 4) -> TaskingWeek:
    """Asset requests (deadlines across the week, some near, one past), fast-time events and a
    rank for every staff ID (fictional names)."""
    rng = random.Random(seed)
    monday = dt.datetime.combine(week, dt.time(9), tzinfo=LONDON)
    ops = list(operations) or ["op-0001"]
    staff = tuple(Staff(id=sid, forenames="Sam", surname=f"Example{i + 1}", rank=rng.choice(_RANKS),
                        qualifications=frozenset(rng.sample(["SV", "driver", "PIP2", "forensic"], 2)))
                  for i, sid in enumerate(staff_ids))
    reqs = tuple(
        AssetRequest(
            id=f"asset-req-{i + 1:03d}", kind=_KINDS[i % len(_KINDS)], operation_id=ops[i % len(ops)],
            requested_by=f"DI {rng.choice(['Ada', 'Ben', 'Cara'])} Sample", requesting_unit=rng.choice(_UNITS),
            asset_home=rng.choice(_HOMES), objectives=(f"Objective {i + 1}a (fictional)", "Report to SIO"),
            deadline=monday + dt.timedelta(hours=30 if i == 3 else 12 + 20 * i), marking=COVERT,
        )
        for i in range(requests)
    )
    evs = tuple(
        FastTimeEvent(
            id=f"ftev-{i + 1:03d}", title=f"Briefing document {i + 1} (fictional)",
            occurred_at=monday + dt.timedelta(hours=12 * i + rng.randint(0, 3)), source=rng.choice(_UNITS),
            summary="Synthetic example: no real person or place.", marking=Marking.parse("SECRET [UK EYES ONLY]")
            if i % 2 else COVERT,
        )
        for i in range(events)
    )
    return TaskingWeek(staff, reqs, evs)


def with_notice(d: Deployment, days: int) -> Deployment:
    """``d`` as notified ``days`` before it starts (its provenance)."""
    return attrs.evolve(d, provenance=Provenance(source="synthetic", received_at=d.start - dt.timedelta(days=days)))
