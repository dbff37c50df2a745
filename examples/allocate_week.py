"""Allocate a synthetic week's tasking requests, re-plan after an amendment, print the result.

    python examples/allocate_week.py

All data is synthetic and fictional.
"""

from __future__ import annotations

import datetime as dt

import attrs

from ctpse_core.deconfliction.allocation import Availability, allocate
from ctpse_core.synthetic.tasking import synthetic_tasking


def main() -> None:
    week = synthetic_tasking(40, seed=1)
    teams = week.teams or ()
    availability = Availability(staff=week.staff or (), leave=week.leave or (), unavailable=week.unavailable)
    plan = allocate(week.requests, teams, availability, operations=week.operations or ())
    print(f"allocated {len(plan.assignments)} of {len(week.requests)}; coverage {plan.coverage}/{plan.requested}")
    for left in plan.unallocated[:3]:
        print(f"  {left.request_id}: {'; '.join(left.reasons)}")

    # an SIO moves one allocated request two hours later; everything else stays pinned
    moved_id = next(iter(plan.assignments))
    later = dt.timedelta(hours=2)
    requests = [
        attrs.evolve(r, start=r.start + later, end=r.end + later) if r.id == moved_id else r for r in week.requests
    ]
    pinned = [rid for rid in plan.assignments if rid != moved_id]
    again = allocate(requests, teams, availability, operations=week.operations or (),
                     previous=plan.assignments, pinned=pinned)
    print(f"re-plan: {len(again.changes)} change(s) from the previous plan, {len(again.pinned)} pinned")
    for change in again.changes:
        print(f"  {change.request_id}: {change.before} -> {change.after or 'not allocated'}")


if __name__ == "__main__":
    main()
