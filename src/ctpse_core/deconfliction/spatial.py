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
millions of one-metre cells. :class:`PlaceIndex` (the instant check) merges neighbouring
classes whose cells the buffer makes alike (see :func:`reach_classes`) and packs each into
one dictionary of occupied cells, read over the exact latitude/longitude box of the
search cap.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from math import asin, degrees, floor
from typing import Any

import attrs
import numpy as np

from ctpse_core.arrays import Floats, Ints, runs, sorted_unique

__all__ = ["EARTH_RADIUS_M", "Grid", "PlaceIndex", "haversine_m", "radius_classes", "reach_classes"]

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


def reach_classes(radius: Floats, buffer_m: float) -> Ints:
    """:func:`radius_classes` merged where the buffer makes them alike: what sizes a class's
    cells is the reach of two of its largest areas (both radii plus the buffer), so
    neighbouring classes are merged while that reach stays within :data:`CLASS_FACTOR` of
    the reach of the first class merged (300 m and 800 m areas with a 250 m buffer: one
    class, cells 3.7 km rather than 1.3 km and 3.7 km, searched once rather than twice;
    a 60 km area among one-metre points: still two)."""
    classes = radius_classes(radius)
    if len(classes) == 0:
        return classes
    codes = sorted_unique(classes)
    merged = codes.copy()
    first_reach = -1.0
    for i, c in enumerate(codes.tolist()):
        reach = max(2 * float(np.nanmax(radius[classes == c])) + buffer_m, 0.5)
        if first_reach < 0 or reach > CLASS_FACTOR * first_reach:
            first_reach, code = reach, c
        merged[i] = code
    out: Ints = merged[np.searchsorted(codes, classes)]
    return out


#: width of a time slab of :class:`PlaceIndex` (one day, in microseconds).
SLAB_US = 86_400 * 1_000_000
#: a deployment touching more slabs than this is kept with its class's long ones instead.
MAX_SLABS = 32
#: metres in a degree of latitude (on the sphere of :data:`EARTH_RADIUS_M`).
M_PER_DEG = EARTH_RADIUS_M * math.pi / 180
#: how many search shapes (per radius and buffer) :class:`PlaceIndex` keeps.
_SHAPES_KEPT = 1024
#: a search visiting more cells than this (per class and slab) scans the occupied ones instead.
_FEW_CELLS = 64
#: the keys of a search box are kept per class for searches over this many days at most.
_DAYS_KEPT = 8
#: what a search reads of each class: the class, the cap's angle in degrees, its sine and
#: whether it spans a hemisphere, then the class's band and column sizes in degrees, its
#: bands, columns and cells per slab, its cells' look-up, whether it has long rows, and
#: its kept boxes (see :func:`_box`).
_Search = tuple[
    "_Packed",
    float,
    float,
    bool,
    float,
    float,
    int,
    int,
    int,
    Callable[[int], Any],
    bool,
    dict[tuple[int, int, int], tuple[int, ...]],
]


@attrs.frozen(eq=False)
class _Packed:
    """One radius class, packed: each occupied cell's rows under its integer key
    ``slab * bands * columns + band * columns + column`` (one dictionary), and per slab the
    occupied ``band * columns + column`` keys sorted in an array (for a search whose box holds
    more cells than are occupied)."""

    largest: float
    band_deg: float
    col_deg: float
    bands: int
    columns: int
    cells: dict[int, tuple[Any, ...]]
    slabs: dict[int, Ints]
    #: whether slab 0 (the rows touching more than :data:`MAX_SLABS` days) has cells.
    has_long: bool
    #: the keys of the search boxes seen (see :func:`_box`).
    boxes: dict[tuple[int, int, int], tuple[int, ...]] = attrs.field(factory=dict)


class PlaceIndex:
    """Located rows in a packed static grid, one per class of :func:`reach_classes`: :meth:`near` finds every
    row whose area comes within ``buffer`` of a given area (and, given a time window, whose
    interval comes near it).

    A class's cells are latitude bands and longitude columns twice as big as the reach of
    two of its largest areas (both radii plus the buffer), times one-day slabs; a row is in
    its cell of each slab its ``[start, end]`` touches, or, past :data:`MAX_SLABS` of them,
    in the class's slab of long rows (always searched). Each occupied cell is one dict entry
    (its rows, a tuple), built once with numpy, so a search of an area like the class's own
    is a handful of dict look-ups per class and day and no object per candidate (the keys of
    a box over a few days are kept per shape, so the look-ups are one ``map`` in C). The box
    searched around a spherical cap is exact (latitude +- the angle; longitude +-
    ``asin(sin(angle) / cos(lat))``, every column when the cap holds a pole, wrapping round
    the antimeridian), so nothing within reach is missed.

    Memory is ``O(n)`` whatever the radii; a search whose box holds more than
    :data:`_FEW_CELLS` cells (a 60 km area among one-metre points) scans the class's occupied
    cells in its latitude bands with numpy instead, so its time is bounded by the points
    stored, not by the ratio of the radii."""

    def __init__(
        self,
        rows: Ints,
        lat: Floats,
        lon: Floats,
        radius: Floats,
        start: Ints | None = None,
        end: Ints | None = None,
        buffer_m: float = 0.0,
        items: Sequence[Any] | None = None,
    ) -> None:
        """``items[i]``, if given, is what the cells hold for ``rows[i]`` (default: the row)."""
        classes = reach_classes(radius, buffer_m)
        self._timed = start is not None and end is not None
        if start is None or end is None:
            first = last = np.zeros(len(rows), dtype=np.int64)
        else:
            first, last = start // SLAB_US, np.maximum(end, start) // SLAB_US
        long = last - first >= MAX_SLABS
        span = np.where(long, 1, last - first + 1)
        member = np.repeat(np.arange(len(rows), dtype=np.int64), span)
        offset = np.arange(len(member), dtype=np.int64) - np.repeat(np.cumsum(span) - span, span)
        short_first = first[~long]
        #: slab code 0 is the long rows'; day ``d`` is code ``d - self._first + 1``.
        self._first = int(short_first.min()) if len(short_first) else 0
        self._last = int(last[~long].max()) if len(short_first) else -1
        code = np.where(long[member], 0, first[member] + offset - self._first + 1)
        self._classes: list[_Packed] = []
        self._shapes: dict[tuple[float, float], list[_Search]] = {}
        for c in sorted_unique(classes).tolist():
            inside = classes[member] == c
            sel, slab = member[inside], code[inside]
            largest = float(np.nanmax(radius[classes == c]))
            band_deg = min(180.0, max(2 * (2 * largest + buffer_m), 1.0) / M_PER_DEG)
            bands = max(1, math.ceil(180.0 / band_deg))
            ref = float(np.median(np.abs(lat[classes == c])))
            nominal = band_deg / max(math.cos(math.radians(min(ref, 89.9))), 1e-3)
            columns = max(1, int(360.0 // nominal))
            col_deg = 360.0 / columns
            band = np.clip(np.floor((lat[sel] + 90.0) / band_deg).astype(np.int64), 0, bands - 1)
            col = np.floor((lon[sel] + 180.0) / col_deg).astype(np.int64) % columns
            key = band * columns + col
            order = np.lexsort((key, slab))
            slab, key = slab[order], key[order]
            members = rows[sel[order]].tolist() if items is None else [items[i] for i in sel[order].tolist()]
            cuts = np.flatnonzero((np.diff(slab) != 0) | (np.diff(key) != 0)) + 1
            firsts = np.r_[0, cuts].astype(np.int64)
            lasts = np.r_[cuts, len(key)].astype(np.int64)
            size = bands * columns
            cell_slab = slab[firsts]
            codes, at, length = runs(cell_slab)
            per_slab = {
                s_code: key[firsts[a0 : a0 + n]]
                for s_code, a0, n in zip(codes.tolist(), at.tolist(), length.tolist(), strict=True)
            }
            spans = zip(cell_slab.tolist(), key[firsts].tolist(), firsts.tolist(), lasts.tolist(), strict=True)
            cells = {s_code * size + k: tuple(members[a:b]) for s_code, k, a, b in spans}
            self._classes.append(
                _Packed(
                    largest=largest,
                    band_deg=band_deg,
                    col_deg=col_deg,
                    bands=bands,
                    columns=columns,
                    cells=cells,
                    slabs=per_slab,
                    has_long=0 in per_slab,
                )
            )

    def _shape(self, radius: float, buffer_m: float) -> list[_Search]:
        """Per class, the search cap around an area of ``radius`` (its angle in degrees, the
        sine of its angle, and whether it spans a hemisphere) beside the class's constants,
        kept for the next search with the same radius and buffer (a few radii recur)."""
        shape: list[_Search] = []
        for part in self._classes:
            angle = ((radius + part.largest + buffer_m) * (1 + 1e-9) + 1.0) / EARTH_RADIUS_M
            shape.append(
                (
                    part,
                    math.degrees(angle),
                    math.sin(angle),
                    angle >= math.pi / 2,
                    part.band_deg,
                    part.col_deg,
                    part.bands,
                    part.columns,
                    part.bands * part.columns,
                    part.cells.get,
                    part.has_long,
                    part.boxes,
                )
            )
        if len(self._shapes) >= _SHAPES_KEPT:
            self._shapes.clear()
        self._shapes[radius, buffer_m] = shape
        return shape

    def near(
        self, lat: float, lon: float, radius: float, buffer_m: float, t0: int | None = None, t1: int | None = None
    ) -> Ints:
        """Rows that may lie within ``radius + their radius + buffer_m`` of ``(lat, lon)`` and,
        given ``[t0, t1]``, that may come near that time (a superset: the caller applies the
        exact predicate; each row once, sorted). For an index of the rows themselves (no
        ``items``)."""
        return np.array(sorted(self.near_set(lat, lon, radius, buffer_m, t0, t1)), dtype=np.int64)

    def near_set(
        self, lat: float, lon: float, radius: float, buffer_m: float, t0: int | None = None, t1: int | None = None
    ) -> set[Any]:
        """The items (by default the rows) of :meth:`near`, as a Python set."""
        found: set[Any] = set()
        for cell in self.cells_near(lat, lon, radius, buffer_m, t0, t1)[0]:
            found.update(cell)
        return found

    def cells_near(
        self, lat: float, lon: float, radius: float, buffer_m: float, t0: int | None = None, t1: int | None = None
    ) -> tuple[list[tuple[Any, ...]], bool]:
        """The occupied cells (tuples of items) that :meth:`near` reads, and whether an item
        may be in more than one of them (when more than one day is searched, a row touching
        several of them is in each): for the instant check, which tests each item itself."""
        first = self._first
        if not self._timed or t0 is None or t1 is None:
            lo, hi = 1, self._last - first + 1
        else:
            day = t0 // SLAB_US
            lo = (day if day > first else first) - first + 1
            day = (t1 if t1 > t0 else t0) // SLAB_US
            hi = (day if day < self._last else self._last) - first + 1
        days = hi - lo + 1  # (none when the window is outside the days stored)
        out: list[tuple[Any, ...]] = []
        cos_lat = math.cos(math.radians(lat))
        shape = self._shapes.get((radius, buffer_m))
        if shape is None:
            shape = self._shape(radius, buffer_m)
        # degrees from the south pole and from the antimeridian (the box's edges are a metre
        # beyond the reach, so how they round cannot leave out an area within it)
        y, x = lat + 90.0, lon + 180.0
        for part, reach_deg, sin_angle, wide, band_deg, col_deg, bands, columns, size, get, has_long, boxes in shape:
            band_lo = floor((y - reach_deg) / band_deg)
            if band_lo < 0:
                band_lo = 0
            band_hi = floor((y + reach_deg) / band_deg)
            if band_hi >= bands:
                band_hi = bands - 1
            if wide or sin_angle >= cos_lat:
                c0, c1 = 0, columns - 1  # the cap holds a pole (or is that wide): every column
            else:
                half = degrees(asin(sin_angle / cos_lat))
                c0 = floor((x - half) / col_deg)
                c1 = floor((x + half) / col_deg)
                if c0 < 0 or c1 >= columns:  # across the antimeridian: a column more each side
                    c0, c1 = c0 - 1, c1 + 1
                if c1 - c0 + 1 >= columns:
                    c0, c1 = 0, columns - 1
            height, width = band_hi - band_lo + 1, c1 - c0 + 1
            if height * width > _FEW_CELLS:
                spans = [(c0, c1)] if c0 >= 0 and c1 < columns else [(c0 % columns, columns - 1), (0, c1 % columns)]
                for slab in (0, *range(lo, hi + 1)) if has_long else range(lo, hi + 1):
                    keys = part.slabs.get(slab)
                    if keys is not None:
                        _scan(keys, columns, band_lo, band_hi, spans, part.cells, slab * size, out)
            elif c0 >= 0 and c1 < columns:  # the usual case: one span of columns
                # the box's keys, each day's after the last's: one look-up of each, in C
                corner = band_lo * columns + c0
                if has_long:  # slab 0: a one-day box from key 0
                    offsets = boxes.get((height, width, 1))
                    if offsets is None:
                        offsets = _box(boxes, height, width, 1, columns, size)
                    out += filter(None, map(get, map(corner.__add__, offsets)))
                if days > 0:
                    offsets = boxes.get((height, width, days))
                    if offsets is None:
                        offsets = _box(boxes, height, width, days, columns, size)
                    out += filter(None, map(get, map((lo * size + corner).__add__, offsets)))
            else:
                keys_in = [b * columns + c % columns for b in range(band_lo, band_hi + 1) for c in range(c0, c1 + 1)]
                for slab in (0, *range(lo, hi + 1)) if has_long else range(lo, hi + 1):
                    base = slab * size
                    out += filter(None, map(get, [base + key for key in keys_in]))
        return out, days > 1


def _box(
    boxes: dict[tuple[int, int, int], tuple[int, ...]], height: int, width: int, days: int, columns: int, size: int
) -> tuple[int, ...]:
    """The keys of a box of ``height`` bands and ``width`` columns over ``days`` slabs, from
    its first (a class's cells are keyed ``slab * size + band * columns + column``), in the
    order the slabs, bands and columns come; kept in ``boxes`` for a few days at most."""
    offsets = tuple(
        day * size + band * columns + column for day in range(days) for band in range(height) for column in range(width)
    )
    if days <= _DAYS_KEPT:
        if len(boxes) >= _SHAPES_KEPT:
            boxes.clear()
        boxes[height, width, days] = offsets
    return offsets


def _scan(
    keys: Ints,
    columns: int,
    band_lo: int,
    band_hi: int,
    spans: list[tuple[int, int]],
    cells: dict[int, tuple[Any, ...]],
    base: int,
    out: list[tuple[Any, ...]],
) -> None:
    """The occupied cells (sorted ``keys``) in bands ``band_lo..band_hi`` and column ranges
    ``spans`` (for a box with more cells than are occupied: time bounded by the cells
    stored, not by the box)."""
    lo, hi = np.searchsorted(keys, [band_lo * columns, (band_hi + 1) * columns])
    inside = keys[lo:hi]
    col = inside % columns
    wanted = np.zeros(len(inside), dtype=bool)
    for a, b in spans:
        wanted |= (col >= a) & (col <= b)
    for k in inside[wanted].tolist():
        out.append(cells[base + k])
