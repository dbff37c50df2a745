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

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping

import attrs
import numpy as np

from ctpse_core.arrays import runs
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
from ctpse_core.deconfliction.spatial import EARTH_RADIUS_M, haversine_m

__all__ = ["NEW", "Block", "Columns", "Hits", "LoadProfile", "fast_plan", "load_profiles"]

#: stands for the new deployment in the rows of a result.
NEW = -1


@attrs.frozen
class Block:
    """One key's stored deployments, sorted by start, as Python lists, with the latest end
    so far (``reach[i] = max(ends[:i + 1])``, never decreasing): every deployment before
    ``bisect_right(reach, t)`` ends by ``t``, so a search for those ending after ``t`` starts
    there (one long deployment widens it only while it lasts)."""

    starts: list[int]
    ends: list[int]
    rows: list[int]
    reach: list[int]

    def near(self, start: int, end: int, slack: int) -> list[int]:
        """Rows whose ``[s, e)`` comes within ``slack`` of ``[start, end)``."""
        lo = bisect_right(self.reach, start - slack)
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
    team: list[int]

    @classmethod
    def of(cls, frame: DeploymentFrame) -> Columns:
        return cls(
            frame.start.tolist(), frame.end.tolist(), frame.op.tolist(), frame.officers.tolist(), frame.team.tolist()
        )


@attrs.define(slots=True)
class Hits:
    """What one rule found with the new deployment: stored rows paired with it, and groups
    ``(rows, start, end)`` whose rows may include :data:`NEW`."""

    pairs: list[int] = attrs.field(factory=list)
    groups: list[tuple[list[int], int, int]] = attrs.field(factory=list)
    #: fills the groups' rows in place, for a rule that counts its groups before it names
    #: their members (called before the hits are explained).
    complete: Callable[[], None] | None = None

    def __len__(self) -> int:
        return len(self.pairs) + len(self.groups)

    def completed(self) -> Hits:
        """These hits with every group's rows filled in."""
        if self.complete is not None:
            self.complete()
            self.complete = None
        return self


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
    #: per key (``team``, ``operation``, ``staff``, ``subject``), each code's :class:`Block`.
    blocks: Mapping[str, Mapping[int | None, Block]]
    near_place: Callable[[float, float, float, int, int], Iterable[int]]
    frame: DeploymentFrame
    settings: Settings
    #: per team code, the stored load profile (see :func:`load_profiles`).
    loads: Mapping[int, LoadProfile] = attrs.field(factory=dict)


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


def _overlapping(key: str, *, other_op: bool) -> Evaluate:
    def evaluate(look: Lookup, p: Probe) -> Hits:
        start, end, own, op, op_of = p.start, p.end, p.own, p.op, look.cols.op
        if end <= start:
            return Hits()
        codes = (
            (p.team,) if key == "team" else (p.op,) if key == "operation" else p.staff if key == "staff" else p.subjects
        )
        by = look.blocks.get(key, {})
        keep: list[int] = []
        for code in codes:
            block = by.get(code)
            if block is None:
                continue
            starts, ends, rows = block.starts, block.ends, block.rows
            # one search, then a walk (cheaper than a second search of a large list)
            i, n = bisect_right(block.reach, start), len(starts)
            while i < n and starts[i] < end:
                e = ends[i]
                # overlapping, not empty, not its own version
                if e > start and e > starts[i] and rows[i] not in own and not (other_op and op_of[rows[i]] == op):
                    keep.append(rows[i])
                i += 1
        keep.sort()
        return Hits(pairs=list(dict.fromkeys(keep)) if len(codes) > 1 else keep)

    return evaluate


def _proximity(look: Lookup, p: Probe) -> Hits:
    """Stored areas within the two radii plus the buffer of the new one, at overlapping times,
    of another operation. The distance is the rule's haversine in plain Python; a pair within
    a metre of the limit is decided by the rule's own numpy :func:`haversine_m`, so the
    answer is the full run's to the last bit."""
    if p.end <= p.start or p.place is None:
        return Hits()
    cols, fr = look.cols, look.frame
    c_start, c_end, c_op, own = cols.start, cols.end, cols.op, p.own
    lat, lon, radius = p.place
    buffer = look.settings.buffer_m
    p1, l1 = math.radians(lat), math.radians(lon)
    cos1 = math.cos(p1)
    found: list[int] = []
    for r in look.near_place(lat, lon, radius, p.start, p.end):
        s, e = c_start[r], c_end[r]
        if e <= s or s >= p.end or e <= p.start or c_op[r] == p.op or r in own:
            continue
        lat_r = fr.lat.item(r)
        p2 = math.radians(lat_r)
        h = math.sin((p2 - p1) / 2) ** 2 + cos1 * math.cos(p2) * math.sin((math.radians(fr.lon.item(r)) - l1) / 2) ** 2
        dist = 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(h, 1.0)))
        limit = fr.radius.item(r) + radius + buffer
        if abs(dist - limit) <= 1.0 + 1e-9 * limit:  # too close to call in another libm: the rule's own
            at = np.array([r], dtype=np.int64)
            dist = float(haversine_m(fr.lat[at], fr.lon[at], np.full(1, lat), np.full(1, lon))[0])
            limit = float((fr.radius[at] + radius + buffer)[0])
        if dist <= limit:
            found.append(r)
    return Hits(pairs=sorted(found))


@attrs.frozen
class LoadProfile:
    """One team's stored load: ``loads[i]`` officers on ``[times[i], times[i + 1])`` (none
    before ``times[0]``, none after the last time), and where ``loads[i]`` is over the
    team's capacity, the stretch over it that segment is in, ``[run_lo[i], run_hi[i])``."""

    times: list[int]
    loads: list[int]
    run_lo: list[int]
    run_hi: list[int]


def load_profiles(frame: DeploymentFrame, capacities: Mapping[str, int]) -> dict[int, LoadProfile]:
    """Per team code, the officers its stored deployments that each fit need over time
    (deployments over capacity alone, empty ones and teams without a known capacity are
    left out, as :class:`CapacityRule` leaves them out of its runs), built once with numpy."""
    cap = np.array([capacities.get(name, -1) for name in frame.team_names], dtype=np.int64)
    cap_row = cap[frame.team] if len(cap) else np.zeros(0, dtype=np.int64)
    rows = np.flatnonzero((frame.end > frame.start) & (cap_row >= 0) & (frame.officers <= cap_row))
    if len(rows) == 0:
        return {}
    team = np.concatenate([frame.team[rows], frame.team[rows]])
    times = np.concatenate([frame.start[rows], frame.end[rows]])
    delta = np.concatenate([frame.officers[rows], -frame.officers[rows]])
    order = np.lexsort((times, team))
    team, times = team[order], times[order]
    load = np.cumsum(delta[order])  # back to 0 after each team's last end
    last = np.r_[(team[1:] != team[:-1]) | (times[1:] != times[:-1]), True]
    team, times, load = team[last], times[last], load[last]
    over = load > cap[team]  # never at a team's last time (the load is 0 there)
    begins = over & ~np.r_[False, over[:-1]]
    ends = over & ~np.r_[over[1:], False]
    stretch = np.maximum(np.cumsum(begins) - 1, 0)  # where not over, any stretch (unused)
    run_lo, run_hi = times.copy(), times.copy()
    if over.any():
        run_lo[over] = times[np.flatnonzero(begins)][stretch[over]]
        run_hi[over] = times[np.flatnonzero(ends) + 1][stretch[over]]
    out: dict[int, LoadProfile] = {}
    codes, at, length = runs(team)
    for code, a, n in zip(codes.tolist(), at.tolist(), length.tolist(), strict=True):
        part = slice(a, a + n)
        out[code] = LoadProfile(
            times[part].tolist(), load[part].tolist(), run_lo[part].tolist(), run_hi[part].tolist()
        )
    return out


def _capacity(look: Lookup, p: Probe) -> Hits:
    """The new deployment alone over capacity (then nothing else), or each maximal run
    through it of the team's deployments that each fit needing more than the team has.

    Read off the team's stored load profile: only where the new deployment and its stored
    version lie does the load differ from the stored one, so that stretch is walked
    breakpoint by breakpoint, and a run reaching either end of it goes on as far as the
    stored stretch over capacity there (precomputed)."""
    cap = p.capacity
    if cap < 0 or p.end <= p.start:
        return Hits()
    if p.officers > cap:
        return Hits(groups=[([NEW], p.start, p.end)])
    profile = look.loads.get(p.team) if p.team is not None else None
    if profile is None:
        return Hits()
    times, loads = profile.times, profile.loads
    cols, start, end, own_rows = look.cols, p.start, p.end, p.own
    changes = {start: p.officers, end: -p.officers}  # the load's change at each instant, here
    for r in own_rows:
        if cols.team[r] == p.team and cols.end[r] > cols.start[r] and cols.officers[r] <= cap:
            changes[cols.start[r]] = changes.get(cols.start[r], 0) - cols.officers[r]
            changes[cols.end[r]] = changes.get(cols.end[r], 0) + cols.officers[r]
    local = sorted(changes.items())
    lo, hi = local[0][0], local[-1][0]
    k = bisect_right(times, lo) - 1  # the stored segment holding lo (one search, then walks)
    j, size = k + 1, len(times)
    while j < size and times[j] < hi:
        j += 1
    before_lo = k - 1 if k >= 0 and times[k] == lo else k  # the segment just before lo
    at_hi = j if j < size and times[j] == hi else j - 1  # the segment holding hi
    cuts = sorted({lo, *times[k + 1 : j], *(x for x, _d in local[1:-1])})
    found: list[list[int]] = []
    change, m = 0, 0
    for n, t in enumerate(cuts):
        while k + 1 < len(times) and times[k + 1] <= t:
            k += 1
        while m < len(local) and local[m][0] <= t:
            change += local[m][1]
            m += 1
        if (loads[k] if k >= 0 else 0) + change > cap:
            nxt = cuts[n + 1] if n + 1 < len(cuts) else hi
            if found and found[-1][1] == t:
                found[-1][1] = nxt
            else:
                found.append([t, nxt])
    if not found:
        return Hits()
    if found[0][0] == lo and before_lo >= 0 and loads[before_lo] > cap:  # it began earlier
        found[0][0] = profile.run_lo[before_lo]
    if found[-1][1] == hi and at_hi >= 0 and loads[at_hi] > cap:  # ... or goes on after
        found[-1][1] = profile.run_hi[at_hi]
    groups: list[tuple[list[int], int, int]] = [
        ([], run_lo, run_hi) for run_lo, run_hi in found if run_lo < end and start < run_hi
    ]  # (a run only where its stored version was is no run through the new one)

    def complete() -> None:
        """The members of each run: the new deployment and the team's stored ones overlapping
        the run that fit (not its own earlier version). A run through the new one always has
        another member: the new one alone fits, so something else is deployed then."""
        block = look.blocks.get("team", {}).get(p.team)
        for members, run_lo, run_hi in groups:
            members.append(NEW)
            if block is not None:
                starts, ends, rows = block.starts, block.ends, block.rows
                for i in range(bisect_right(block.reach, run_lo), bisect_left(starts, run_hi)):
                    r = rows[i]
                    if ends[i] > run_lo and ends[i] > starts[i] and cols.officers[r] <= cap and r not in own_rows:
                        members.append(r)
            members.sort()

    return Hits(groups=groups, complete=complete)


def _rest(look: Lookup, p: Probe) -> Hits:
    """Per named officer: the stored deployment(s) the new one is *next* after, and the
    next one(s) after the new one, when the gap is shorter than the rest."""
    if p.end <= p.start:
        return Hits()
    reach = look.settings.rest_seconds * 1_000_000
    start, end, own = p.start, p.end, p.own
    found: set[int] = set()
    by = look.blocks.get("staff", {})
    for code in p.staff:
        block = by.get(code)
        if block is None:
            continue
        starts, ends, rows = block.starts, block.ends, block.rows
        # one search for the first deployment that may end within the rest before the new
        # one starts, then walks (cheaper than more searches of a large list)
        first_near, n = bisect_right(block.reach, start - reach), len(rows)
        before = first_near
        while before < n and starts[before] < start:
            before += 1
        # before it: valid deployments ending within the rest with no valid start between
        # (a valid one ends after it starts, so it starts before the new one does)
        for i in range(first_near, before):
            e = ends[i]
            if not (start - reach < e <= start and e > starts[i] and rows[i] not in own):
                continue
            for j in range(i + 1, before):
                if starts[j] >= e and ends[j] > starts[j] and rows[j] not in own:
                    break
            else:
                found.add(rows[i])
        # after the new one: the earliest valid (not empty, not its own) start at or after its end
        i = before
        while i < n and starts[i] < end:
            i += 1
        first: int | None = None
        while i < n and (first is None or starts[i] == first):
            if ends[i] > starts[i] and rows[i] not in own:
                if first is None:
                    if starts[i] - end >= reach:
                        break
                    first = starts[i]
                found.add(rows[i])
            i += 1
    return Hits(pairs=sorted(found))
