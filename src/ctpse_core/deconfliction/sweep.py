"""Exact interval joins by sorting and sweeping, vectorised with numpy.

Two half-open intervals ``[s1, e1)`` and ``[s2, e2)`` (both non-empty) overlap exactly
when the later start lies inside the other interval. Sorting by ``(key, start)`` turns
"the starts inside my interval, under my key" into one contiguous range found by binary
search, so every overlapping pair is produced once, in ``O(n log n + k)`` for ``k`` pairs.
``slack`` widens each interval's end (``[s, e + slack)``) so the same join finds pairs
that come within ``slack`` of each other (the rest rule).
"""

from __future__ import annotations

import numpy as np

from ctpse_core.arrays import Ints, sorted_unique

__all__ = ["expand_ranges", "load_segments", "next_after", "overlap_join", "overlap_self", "unique_pairs"]


def expand_ranges(lo: Ints, hi: Ints) -> tuple[Ints, Ints]:
    """Every ``(i, j)`` with ``lo[i] <= j < hi[i]``, without a Python loop."""
    counts = np.maximum(hi - lo, 0)
    total = int(counts.sum())
    if total == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    owner = np.repeat(np.arange(len(lo), dtype=np.int64), counts)
    first = np.cumsum(counts) - counts
    j = np.arange(total, dtype=np.int64) - np.repeat(first - lo, counts)
    return owner, j


def _composite(keys: list[Ints], times: list[Ints]) -> list[Ints]:
    """One sortable int64 per (key, time), ordered by key then time.

    ``key * span + (time - first)`` at the coarsest resolution (minute, second, microsecond)
    that loses nothing; rank-encoded times when even that would overflow 64 bits.
    """
    if not any(len(t) for t in times):
        return [np.zeros(0, dtype=np.int64) for _ in times]
    present = [t for t in times if len(t)]
    low = min(int(t.min()) for t in present)
    high = max(int(t.max()) for t in present)
    key_span = max((int(np.abs(k).max()) for k in keys if len(k)), default=0) + 1
    for unit in (60_000_000, 1_000_000, 1):
        if unit == 1 or all(not (t % unit).any() for t in present):
            break
    width = (high - low) // unit + 1
    if key_span * width < 2**62:
        return [k * np.int64(width) + (t - low) // unit for k, t in zip(keys, times, strict=True)]
    uniq = sorted_unique(np.concatenate(times))
    width = len(uniq) + 1
    if key_span * width >= 2**62:
        raise OverflowError("too many keys and instants to encode in 64 bits")
    return [
        k * np.int64(width) + np.searchsorted(uniq, t).astype(np.int64)
        for k, t in zip(keys, times, strict=True)
    ]


def overlap_self(key: Ints, start: Ints, end: Ints, slack: int = 0) -> tuple[Ints, Ints]:
    """Index pairs ``(a, b)``, each unordered pair once, with equal key and overlapping
    ``[start, end + slack)``. Empty intervals (``end <= start``) take part in nothing."""
    idx = np.flatnonzero(end > start)
    k, s, e = key[idx], start[idx], end[idx] + slack
    cs, ce = _composite([k, k], [s, e])
    order = np.argsort(cs, kind="stable")
    cs_sorted = cs[order]
    hi = np.searchsorted(cs_sorted, ce[order], side="left")
    i, j = expand_ranges(np.arange(1, len(order) + 1, dtype=np.int64), hi)
    return idx[order[i]], idx[order[j]]


def next_after(key: Ints, start: Ints, end: Ints) -> tuple[Ints, Ints]:
    """Pairs ``(a, b)`` with equal key where ``b`` is among the *next* intervals after ``a``:
    the ones with the earliest start at or after ``a``'s end (all of them on a tie). Empty
    intervals (``end <= start``) take part in nothing. ``O(n log n + k)``."""
    idx = np.flatnonzero(end > start)
    k, s, e = key[idx], start[idx], end[idx]
    cs, ce = _composite([k, k], [s, e])
    order = np.argsort(cs, kind="stable")
    cs_sorted, k_sorted = cs[order], k[order]
    lo = np.searchsorted(cs_sorted, ce, side="left")
    inside = lo < len(order)
    inside[inside] = k_sorted[lo[inside]] == k[inside]
    a = np.flatnonzero(inside)
    lo = lo[a]
    hi = np.searchsorted(cs_sorted, cs_sorted[lo], side="right")
    i, j = expand_ranges(lo, hi)
    return idx[a[i]], idx[order[j]]


def overlap_join(
    key_a: Ints, start_a: Ints, end_a: Ints, key_b: Ints, start_b: Ints, end_b: Ints
) -> tuple[Ints, Ints]:
    """Pairs ``(a, b)`` from two sets with equal key and overlapping half-open intervals."""
    ia = np.flatnonzero(end_a > start_a)
    ib = np.flatnonzero(end_b > start_b)
    ka, sa, ea = key_a[ia], start_a[ia], end_a[ia]
    kb, sb, eb = key_b[ib], start_b[ib], end_b[ib]
    csa, cea, csb, ceb = _composite([ka, ka, kb, kb], [sa, ea, sb, eb])
    # b starts inside a: start_a <= start_b < end_a
    ob = np.argsort(csb, kind="stable")
    sorted_b = csb[ob]
    lo = np.searchsorted(sorted_b, csa, side="left")
    hi = np.searchsorted(sorted_b, cea, side="left")
    a1, pos1 = expand_ranges(lo, hi)
    # a starts strictly inside b: start_b < start_a < end_b
    oa = np.argsort(csa, kind="stable")
    sorted_a = csa[oa]
    lo2 = np.searchsorted(sorted_a, csb, side="right")
    hi2 = np.searchsorted(sorted_a, ceb, side="left")
    b2, pos2 = expand_ranges(lo2, hi2)
    first = np.concatenate([ia[a1], ia[oa[pos2]]])
    second = np.concatenate([ib[ob[pos1]], ib[b2]])
    return first, second


def unique_pairs(a: Ints, b: Ints, n: int) -> Ints:
    """Distinct unordered pairs ``[[low, high], ...]``, a sorted ``(k, 2)`` array; no self-pairs."""
    low = np.minimum(a, b)
    high = np.maximum(a, b)
    keep = low != high
    code = sorted_unique(low[keep] * np.int64(n) + high[keep])
    return (
        np.stack([code // n, code % n], axis=1) if len(code) else np.zeros((0, 2), dtype=np.int64)
    )


def load_segments(
    team: Ints, start: Ints, end: Ints, weight: Ints, capacity: Ints
) -> tuple[Ints, Ints, Ints]:
    """Maximal time segments where a team's summed ``weight`` exceeds its capacity.

    Returns ``(team, seg_start, seg_end)`` arrays, one row per elementary segment between
    consecutive start/end instants of that team whose load is over capacity (capacity
    ``< 0`` means unknown: never over). An interval ending at ``t`` is gone at ``t``.
    """
    idx = np.flatnonzero(end > start)
    n = len(idx)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    ev_team = np.concatenate([team[idx], team[idx]])
    ev_time = np.concatenate([start[idx], end[idx]])
    ev_delta = np.concatenate([weight[idx], -weight[idx]])
    order = np.lexsort((ev_delta, ev_time, ev_team))
    ev_team, ev_time, ev_delta = ev_team[order], ev_time[order], ev_delta[order]
    load = np.cumsum(ev_delta)  # each team's deltas sum to zero, so this restarts per team
    last = np.ones(len(order), dtype=bool)
    last[:-1] = (ev_team[1:] != ev_team[:-1]) | (ev_time[1:] != ev_time[:-1])
    pos = np.flatnonzero(last)
    seg_team, seg_start, seg_load = ev_team[pos], ev_time[pos], load[pos]
    has_next = np.zeros(len(pos), dtype=bool)
    has_next[:-1] = seg_team[1:] == seg_team[:-1]
    seg_end = np.empty(len(pos), dtype=np.int64)
    seg_end[:-1] = seg_start[1:]
    seg_end[-1] = seg_start[-1]
    cap_by_team = np.full(int(team.max()) + 1, -1, dtype=np.int64)
    cap_by_team[team[idx]] = capacity[idx]
    cap = cap_by_team[seg_team]
    over = has_next & (cap >= 0) & (seg_load > cap)
    return seg_team[over], seg_start[over], seg_end[over]
