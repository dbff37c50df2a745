"""Great-circle distance and a latitude/longitude grid that never misses a close pair.

Cells are ``reach`` metres tall (``reach`` = twice the largest radius plus the buffer).
Columns are as wide as the widest longitude difference two points within ``reach`` of
each other can have at the highest latitude present, from the haversine formula
``sin(d/2R) >= cos(lat_max) * sin(dlon/2)``; columns wrap round the antimeridian. So two
points within ``reach`` are always in the same or neighbouring cells.
"""

from __future__ import annotations

import math

import attrs
import numpy as np

from ctpse_core.deconfliction.frame import Floats, Ints

__all__ = ["EARTH_RADIUS_M", "Grid", "haversine_m"]

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
