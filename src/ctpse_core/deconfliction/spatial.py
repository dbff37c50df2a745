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

from ctpse_core.arrays import Floats, Ints, sorted_unique

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


class PlaceIndex:
    """Located rows in one KD-tree per radius class: :meth:`near` finds every row whose
    area comes within ``buffer`` of a given area, looking in each class no further than
    that class's largest radius allows. Memory is ``O(n)`` whatever the radii."""

    def __init__(self, rows: Ints, lat: Floats, lon: Floats, radius: Floats) -> None:
        self._parts: list[tuple[cKDTree, Ints, float]] = []
        classes = radius_classes(radius)
        for c in sorted_unique(classes).tolist():
            sel = np.flatnonzero(classes == c)
            tree = cKDTree(unit_vectors(lat[sel], lon[sel]))
            self._parts.append((tree, rows[sel], float(np.nanmax(radius[sel]))))

    def near(self, lat: float, lon: float, radius: float, buffer_m: float) -> Ints:
        """Rows that may lie within ``radius + their radius + buffer_m`` of ``(lat, lon)``
        (a superset: the caller applies the exact predicate)."""
        point = unit_vectors(np.array([lat]), np.array([lon]))[0]
        found: list[Ints] = []
        for tree, rows, largest in self._parts:
            hits = tree.query_ball_point(point, chord(radius + largest + buffer_m))
            if hits:
                found.append(rows[np.asarray(hits, dtype=np.int64)])
        if not found:
            return np.zeros(0, dtype=np.int64)
        return found[0] if len(found) == 1 else np.concatenate(found)
