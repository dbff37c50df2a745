"""The CATO's on-call rota product: the stored rota for a week with every role's on-call
number and each person's own, as tables and as calendar feeds (per role and per person)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ctpse_core.domain.common import LONDON, day_text
from ctpse_core.domain.marking import Marking, highest
from ctpse_core.domain.staff import OnCallRole, Rota, Staff
from ctpse_core.errors import InputError, Problem
from ctpse_core.reports.document import Chart, Column, Event, Facts, Report, Section, Table
from ctpse_core.storage.base import UnitOfWork

__all__ = ["FLOOR", "on_call_rota", "store_rota_people"]

#: A rota lists people's own phone numbers.
FLOOR = Marking.parse("OFFICIAL-SENSITIVE [PERSONAL]")


def _rota(uow: UnitOfWork, as_of: dt.date | None) -> Rota:
    rotas: list[Rota] = list(uow.rotas.list())
    if not rotas:
        raise InputError([Problem("rota", "no rota is stored yet (ctpse demo, or publish one)")])
    if as_of is None:
        return max(rotas, key=lambda r: (r.first_day, r.id))
    covering = [r for r in rotas if r.first_day <= as_of <= r.last_day]
    if not covering:
        raise InputError([Problem("--as-of", f"no stored rota covers {day_text(as_of)}")])
    return max(covering, key=lambda r: (r.first_day, r.id))


def on_call_rota(uow: UnitOfWork, as_of: dt.date | None) -> Report:
    """The rota covering ``as_of`` (default: the latest), by day, role and person."""
    rota = _rota(uow, as_of)
    staff = {s.id: s for s in uow.staff.list()}
    roles = {r.id: r for r in uow.oncall_roles.list()}
    uow.record_event("consultation", "rotas", rota.id, "on-call rota product")
    uow.record_event("consultation", "staff", detail=f"names and numbers for rota {rota.id}")

    def name(sid: str) -> str:
        return staff[sid].name if sid in staff else sid

    def number(sid: str) -> str | None:
        person = staff.get(sid)
        return person.numbers[0].number if person is not None and person.numbers else None

    def role_name(rid: str) -> str:
        return roles[rid].name if rid in roles else rid

    shifts = sorted(rota.shifts, key=lambda s: (s.start, s.role_id, s.staff_id))
    rows = [{"day": s.start.astimezone(LONDON).date(), "role": role_name(s.role_id), "shift": s.shift_type or "",
             "start": s.start, "end": s.end, "staff_id": s.staff_id, "name": name(s.staff_id),
             "on_call_number": roles[s.role_id].on_call_number if s.role_id in roles else None,
             "own_number": number(s.staff_id)} for s in shifts]
    role_ids = list(dict.fromkeys(s.role_id for s in shifts))
    numbers = Table("On-call numbers", [Column("role", "Role"), Column("name", "Role name"),
                                        Column("number", "On-call number", "phone")],
                    [{"role": r, "name": role_name(r),
                      "number": roles[r].on_call_number if r in roles else None} for r in role_ids],
                    title="Ring the role's on-call number first")
    table = Table("Rota", [Column("day", "Day", "date"), Column("role", "Role"), Column("shift", "Shift"),
                           Column("start", "Start", "datetime"), Column("end", "End", "datetime"),
                           Column("staff_id", "Staff ID"), Column("name", "On duty"),
                           Column("on_call_number", "On-call number", "phone"),
                           Column("own_number", "Own number", "phone")], rows, primary=True,
                  title="Every shift (Europe/London)")
    days = [rota.first_day + dt.timedelta(days=i) for i in range((rota.last_day - rota.first_day).days + 1)]
    chart = Chart("Shifts by day and role", [f"{d:%a %d/%m}" for d in days],
                  [(role_name(r), [sum(1 for x in rows if x["day"] == d and x["role"] == role_name(r))
                                   for d in days]) for r in role_ids])
    missing = sorted({s.staff_id for s in shifts if number(s.staff_id) is None})
    facts = Facts([("Period", f"{day_text(rota.first_day)} to {day_text(rota.last_day)}"),
                   ("Published version", rota.published_version), ("Shifts", len(shifts)),
                   ("People on call", len({s.staff_id for s in shifts})), ("Roles", len(role_ids)),
                   ("Roles without an on-call number",
                    ", ".join(role_name(r) for r in role_ids if not (r in roles and roles[r].on_call_number))
                    or "none"),
                   ("People without a number", ", ".join(missing) or "none")])
    events = []
    for s in shifts:
        on_call = roles[s.role_id].on_call_number if s.role_id in roles else None
        own = number(s.staff_id)
        what = f"{role_name(s.role_id)} ({s.shift_type})" if s.shift_type else role_name(s.role_id)
        description = f"On-call number: {on_call or 'none set'}\nOn duty: {name(s.staff_id)} ({own or 'no number'})"
        uid = f"{s.start.astimezone(LONDON):%Y%m%dT%H%M}-{s.role_id}-{s.staff_id}@ctpse-rota"
        for calendar, summary in ((f"role-{s.role_id}", f"{what}: {name(s.staff_id)}"), (s.staff_id, what)):
            events.append(Event(uid=uid, start=s.start, end=s.end, summary=summary, description=description,
                                contact=on_call or own, calendar=calendar))
    stamp = rota.provenance.received_at if rota.provenance is not None else dt.datetime.combine(
        rota.first_day, dt.time(0), tzinfo=LONDON)
    marking = highest([FLOOR, rota.marking, *(staff[s].marking for s in {x.staff_id for x in shifts} if s in staff)])
    return Report(kind="on-call-rota", title=f"On-call rota {day_text(rota.first_day)} to {day_text(rota.last_day)}",
                  marking=marking, floor=FLOOR, stamp=stamp, events=events,
                  sections=[Section("Summary", [facts, chart]), Section("On-call numbers", [numbers]),
                            Section("Rota", [table])])


def store_rota_people(uow: UnitOfWork, people: Iterable[object], roles: Iterable[object]) -> int:
    """Store a rota problem's people (``Person``) and roles (``RoleDef``) as Staff and
    OnCallRole records where missing, so stored rotas show names and numbers; return how many."""
    known_staff = {s.id for s in uow.staff.list()}
    known_roles = {r.id for r in uow.oncall_roles.list()}
    added = 0
    for p in people:
        pid = str(getattr(p, "id"))  # noqa: B009 - duck-typed rota Person
        if pid in known_staff:
            continue
        forenames, _, surname = str(getattr(p, "name")).rpartition(" ")  # noqa: B009
        uow.staff.add(Staff(id=pid, forenames=forenames or surname, surname=surname,
                            qualifications=getattr(p, "qualifications", frozenset()),
                            home_team=getattr(p, "home_team", None), numbers=tuple(getattr(p, "numbers", ()))))
        uow.record_event("collection", "staff", pid, "from the demo rota problem")
        added += 1
    for r in roles:
        rid = str(getattr(r, "id"))  # noqa: B009
        if rid in known_roles:
            continue
        uow.oncall_roles.add(OnCallRole(id=rid, name=str(getattr(r, "name")),  # noqa: B009
                                        qualification=getattr(r, "qualification", None),
                                        on_call_number=getattr(r, "on_call_number", None)))
        added += 1
    return added
