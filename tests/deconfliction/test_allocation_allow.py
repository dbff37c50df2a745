"""Allowing a soft rule never lowers coverage; candidate conflicts with existing work."""

from __future__ import annotations

import datetime as dt
from itertools import combinations

from hypothesis import given
from test_allocation_oracle import instance

from ctpse_core.deconfliction.allocation import Availability, allocate
from ctpse_core.deconfliction.oracle import best_allocation
from ctpse_core.deconfliction.rules import builtin_rules
from ctpse_core.domain.common import UTC
from ctpse_core.domain.surveillance import Deployment, TaskingRequest, Team

SOFT = ("subject-clash", "proximity")
T0 = dt.datetime(2025, 3, 24, 18, 0, tzinfo=UTC)


def _request(rid: str, officers: int, start_h: int, end_h: int) -> TaskingRequest:
    return TaskingRequest(
        id=rid, operation_id="op1", requested_by="DCI Sample", start=T0 + dt.timedelta(hours=start_h),
        end=T0 + dt.timedelta(hours=end_h), officers=officers, team_type="SV", priority=2,
    )


def _existing(did: str, officers: int, start_h: int, end_h: int) -> Deployment:
    return Deployment(id=did, operation_id="op9", team_id="T1", start=T0 + dt.timedelta(hours=start_h),
                      end=T0 + dt.timedelta(hours=end_h), officers=officers)


def test_a_capacity_run_through_existing_work_does_not_rule_out_every_request_in_it() -> None:
    """Team T1 (6 officers) is already overloaded 20:00-22:00 by two stored deployments; r1
    overlaps them (so it cannot go to T1) and r2 follows it. The engine's capacity run spans
    stored work, r1 and r2, but r2 alone breaks no rule, so it is allocated (the old code
    dropped every request in a run that touched stored work, counting the unallocated r1 as
    load in r2's reason)."""
    team = Team(id="T1", name="T1", capacity=6, team_type="SV")
    existing = (_existing("d1", 4, 0, 4), _existing("d2", 4, 2, 4))
    plan = allocate([_request("r1", 3, 3, 7), _request("r2", 4, 4, 8)], [team], Availability(deployments=existing),
                    rules=builtin_rules())
    assert plan.assignments == {"r2": "T1"}
    assert plan.coverage == 4
    (left,) = plan.unallocated
    assert left.request_id == "r1"
    assert not any("r2" in reason for reason in left.reasons)
    assert best_allocation([_request("r1", 3, 3, 7), _request("r2", 4, 4, 8)], [team], existing) == (4, 0)


@given(instance())
def test_allowing_soft_rules_never_lowers_coverage(case: dict[str, object]) -> None:
    """For random small weeks, the coverage with any set of soft rules allowed is at least the
    coverage with none allowed, and equals the brute-force optimum for that allow set."""
    teams = case["teams"]
    requests = case["requests"]
    existing = case["existing"]
    assert isinstance(teams, list) and isinstance(requests, list) and isinstance(existing, list)
    avail = Availability(
        deployments=tuple(existing),
        leave=tuple(case["leave"]),  # type: ignore[arg-type]
        staff=tuple(case["staff"]),  # type: ignore[arg-type]
        unavailable=tuple(case["unavailable"]),  # type: ignore[arg-type]
    )
    base = None
    for size in range(len(SOFT) + 1):
        for allow in combinations(SOFT, size):
            plan = allocate(requests, teams, avail, rules=builtin_rules(), allow=allow)
            expected = best_allocation(
                requests, teams, existing, leave=avail.leave, staff=avail.staff, unavailable=avail.unavailable,
                allow=allow,
            )
            assert expected is not None
            assert plan.coverage == expected[0]
            if base is None:
                base = plan.coverage
            assert plan.coverage >= base
