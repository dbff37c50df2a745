"""Duties from what the store holds: deployments (asset deployments too) and on-call shifts.

* A deployment gives one duty per named officer, and one per officer it counts but does
  not name (``<team>#unnamed-<k>``, at the rules' default rank).
* Its notice is when the deployment's current version was received (its provenance);
  without one the notice is taken as none at all - the costlier reading, which the
  forecast lists under its assumptions rather than guessing the cheaper one.
* A person with no rank is priced at the default rank (listed under assumptions); a rank
  the pay rules do not know is an input error naming the staff record.
* An on-call shift gives one ``on-call`` duty (the allowance per day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import attrs

from ctpse_core.domain.staff import Rota, Staff
from ctpse_core.domain.surveillance import Deployment, DeploymentStatus
from ctpse_core.errors import InputError, Problem
from ctpse_core.finance.forecast import Duty
from ctpse_core.finance.rules import PayRules

__all__ = ["ASSET_TEAM_PREFIX", "DutySet", "deployment_duties", "duties_from", "oncall_duties", "rank_of"]

#: deployments of a CT asset use the asset's ID, with this prefix, as their team.
ASSET_TEAM_PREFIX = "asset:"


@attrs.define
class DutySet:
    duties: list[Duty] = attrs.Factory(list)
    assumptions: list[str] = attrs.Factory(list)


def rank_of(person: Staff | None, rules: PayRules, assumptions: list[str] | None = None) -> str:
    """The pay-rules rank of ``person`` (upper case, no dots)."""
    if person is None or not person.rank:
        if assumptions is not None and person is not None:
            assumptions.append(f"{person.id} has no rank: priced as {rules.default_rank}")
        return rules.default_rank
    rank = person.rank.replace(".", "").replace(" ", "").upper()
    if not rules.knows(rank):
        raise InputError(
            [Problem("rank", f"{person.rank!r} is not a rank or grade the pay rules know "
                     f"({', '.join(sorted(rules.rates))})",
                     f"staff {person.id}", person.rank)],
            "unknown rank",
        )
    return rank


def deployment_duties(
    d: Deployment,
    staff: Mapping[str, Staff],
    rules: PayRules,
    budget_codes: Mapping[str, str] | None = None,
    assumptions: list[str] | None = None,
    ranks: Mapping[str, str] | None = None,
) -> list[Duty]:
    """The duties of one deployment (none when cancelled). ``ranks`` (staff ID -> pay-rules
    rank, from :func:`rank_of`) saves working each person's rank out again."""
    if d.status is DeploymentStatus.CANCELLED:
        return []
    notes = assumptions if assumptions is not None else []
    if d.provenance is not None:
        notified = d.provenance.received_at
    else:
        notified = d.start
        notes.append(f"{d.id} has no record of when it was notified: priced as no notice")
    out_of_region = d.location is not None and rules.out_of_region.outside(d.location.lat, d.location.lon)
    kind = "asset" if d.team_id.startswith(ASSET_TEAM_PREFIX) else "deployment"
    code = (budget_codes or {}).get(d.operation_id, d.operation_id)
    people = list(d.staff_ids) + [f"{d.team_id}#unnamed-{k + 1}" for k in range(max(0, d.officers - len(d.staff_ids)))]
    default = rules.default_rank
    if ranks is None:
        ranks = {sid: rank_of(staff[sid], rules, notes) for sid in d.staff_ids if sid in staff}
    # positional, in Duty's field order (this runs once per person per deployment)
    return [
        Duty(f"{d.id}|{sid}", d.id, kind, sid, ranks.get(sid, default), d.start, d.end, d.operation_id, d.team_id,
             code, notified, out_of_region, d.marking)
        for sid in people
    ]


def oncall_duties(rota: Rota, staff: Mapping[str, Staff], rules: PayRules,
                  budget_code: str = "ON-CALL", ranks: Mapping[str, str] | None = None) -> list[Duty]:
    """One ``on-call`` duty per shift of a published rota (the allowance needs no notice)."""
    notified = rota.provenance.received_at if rota.provenance else dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    if ranks is None:
        ranks = {s.staff_id: rank_of(staff.get(s.staff_id), rules) for s in rota.shifts}
    return [
        Duty(f"{rota.id}|{s.role_id}|{s.staff_id}|{s.start.isoformat()}", rota.id, "on-call", s.staff_id,
             ranks.get(s.staff_id, rules.default_rank), s.start, s.end, "on-call", s.role_id, budget_code, notified,
             False, rota.marking)
        for s in rota.shifts
    ]


def duties_from(
    deployments: Iterable[Deployment],
    rotas: Iterable[Rota],
    staff: Iterable[Staff],
    rules: PayRules,
    *,
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
    budget_codes: Mapping[str, str] | None = None,
) -> DutySet:
    """Every duty starting on ``first_day`` .. ``last_day`` (Europe/London; ``None``: open)."""
    from ctpse_core.domain.common import LONDON

    people = {s.id: s for s in staff}
    out = DutySet()
    ranks = {sid: rank_of(s, rules, out.assumptions) for sid, s in people.items()}
    lo = dt.datetime.combine(first_day, dt.time(0), tzinfo=LONDON) if first_day else None
    hi = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), tzinfo=LONDON) if last_day else None

    def inside(start: dt.datetime) -> bool:  # starts on a London day from first_day to last_day
        return (lo is None or start >= lo) and (hi is None or start < hi)

    for d in deployments:
        if inside(d.start):
            out.duties.extend(deployment_duties(d, people, rules, budget_codes, out.assumptions, ranks))
    for rota in rotas:
        out.duties.extend(x for x in oncall_duties(rota, people, rules, ranks=ranks) if inside(x.start))
    return out
