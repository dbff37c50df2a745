"""Engagement services over a unit of work: each reads nominals, plans and contacts once
(audited as consultations), applies :mod:`~ctpse_core.engagement.rules` for the as-of date
and returns rows or figures marked with the highest marking read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from ctpse_core.casework import Figure, Period, consult, consult_caseload, load_config, local_days, marking_of
from ctpse_core.domain.engagement import Contact, ContactMethod, ContactPlan
from ctpse_core.domain.marking import Marking
from ctpse_core.domain.nominal import Nominal
from ctpse_core.engagement.rules import Case, Policy, compliance, is_compliant, next_due, parse_policy
from ctpse_core.errors import InputError, Problem

__all__ = [
    "ENV",
    "Caseload",
    "caseload",
    "contacts_overdue",
    "engagement_compliance",
    "engagement_compliance_by_period",
    "latest_contact_day",
    "load_cases",
    "load_policy",
    "record_contact",
    "tracker_rows",
]

#: Environment variable naming a policy override file.
ENV = "CTPSE_ENGAGEMENT_POLICY"
ACTIVE = ("custody", "remand", "licence", "community")


def load_policy(override: Path | None = None) -> Policy:
    """The packaged contact policy with ``override`` (or ``$CTPSE_ENGAGEMENT_POLICY``) over it."""
    where = str(override) if override else "ctpse_core/engagement/policy.toml"
    return parse_policy(load_config("ctpse_core.engagement", "policy.toml", override, ENV), where)


@attrs.frozen(kw_only=True)
class Caseload:
    """What the engagement lists are computed from, as of one day."""

    as_of: dt.date
    cases: tuple[Case, ...]
    nominals: dict[str, Nominal]
    flagged: tuple[tuple[str, str, str], ...]  # (nominal_id, manager or "", reason)
    marking: Marking
    last_contact: dict[str, dt.date]


def _plans_in_force(plans: Iterable[ContactPlan], as_of: dt.date) -> dict[str, ContactPlan]:
    chosen: dict[str, ContactPlan] = {}
    for plan in plans:
        if plan.starts_on > as_of:
            continue
        best = chosen.get(plan.nominal_id)
        if best is None or (plan.starts_on, plan.id) > (best.starts_on, best.id):
            chosen[plan.nominal_id] = plan
    return chosen


def build_cases(nominals: Iterable[Nominal], plans: Iterable[ContactPlan], contacts: Iterable[Contact],
                as_of: dt.date, policy: Policy) -> tuple[list[Case], list[tuple[str, str, str]], dict[str, dt.date]]:
    """Cases for every active nominal with a plan in force, the flagged ones, and each
    nominal's last counting contact up to ``as_of`` (pure: no storage)."""
    people = {n.id: n for n in nominals}
    in_force = _plans_in_force(plans, as_of)
    counted: list[tuple[str, dt.datetime]] = []
    for contact in contacts:
        if contact.done_at is None:
            continue
        plan = in_force.get(contact.nominal_id)
        if plan is None or not policy.counts(str(contact.method), contact.manager, plan.manager):
            continue
        counted.append((contact.nominal_id, contact.done_at))
    days: dict[str, list[dt.date]] = {}
    for (nominal_id, _done), day in zip(counted, local_days(done for _n, done in counted), strict=True):
        days.setdefault(nominal_id, []).append(day)
    cases: list[Case] = []
    flagged: list[tuple[str, str, str]] = []
    last: dict[str, dt.date] = {}
    for nominal_id in sorted(set(people) | set(in_force)):
        nominal = people.get(nominal_id)
        plan = in_force.get(nominal_id)
        if nominal is None:
            assert plan is not None
            flagged.append((nominal_id, plan.manager, "contact plan for a nominal not on the list"))
            continue
        status = str(nominal.status) if nominal.status else None
        if status not in ACTIVE:
            continue
        if not nominal.nominal_manager:
            flagged.append((nominal_id, plan.manager if plan else "", "no nominal manager"))
        if plan is None:
            flagged.append((nominal_id, nominal.nominal_manager or "", "no contact plan"))
            continue
        tier = str(nominal.risk_tier or plan.risk_tier) if (nominal.risk_tier or plan.risk_tier) else None
        wanted = policy.interval(status, tier, nominal.force)
        every = min(plan.every_days, wanted) if wanted else plan.every_days
        seen = tuple(sorted(d for d in days.get(nominal_id, ()) if d >= plan.starts_on))
        done = [d for d in seen if d <= as_of]
        if done:
            last[nominal_id] = done[-1]
        cases.append(Case(nominal_id=nominal_id, manager=plan.manager, every=every, starts_on=plan.starts_on,
                          contact_days=seen, force=nominal.force))
    return cases, flagged, last


def latest_contact_day(contacts: Iterable[Contact]) -> dt.date | None:
    """The Europe/London day of the latest completed contact (the last day work was
    recorded), ``None`` when none is."""
    done = [c.done_at for c in contacts if c.done_at is not None]
    return local_days([max(done)])[0] if done else None


def load_cases(uow: Any, as_of: dt.date | None, policy: Policy | None = None,
               purpose: str = "engagement") -> Caseload:
    """Read nominals, contact plans and contacts (three audited consultations) into cases.

    ``as_of`` ``None``: the day of the latest completed contact (an :class:`InputError`
    when the store holds none)."""
    policy = policy or load_policy()
    nominals = consult_caseload(uow, purpose)
    plans = consult(uow, "contact_plans", purpose)
    contacts = consult(uow, "contacts", purpose)
    if as_of is None:
        as_of = latest_contact_day(contacts)
        if as_of is None:
            raise InputError([Problem("contacts", "no completed contact is stored, so there is no latest day: "
                                                  "give --as-of")])
    cases, flagged, last = build_cases(nominals, plans, contacts, as_of, policy)
    return Caseload(
        as_of=as_of, cases=tuple(cases), nominals={n.id: n for n in nominals}, flagged=tuple(flagged),
        marking=marking_of(nominals, plans, contacts), last_contact=last,
    )


def due_rows(load: Caseload, within: int) -> list[dict[str, Any]]:
    """Contacts due from the as-of day to ``within`` days after it, soonest first."""
    return _rows(load, lambda due: load.as_of <= due <= load.as_of + dt.timedelta(days=within))


def tracker_rows(load: Caseload, soon: int) -> list[dict[str, Any]]:
    """Every nominal with a plan in force, soonest deadline first, with its ``state``:
    ``overdue``, ``due soon`` (within ``soon`` days) or ``in date``."""
    horizon = load.as_of + dt.timedelta(days=soon)
    rows = _rows(load, lambda _due: True)
    for row in rows:
        due = dt.date.fromisoformat(row["due_on"])
        row["state"] = "overdue" if due < load.as_of else "due soon" if due <= horizon else "in date"
    return rows


def overdue_rows(load: Caseload) -> list[dict[str, Any]]:
    """Contacts whose deadline has passed with no counting contact, longest overdue first."""
    return _rows(load, lambda due: due < load.as_of)


def _rows(load: Caseload, keep: Any) -> list[dict[str, Any]]:
    rows = []
    for case in load.cases:
        due = next_due(case, load.as_of)
        if not keep(due):
            continue
        nominal = load.nominals[case.nominal_id]
        last = load.last_contact.get(case.nominal_id)
        rows.append({
            "nominal_id": case.nominal_id,
            "name": nominal.full_name,
            "manager": case.manager,
            "force": case.force or "",
            "status": str(nominal.status or ""),
            "risk_tier": str(nominal.risk_tier or ""),
            "every_days": case.every,
            "last_contact": last.isoformat() if last else "",
            "due_on": due.isoformat(),
            "days_overdue": max(0, (load.as_of - due).days),
        })
    rows.sort(key=lambda r: (r["due_on"], r["manager"], r["nominal_id"]))
    return rows


def compliance_rows(load: Caseload, period: Period, level: str) -> list[dict[str, Any]]:
    """Compliance per ``level`` (``manager``, ``force`` or ``region``) over ``period``."""
    rows = []
    for group, (ok, required) in compliance(load.cases, period.first, period.last, load.as_of, level).items():
        rows.append({
            level: group, "period": str(period), "compliant": ok, "required": required,
            "percent": round(100 * ok / required, 1) if required else None,
        })
    return rows


def caseload(load: Caseload, policy: Policy, soon: int | None = None) -> list[dict[str, Any]]:
    """Per manager: nominals, by tier, overdue, due soon and capacity per working day."""
    soon = policy.soon_days if soon is None else soon
    rows: dict[str, dict[str, Any]] = {}
    for case in load.cases:
        nominal = load.nominals[case.nominal_id]
        row = rows.setdefault(case.manager, {
            "manager": case.manager, "nominals": 0, "tier_1": 0, "tier_2": 0, "tier_3": 0, "tier_4": 0,
            "no_tier": 0, "overdue": 0, "due_soon": 0, "capacity_per_day": policy.capacity_of(case.manager),
        })
        row["nominals"] += 1
        row[f"tier_{nominal.risk_tier}" if nominal.risk_tier else "no_tier"] += 1
        due = next_due(case, load.as_of)
        if due < load.as_of:
            row["overdue"] += 1
        elif due <= load.as_of + dt.timedelta(days=soon):
            row["due_soon"] += 1
    return [rows[k] for k in sorted(rows)]


def engagement_compliance(uow: Any, as_of: dt.date, period: Period, level: str = "manager",
                          policy: Policy | None = None) -> Figure:
    """Share of nominals whose required contacts in ``period`` all happened on time, as of
    ``as_of``; ``groups`` per ``level`` (``manager``, ``force`` or ``region``)."""
    if level not in ("manager", "force", "region"):
        raise InputError([Problem("level", f"{level!r} must be manager, force or region")])
    load = load_cases(uow, as_of, policy, "engagement compliance")
    ok = required = 0
    for case in load.cases:
        verdict = is_compliant(case, period.first, period.last, as_of)
        if verdict is not None:
            required += 1
            ok += int(verdict)
    groups = compliance(load.cases, period.first, period.last, as_of, level)
    return Figure(ok, required, load.marking, groups)


def contacts_overdue(uow: Any, as_of: dt.date, period: Period | None = None, policy: Policy | None = None) -> Figure:
    """Nominals overdue a contact as of ``as_of`` (numerator) out of those with a plan in force
    (denominator); with ``period``, only deadlines that fell in it count. Groups per manager."""
    load = load_cases(uow, as_of, policy, "contacts overdue")
    groups: dict[str, list[int]] = {}
    late = 0
    for case in load.cases:
        due = next_due(case, as_of)
        is_late = due < as_of and (period is None or due in period)
        tally = groups.setdefault(case.manager, [0, 0])
        tally[0] += int(is_late)
        tally[1] += 1
        late += int(is_late)
    return Figure(late, len(load.cases), load.marking, {k: (v[0], v[1]) for k, v in sorted(groups.items())})


def record_contact(uow: Any, contact: Contact) -> Contact:
    """Store one contact (planned or done), audited as a collection of personal data.

    The nominal must exist; an unknown one is an :class:`InputError`."""
    if uow.nominals.find(contact.nominal_id) is None:
        raise InputError([Problem("nominal_id", f"no nominal {contact.nominal_id!r} in the store")])
    if uow.contacts.find(contact.id) is not None:
        raise InputError([Problem("id", f"contact {contact.id!r} is already recorded")])
    stored: Contact = uow.contacts.add(contact)
    uow.record_event("collection", "contacts", stored.id,
                     f"contact with {contact.nominal_id} by {contact.manager} ({ContactMethod(contact.method)})")
    return stored


def schedule(uow: Any, load: Caseload, policy: Policy, weeks: int | None = None,
             manager: str | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]], Marking]:
    """The proposed contact schedule (rows), the deadlines that cannot be kept (rows) and the
    marking (cases and the leave read: a consultation of ``leave``)."""
    from ctpse_core.domain.marking import highest
    from ctpse_core.engagement.rules import propose_schedule
    from ctpse_core.workdays import is_working_day

    days = 7 * (weeks or policy.weeks)
    leave = consult(uow, "leave", "engagement schedule")
    cases = [c for c in load.cases if manager is None or c.manager == manager]
    away: dict[str, set[dt.date]] = {}
    for item in leave:
        day = item.first_day
        while day <= item.last_day:
            away.setdefault(item.staff_id, set()).add(day)
            day += dt.timedelta(days=1)
    horizon = [load.as_of + dt.timedelta(days=i) for i in range(days)]
    closed = frozenset(d for d in horizon if not is_working_day(d)) if policy.working_days_only else frozenset()
    managers = {c.manager for c in cases}
    proposals, left = propose_schedule(
        cases, load.as_of, days, {m: policy.capacity_of(m) for m in managers},
        {m: frozenset(away.get(m, ())) for m in managers}, closed,
    )
    rows = [{
        "manager": p.manager, "day": p.day.isoformat(), "nominal_id": p.nominal_id,
        "due_on": p.due_on.isoformat(), "late": p.late,
    } for p in sorted(proposals, key=lambda p: (p.manager, p.day, p.due_on, p.nominal_id))]
    behind = [{"manager": m, "nominal_id": n, "due_on": d.isoformat()} for m, n, d in left]
    used = [item for item in leave if item.staff_id in managers]
    return rows, behind, highest([load.marking, *(i.marking for i in used)])


def engagement_compliance_by_period(uow: Any, as_of: dt.date, periods: list[Period], level: str = "manager",
                                    policy: Policy | None = None) -> dict[str, list[Figure]]:
    """``engagement_compliance`` for many periods in one pass (numpy): ``{group: [Figure per period]}``."""
    from ctpse_core.engagement.vectorised import compliance_table

    if level not in ("manager", "force", "region"):
        raise InputError([Problem("level", f"{level!r} must be manager, force or region")])
    load = load_cases(uow, as_of, policy, "engagement compliance by period")
    table = compliance_table(load.cases, periods, as_of, level)
    return {group: [Figure(ok, req, load.marking) for ok, req in row] for group, row in table.items()}
