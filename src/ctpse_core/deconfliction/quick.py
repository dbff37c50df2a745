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
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from ctpse_core.arrays import Ints, runs
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
from ctpse_core.deconfliction.spatial import EARTH_RADIUS_M, PlaceIndex, haversine_m
from ctpse_core.domain.surveillance import Location

__all__ = [
    "NEW",
    "Block",
    "Columns",
    "Group",
    "LoadProfile",
    "PlaceItem",
    "Probe",
    "Step",
    "fast_plan",
    "load_profiles",
    "place_items",
]

#: stands for the new deployment in the rows of a result.
NEW = -1
#: what the place index holds per located row (see :func:`place_items`).
PlaceItem = tuple[int, int, int, int, float, float, float, float]
#: later than any instant (microseconds since the epoch); ``-_FAR`` is earlier than any.
_FAR = 1 << 62
#: no run found yet (earlier than any instant, ``-_FAR`` included).
_NO_RUN = -(1 << 63)
_DIAMETER_M = 2 * EARTH_RADIUS_M


@attrs.frozen
class Block:
    """One key's stored deployments, sorted by start, as Python lists, with the latest end
    so far (``reach[i] = max(ends[:i + 1])``, never decreasing): every deployment before
    ``bisect_right(reach, t)`` ends by ``t``, so a search for those ending after ``t`` starts
    there (one long deployment widens it only while it lasts)."""

    starts: list[int]
    ends: list[int]
    rows: list[int]
    #: packed 64-bit (only searched: a search reads the array, not an int object per probe)
    reach: array[int]

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


#: what one group of a result is: its rows (filled in when explained; may include
#: :data:`NEW`), start and end.
Group = tuple[list[int], int, int]


class Probe:
    """The new deployment, coded against the stored frame (``None``: a name no stored
    deployment has; staff and subjects by name), with the stored rows to leave out (its own
    earlier version)."""

    __slots__ = (
        "capacity",
        "end",
        "officers",
        "op",
        "own",
        "place",
        "staff",
        "staff_found",
        "start",
        "subjects",
        "team",
    )

    def __init__(
        self,
        start: int,
        end: int,
        op: int | None,
        team: int | None,
        staff: Sequence[str],
        subjects: Sequence[str],
        officers: int,
        capacity: int,
        place: Location | None,
        own: Collection[int],
    ) -> None:
        self.start = start
        self.end = end
        self.op = op
        self.team = team
        self.staff = staff
        self.subjects = subjects
        self.officers = officers
        self.capacity = capacity
        self.place = place
        self.own = own
        #: person double-booking's and rest's rows, from one walk (see :func:`_staff`).
        self.staff_found: tuple[list[int], list[int]] | None = None


@attrs.frozen(kw_only=True)
class Lookup:
    """What the fast path may ask of the index."""

    cols: Columns
    #: per key (``team``, ``operation``, ``staff``, ``subject``), each code's :class:`Block`.
    blocks: Mapping[str, Mapping[int | None, Block]]
    #: per key ``staff`` and ``subject``, each name's :class:`Block` (what a probe holds).
    named: Mapping[str, Mapping[str, Block]]
    #: the located rows' :func:`place_items`, by place and time.
    places: PlaceIndex | None
    #: how far apart in time the rules using places look.
    place_slack: int
    frame: DeploymentFrame
    settings: Settings
    #: per team code, the stored load profile (see :func:`load_profiles`).
    loads: Mapping[int, LoadProfile] = attrs.field(factory=dict)
    #: the minimum rest in microseconds.
    rest_us: int = attrs.field(init=False)

    @rest_us.default
    def _rest_us(self) -> int:
        return self.settings.rest_seconds * 1_000_000


#: one rule on the fast path: the stored rows paired with the new deployment (sorted, each
#: once), or its groups (see :data:`Group`).
Evaluate = Callable[[Lookup, Probe], list[Any]]
#: fills in the rows of each group a rule found (called only when the conflicts are explained).
Complete = Callable[[Lookup, Probe, list[Group]], None]


@attrs.frozen
class Step:
    """How the fast path evaluates one rule: ``evaluate`` gives pairs, or groups when
    ``complete`` is given (their rows are named only when explained)."""

    rule: ConflictRule
    evaluate: Evaluate
    complete: Complete | None = None


def fast_plan(rules: Iterable[ConflictRule], settings: Settings) -> list[Step] | None:
    """How to evaluate each rule on the fast path, or ``None`` if some rule is not known here."""
    out: list[Step] = []
    for rule in rules:
        how: Evaluate | None = None
        complete: Complete | None = None
        if type(rule) is CapacityRule:
            how, complete = _capacity, _capacity_members
        elif type(rule) is RestRule:
            how = _rest
        elif isinstance(rule, PairRule) and rule.reach(settings) == 0:
            if rule.key == "place":
                how = _proximity if rule.predicate is _within_reach else None
            elif rule.key == "staff" and rule.predicate is _always:
                how = _person
            elif rule.predicate is _always:
                how = _overlapping(rule.key, other_op=False)
            elif rule.predicate is _other_operation:
                how = _overlapping(rule.key, other_op=True)
        if how is None:
            return None
        out.append(Step(rule, how, complete))
    return out


def _overlapping(key: str, *, other_op: bool) -> Evaluate:
    """Stored deployments sharing ``key`` with the new one and overlapping it (not empty, not
    its own version; of another operation if ``other_op``)."""
    if key in ("team", "operation"):  # one code per deployment
        team = key == "team"

        def one(look: Lookup, p: Probe) -> list[int]:
            start, end = p.start, p.end
            block = look.blocks[key].get(p.team if team else p.op)
            if block is None or end <= start:
                return []
            keep: list[int] = []
            _overlap_walk(block, start, end, p.own, keep, look.cols.op if other_op else None, p.op)
            keep.sort()
            return keep

        return one

    staff = key == "staff"

    def evaluate(look: Lookup, p: Probe) -> list[int]:
        start, end = p.start, p.end
        names = p.staff if staff else p.subjects
        if end <= start or not names:
            return []
        get = look.named[key].get
        own, op_of, op = p.own, look.cols.op if other_op else None, p.op
        keep: list[int] = []
        for name in names:
            block = get(name)
            if block is not None:
                _overlap_walk(block, start, end, own, keep, op_of, op)
        if len(names) > 1:
            return sorted(set(keep))
        keep.sort()
        return keep

    return evaluate


def _overlap_walk(
    block: Block, start: int, end: int, own: Collection[int], keep: list[int], op_of: list[int] | None, op: int | None
) -> None:
    """Adds to ``keep`` the rows of ``block`` overlapping ``[start, end)``, not empty, not in
    ``own`` and, given ``op_of``, not of operation ``op``: one search, then a walk (cheaper
    than a second search of a large list)."""
    starts, ends, rows = block.starts, block.ends, block.rows
    for i in range(bisect_right(block.reach, start), len(starts)):
        s = starts[i]
        if s >= end:
            break
        e = ends[i]
        if e > start and e > s:
            r = rows[i]
            if r not in own and (op_of is None or op_of[r] != op):
                keep.append(r)


def _person(look: Lookup, p: Probe) -> list[int]:
    """Person double-booking: the stored deployments overlapping the new one that name one
    of its officers (from the walk it shares with rest, see :func:`_staff`)."""
    found = p.staff_found
    if found is None:
        found = p.staff_found = _staff(look, p)
    return found[0]


def _rest(look: Lookup, p: Probe) -> list[int]:
    """Rest: per named officer, the stored deployment(s) the new one is *next* after, and the
    next one(s) after the new one, when the gap is shorter than the rest (see :func:`_staff`)."""
    found = p.staff_found
    if found is None:
        found = p.staff_found = _staff(look, p)
    return found[1]


def _staff(look: Lookup, p: Probe) -> tuple[list[int], list[int]]:
    """One walk of each named officer's stored deployments, from the first that may end
    within the rest before the new one starts to the first that starts after it ends: the
    ones overlapping it (person double-booking) and the ones it is next after or next
    before with too short a gap (rest)."""
    start, end, own = p.start, p.end, p.own
    if end <= start:
        return [], []
    reach = look.rest_us
    rest_from = start - reach
    overlap: list[int] = []
    rest: list[int] = []
    get = look.named["staff"].get
    for name in p.staff:
        block = get(name)
        if block is None:
            continue
        starts, ends, rows = block.starts, block.ends, block.rows
        # one search, then walks (cheaper than more searches of a large list): those
        # starting before the new one, valid ones (not empty, not its own version) running
        # past its start overlap it; of those ending within the rest before it, it is next
        # after the ones with no valid start at or after their end before it: the starts
        # are sorted, so that is the last valid one, or any ending after the last valid start
        i, n = bisect_right(block.reach, rest_from), len(rows)
        last = -1  # the last valid one starting before the new one
        ending: list[int] = []  # the valid ones ending within the rest before it
        while i < n:
            s = starts[i]
            if s >= start:
                break
            e = ends[i]
            if e > s and rows[i] not in own:
                last = i
                if e > start:
                    overlap.append(rows[i])
                elif e > rest_from:
                    ending.append(i)
            i += 1
        for j in ending:
            if j == last or starts[last] < ends[j]:
                rest.append(rows[j])
        # those starting while it runs overlap it
        while i < n and starts[i] < end:
            if ends[i] > starts[i] and rows[i] not in own:
                overlap.append(rows[i])
            i += 1
        # after it: the earliest valid start at or after its end (all of them on a tie)
        first: int | None = None
        while i < n and (first is None or starts[i] == first):
            if ends[i] > starts[i] and rows[i] not in own:
                if first is None:
                    if starts[i] - end >= reach:
                        break
                    first = starts[i]
                rest.append(rows[i])
            i += 1
    if len(p.staff) > 1:
        return sorted(set(overlap)), sorted(set(rest))
    overlap.sort()
    rest.sort()
    return overlap, rest


def place_items(frame: DeploymentFrame, cols: Columns, rows: Ints) -> list[PlaceItem]:
    """What the place index holds for each located row: its start, end, operation code and
    row (the very objects of ``cols``), latitude in radians and its cosine, longitude in
    radians and radius (the rule's haversine reads no other column)."""
    starts, ends, ops = cols.start, cols.end, cols.op
    items: list[PlaceItem] = []
    for r, lat, lon, radius in zip(
        rows.tolist(), frame.lat[rows].tolist(), frame.lon[rows].tolist(), frame.radius[rows].tolist(), strict=True
    ):
        p2 = math.radians(lat)
        items.append((starts[r], ends[r], ops[r], r, p2, math.cos(p2), math.radians(lon), radius))
    return items


def _proximity(look: Lookup, p: Probe) -> list[int]:
    """Stored areas within the two radii plus the buffer of the new one, at overlapping times,
    of another operation. The distance is the rule's haversine in plain Python (on the
    place index's items, see :func:`place_items`); a pair within a metre of the limit is
    decided by the rule's own numpy :func:`haversine_m`, so the answer is the full run's to
    the last bit."""
    start, end, place, places = p.start, p.end, p.place, look.places
    if end <= start or place is None or places is None:
        return []
    lat, lon, radius = place.lat, place.lon, place.radius_m
    op, own, buffer, slack = p.op, p.own, look.settings.buffer_m, look.place_slack
    cells, repeats = places.cells_near(lat, lon, radius, buffer, start - slack, end + slack)
    p1, l1 = math.radians(lat), math.radians(lon)
    cos1 = math.cos(p1)
    found: list[int] = []
    sin, asin, sqrt = math.sin, math.asin, math.sqrt
    for cell in cells:
        for s, e, o, r, p2, cos2, l2, radius_r in cell:
            if e <= s or s >= end or e <= start or o == op or r in own:
                continue
            dp, dl = sin((p2 - p1) / 2), sin((l2 - l1) / 2)  # squared as numpy squares (x * x)
            h = dp * dp + cos1 * cos2 * (dl * dl)
            dist = _DIAMETER_M * asin(sqrt(min(h, 1.0)))
            limit = radius_r + radius + buffer
            if abs(dist - limit) <= 1.0 + 1e-9 * limit:  # too close to call in another libm: the rule's own
                fr = look.frame
                at = np.array([r], dtype=np.int64)
                dist = float(haversine_m(fr.lat[at], fr.lon[at], np.full(1, lat), np.full(1, lon))[0])
                limit = float((fr.radius[at] + radius + buffer)[0])
            if dist <= limit:
                found.append(r)
    # a row touching several of the days searched is in each day's cells
    if repeats:
        return sorted(set(found))
    found.sort()
    return found


@attrs.frozen
class LoadProfile:
    """One team's stored load: ``loads[i]`` officers on ``[times[i], times[i + 1])``, and
    where ``loads[i]`` is over the team's capacity, the stretch over it that segment is in,
    ``[run_lo[i], run_hi[i])``. The first time is ``-_FAR`` and the last ``_FAR`` (load 0
    before the first deployment and after the last), so every instant is in a segment and
    every segment has a next time."""

    times: list[int]
    loads: list[int]
    run_lo: list[int]
    run_hi: list[int]
    #: where ``loads[i]`` is over capacity, the segment starting at ``run_hi[i]``.
    after_run: list[int]
    #: the first segment at or after ``i`` over capacity (the last segment if none is).
    next_over: list[int]


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
    position = np.arange(len(times), dtype=np.int64)
    after_run = position.copy()  # (global positions here; each team's own below)
    if over.any():
        run_lo[over] = times[np.flatnonzero(begins)][stretch[over]]
        run_hi[over] = times[np.flatnonzero(ends) + 1][stretch[over]]
        after_run[over] = (np.flatnonzero(ends) + 1)[stretch[over]]
    # the next position over capacity (a team's last is never over, so a team's own or its end)
    next_over = np.minimum.accumulate(np.where(over, position, len(times))[::-1])[::-1]
    out: dict[int, LoadProfile] = {}
    codes, at, length = runs(team)
    index = list(range(int(length.max()) + 2))  # one int object per segment number, shared
    for code, a, n in zip(codes.tolist(), at.tolist(), length.tolist(), strict=True):
        part = slice(a, a + n)
        # segment i of the team is position a + i - 1 (after the -_FAR sentinel)
        ahead = np.minimum(next_over[part] - a + 1, n + 1).tolist()
        out[code] = LoadProfile(
            [-_FAR, *times[part].tolist(), _FAR],
            [0, *load[part].tolist(), 0],
            [0, *run_lo[part].tolist(), 0],
            [0, *run_hi[part].tolist(), 0],
            [0, *(index[i] for i in (after_run[part] - a + 1).tolist()), 0],
            [index[ahead[0]], *(index[i] for i in ahead), n + 1],
        )
    return out


def _capacity(look: Lookup, p: Probe) -> list[Group]:
    """The new deployment alone over capacity (then nothing else), or each maximal run
    through it of the team's deployments that each fit needing more than the team has.

    Read off the team's stored load profile: only where the new deployment and its stored
    version lie does the load differ from the stored one, so that stretch is walked
    breakpoint by breakpoint, and a run reaching either end of it goes on as far as the
    stored stretch over capacity there (precomputed)."""
    cap, start, end = p.capacity, p.start, p.end
    if cap < 0 or end <= start:
        return []
    if p.officers > cap:
        return [([NEW], start, end)]
    profile = look.loads.get(p.team) if p.team is not None else None
    if profile is None:
        return []
    times, loads = profile.times, profile.loads
    changes = {start: p.officers, end: -p.officers}  # the load's change at each instant, here
    cols = look.cols
    for r in p.own:
        if cols.team[r] == p.team and cols.end[r] > cols.start[r] and cols.officers[r] <= cap:
            s, e, n = cols.start[r], cols.end[r], cols.officers[r]
            changes[s] = changes.get(s, 0) - n
            changes[e] = changes.get(e, 0) + n
    instants = sorted(changes)
    lo, hi = instants[0], instants[-1]
    k = bisect_right(times, lo) - 1  # the segment holding lo (one search, then a walk)
    before_lo = k - 1 if times[k] == lo else k  # the segment just before lo
    # one walk from lo to hi over the stored times and the local changes, merged: on
    # [t, nxt) the load is over capacity where the stored load is over ``limit``, the
    # capacity less the local changes so far
    found: list[tuple[int, int]] = []
    run_lo = run_hi = _NO_RUN
    limit, m, t, next_change, next_stored = cap, 0, lo, lo, times[k + 1]
    while True:
        if t == next_change:
            limit -= changes[t]
            m += 1
            if t == hi:
                break
            next_change = instants[m]
        if limit == cap:
            # no change here (an amendment where it overlaps its stored version): the
            # stored stretches over capacity, read off by jumps, not segment by segment
            if loads[k] > cap:
                stop = profile.run_hi[k]
                if stop < next_change:
                    nxt, k = stop, profile.after_run[k]
                else:
                    nxt = next_change
                    k = _holding(times, nxt, k)
                if t != run_hi:
                    if run_hi != _NO_RUN:
                        found.append((run_lo, run_hi))
                    run_lo = t
                run_hi = nxt
            else:
                j = profile.next_over[k]
                if times[j] < next_change:
                    nxt, k = times[j], j
                else:
                    nxt = next_change
                    k = _holding(times, nxt, k)
            t, next_stored = nxt, times[k + 1]
            continue
        nxt = next_stored if next_stored < next_change else next_change
        if loads[k] > limit:
            if t != run_hi:
                if run_hi != _NO_RUN:
                    found.append((run_lo, run_hi))
                run_lo = t
            run_hi = nxt
        t = nxt
        if t == next_stored:
            k += 1
            next_stored = times[k + 1]
    if run_hi == _NO_RUN:
        return []
    found.append((run_lo, run_hi))
    # k is the segment holding hi
    first_lo, first_hi = found[0]
    if first_lo == lo and loads[before_lo] > cap:  # it began earlier
        found[0] = (profile.run_lo[before_lo], first_hi)
    last_lo, last_hi = found[-1]
    if last_hi == hi and loads[k] > cap:  # ... or goes on after
        found[-1] = (last_lo, profile.run_hi[k])
    # (a run only where its stored version was is no run through the new one)
    return [([], a, b) for a, b in found if a < end and start < b]


def _holding(times: list[int], t: int, k: int) -> int:
    """The segment holding ``t``, at or after segment ``k`` (most often ``k`` itself or the
    next: looked at before a search of the whole profile)."""
    if times[k + 1] > t:
        return k
    if times[k + 2] > t:
        return k + 1
    return bisect_right(times, t, k + 2) - 1


def _capacity_members(look: Lookup, p: Probe, groups: list[Group]) -> None:
    """The members of each run: the new deployment and the team's stored ones overlapping
    the run that fit (not its own earlier version). A run through the new one always has
    another member: the new one alone fits, so something else is deployed then. (The new
    deployment over capacity alone is its own group, already named.)"""
    block = look.blocks.get("team", {}).get(p.team)
    officers, cap, own = look.cols.officers, p.capacity, p.own
    for members, run_lo, run_hi in groups:
        if members:
            continue
        members.append(NEW)
        if block is not None:
            starts, ends, rows = block.starts, block.ends, block.rows
            for i in range(bisect_right(block.reach, run_lo), bisect_left(starts, run_hi)):
                r = rows[i]
                if ends[i] > run_lo and ends[i] > starts[i] and officers[r] <= cap and r not in own:
                    members.append(r)
        members.sort()
