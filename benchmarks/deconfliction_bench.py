"""Deconfliction benchmark: all temporal conflicts (team double-booking) among N synthetic
deployments, by the sweep line, a naive O(n^2) scan, an SQLite self-join and the
``intervaltree`` package, in one run: time, peak memory, identical pair sets asserted.
Then p50/p99 latency of check() for one amended deployment against 1e5 stored (wall clock
and the thread's CPU time, which leaves out time the process waits for a core), beside
SQLite's R*Tree answering the same proximity query for the same amendments in the same run
(boxes on latitude, longitude and time, then the exact distance, operation and half-open
time test; the sets of proximity conflicts asserted equal) with the ratio printed, and every
built-in rule over 1e6 deployments.

    python benchmarks/deconfliction_bench.py [--sizes 1000,10000,100000,1000000]

The naive scan runs only up to --naive-max (default 10,000: 1e5 would take ~15 min);
SQLite and intervaltree up to --peer-max (default 100,000), SQLite alone up to --sqlite-max
when given (a named baseline at 1e6 in about a minute, where intervaltree takes many).
Figures are printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import sqlite3
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np

from ctpse_core.deconfliction.frame import DeploymentFrame, Ints, to_micros
from ctpse_core.deconfliction.index import DeconflictionIndex
from ctpse_core.deconfliction.model import Settings
from ctpse_core.deconfliction.rules import builtin_rules
from ctpse_core.deconfliction.spatial import EARTH_RADIUS_M
from ctpse_core.domain.surveillance import Deployment
from ctpse_core.synthetic.deployments import synthetic_week

M_PER_DEG = EARTH_RADIUS_M * math.pi / 180


class RTreePeer:
    """The proximity query on SQLite's R*Tree: each stored deployment a box (its area's
    latitude/longitude bounds, its time in minutes), the query box the new area plus the
    buffer; the rows found are then tested exactly (distance <= radii + buffer, another
    operation, half-open overlap), as the proximity rule does."""

    def __init__(self, deployments: list[Deployment], buffer_m: float) -> None:
        self.buffer = buffer_m
        self.t0 = min(to_micros(d.start) for d in deployments)
        self.con = sqlite3.connect(":memory:")
        self.con.execute("create virtual table r using rtree(k, lat0, lat1, lon0, lon1, t0, t1)")
        self.rows: list[tuple[str, str, float, float, float, int, int]] = []
        boxes = []
        for k, d in enumerate(deployments):
            assert d.location is not None
            loc = d.location
            s, e = to_micros(d.start), to_micros(d.end)
            self.rows.append((d.id, d.operation_id, loc.lat, loc.lon, loc.radius_m, s, e))
            boxes.append((k, *self._box(loc.lat, loc.lon, loc.radius_m), self._minutes(s), self._minutes(e)))
        self.con.executemany("insert into r values (?,?,?,?,?,?,?)", boxes)

    def _minutes(self, micros: int) -> float:
        return (micros - self.t0) / 60e6

    @staticmethod
    def _box(lat: float, lon: float, metres: float) -> tuple[float, float, float, float]:
        m = metres * 1.001 + 1.0
        dlat = m / M_PER_DEG
        dlon = m / (M_PER_DEG * max(math.cos(math.radians(min(90.0, abs(lat) + dlat))), 1e-9))
        return lat - dlat, lat + dlat, lon - dlon, lon + dlon

    def proximity(self, d: Deployment) -> set[str]:
        assert d.location is not None
        loc = d.location
        s, e = to_micros(d.start), to_micros(d.end)
        lat0, lat1, lon0, lon1 = self._box(loc.lat, loc.lon, loc.radius_m + self.buffer)
        found = self.con.execute(
            "select k from r where lat0 <= ? and lat1 >= ? and lon0 <= ? and lon1 >= ? and t0 < ? and t1 > ?",
            (lat1, lat0, lon1, lon0, self._minutes(e), self._minutes(s)),
        ).fetchall()
        out: set[str] = set()
        p1, l1 = math.radians(loc.lat), math.radians(loc.lon)
        for (k,) in found:
            rid, op, lat, lon, radius, rs, re_ = self.rows[k]
            if rid == d.id or op == d.operation_id or not (rs < e and s < re_ and rs < re_ and s < e):
                continue
            p2 = math.radians(lat)
            dl = math.radians(lon) - l1
            h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
            if 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(h, 1.0))) <= loc.radius_m + radius + self.buffer:
                out.add(rid)
        return out


def sweep(fr: DeploymentFrame) -> Ints:
    rule = builtin_rules()[0]  # team-double-booking
    return rule.detect(fr, Settings()).pairs


def naive(fr: DeploymentFrame) -> Ints:
    team, s, e = fr.team.tolist(), fr.start.tolist(), fr.end.tolist()
    out = []
    for i in range(len(team)):
        for j in range(i + 1, len(team)):
            if team[i] == team[j] and s[i] < e[j] and s[j] < e[i]:
                out.append((i, j))
    return np.array(out, dtype=np.int64).reshape(-1, 2)


def sqlite_join(fr: DeploymentFrame) -> Ints:
    con = sqlite3.connect(":memory:")
    con.execute("create table d (id integer primary key, team integer, s integer, e integer)")
    con.executemany(
        "insert into d values (?,?,?,?)",
        zip(range(len(fr)), fr.team.tolist(), fr.start.tolist(), fr.end.tolist(), strict=True),
    )
    con.execute("create index d_team_s on d (team, s)")
    rows = con.execute(
        "select a.id, b.id from d a join d b on a.team = b.team and b.s >= a.s and b.s < a.e "
        "and b.id != a.id and (b.s > a.s or b.id > a.id) where a.e > a.s and b.e > b.s"
    ).fetchall()
    con.close()
    pairs = np.array(rows, dtype=np.int64).reshape(-1, 2)
    return np.sort(pairs, axis=1)


def interval_tree(fr: DeploymentFrame) -> Ints:
    from intervaltree import IntervalTree

    out = []
    team, s, e = fr.team, fr.start.tolist(), fr.end.tolist()
    for t in np.unique(team).tolist():
        rows = np.flatnonzero(team == t).tolist()
        tree = IntervalTree.from_tuples((s[r], e[r], r) for r in rows if e[r] > s[r])
        for r in rows:
            if e[r] > s[r]:
                out.extend((r, iv.data) for iv in tree.overlap(s[r], e[r]) if iv.data > r)
    return np.array(out, dtype=np.int64).reshape(-1, 2)


def measure(fn: Callable[[DeploymentFrame], Ints], fr: DeploymentFrame) -> tuple[float, float, Any]:
    tracemalloc.start()
    t0 = time.perf_counter()
    result = fn(fr)
    elapsed = time.perf_counter() - t0
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak / 2**20, result


def as_set(pairs: Ints) -> set[tuple[int, int]]:
    p = np.sort(pairs, axis=1)
    return set(map(tuple, p.tolist()))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000,1000000")
    ap.add_argument("--naive-max", type=int, default=10_000)
    ap.add_argument("--peer-max", type=int, default=100_000)
    ap.add_argument("--sqlite-max", type=int, default=None, help="SQLite self-join up to this n (default --peer-max)")
    ap.add_argument("--checks", type=int, default=2000)
    ap.add_argument("--allocate", default="60,200,500", help="request counts to allocate ('' to skip)")
    ap.add_argument("--rules-n", type=int, default=1_000_000, help="all rules at this size (0: skip)")
    args = ap.parse_args()
    print("## all temporal conflicts (team double-booking)")
    print("| n | method | seconds | peak MiB | pairs | same as sweep |")
    print("|---|---|---|---|---|---|")
    for n in [int(x) for x in args.sizes.split(",")]:
        fr = synthetic_week(n, seed=11).frame
        secs, mem, ref = measure(sweep, fr)
        ref_set = as_set(ref)
        print(f"| {n:,} | sweep line (numpy) | {secs:.3f} | {mem:.0f} | {len(ref):,} | - |")
        peers: list[tuple[str, Callable[[DeploymentFrame], Ints], int]] = [
            ("naive O(n^2) scan", naive, args.naive_max),
            ("SQLite self-join (indexed)", sqlite_join, args.peer_max if args.sqlite_max is None else args.sqlite_max),
            ("intervaltree", interval_tree, args.peer_max),
        ]
        for name, fn, limit in peers:
            if n > limit:
                print(f"| {n:,} | {name} | not run (n > {limit:,}) | | | |")
                continue
            secs2, mem2, got = measure(fn, fr)
            same = as_set(got) == ref_set
            assert same, f"{name} disagrees with the sweep line at n={n}"
            print(
                f"| {n:,} | {name} | {secs2:.3f} | {mem2:.0f} | {len(got):,} | yes "
                f"({secs2 / secs:.0f}x slower) |"
            )
    print()
    print("## check() of one amended deployment against 100,000 stored")
    week = synthetic_week(100_000, seed=12)
    deployments = week.deployments()
    t0 = time.perf_counter()
    index = DeconflictionIndex.build(deployments, week.teams, builtin_rules())
    print(f"index build: {time.perf_counter() - t0:.2f} s")
    rng = np.random.default_rng(5)
    amended = []
    for k in rng.integers(0, len(deployments), args.checks).tolist():
        old = deployments[k]
        shift = dt.timedelta(seconds=int(rng.integers(-8, 9)) * 900)
        amended.append(attrs.evolve(old, start=old.start + shift, end=old.end + shift))
    for d in amended[:50]:  # warm up (imports, caches)
        _ = index.check(d).conflicts
    rtree_vs_check(deployments, index, amended)
    print("| measured | p50 ms | p99 ms | max ms | conflicts |")
    print("|---|---|---|---|---|")
    for label, explain in (("status and count (explained on demand)", False), ("status and explained conflicts", True)):
        wall: list[float] = []
        cpu: list[float] = []
        hits = 0
        for d in amended:
            t, c = time.perf_counter(), time.thread_time()
            result = index.check(d)
            hits += len(result.conflicts) if explain else result.count
            cpu.append((time.thread_time() - c) * 1000)
            wall.append((time.perf_counter() - t) * 1000)
        for kind, values in (("wall clock", wall), ("CPU time of the thread", cpu)):
            a = np.array(values)
            print(
                f"| {label}, {kind} | {np.percentile(a, 50):.2f} | {np.percentile(a, 99):.2f} | "
                f"{a.max():.2f} | {hits:,} |"
            )
    if args.rules_n:
        print()
        print(f"## every built-in rule over {args.rules_n:,} deployments (rule.detect, one run each)")
        frame = synthetic_week(args.rules_n, seed=11).frame
        settings = Settings()
        print("| rule | seconds | conflicts |")
        print("|---|---|---|")
        total = 0.0
        for rule in builtin_rules():
            t = time.perf_counter()
            found = rule.detect(frame, settings)
            secs = time.perf_counter() - t
            total += secs
            print(f"| {rule.name} | {secs:.2f} | {len(found):,} |")
        print(f"| all six | {total:.2f} | |")
    if args.allocate:
        from ctpse_core.deconfliction.allocation import Availability, allocate
        from ctpse_core.synthetic.tasking import synthetic_tasking

        print()
        print("## allocation of a synthetic week's requests (MILP, HiGHS, proven optimal)")
        print("| requests | teams | variables | constraints | seconds | allocated | coverage / possible |")
        print("|---|---|---|---|---|---|---|")
        for n in [int(x) for x in args.allocate.split(",")]:
            tasking = synthetic_tasking(n, seed=3)
            plan = allocate(
                tasking.requests,
                tasking.teams or (),
                Availability(staff=tasking.staff or (), leave=tasking.leave or (), unavailable=tasking.unavailable),
                operations=tasking.operations or (),
                rules=builtin_rules(),
            )
            print(
                f"| {n:,} | {len(tasking.teams or ())} | {plan.variables:,} | {plan.rows:,} | {plan.seconds:.2f} | "
                f"{len(plan.assignments):,} | {plan.coverage:,} / {plan.requested:,} |"
            )

def rtree_vs_check(deployments: list[Deployment], index: DeconflictionIndex, amended: list[Deployment]) -> None:
    """p50 of the R*Tree's proximity query against check() (every rule) on the same
    amendments, interleaved so both see the same load; the proximity sets asserted equal."""
    t0 = time.perf_counter()
    peer = RTreePeer(deployments, index.settings.buffer_m)
    print(f"R*Tree build: {time.perf_counter() - t0:.2f} s")
    for d in amended[:300]:
        mine = {i for c in index.check(d).conflicts if c.rule == "proximity" for i in c.deployment_ids} - {d.id}
        assert mine == peer.proximity(d), f"R*Tree and check() disagree on {d.id}"
    rt: list[float] = []
    ours: list[float] = []
    for _round in range(3):
        for d in amended:
            c = time.thread_time()
            peer.proximity(d)
            rt.append((time.thread_time() - c) * 1000)
            c = time.thread_time()
            _ = index.check(d).count
            ours.append((time.thread_time() - c) * 1000)
    p_rt, p_ours = float(np.percentile(rt, 50)), float(np.percentile(ours, 50))
    load = os.getloadavg()[0]
    print("| measured (CPU time of the thread, 3 rounds) | p50 ms | p99 ms |")
    print("|---|---|---|")
    print(f"| SQLite R*Tree, proximity query + exact test | {p_rt:.3f} | {np.percentile(rt, 99):.3f} |")
    print(f"| check(), every rule, status and count | {p_ours:.3f} | {np.percentile(ours, 99):.3f} |")
    print(f"check() / R*Tree p50 ratio: {p_ours / p_rt:.2f} (target 2 or less); load average {load:.1f}")
    print()


if __name__ == "__main__":
    main()
