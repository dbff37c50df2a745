"""Deployments as columns (numpy arrays), the form every rule and index works on.

Times are integer microseconds since the Unix epoch (UTC), so comparisons are exact
and free of time-zone arithmetic: a Europe/London clock change is just another
instant. Multi-valued fields (staff, subjects) are *exploded*: one row per
(deployment, value) pair in ``staff_row``/``staff_key`` and ``subject_row``/``subject_key``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

import attrs
import numpy as np

from ctpse_core.arrays import Bools, Floats, Ints
from ctpse_core.deconfliction.sweep import expand_ranges
from ctpse_core.domain.common import UTC
from ctpse_core.domain.surveillance import Deployment, DeploymentStatus

__all__ = ["Bools", "DeploymentFrame", "Floats", "Ints", "from_micros", "to_micros"]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)


def to_micros(value: dt.datetime) -> int:
    """Microseconds since the epoch of an aware datetime (exact)."""
    delta = value - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(value: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=int(value))


@attrs.frozen(kw_only=True, eq=False)
class DeploymentFrame:
    """Columns of ``n`` deployments. Build one with :meth:`from_deployments`."""

    ids: Sequence[str]
    start: Ints
    end: Ints
    op: Ints
    op_names: Sequence[str]
    team: Ints
    team_names: Sequence[str]
    officers: Ints
    #: capacity of each row's team (-1 when the team is not known).
    capacity: Ints
    lat: Floats
    lon: Floats
    radius: Floats
    has_location: Bools
    staff_row: Ints
    staff_key: Ints
    staff_names: Sequence[str]
    subject_row: Ints
    subject_key: Ints
    subject_names: Sequence[str]

    _indexes: dict[str, dict[str, int]] = attrs.field(factory=dict, init=False, repr=False)
    _csr: dict[str, tuple[Ints, Ints]] = attrs.field(factory=dict, init=False, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    def code_index(self, kind: str) -> dict[str, int]:
        """Name -> code for ``op``, ``team``, ``staff`` or ``subject`` (built once)."""
        found = self._indexes.get(kind)
        if found is None:
            names: Sequence[str] = getattr(self, f"{kind}_names")
            found = self._indexes[kind] = {name: code for code, name in enumerate(names)}
        return found

    @classmethod
    def from_deployments(
        cls,
        deployments: Iterable[Deployment],
        capacities: Mapping[str, int] | None = None,
        include_cancelled: bool = False,
    ) -> DeploymentFrame:
        """Columns of the deployments (cancelled ones left out unless asked for)."""
        return _build(deployments, capacities or {}, include_cancelled, None)

    def extend_with(
        self, deployments: Iterable[Deployment], capacities: Mapping[str, int] | None = None
    ) -> DeploymentFrame:
        """This frame plus more deployments, coded consistently (known names keep their codes)."""
        more = _build(deployments, capacities or {}, True, self)
        n = len(self)
        return attrs.evolve(
            more,
            ids=[*self.ids, *more.ids],
            start=np.concatenate([self.start, more.start]),
            end=np.concatenate([self.end, more.end]),
            op=np.concatenate([self.op, more.op]),
            team=np.concatenate([self.team, more.team]),
            officers=np.concatenate([self.officers, more.officers]),
            capacity=np.concatenate([self.capacity, more.capacity]),
            lat=np.concatenate([self.lat, more.lat]),
            lon=np.concatenate([self.lon, more.lon]),
            radius=np.concatenate([self.radius, more.radius]),
            has_location=np.concatenate([self.has_location, more.has_location]),
            staff_row=np.concatenate([self.staff_row, more.staff_row + n]),
            staff_key=np.concatenate([self.staff_key, more.staff_key]),
            subject_row=np.concatenate([self.subject_row, more.subject_row + n]),
            subject_key=np.concatenate([self.subject_key, more.subject_key]),
        )

    def _members(self, kind: str, rows: Ints) -> tuple[Ints, Ints]:
        """Exploded ``(new row, key)`` of ``kind`` for ``rows``, via a cached CSR layout."""
        owner: Ints = getattr(self, f"{kind}_row")
        key: Ints = getattr(self, f"{kind}_key")
        cached = self._csr.get(kind)
        if cached is None:
            order = np.argsort(owner, kind="stable")
            offsets = np.searchsorted(owner[order], np.arange(len(self) + 1))
            cached = self._csr[kind] = (order, offsets)
        order, offsets = cached
        new_row, pos = expand_ranges(offsets[rows], offsets[rows + 1])
        return new_row, key[order[pos]]

    def take(self, rows: Ints) -> DeploymentFrame:
        """A frame of just these rows (in this order); codes and names are kept.
        Costs ``O(len(rows))`` plus their staff and subjects, not ``O(len(self))``."""
        rows = np.asarray(rows, dtype=np.int64)
        staff_row, staff_key = self._members("staff", rows)
        subject_row, subject_key = self._members("subject", rows)
        taken = attrs.evolve(
            self,
            ids=[self.ids[r] for r in rows.tolist()],
            start=self.start[rows],
            end=self.end[rows],
            op=self.op[rows],
            team=self.team[rows],
            officers=self.officers[rows],
            capacity=self.capacity[rows],
            lat=self.lat[rows],
            lon=self.lon[rows],
            radius=self.radius[rows],
            has_location=self.has_location[rows],
            staff_row=staff_row,
            staff_key=staff_key,
            subject_row=subject_row,
            subject_key=subject_key,
        )
        object.__setattr__(taken, "_indexes", self._indexes)  # same names, same codes
        return taken

    def staff_of(self, row: int) -> list[str]:
        return [self.staff_names[int(k)] for k in self.staff_key[self.staff_row == row]]

    def subjects_of(self, row: int) -> list[str]:
        return [self.subject_names[int(k)] for k in self.subject_key[self.subject_row == row]]


class _Codes:
    """Strings to dense integer codes, in first-seen order, continuing any ``base`` names."""

    def __init__(
        self, base_names: Sequence[str] = (), base_index: Mapping[str, int] | None = None
    ) -> None:
        self.base_names = base_names
        self.base_index: Mapping[str, int] = base_index or {}
        self.names: list[str] = []
        self.index: dict[str, int] = {}

    def code(self, name: str) -> int:
        found = self.base_index.get(name)
        if found is None:
            found = self.index.get(name)
        if found is None:
            found = self.index[name] = len(self.base_names) + len(self.names)
            self.names.append(name)
        return found

    def all_names(self) -> Sequence[str]:
        return [*self.base_names, *self.names] if self.names else self.base_names


def _build(
    deployments: Iterable[Deployment],
    capacities: Mapping[str, int],
    include_cancelled: bool,
    like: DeploymentFrame | None,
) -> DeploymentFrame:
    def codes(name: str) -> _Codes:
        if like is None:
            return _Codes()
        return _Codes(getattr(like, f"{name}_names"), like.code_index(name))

    ops, teams, staff, subjects = codes("op"), codes("team"), codes("staff"), codes("subject")
    ids: list[str] = []
    cols: dict[str, list[float]] = {k: [] for k in ("s", "e", "o", "t", "n", "c", "la", "lo", "r")}
    staff_row: list[int] = []
    staff_key: list[int] = []
    subject_row: list[int] = []
    subject_key: list[int] = []
    for d in deployments:
        if d.status is DeploymentStatus.CANCELLED and not include_cancelled:
            continue
        row = len(ids)
        ids.append(d.id)
        cols["s"].append(to_micros(d.start))
        cols["e"].append(to_micros(d.end))
        cols["o"].append(ops.code(d.operation_id))
        cols["t"].append(teams.code(d.team_id))
        cols["n"].append(d.officers)
        cols["c"].append(capacities.get(d.team_id, -1))
        loc = d.location
        cols["la"].append(loc.lat if loc else np.nan)
        cols["lo"].append(loc.lon if loc else np.nan)
        cols["r"].append(loc.radius_m if loc else np.nan)
        for person in dict.fromkeys(d.staff_ids):
            staff_row.append(row)
            staff_key.append(staff.code(person))
        for subject in dict.fromkeys(d.subject_ids):
            subject_row.append(row)
            subject_key.append(subjects.code(subject))
    lat = np.array(cols["la"], dtype=np.float64)
    return make_frame(
        ids=ids,
        start=np.array(cols["s"], dtype=np.int64),
        end=np.array(cols["e"], dtype=np.int64),
        op=np.array(cols["o"], dtype=np.int64),
        op_names=ops.all_names(),
        team=np.array(cols["t"], dtype=np.int64),
        team_names=teams.all_names(),
        officers=np.array(cols["n"], dtype=np.int64),
        capacity=np.array(cols["c"], dtype=np.int64),
        lat=lat,
        lon=np.array(cols["lo"], dtype=np.float64),
        radius=np.array(cols["r"], dtype=np.float64),
        staff_row=np.array(staff_row, dtype=np.int64),
        staff_key=np.array(staff_key, dtype=np.int64),
        staff_names=staff.all_names(),
        subject_row=np.array(subject_row, dtype=np.int64),
        subject_key=np.array(subject_key, dtype=np.int64),
        subject_names=subjects.all_names(),
    )


def make_frame(
    *,
    ids: Sequence[str],
    start: Ints,
    end: Ints,
    op: Ints,
    op_names: Sequence[str],
    team: Ints,
    team_names: Sequence[str],
    officers: Ints,
    capacity: Ints,
    lat: Floats,
    lon: Floats,
    radius: Floats,
    staff_row: Ints,
    staff_key: Ints,
    staff_names: Sequence[str],
    subject_row: Ints,
    subject_key: Ints,
    subject_names: Sequence[str],
) -> DeploymentFrame:
    """A frame from ready-made columns (used by the synthetic generator and benchmarks)."""
    frame = DeploymentFrame(
        ids=ids,
        start=start,
        end=end,
        op=op,
        op_names=op_names,
        team=team,
        team_names=team_names,
        officers=officers,
        capacity=capacity,
        lat=lat,
        lon=lon,
        radius=radius,
        has_location=~np.isnan(lat),
        staff_row=staff_row,
        staff_key=staff_key,
        staff_names=staff_names,
        subject_row=subject_row,
        subject_key=subject_key,
        subject_names=subject_names,
    )
    return frame
