"""Deconfliction benchmark: all temporal conflicts (team double-booking) among N synthetic
deployments, by the sweep line, a naive O(n^2) scan, an SQLite self-join and the
``intervaltree`` package, in one run: time, peak memory, identical pair sets asserted.
Then p50/p99 latency of check() for one amended deployment against 1e5 stored.

    python benchmarks/deconfliction_bench.py [--sizes 1000,10000,100000,1000000]

The naive scan runs only up to --naive-max (default 10,000: 1e5 would take ~15 min);
SQLite and intervaltree up to --peer-max (default 100,000). Figures are printed.
"""

from __future__ import annotations

import argparse
import sqlite3
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np

from ctpse_core.deconfliction.frame import DeploymentFrame, Ints
from ctpse_core.deconfliction.index import DeconflictionIndex
from ctpse_core.deconfliction.rules import builtin_rules
from ctpse_core.synthetic.deployments import synthetic_week


def sweep(fr: DeploymentFrame) -> Ints:
    rule = builtin_rules()[0]  # team-double-booking
    from ctpse_core.deconfliction.model import Settings

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
    ap.add_argument("--checks", type=int, default=2000)
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
            ("SQLite self-join (indexed)", sqlite_join, args.peer_max),
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
    lat: list[float] = []
    hits = 0
    for k in rng.integers(0, len(deployments), args.checks).tolist():
        old = deployments[k]
        shift = int(rng.integers(-8, 9)) * 900
        import datetime as dt

        amended = attrs.evolve(
            old,
            start=old.start + dt.timedelta(seconds=shift),
            end=old.end + dt.timedelta(seconds=shift),
        )
        t = time.perf_counter()
        result = index.check(amended)
        lat.append((time.perf_counter() - t) * 1000)
        hits += len(result.conflicts)
    a = np.array(lat)
    print(
        f"checks: {len(a)}, conflicts reported: {hits}, p50 {np.percentile(a, 50):.2f} ms, "
        f"p99 {np.percentile(a, 99):.2f} ms, max {a.max():.2f} ms"
    )


if __name__ == "__main__":
    main()
