"""Conflict rules and the interface a plugin's rule implements.

A rule says *how to find candidates* (``keys``: deployments sharing a ``team``, a
``staff`` member, a ``subject``, an ``operation``, or a nearby ``place``), *how far
apart in time* related deployments may be (``reach``; 0 means "overlapping"), and then
either a vectorised pairwise ``predicate`` (:class:`PairRule`, the easy way) or its own
``detect`` (see :class:`CapacityRule`). The engine generates candidates with a sort and
sweep per key and a spatial grid, so every rule stays exact and ``O(n log n + k)``.

Register a rule from a plugin::

    @hookimpl
    def ctpse_register_conflict_rules(register):
        register("same-vehicle-plate", PairRule(name="same-vehicle-plate", key="subject", ...))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

import attrs
import numpy as np

from ctpse_core.arrays import sorted_unique
from ctpse_core.deconfliction.frame import Bools, DeploymentFrame, Ints
from ctpse_core.deconfliction.model import Settings, Severity
from ctpse_core.deconfliction.spatial import Grid, haversine_m, radius_classes
from ctpse_core.deconfliction.sweep import load_segments, next_after, overlap_join, overlap_self, unique_pairs

__all__ = [
    "KEYS",
    "CapacityRule",
    "ConflictRule",
    "Found",
    "PairRule",
    "RestRule",
    "builtin_rules",
    "candidate_pairs",
]

KEYS = ("team", "staff", "subject", "operation", "place")
Predicate = Callable[[DeploymentFrame, Ints, Ints, Settings], Bools]


_EMPTY = np.zeros(0, dtype=np.int64)


@attrs.frozen(eq=False)
class Found:
    """What one rule found, as arrays (cheap for millions): row ``pairs`` ``(k, 2)`` and
    groups (``group_start``/``group_end`` windows; members ``group_row`` listed under
    ``group_of`` = the group's number, sorted by group)."""

    pairs: Ints = attrs.field(factory=lambda: np.zeros((0, 2), dtype=np.int64))
    group_start: Ints = _EMPTY
    group_end: Ints = _EMPTY
    group_of: Ints = _EMPTY
    group_row: Ints = _EMPTY

    def __len__(self) -> int:
        return len(self.pairs) + len(self.group_start)

    def groups(self) -> list[tuple[tuple[int, ...], int, int]]:
        """``(rows, start, end)`` of each group."""
        bounds = np.searchsorted(self.group_of, np.arange(len(self.group_start) + 1))
        rows = self.group_row.tolist()
        return [
            (
                tuple(rows[bounds[g] : bounds[g + 1]]),
                int(self.group_start[g]),
                int(self.group_end[g]),
            )
            for g in range(len(self.group_start))
        ]


@runtime_checkable
class ConflictRule(Protocol):
    """What every registered rule provides."""

    @property
    def name(self) -> str: ...

    @property
    def severity(self) -> Severity: ...

    @property
    def hard(self) -> bool:
        """True when breaking the rule needs a recorded, justified override."""
        ...

    @property
    def description(self) -> str: ...

    @property
    def keys(self) -> frozenset[str]:
        """Which candidate keys relate two deployments under this rule (a subset of KEYS)."""
        ...

    def reach(self, settings: Settings) -> int:
        """How far apart in time (microseconds) two deployments may be and still conflict."""
        ...

    def detect(self, frame: DeploymentFrame, settings: Settings) -> Found:
        """Every conflict among the frame's deployments."""
        ...

    def why(
        self,
        frame: DeploymentFrame,
        rows: tuple[int, ...],
        start: int,
        end: int,
        settings: Settings,
    ) -> str:
        """A sentence explaining one conflict the rule found (rows, window in microseconds)."""
        ...


def _exploded(frame: DeploymentFrame, key: str) -> tuple[Ints, Ints]:
    if key == "staff":
        return frame.staff_row, frame.staff_key
    if key == "subject":
        return frame.subject_row, frame.subject_key
    rows = np.arange(len(frame), dtype=np.int64)
    return rows, (frame.team if key == "team" else frame.op)


def candidate_pairs(frame: DeploymentFrame, key: str, slack: int, buffer_m: float = 0.0) -> Ints:
    """Distinct row pairs sharing ``key`` whose ``[start, end + slack)`` intervals overlap.

    For ``place``, pairs whose areas may come within ``buffer_m`` of each other: points in
    the same or neighbouring grid cells, one grid per pair of radius classes, its cells as
    big as the two classes' largest radii plus the buffer (so neither the cells nor the
    candidates grow with the ratio of the largest radius to the smallest).
    """
    n = len(frame)
    if key == "place":
        return _place_pairs(frame, slack, buffer_m)
    rows, keys = _exploded(frame, key)
    a, b = overlap_self(keys, frame.start[rows], frame.end[rows], slack)
    if key in ("team", "operation"):  # one key per deployment: each pair came once already
        return np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1)
    return unique_pairs(rows[a], rows[b], n)


def _place_pairs(frame: DeploymentFrame, slack: int, buffer_m: float) -> Ints:
    rows = np.flatnonzero(frame.has_location)
    if len(rows) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    lat, lon, radius = frame.lat[rows], frame.lon[rows], frame.radius[rows]
    start, end = frame.start[rows], frame.end[rows] + slack
    classes = radius_classes(radius)
    present = sorted_unique(classes).tolist()
    members = {c: np.flatnonzero(classes == c) for c in present}
    largest = {c: float(radius[m].max()) for c, m in members.items()}
    firsts: list[Ints] = []
    seconds: list[Ints] = []
    for i, ci in enumerate(present):
        for cj in present[i:]:
            p, q = members[ci], members[cj]
            both = p if ci == cj else np.concatenate([p, q])
            grid = Grid.for_reach(largest[ci] + largest[cj] + buffer_m, float(np.abs(lat[both]).max()))
            row_p, col_p = grid.cells(lat[p], lon[p])
            key_p = grid.key(row_p, col_p)
            if ci == cj:
                a, b = overlap_self(key_p, start[p], end[p])
                firsts.append(p[a])
                seconds.append(p[b])
                row_q, col_q, offsets = row_p, col_p, grid.offsets()
            else:
                row_q, col_q = grid.cells(lat[q], lon[q])
                offsets = grid.neighbourhood()
            for dy, dx in offsets:
                shifted = grid.key(row_q - dy, col_q - dx)
                a, b = overlap_join(key_p, start[p], end[p], shifted, start[q], end[q])
                firsts.append(p[a])
                seconds.append(q[b])
    return unique_pairs(rows[np.concatenate(firsts)], rows[np.concatenate(seconds)], len(frame))


@attrs.frozen(kw_only=True)
class PairRule:
    """A rule over pairs of deployments: candidates by ``key``, kept when ``predicate`` holds.

    ``predicate(frame, a, b, settings)`` gets row-index arrays and returns a boolean
    array; ``explain(frame, a, b, settings)`` a sentence for one pair; ``slack(settings)``
    the time reach in microseconds (default 0: the deployments must overlap).
    """

    name: str
    key: str = attrs.field(validator=attrs.validators.in_(KEYS))
    predicate: Predicate
    explain: Callable[[DeploymentFrame, int, int, Settings], str]
    severity: Severity = Severity.HIGH
    hard: bool = False
    description: str = ""
    slack: Callable[[Settings], int] = lambda _s: 0

    @property
    def keys(self) -> frozenset[str]:
        return frozenset({self.key})

    def reach(self, settings: Settings) -> int:
        return self.slack(settings)

    def detect(self, frame: DeploymentFrame, settings: Settings) -> Found:
        pairs = candidate_pairs(frame, self.key, self.slack(settings), settings.buffer_m)
        if len(pairs):
            pairs = pairs[self.predicate(frame, pairs[:, 0], pairs[:, 1], settings)]
        return Found(pairs=pairs)

    def why(
        self,
        frame: DeploymentFrame,
        rows: tuple[int, ...],
        start: int,
        end: int,
        settings: Settings,
    ) -> str:
        return self.explain(frame, rows[0], rows[1], settings)


# --- the built-in rules -------------------------------------------------------------------


def _always(frame: DeploymentFrame, a: Ints, _b: Ints, _s: Settings) -> Bools:
    return np.ones(len(a), dtype=bool)


def _other_operation(frame: DeploymentFrame, a: Ints, b: Ints, _s: Settings) -> Bools:
    out: Bools = frame.op[a] != frame.op[b]
    return out


def _within_reach(frame: DeploymentFrame, a: Ints, b: Ints, s: Settings) -> Bools:
    dist = haversine_m(frame.lat[a], frame.lon[a], frame.lat[b], frame.lon[b])
    out: Bools = (frame.op[a] != frame.op[b]) & (
        dist <= frame.radius[a] + frame.radius[b] + s.buffer_m
    )
    return out


def _short_rest(frame: DeploymentFrame, a: Ints, b: Ints, s: Settings) -> Bools:
    gap = np.maximum(frame.start[b] - frame.end[a], frame.start[a] - frame.end[b])
    out: Bools = (gap >= 0) & (gap < s.rest_seconds * 1_000_000)
    return out


def _label(frame: DeploymentFrame, row: int) -> str:
    from ctpse_core.deconfliction.text import window

    return (
        f"{frame.ids[row]} ({frame.op_names[int(frame.op[row])]}, "
        f"{window(int(frame.start[row]), int(frame.end[row]))})"
    )


def _shared(names: list[str], other: list[str]) -> str:
    return ", ".join(sorted(set(names) & set(other)))


def _why_team(frame: DeploymentFrame, a: int, b: int, _s: Settings) -> str:
    team = frame.team_names[int(frame.team[a])]
    return f"team {team} is booked on {_label(frame, a)} and {_label(frame, b)} at the same time"


def _why_person(frame: DeploymentFrame, a: int, b: int, _s: Settings) -> str:
    people = _shared(frame.staff_of(a), frame.staff_of(b))
    return f"{people} named on both {_label(frame, a)} and {_label(frame, b)} at the same time"


def _why_subject(frame: DeploymentFrame, a: int, b: int, _s: Settings) -> str:
    subjects = _shared(frame.subjects_of(a), frame.subjects_of(b))
    return (
        f"subject {subjects} is covered by two operations at once: "
        f"{_label(frame, a)} and {_label(frame, b)}"
    )


def _why_place(frame: DeploymentFrame, a: int, b: int, s: Settings) -> str:
    dist = float(haversine_m(frame.lat[[a]], frame.lon[[a]], frame.lat[[b]], frame.lon[[b]])[0])
    allowed = float(frame.radius[a] + frame.radius[b] + s.buffer_m)
    return (
        f"areas {dist:.0f} m apart (radii {frame.radius[a]:.0f} m + {frame.radius[b]:.0f} m "
        f"+ buffer {s.buffer_m:.0f} m = {allowed:.0f} m) at overlapping times: "
        f"{_label(frame, a)} and {_label(frame, b)}"
    )


def _why_rest(frame: DeploymentFrame, a: int, b: int, s: Settings) -> str:
    first, second = (a, b) if frame.start[a] <= frame.start[b] else (b, a)
    gap_h = (int(frame.start[second]) - int(frame.end[first])) / 3.6e9
    people = _shared(frame.staff_of(a), frame.staff_of(b))
    return (
        f"{people} would have {gap_h:.1f} h rest between {_label(frame, first)} and "
        f"{_label(frame, second)} (at least {s.rest_hours:g} h needed)"
    )


@attrs.frozen(kw_only=True)
class RestRule:
    """An officer with less than the minimum rest between the end of one deployment and the
    start of the *next* one (the deployments of that officer with the earliest start at or
    after the first one's end; all of them on a tie). Only consecutive deployments are
    compared: with three duties 6 h apart the officer is told of two short rests, not three.

    Whether a *set* of deployments breaks the rule is the same as comparing every pair (a
    short gap to a later duty means an even shorter one to the next), so the allocation plans
    with :meth:`as_pairs`, whose pairwise rows are exact for it."""

    name: str = "rest"
    severity: Severity = Severity.HARD
    hard: bool = True
    description: str = "a person without the minimum rest between consecutive deployments"
    keys: frozenset[str] = frozenset({"staff"})

    def reach(self, settings: Settings) -> int:
        return settings.rest_seconds * 1_000_000

    def detect(self, frame: DeploymentFrame, settings: Settings) -> Found:
        rows, keys = frame.staff_row, frame.staff_key
        a, b = next_after(keys, frame.start[rows], frame.end[rows])
        first, second = rows[a], rows[b]
        short = frame.start[second] - frame.end[first] < self.reach(settings)
        return Found(pairs=unique_pairs(first[short], second[short], len(frame)))

    def why(
        self,
        frame: DeploymentFrame,
        rows: tuple[int, ...],
        start: int,
        end: int,
        settings: Settings,
    ) -> str:
        return _why_rest(frame, rows[0], rows[1], settings)

    def as_pairs(self) -> PairRule:
        """The same rule over every pair of one officer's deployments (for planning)."""
        return PairRule(
            name=self.name,
            key="staff",
            predicate=_short_rest,
            explain=_why_rest,
            severity=self.severity,
            hard=self.hard,
            slack=lambda s: s.rest_seconds * 1_000_000,
            description=self.description,
        )


@attrs.frozen(kw_only=True)
class CapacityRule:
    """A deployment asking for more officers than its team has (one conflict, that
    deployment alone), and overlapping deployments of one team that together need more
    officers than the team has, counting only deployments that each fit the team (one
    already over capacity alone is its own conflict and is not counted again)."""

    name: str = "capacity"
    severity: Severity = Severity.HARD
    hard: bool = True
    description: str = "a team asked for more officers than it has"
    keys: frozenset[str] = frozenset({"team"})

    def reach(self, settings: Settings) -> int:
        return 0

    def detect(self, frame: DeploymentFrame, settings: Settings) -> Found:
        live = (frame.end > frame.start) & (frame.capacity >= 0)
        over = live & (frame.officers > frame.capacity)
        alone = np.flatnonzero(over)
        end = np.where(over, frame.start, frame.end)  # over alone: left out of the runs
        seg_team, seg_start, seg_end = load_segments(
            frame.team, frame.start, end, frame.officers, frame.capacity
        )
        # merge touching overloaded segments of one team into runs
        new_run = np.ones(len(seg_team), dtype=bool)
        new_run[1:] = (seg_team[1:] != seg_team[:-1]) | (seg_start[1:] != seg_end[:-1])
        firsts = np.flatnonzero(new_run)
        lasts = np.r_[firsts[1:], len(seg_team)][: len(firsts)] - 1
        run_team, run_start, run_end = seg_team[firsts], seg_start[firsts], seg_end[lasts]
        run, row = overlap_join(run_team, run_start, run_end, frame.team, frame.start, end)
        order = np.lexsort((row, run))
        run, row = run[order], row[order]
        size = np.bincount(run, minlength=len(run_team))
        shared = size >= 2  # a run one deployment fills alone is that deployment's own conflict
        keep = shared[run]
        renumber = np.cumsum(shared) - 1
        n_alone = len(alone)
        return Found(
            group_start=np.concatenate([frame.start[alone], run_start[shared]]),
            group_end=np.concatenate([frame.end[alone], run_end[shared]]),
            group_of=np.concatenate(
                [np.arange(n_alone, dtype=np.int64), renumber[run[keep]] + n_alone]
            ),
            group_row=np.concatenate([alone, row[keep]]),
        )

    def why(
        self,
        frame: DeploymentFrame,
        rows: tuple[int, ...],
        start: int,
        end: int,
        settings: Settings,
    ) -> str:
        from ctpse_core.deconfliction.text import window

        team = frame.team_names[int(frame.team[rows[0]])]
        cap = int(frame.capacity[rows[0]])
        if len(rows) == 1:
            r = rows[0]
            return f"{frame.ids[r]} asks team {team} for {frame.officers[r]} officers; it has {cap}"
        need = ", ".join(f"{frame.ids[r]} ({frame.officers[r]})" for r in rows)
        return (
            f"team {team} has {cap} officers but more are needed at once during "
            f"{window(start, end)}; deployments involved: {need}"
        )


def builtin_rules() -> list[ConflictRule]:
    """The rules ``ctpse_core`` ships (registered by the built-in plugin)."""
    return [
        PairRule(
            name="team-double-booking",
            key="team",
            predicate=_always,
            explain=_why_team,
            severity=Severity.HARD,
            hard=True,
            description="a team in two overlapping deployments",
        ),
        PairRule(
            name="person-double-booking",
            key="staff",
            predicate=_always,
            explain=_why_person,
            severity=Severity.HARD,
            hard=True,
            description="a person in two overlapping deployments",
        ),
        PairRule(
            name="subject-clash",
            key="subject",
            predicate=_other_operation,
            explain=_why_subject,
            severity=Severity.HIGH,
            description="the same subject in two operations at overlapping times",
        ),
        PairRule(
            name="proximity",
            key="place",
            predicate=_within_reach,
            explain=_why_place,
            severity=Severity.MEDIUM,
            description="two operations' areas within their radii plus the buffer "
            "at overlapping times",
        ),
        CapacityRule(),
        RestRule(),
    ]
