"""The regional grid: teams x Europe/London days, published as numbered versions.

A deployment appears on every London calendar day it touches (a 22:00-06:00 deployment
is on two days; days are cut at London midnight, so the clock-change Sunday is 23 hours
long). Every field an affected party acts on is on the grid entry, so a change to any of
them (times, team, officers, named officers, subjects, place and radius, planned ->
confirmed) makes a new version. ``diff`` lists what changed between two versions, field by
field, and who must be told; a deployment that left the week says where it went.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import attrs

from ctpse_core.domain.common import LONDON, Record, aware, utcnow
from ctpse_core.domain.marking import Marking, highest
from ctpse_core.domain.surveillance import Deployment, DeploymentStatus, Location, Operation, Team
from ctpse_core.errors import CtpseError, InputError, NotFoundError, Problem
from ctpse_core.storage.base import UnitOfWork

__all__ = [
    "Change",
    "EmptyGridError",
    "GridEntry",
    "GridVersion",
    "UnchangedGridError",
    "build_entries",
    "cell_text",
    "diff",
    "get_version",
    "london_days",
    "operation_label",
    "publish",
    "reader_clearance",
    "versions",
]

CTPOR = "Operations room (CTPOR)"
RA = "Research & Analysis"
NCTPOC = "NCTPOC Mobilisation Desk"


@attrs.frozen(kw_only=True)
class GridEntry:
    """One deployment on one team's row, on one London day."""

    team_id: str
    day: dt.date
    deployment_id: str
    operation_id: str
    start: dt.datetime = attrs.field(validator=aware)
    end: dt.datetime = attrs.field(validator=aware)
    officers: int = 1
    has_subjects: bool = False
    national_priority: bool = False
    #: the tasking request the deployment serves (what re-planning pins).
    request_id: str | None = None
    status: DeploymentStatus = DeploymentStatus.PLANNED
    location: Location | None = None
    staff_ids: tuple[str, ...] = ()
    subject_ids: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class GridVersion(Record):
    """A published grid for the week starting Monday ``week`` (stored in ``grid_versions``)."""

    week: dt.date
    number: int
    published_by: str
    published_at: dt.datetime = attrs.field(factory=utcnow, validator=aware)
    entries: tuple[GridEntry, ...] = ()


def london_days(start: dt.datetime, end: dt.datetime) -> list[dt.date]:
    """The London calendar days ``[start, end)`` touches (one day for an empty interval)."""
    first = start.astimezone(LONDON).date()
    last = (end - dt.timedelta(microseconds=1)).astimezone(LONDON).date() if end > start else first
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _week_bounds(week: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(week, dt.time(0), tzinfo=LONDON)
    end = dt.datetime.combine(week + dt.timedelta(days=7), dt.time(0), tzinfo=LONDON)
    return start, end


def build_entries(
    deployments: Iterable[Deployment], week: dt.date, operations: Mapping[str, Operation]
) -> tuple[GridEntry, ...]:
    """Grid entries of the (not cancelled) deployments in the week starting ``week``."""
    lo, hi = _week_bounds(week)
    days = {week + dt.timedelta(days=i) for i in range(7)}
    out: list[GridEntry] = []
    for d in deployments:
        if d.status is DeploymentStatus.CANCELLED or not (d.start < hi and d.end > lo):
            continue
        op = operations.get(d.operation_id)
        for day in london_days(d.start, d.end):
            if day in days:
                out.append(
                    GridEntry(
                        team_id=d.team_id,
                        day=day,
                        deployment_id=d.id,
                        operation_id=d.operation_id,
                        start=d.start,
                        end=d.end,
                        officers=d.officers,
                        has_subjects=bool(d.subject_ids),
                        national_priority=bool(op and op.national_priority),
                        request_id=d.request_id,
                        status=d.status,
                        location=d.location,
                        staff_ids=tuple(d.staff_ids),
                        subject_ids=tuple(d.subject_ids),
                    )
                )
    out.sort(key=lambda e: (e.team_id, e.day, e.start, e.deployment_id))
    return tuple(out)


def versions(uow: UnitOfWork, week: dt.date) -> list[GridVersion]:
    found: list[GridVersion] = [v for v in uow.grid_versions.list() if v.week == week]
    return sorted(found, key=lambda v: v.number)


class EmptyGridError(InputError):
    """Publishing a week with no (not cancelled) deployments in it."""

    def __init__(self, week: dt.date) -> None:
        self.week = week
        super().__init__(
            [Problem("week", f"no stored deployments in the week of {week:%d/%m/%Y}: nothing to publish")]
        )


class UnchangedGridError(CtpseError):
    """Publishing a grid identical to the last published version of its week."""

    def __init__(self, latest: GridVersion) -> None:
        self.latest = latest
        super().__init__(f"no change since version {latest.number}; nothing published")


def publish(uow: UnitOfWork, week: dt.date, user: str, *, force: bool = False) -> GridVersion:
    """Store the next numbered version of the week's grid from the stored deployments,
    marked as high as the highest marked deployment on it.

    Unless ``force``, an empty grid raises :class:`EmptyGridError` and a grid with the same
    entries as the last published version raises :class:`UnchangedGridError` (nothing stored).
    A principal who may not publish the grid is refused first, whether or not it changed.
    """
    uow.require("publish", "grid_versions", "grid publication")
    operations = {o.id: o for o in uow.operations.list()}
    deployments = list(uow.deployments.list())
    entries = build_entries(deployments, week, operations)
    shown = {e.deployment_id for e in entries}
    marking = highest(d.marking for d in deployments if d.id in shown)
    published = versions(uow, week)
    if not force and not entries:
        raise EmptyGridError(week)
    if not force and published and (published[-1].entries, published[-1].marking) == (entries, marking):
        raise UnchangedGridError(published[-1])
    number = max((v.number for v in published), default=0) + 1
    version = GridVersion(
        id=f"grid-{week.isoformat()}-v{number}",
        week=week,
        number=number,
        published_by=user,
        entries=entries,
        marking=marking,
    )
    stored: GridVersion = uow.grid_versions.add(version)
    uow.record_event("publication", "grid_versions", version.id, f"{len(entries)} entries")
    return stored


def get_version(uow: UnitOfWork, week: dt.date, number: int) -> GridVersion:
    found = versions(uow, week)
    for v in found:
        if v.number == number:
            return v
    have = (
        f"versions published: {', '.join(str(v.number) for v in found)}" if found else "none is published yet"
    )
    raise MissingVersion(f"no grid version {number} for the week of {week:%d/%m/%Y} ({have})")


class MissingVersion(InputError, NotFoundError):
    """A grid version asked for that was never published: the user's mistake (exit 2)."""

    def __init__(self, message: str) -> None:
        super().__init__([Problem(field="", reason=message)], message)


@attrs.frozen(kw_only=True)
class Change:
    """One deployment added, removed, moved, cancelled or changed between two versions,
    what changed (``what``: one ``field: before -> after`` line each) and who to tell."""

    deployment_id: str
    kind: str  # added | removed | moved | cancelled | changed
    before: str
    after: str
    tell: tuple[str, ...]
    what: tuple[str, ...] = ()


def london(moment: dt.datetime) -> str:
    return f"{moment.astimezone(LONDON):%a %d/%m/%Y %H:%M %Z}"


def place_text(location: Location | None) -> str:
    """``Fictonbury (51.45500, -0.97500, radius 300 m)``, or ``no place given``."""
    if location is None:
        return "no place given"
    where = f"{location.lat:.5f}, {location.lon:.5f}, radius {location.radius_m:.0f} m"
    return f"{location.name} ({where})" if location.name else where


#: what a grid cell says of an operation the reader is not shown by name.
WITHHELD = "operation withheld"


def operation_label(operation: Operation | None, clearance: Marking | None) -> str:
    """The operation's name where the reader's ``clearance`` reaches its marking (``None``:
    no clearance known, the name); otherwise, or with no operation record, :data:`WITHHELD`:
    never the operation's ID, so a grid cell carries one ID, the deployment's."""
    if operation is None or (clearance is not None and not clearance.dominates(operation.marking)):
        return WITHHELD
    return operation.name


def cell_text(entry: GridEntry, operation: Operation | None, clearance: Marking | None) -> str:
    """One grid cell line, what a reader acts on, with one ID (the deployment's, last):
    ``06:15-18:15 Op EXAMPLE-HERON, Fictonbury retail park (51.45500, -0.97500, radius 300 m),
    4 officers [dep-0001]`` (the status after the operation when not ``planned``; London
    times; the team is the row)."""
    status = "" if entry.status is DeploymentStatus.PLANNED else f" ({entry.status.value})"
    return (
        f"{entry.start.astimezone(LONDON):%H:%M}-{entry.end.astimezone(LONDON):%H:%M} "
        f"{operation_label(operation, clearance)}{status}, {place_text(entry.location)}, "
        f"{entry.officers} officers [{entry.deployment_id}]"
    )


def reader_clearance(uow: UnitOfWork) -> Marking | None:
    """The clearance of the unit of work's principal, when it has one (a unit of work looks
    unknown attributes up as record collections, so its class is asked first)."""
    if not hasattr(type(uow), "principal"):
        return None
    found = getattr(uow.principal, "clearance", None)
    return found if isinstance(found, Marking) else None


def _fields(e: GridEntry) -> dict[str, str]:
    """What a reader acts on, by field, as text."""
    return {
        "team": e.team_id,
        "operation": e.operation_id,
        "times": f"{london(e.start)} to {london(e.end)}",
        "officers": str(e.officers),
        "status": e.status.value,
        "place": place_text(e.location),
        "named officers": ", ".join(e.staff_ids) or "none",
        "subjects": ", ".join(e.subject_ids) or ("some" if e.has_subjects else "none"),
        "national priority": "yes" if e.national_priority else "no",
    }


def _summary(entries: list[GridEntry]) -> str:
    if not entries:
        return ""
    e = entries[0]
    f = _fields(e)
    days = ", ".join(x.day.strftime("%a %d/%m") for x in entries)
    return (
        f"{e.team_id} {e.operation_id} {f['times']} ({e.officers} officers; {f['status']}; "
        f"at {f['place']}; named officers: {f['named officers']}; subjects: {f['subjects']}; {days})"
    )


def _what(before: list[GridEntry], after: list[GridEntry]) -> tuple[str, ...]:
    old, new = _fields(before[0]), _fields(after[0])
    out = [f"{k}: {old[k]} -> {new[k]}" for k in old if old[k] != new[k]]
    days_old = [e.day for e in before]
    days_new = [e.day for e in after]
    if days_old != days_new and not out:
        out.append(
            "days: " + ", ".join(f"{d:%a %d/%m}" for d in days_old) + " -> "
            + ", ".join(f"{d:%a %d/%m}" for d in days_new)
        )
    return tuple(out)


def diff(
    old: GridVersion,
    new: GridVersion,
    teams: Mapping[str, Team],
    deployments: Mapping[str, Deployment] | None = None,
) -> list[Change]:
    """Each deployment whose grid entries differ, what changed, and the parties who must be
    told: the leader of every team affected, the operations room (always), Research &
    Analysis when subjects are involved, and the NCTPOC Mobilisation Desk for national
    priorities. With ``deployments`` (the store now), one that left the week is ``moved``
    (``after`` says where to) or ``cancelled`` rather than ``removed``."""

    def by_id(v: GridVersion) -> dict[str, list[GridEntry]]:
        out: dict[str, list[GridEntry]] = {}
        for e in v.entries:
            out.setdefault(e.deployment_id, []).append(e)
        return out

    before, after = by_id(old), by_id(new)
    changes: list[Change] = []
    for dep_id in sorted(set(before) | set(after)):
        b, a = before.get(dep_id, []), after.get(dep_id, [])
        if b == a:
            continue
        kind = "added" if not b else "removed" if not a else "changed"
        after_text = _summary(a)
        moved_team: list[str] = []
        now = (deployments or {}).get(dep_id)
        if kind == "removed" and now is not None:
            if now.status is DeploymentStatus.CANCELLED:
                kind, after_text = "cancelled", "cancelled"
            else:
                kind = "moved"
                after_text = f"moved to {now.team_id} {london(now.start)} to {london(now.end)}"
                moved_team = [now.team_id]
        both = b + a
        tell: list[str] = []
        for team_id in dict.fromkeys([*(e.team_id for e in both), *moved_team]):
            team = teams.get(team_id)
            tell.append(
                f"Team leader {team_id}" + (f" ({team.leader})" if team and team.leader else "")
            )
        tell.append(CTPOR)
        if any(e.has_subjects for e in both):
            tell.append(RA)
        if any(e.national_priority for e in both):
            tell.append(NCTPOC)
        changes.append(
            Change(
                deployment_id=dep_id,
                kind=kind,
                before=_summary(b),
                after=after_text,
                tell=tuple(tell),
                what=_what(b, a) if kind == "changed" else (),
            )
        )
    return changes
