"""The instant check's fast path: the built-in rules between one new deployment and its
stored candidates, in plain Python over the handful of rows involved (at that size a numpy
call costs more than the work). The definitions are the rules' own (half-open overlap,
another operation, distance ``<=`` radii plus buffer with the same haversine, capacity runs
of deployments that each fit, rest to the next deployment); the property tests compare
:func:`ctpse_core.deconfliction.index.check` with the brute-force oracle.

A rule this module does not know (a plugin's, or a built-in rule class with another
predicate) makes :func:`fast_plan` return ``None`` and the index uses the general path.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence

import attrs
import numpy as np

from ctpse_core.deconfliction.frame import DeploymentFrame
from ctpse_core.deconfliction.model import Settings
from ctpse_core.deconfliction.rules import (
    CapacityRule,
    ConflictRule,
    PairRule,
    RestRule,
    _always,
    _other_operation,
    _within_reach,
)
from ctpse_core.deconfliction.spatial import haversine_m

__all__ = ["NEW", "Block", "Columns", "Hits", "fast_plan"]

#: stands for the new deployment in the rows of a result.
NEW = -1


@attrs.frozen
class Block:
    """One key's stored deployments, sorted by start, as Python lists."""

    starts: list[int]
    ends: list[int]
    rows: list[int]
    longest: int

    def near(self, start: int, end: int, slack: int) -> list[int]:
        """Rows whose ``[s, e)`` comes within ``slack`` of ``[start, end)``."""
        lo = bisect_left(self.starts, start - slack - self.longest)
        hi = bisect_left(self.starts, end + slack, lo)
        limit, ends, rows = start - slack, self.ends, self.rows
        return [rows[i] for i in range(lo, hi) if ends[i] > limit]


@attrs.frozen
class Columns:
    """The stored frame's columns as Python lists (what the fast path reads)."""

    start: list[int]
    end: list[int]
    op: list[int]
    officers: list[int]

    @classmethod
    def of(cls, frame: DeploymentFrame) -> Columns:
        return cls(frame.start.tolist(), frame.end.tolist(), frame.op.tolist(), frame.officers.tolist())


@attrs.define(slots=True)
class Hits:
    """What one rule found with the new deployment: stored rows paired with it, and groups
    ``(rows, start, end)`` whose rows may include :data:`NEW`."""

    pairs: list[int] = attrs.field(factory=list)
    groups: list[tuple[list[int], int, int]] = attrs.field(factory=list)

    def __len__(self) -> int:
        return len(self.pairs) + len(self.groups)


@attrs.define(kw_only=True, slots=True)
class Probe:
    """The new deployment, coded against the stored frame (``None``: a name no stored
    deployment has), with the stored rows to leave out (its own earlier version)."""

    start: int
    end: int
    op: int | None
    team: int | None
    staff: list[int]
    subjects: list[int]
    officers: int
    capacity: int
    place: tuple[float, float, float] | None
    own: frozenset[int]


@attrs.frozen(kw_only=True)
class Lookup:
    """What the fast path may ask of the index."""

    cols: Columns
    blocks: Callable[[str, int | None], Block | None]
    near_place: Callable[[float, float, float, int, int], list[int]]
    frame: DeploymentFrame
    settings: Settings


Evaluate = Callable[[Lookup, Probe], Hits]


def fast_plan(rules: Iterable[ConflictRule], settings: Settings) -> list[tuple[ConflictRule, Evaluate]] | None:
    """How to evaluate each rule on the fast path, or ``None`` if some rule is not known here."""
    out: list[tuple[ConflictRule, Evaluate]] = []
    for rule in rules:
        how: Evaluate | None = None
        if type(rule) is CapacityRule:
            how = _capacity
        elif type(rule) is RestRule:
            how = _rest
        elif isinstance(rule, PairRule) and rule.reach(settings) == 0:
            if rule.key == "place":
                how = _proximity if rule.predicate is _within_reach else None
            elif rule.predicate is _always:
                how = _overlapping(rule.key, other_op=False)
            elif rule.predicate is _other_operation:
                how = _overlapping(rule.key, other_op=True)
        if how is None:
            return None
        out.append((rule, how))
    return out


def _keys(p: Probe, key: str) -> Sequence[int | None]:
    if key == "team":
        return [p.team]
    if key == "operation":
        return [p.op]
    return p.staff if key == "staff" else p.subjects


def _overlapping(key: str, *, other_op: bool) -> Evaluate:
    def evaluate(look: Lookup, p: Probe) -> Hits:
        if p.end <= p.start:
            return Hits()
        cols = look.cols
        found: set[int] = set()
        for code in _keys(p, key):
            block = look.blocks(key, code)
            if block is not None:
                found.update(block.near(p.start, p.end, 0))
        found -= p.own
        keep = [
            r
            for r in found
            if cols.end[r] > cols.start[r]
            and cols.start[r] < p.end
            and (not other_op or cols.op[r] != p.op)
        ]
        return Hits(pairs=sorted(keep))

    return evaluate


def _proximity(look: Lookup, p: Probe) -> Hits:
    if p.end <= p.start or p.place is None:
        return Hits()
    cols = look.cols
    rows = [
        r
        for r in look.near_place(*p.place, p.start, p.end)
        if r not in p.own
        and cols.op[r] != p.op
        and cols.end[r] > cols.start[r]
        and cols.start[r] < p.end
        and p.start < cols.end[r]
    ]
    if not rows:
        return Hits()
    fr, at = look.frame, np.array(rows, dtype=np.int64)
    lat, lon, radius = p.place
    dist = haversine_m(fr.lat[at], fr.lon[at], np.full(len(at), lat), np.full(len(at), lon))
    close = dist <= fr.radius[at] + radius + look.settings.buffer_m
    return Hits(pairs=sorted(set(at[close].tolist())))


def _capacity(look: Lookup, p: Probe) -> Hits:
    """The new deployment alone over capacity (then nothing else), or each maximal run
    through it of the team's deployments that each fit needing more than the team has."""
    cap = p.capacity
    if cap < 0 or p.end <= p.start:
        return Hits()
    if p.officers > cap:
        return Hits(groups=[([NEW], p.start, p.end)])
    block = look.blocks("team", p.team)
    if block is None:
        return Hits()
    cols = look.cols
    lo, hi = p.start, p.end
    officers, own = cols.officers, p.own
    total = p.officers
    for r in block.near(lo, hi, 0):
        if r not in own and officers[r] <= cap:
            total += officers[r]
    if total <= cap:
        return Hits()  # even all at once they fit: no run through the new one
    while True:
        # every deployment overlapping or touching [lo, hi]: the load is exact on [lo, hi]
        # and just outside it, so a run through the new one that stays inside is exact
        rows = [
            r
            for r in block.near(lo, hi, 1)
            if r not in p.own and cols.end[r] > cols.start[r] and cols.officers[r] <= cap
        ]
        starts = {r: cols.start[r] for r in rows}
        ends = {r: cols.end[r] for r in rows}
        need = {r: cols.officers[r] for r in rows}
        starts[NEW], ends[NEW], need[NEW] = p.start, p.end, p.officers
        runs = [run for run in _runs(starts, ends, need, cap) if p.start < run[1] and run[0] < p.end]
        wider_lo = min([lo, *(run[0] for run in runs)])
        wider_hi = max([hi, *(run[1] for run in runs)])
        if (wider_lo, wider_hi) == (lo, hi):
            break
        lo, hi = wider_lo, wider_hi  # a run reaches past the window: look further
    groups = []
    for run_lo, run_hi in runs:
        members = sorted(r for r in starts if starts[r] < run_hi and run_lo < ends[r])
        if len(members) >= 2:
            groups.append((members, run_lo, run_hi))
    return Hits(groups=groups)


def _runs(starts: dict[int, int], ends: dict[int, int], need: dict[int, int], cap: int) -> list[tuple[int, int]]:
    """Maximal windows in which the summed ``need`` is over ``cap``."""
    events = [(starts[r], need[r]) for r in starts]
    events += [(ends[r], -need[r]) for r in starts]
    events.sort()
    load = 0
    runs: list[list[int]] = []
    over_since: int | None = None
    i, n = 0, len(events)
    while i < n:
        t = events[i][0]
        while i < n and events[i][0] == t:
            load += events[i][1]
            i += 1
        if load > cap and over_since is None:
            over_since = t
        elif load <= cap and over_since is not None:
            runs.append([over_since, t])
            over_since = None
    return [(a, b) for a, b in runs]


def _rest(look: Lookup, p: Probe) -> Hits:
    """Per named officer: the stored deployment(s) the new one is *next* after, and the
    next one(s) after the new one, when the gap is shorter than the rest."""
    if p.end <= p.start:
        return Hits()
    reach = look.settings.rest_seconds * 1_000_000
    cols = look.cols
    found: set[int] = set()

    def valid(r: int) -> bool:
        return r not in p.own and cols.end[r] > cols.start[r]

    for code in p.staff:
        block = look.blocks("staff", code)
        if block is None:
            continue
        starts, rows = block.starts, block.rows
        # after the new one: the earliest valid start at or after its end
        i = bisect_left(starts, p.end)
        first: int | None = None
        while i < len(rows) and (first is None or starts[i] == first):
            r = rows[i]
            if valid(r):
                if first is None:
                    if starts[i] - p.end >= reach:
                        break
                    first = starts[i]
                found.add(r)
            i += 1
        # before it: deployments ending within the rest with no valid start between
        for r in block.near(p.start, p.start, reach):
            end_r = cols.end[r]
            if not valid(r) or end_r > p.start or p.start - end_r >= reach:
                continue
            lo, hi = bisect_left(starts, end_r), bisect_left(starts, p.start)
            if not any(valid(x) for x in rows[lo:hi]):
                found.add(r)
    return Hits(pairs=sorted(found))
