"""Deconfliction benchmark: all temporal conflicts (team double-booking) among N synthetic
deployments, by the sweep line, a naive O(n^2) scan, an SQLite self-join and the
``intervaltree`` package, in one run: time, peak memory, identical pair sets asserted.
Then p50/p99 latency of check() for one amended deployment against 1e5 stored (wall clock
and the thread's CPU time, which leaves out time the process waits for a core), and every
built-in rule over 1e6 deployments.

    python benchmarks/deconfliction_bench.py [--sizes 1000,10000,100000,1000000]

The naive scan runs only up to --naive-max (default 10,000: 1e5 would take ~15 min);
SQLite and intervaltree up to --peer-max (default 100,000). Figures are printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np

from ctpse_core.deconfliction.frame import DeploymentFrame, Ints
from ctpse_core.deconfliction.index import DeconflictionIndex
from ctpse_core.deconfliction.model import Settings
from ctpse_core.deconfliction.rules import builtin_rules
from ctpse_core.synthetic.deployments import synthetic_week


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
    amended = []
    for k in rng.integers(0, len(deployments), args.checks).tolist():
        old = deployments[k]
        shift = dt.timedelta(seconds=int(rng.integers(-8, 9)) * 900)
        amended.append(attrs.evolve(old, start=old.start + shift, end=old.end + shift))
    for d in amended[:50]:  # warm up (imports, caches)
        _ = index.check(d).conflicts
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

if __name__ == "__main__":
    main()
