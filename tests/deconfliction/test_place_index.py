"""The instant check's packed place index never misses an area within reach (anywhere on
the globe: near the poles, across the antimeridian, whatever the radii), and the fast
path of check() reports exactly what the general path reports, in the same order."""

from __future__ import annotations

import random

import attrs
import numpy as np
from deconfliction_strategies import CAPACITIES, random_deployments

from ctpse_core.deconfliction.index import DeconflictionIndex
from ctpse_core.deconfliction.model import Conflict, Settings
from ctpse_core.deconfliction.rules import PairRule, _within_reach, builtin_rules
from ctpse_core.deconfliction.spatial import SLAB_US, PlaceIndex, haversine_m, reach_classes

DAY = 86_400 * 1_000_000


def _places(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points everywhere, crowded near the poles and the antimeridian, radii from zero to 5,000 km."""
    edge = n - n // 2
    lat = np.concatenate([rng.uniform(-90, 90, n // 2), rng.choice([-1, 1], edge) * rng.uniform(88, 90, edge)])
    lon = np.concatenate([rng.uniform(-180, 180, n // 2), rng.choice([-1, 1], edge) * rng.uniform(178, 180, edge)])
    radius = rng.choice([0.0, 0.4, 3.0, 40.0, 900.0, 60_000.0, 5_000_000.0], n)
    order = rng.permutation(n)
    return lat[order], lon[order], radius[order]


def test_every_area_within_reach_is_found_anywhere_on_the_globe() -> None:
    """A brute-force haversine over every stored area: each one within both radii plus the
    buffer of the query, at a time touching the query's window, is among the index's answer."""
    rng = np.random.default_rng(7)
    checked = 0
    for _case in range(25):
        n = int(rng.integers(1, 400))
        lat, lon, radius = _places(rng, n)
        start = rng.integers(0, 20, n) * DAY + rng.integers(0, DAY, n)
        end = start + rng.choice([0, 3_600_000_000, 5 * DAY, 40 * DAY], n)
        buffer = float(rng.choice([0.0, 5.0, 250.0]))
        index = PlaceIndex(np.arange(n, dtype=np.int64), lat, lon, radius, start, end, buffer_m=buffer)
        for _query in range(40):
            q_lat, q_lon, q_radius = _places(rng, 2)
            t0 = int(rng.integers(0, 25)) * DAY + int(rng.integers(0, DAY))
            t1 = t0 + int(rng.choice([0, 3_600_000_000, 3 * DAY]))
            dist = haversine_m(lat, lon, np.full(n, q_lat[0]), np.full(n, q_lon[0]))
            within = dist <= radius + q_radius[0] + buffer
            touching = (start // SLAB_US <= t1 // SLAB_US) & (np.maximum(end, start) // SLAB_US >= t0 // SLAB_US)
            want = set(np.flatnonzero(within & touching).tolist())
            got = index.near_set(float(q_lat[0]), float(q_lon[0]), float(q_radius[0]), buffer, t0, t1)
            assert want <= got, (want - got, q_lat[0], q_lon[0], q_radius[0])
            assert set(np.flatnonzero(within).tolist()) <= index.near_set(
                float(q_lat[0]), float(q_lon[0]), float(q_radius[0]), buffer
            )
            checked += len(want)
    assert checked > 1_000


def test_a_search_over_many_days_finds_every_area_within_reach() -> None:
    """Windows of up to a fortnight (past the days whose search boxes are kept) and rows
    longer than a month (kept with the long ones): every area within reach at a time
    touching the window is found, and only a search over more than one day may list an
    area more than once (and says so)."""
    rng = np.random.default_rng(13)
    checked = 0
    for _case in range(12):
        n = int(rng.integers(50, 400))
        lat = rng.uniform(51.0, 51.2, n)
        lon = rng.uniform(-0.3, 0.1, n)
        radius = rng.choice([0.0, 100.0, 300.0, 800.0, 5_000.0], n)
        start = rng.integers(0, 30, n) * DAY + rng.integers(0, DAY, n)
        end = start + rng.choice([0, 3_600_000_000, 2 * DAY, 40 * DAY], n)
        index = PlaceIndex(np.arange(n, dtype=np.int64), lat, lon, radius, start, end, buffer_m=250.0)
        for _query in range(40):
            q_lat, q_lon = float(rng.uniform(51.0, 51.2)), float(rng.uniform(-0.3, 0.1))
            q_radius = float(rng.choice([0.0, 300.0, 2_000.0]))
            t0 = int(rng.integers(0, 32)) * DAY + int(rng.integers(0, DAY))
            t1 = t0 + int(rng.integers(0, 15)) * DAY
            dist = haversine_m(lat, lon, np.full(n, q_lat), np.full(n, q_lon))
            touching = (start // SLAB_US <= t1 // SLAB_US) & (np.maximum(end, start) // SLAB_US >= t0 // SLAB_US)
            want = set(np.flatnonzero((dist <= radius + q_radius + 250.0) & touching).tolist())
            assert want <= index.near_set(q_lat, q_lon, q_radius, 250.0, t0, t1)
            cells, repeats = index.cells_near(q_lat, q_lon, q_radius, 250.0, t0, t1)
            listed = [row for cell in cells for row in cell]
            assert repeats or len(listed) == len(set(listed))
            assert not repeats or t1 // SLAB_US > t0 // SLAB_US
            checked += len(want)
    assert checked > 1_000


def test_radius_classes_merge_while_the_buffer_makes_their_cells_alike() -> None:
    """A class's cells are sized by the reach of two of its largest areas (both radii plus
    the buffer): with a 250 m buffer, 100 m and 800 m areas (reach 450 m and 1,850 m) share
    a class; without a buffer (200 m and 1,600 m) they do not, nor a 60 km area and 5 m
    ones whatever the buffer; the classes merged are neighbours, the smallest first."""

    def classes(radii: list[float], buffer: float) -> list[int]:
        found = reach_classes(np.array(radii), buffer).tolist()
        return [sorted(set(found)).index(c) for c in found]

    assert classes([100.0, 200.0, 300.0, 800.0], 250.0) == [0, 0, 0, 0]
    assert classes([100.0, 800.0], 0.0) == [0, 1]
    assert classes([5.0, 60_000.0], 250.0) == [0, 1]
    assert classes([0.0, 0.5, 3.0, 40.0, 900.0, 60_000.0], 250.0) == [0, 0, 0, 0, 1, 2]
    assert classes([0.0, 0.5, 3.0, 40.0], 0.0) == [0, 0, 1, 2]
    assert classes([], 250.0) == []


def _general(rules: list[object]) -> list[object]:
    """The same rules, with the proximity predicate wrapped so the fast path does not know it
    (the index then runs every rule through its general path, as for a plugin's rule)."""
    out: list[object] = []
    for rule in rules:
        if isinstance(rule, PairRule) and rule.key == "place":
            rule = attrs.evolve(rule, predicate=lambda frame, a, b, s: _within_reach(frame, a, b, s))
        out.append(rule)
    return out


def _seen(c: Conflict) -> tuple[object, ...]:
    """What a reader sees of a conflict. The capacity sentence lists the deployments
    involved in the order each path gathered them (the fast path names the new one first),
    so for capacity the sentence is compared as the set of its parts."""
    why: object = c.why
    if c.rule == "capacity":
        head, _sep, involved = c.why.partition("; deployments involved: ")
        why = (head, frozenset(involved.split(", ")))
    return (c.rule, c.deployment_ids, c.start, c.end, why)


def _fast_equals_general(seed: int, cases: int, choose: bool) -> int:
    """Seeded stored weeks and new or amended deployments, checked on the fast path and on the
    general path with the built-in rules (a random choice of them in random order if
    ``choose``): the conflicts (rule, deployments, window, reason), their order, the count and
    the hard flag agree. Returns how many conflicts were compared."""
    rng = random.Random(seed)
    compared = 0
    for case in range(cases):
        ds = random_deployments(rng, max_size=25)
        if not ds:
            continue
        stored, new = ds[:-1], ds[-1]
        if stored and rng.random() < 0.6:
            old = rng.choice(stored)
            new = attrs.evolve(
                old,
                start=new.start,
                end=new.end,
                location=new.location,
                officers=new.officers,
                staff_ids=new.staff_ids if choose else old.staff_ids,
            )
        rules = builtin_rules()
        if choose:
            rules = rng.sample(rules, rng.randint(1, len(rules)))
        settings = Settings(buffer_m=rng.choice([0.0, 150.0, 250.0]), rest_hours=rng.choice([0.0, 8.0, 11.0]))
        fast = DeconflictionIndex.build(stored, CAPACITIES, rules, settings)
        slow = DeconflictionIndex.build(stored, CAPACITIES, _general(rules), settings)  # type: ignore[arg-type]
        a, b = fast.check(new), slow.check(new)
        names = [r.name for r in rules]
        assert (a.count, a.hard) == (b.count, b.hard), f"case {case}: {names}"
        assert [_seen(c) for c in a.conflicts] == [_seen(c) for c in b.conflicts], f"case {case}: {names}"
        compared += a.count
    return compared


def test_fast_path_reports_what_the_general_path_reports_in_the_same_order() -> None:
    """Every built-in rule: the fast path reports what the general path reports."""
    assert _fast_equals_general(20251205, 600, choose=False) > 1_000


def test_fast_path_agrees_with_the_general_path_for_any_choice_and_order_of_rules() -> None:
    """Built-in rules chosen and ordered at random (person double-booking without rest, rest
    alone, rest before person, capacity first, ...): the fast path, which shares one walk of
    each officer's deployments between person double-booking and rest, reports what the
    general path reports."""
    assert _fast_equals_general(20261205, 400, choose=True) > 500


def test_the_place_index_holds_the_items_given_for_its_rows() -> None:
    """Given an item per row, a search finds the items of exactly the rows that a search of
    an index of the rows themselves finds, and says when an item may come more than once."""
    rng = np.random.default_rng(11)
    n = 300
    lat, lon, radius = _places(rng, n)
    start = rng.integers(0, 10, n) * DAY + rng.integers(0, DAY, n)
    end = start + rng.choice([0, 3_600_000_000, 2 * DAY, 40 * DAY], n)
    rows = np.arange(100, 100 + n, dtype=np.int64)
    items = [("item", int(r)) for r in rows.tolist()]
    plain = PlaceIndex(rows, lat, lon, radius, start, end, buffer_m=250.0)
    held = PlaceIndex(rows, lat, lon, radius, start, end, buffer_m=250.0, items=items)
    for _query in range(60):
        q_lat, q_lon, q_radius = _places(rng, 1)
        t0 = int(rng.integers(0, 12)) * DAY + int(rng.integers(0, DAY))
        t1 = t0 + int(rng.choice([0, 3_600_000_000, 3 * DAY]))
        want = plain.near_set(float(q_lat[0]), float(q_lon[0]), float(q_radius[0]), 250.0, t0, t1)
        got = held.near_set(float(q_lat[0]), float(q_lon[0]), float(q_radius[0]), 250.0, t0, t1)
        assert got == {("item", r) for r in want}
        cells, repeats = held.cells_near(float(q_lat[0]), float(q_lon[0]), float(q_radius[0]), 250.0, t0, t1)
        listed = [item for cell in cells for item in cell]
        assert set(listed) == got
        if not repeats:
            assert len(listed) == len(got)
