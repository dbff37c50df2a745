"""Covert surveillance planning (CATO role): operations, subjects, teams, deployments."""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from ctpse_core.domain.common import Record, aware, check, in_range, non_empty, not_before, optional_aware
from ctpse_core.domain.marking import Classification, Marking

__all__ = [
    "COVERT",
    "AssetKind",
    "AssetRequest",
    "AssetTransition",
    "Deployment",
    "DeploymentStatus",
    "Location",
    "Operation",
    "Subject",
    "SubjectKind",
    "TaskingRequest",
    "Team",
    "TeamUnavailability",
]

#: the least marking of covert surveillance records and of the products made from them
#: (deployments, operations, tasking requests, conflict reports, the grid).
COVERT = Marking(Classification.SECRET)

_positive = check(lambda v: v > 0, "{value} must be more than zero")
_non_negative = check(lambda v: v >= 0, "{value} must not be negative")


@attrs.frozen(kw_only=True)
class Location:
    """A point (WGS84) with a radius in metres."""

    lat: float = attrs.field(validator=in_range(-90, 90))
    lon: float = attrs.field(validator=in_range(-180, 180))
    radius_m: float = attrs.field(default=0.0, validator=_non_negative)
    #: what the place is called (what a reader of the grid looks for), if given.
    name: str | None = None


@attrs.frozen(kw_only=True)
class Operation(Record):
    name: str = attrs.field(validator=non_empty)
    sio: str = attrs.field(validator=non_empty)
    priority: int = attrs.field(default=3, validator=in_range(1, 5))  # 1 is the highest
    national_priority: bool = False
    contact: str | None = None  # whom to call about a conflict


class SubjectKind(enum.StrEnum):
    PERSON = "person"
    VEHICLE = "vehicle"
    ADDRESS = "address"


@attrs.frozen(kw_only=True)
class Subject(Record):
    kind: SubjectKind
    label: str = attrs.field(validator=non_empty)
    nominal_id: str | None = None


@attrs.frozen(kw_only=True)
class Team(Record):
    """A surveillance team with how many officers it can field and its skills."""

    name: str = attrs.field(validator=non_empty)
    capacity: int = attrs.field(validator=_positive)
    skills: frozenset[str] = frozenset()
    team_type: str = "SV"
    base: Location | None = None
    leader: str | None = None


@attrs.frozen(kw_only=True)
class TaskingRequest(Record):
    """A partner's or SIO's request for surveillance in a window."""

    operation_id: str = attrs.field(validator=non_empty)
    requested_by: str = attrs.field(validator=non_empty)
    start: dt.datetime = attrs.field(validator=aware)
    end: dt.datetime = attrs.field(validator=[aware, not_before("start", "the start")])
    officers: int = attrs.field(default=1, validator=_positive)
    skills: frozenset[str] = frozenset()
    team_type: str = "SV"
    priority: int = attrs.field(default=3, validator=in_range(1, 5))
    location: Location | None = None
    subject_ids: tuple[str, ...] = ()
    #: officers the requester names (their leave, double-booking and rest are then checked).
    staff_ids: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class TeamUnavailability(Record):
    """A team off the board for a while (training, stand-down, another region's job)."""

    team_id: str = attrs.field(validator=non_empty)
    start: dt.datetime = attrs.field(validator=aware)
    end: dt.datetime = attrs.field(validator=[aware, not_before("start", "the start")])
    reason: str = "unavailable"


class DeploymentStatus(enum.StrEnum):
    PLANNED = "planned"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


@attrs.frozen(kw_only=True)
class Deployment(Record):
    """A team (and named staff) deployed for an operation in a window at a place."""

    operation_id: str = attrs.field(validator=non_empty)
    team_id: str = attrs.field(validator=non_empty)
    start: dt.datetime = attrs.field(validator=aware)
    end: dt.datetime = attrs.field(validator=[aware, not_before("start", "the start")])
    location: Location | None = None
    staff_ids: tuple[str, ...] = ()
    officers: int = attrs.field(default=1, validator=_positive)
    subject_ids: tuple[str, ...] = ()
    status: DeploymentStatus = DeploymentStatus.PLANNED
    request_id: str | None = None


class AssetKind(enum.StrEnum):
    FORENSIC = "forensic"
    MEDIA_VIEWING = "media-viewing"
    INVESTIGATIVE = "investigative"


@attrs.frozen(kw_only=True)
class AssetTransition:
    """One step of an asset request: to which status, when, by whom and why."""

    status: str = attrs.field(validator=non_empty)
    at: dt.datetime = attrs.field(validator=aware)
    by: str = attrs.field(validator=non_empty)
    why: str = ""


@attrs.frozen(kw_only=True)
class AssetRequest(Record):
    """A request for a CT asset, with objectives and a deadline SLT are kept informed of.

    ``kind`` is one of :class:`AssetKind` or a kind added by configuration; ``status`` moves
    requested -> approved / declined -> deployed -> complete / cancelled (see
    ``ctpse_core.tasking.assets``), each step kept in ``history``.
    """

    kind: str = attrs.field(converter=str, validator=non_empty)
    operation_id: str = attrs.field(validator=non_empty)
    requested_by: str = attrs.field(validator=non_empty)
    objectives: tuple[str, ...] = attrs.field(
        validator=check(lambda v: len(v) > 0, "at least one objective is required")
    )
    deadline: dt.datetime = attrs.field(validator=aware)
    status: str = "requested"
    #: the requesting region or unit, and where the asset is based
    requesting_unit: str | None = None
    asset_home: str | None = None
    asset_id: str | None = None
    deployment_id: str | None = None
    requested_at: dt.datetime | None = attrs.field(default=None, validator=optional_aware)
    history: tuple[AssetTransition, ...] = ()
