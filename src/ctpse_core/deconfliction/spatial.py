"""Great-circle distance, a latitude/longitude grid that never misses a close pair, and
radius classes that keep both bounded whatever the ratio of the radii.

Grid cells are ``reach`` metres tall. Columns are as wide as the widest longitude
difference two points within ``reach`` of each other can have at the highest latitude
present, from the haversine formula ``sin(d/2R) >= cos(lat_max) * sin(dlon/2)``; columns
wrap round the antimeridian. So two points within ``reach`` are always in the same or
neighbouring cells.

Areas are split into *radius classes* (radii within a factor of 4 of each other, see
:func:`radius_classes`), so a search never sizes its cells or its ball by a radius much
larger than the one it is matching: one 60 km area among 300 m ones does not make every
cell 120 km wide, and a 5 km area checked against zero-radius points does not visit
millions of one-metre cells. :class:`PlaceIndex` (the instant check) keeps each class in a
:class:`scipy.spatial.cKDTree` of unit vectors, where the chord length is a monotone
function of the great-circle distance.
"""

from __future__ import annotations

import math

import attrs
import numpy as np
from scipy.spatial import cKDTree

from ctpse_core.arrays import Floats, Ints

__all__ = ["EARTH_RADIUS_M", "Grid", "PlaceIndex", "chord", "haversine_m", "radius_classes", "unit_vectors"]

EARTH_RADIUS_M = 6_371_008.8
#: half of the neighbourhood: each unordered pair of neighbouring cells is visited once.
HALF_NEIGHBOURS = ((0, 1), (1, -1), (1, 0), (1, 1))


def haversine_m(lat1: Floats, lon1: Floats, lat2: Floats, lon2: Floats) -> Floats:
    """Great-circle distance in metres (element-wise; degrees in)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(lon2) - np.radians(lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    out: Floats = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
    return out


@attrs.frozen
class Grid:
    """Cell geometry for points no nearer than ``reach_m`` to matter, up to ``lat_max`` degrees."""

    cell_lat: float  # radians
    cell_lon: float  # radians (column width, divides 2*pi)
    columns: int

    @classmethod
    def for_reach(cls, reach_m: float, lat_max_deg: float) -> Grid:
        reach = reach_m * (1 + 1e-9) + 1.0  # never smaller than the predicate's reach
        angle = reach / EARTH_RADIUS_M
        cell_lat = min(angle, math.pi)
        cos_max = math.cos(math.radians(min(90.0, abs(lat_max_deg))))
        ratio = math.sin(min(angle, math.pi) / 2) / cos_max if cos_max > 1e-12 else 2.0
        if ratio >= 1 or angle >= math.pi:
            return cls(cell_lat, 2 * math.pi, 1)
        widest = 2 * math.asin(ratio)
        columns = int(2 * math.pi // widest)
        if columns < 3:
            return cls(cell_lat, 2 * math.pi, 1)
        return cls(cell_lat, 2 * math.pi / columns, columns)

    def cells(self, lat: Floats, lon: Floats) -> tuple[Ints, Ints]:
        """Row and column of each point."""
        row = np.floor((np.radians(lat) + math.pi / 2) / self.cell_lat).astype(np.int64)
        col = np.floor((np.radians(lon) + math.pi) / self.cell_lon).astype(np.int64) % self.columns
        return row, col

    def key(self, row: Ints, col: Ints) -> Ints:
        out: Ints = row * np.int64(self.columns) + (col % self.columns)
        return out

    def offsets(self) -> tuple[tuple[int, int], ...]:
        """Neighbour offsets (beyond the cell itself) to visit each neighbouring pair once."""
        return ((1, 0),) if self.columns == 1 else HALF_NEIGHBOURS

    def neighbourhood(self) -> tuple[tuple[int, int], ...]:
        """The cell itself and every neighbour (to join two different sets of points)."""
        cols = (0,) if self.columns == 1 else (-1, 0, 1)
        return tuple((dy, dx) for dy in (-1, 0, 1) for dx in cols)


#: radii in one class are within this factor of each other (class 0: under one metre).
CLASS_FACTOR = 4.0


def radius_classes(radius: Floats) -> Ints:
    """Class of each radius: 0 below 1 m, then ``[1, 4)``, ``[4, 16)``, ... metres."""
    r = np.maximum(np.nan_to_num(radius, nan=0.0), 0.0)
    out: Ints = np.where(
        r < 1.0, 0, np.floor(np.log(np.maximum(r, 1.0)) / math.log(CLASS_FACTOR)).astype(np.int64) + 1
    ).astype(np.int64)
    return out


def unit_vectors(lat: Floats, lon: Floats) -> Floats:
    """Points on the unit sphere, shape ``(n, 3)``."""
    p, lam = np.radians(lat), np.radians(lon)
    cos_p = np.cos(p)
    out: Floats = np.stack([cos_p * np.cos(lam), cos_p * np.sin(lam), np.sin(p)], axis=-1)
    return out


def chord(distance_m: float) -> float:
    """The unit-sphere chord that is at least the great-circle ``distance_m`` (with a
    margin of a metre and a part in 10^9, never smaller than the predicate's reach)."""
    angle = (distance_m * (1 + 1e-9) + 1.0) / EARTH_RADIUS_M
    return 2.0 if angle >= math.pi else 2 * math.sin(angle / 2) * (1 + 1e-12) + 1e-12


#: width of a time slab of :class:`PlaceIndex` (one day, in microseconds).
SLAB_US = 86_400 * 1_000_000
#: a deployment touching more slabs than this is kept with its class's long ones instead.
MAX_SLABS = 32


class PlaceIndex:
    """Located rows in KD-trees, one per radius class and one-day time slab: :meth:`near`
    finds every row whose area comes within ``buffer`` of a given area (and, given a time
    window, whose interval comes near it), looking in each class no further than that
    class's largest radius allows. A row is in each slab its ``[start, end]`` touches, or,
    past :data:`MAX_SLABS` of them, in its class's tree of long rows (always searched).
    Memory is ``O(n)`` whatever the radii."""

    def __init__(
        self, rows: Ints, lat: Floats, lon: Floats, radius: Floats, start: Ints | None = None, end: Ints | None = None
    ) -> None:
        self._parts: dict[tuple[int, int], tuple[cKDTree, list[int], float]] = {}
        self._classes: list[int] = []
        points = unit_vectors(lat, lon)
        classes = radius_classes(radius)
        if start is None or end is None:
            first = last = np.zeros(len(rows), dtype=np.int64)
        else:
            first, last = start // SLAB_US, np.maximum(end, start) // SLAB_US
        long = last - first >= MAX_SLABS
        span = np.where(long, 1, last - first + 1)
        member = np.repeat(np.arange(len(rows), dtype=np.int64), span)
        offset = np.arange(len(member), dtype=np.int64) - np.repeat(np.cumsum(span) - span, span)
        slab = np.where(long[member], -(2**62), first[member] + offset)
        key_class = classes[member]
        order = np.lexsort((slab, key_class))
        member, slab, key_class = member[order], slab[order], key_class[order]
        cut = np.flatnonzero((np.diff(slab) != 0) | (np.diff(key_class) != 0)) + 1
        for lo, hi in zip(np.r_[0, cut].tolist(), np.r_[cut, len(member)].tolist(), strict=True):
            if hi == lo:
                continue
            sel = member[lo:hi]
            c = int(key_class[lo])
            self._parts[(c, int(slab[lo]))] = (
                cKDTree(points[sel]),
                rows[sel].tolist(),
                float(np.nanmax(radius[sel])),
            )
        self._classes = sorted({c for c, _s in self._parts})
        self._timed = start is not None and end is not None

    def near(
        self, lat: float, lon: float, radius: float, buffer_m: float, t0: int | None = None, t1: int | None = None
    ) -> Ints:
        """Rows that may lie within ``radius + their radius + buffer_m`` of ``(lat, lon)`` and,
        given ``[t0, t1]``, that may come near that time (a superset: the caller applies the
        exact predicate; each row once, in no particular order)."""
        return np.array(sorted(self.near_set(lat, lon, radius, buffer_m, t0, t1)), dtype=np.int64)

    def near_set(
        self, lat: float, lon: float, radius: float, buffer_m: float, t0: int | None = None, t1: int | None = None
    ) -> set[int]:
        """:meth:`near` as a Python set (for the instant check's plain-Python path)."""
        p, lam = math.radians(lat), math.radians(lon)
        point = (math.cos(p) * math.cos(lam), math.cos(p) * math.sin(lam), math.sin(p))
        if not self._timed or t0 is None or t1 is None:
            slabs = sorted({s for _c, s in self._parts})
        else:
            first, last = t0 // SLAB_US, max(t1, t0) // SLAB_US
            if last - first + 1 > len(self._parts):
                slabs = sorted({s for _c, s in self._parts})
            else:
                slabs = [-(2**62), *range(first, last + 1)]
        found: set[int] = set()
        parts = self._parts
        for c in self._classes:
            for slab in slabs:
                part = parts.get((c, slab))
                if part is None:
                    continue
                tree, rows, largest = part
                hits = tree.query_ball_point(point, chord(radius + largest + buffer_m), return_sorted=False)
                found.update(rows[h] for h in hits)
        return found
