"""Overtime forecast benchmark: a year of a region's deployments and on-call shifts (about
50,000 by default) priced under the built-in pay rules, then one amendment (a deployment
moved by a day) re-priced incrementally, printed beside the naive baseline of a full
recomputation after the same amendment (same run). Asserts the incremental result equals
the full one.

    python benchmarks/overtime_bench.py [--deployments 40000] [--shifts 10000] [--repeat 5]

Goals (issue 19): the year in under 2 s; one amendment in under 20 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time

import attrs

from ctpse_core.domain.common import LONDON, Provenance
from ctpse_core.domain.staff import Rota, Shift, Staff
from ctpse_core.domain.surveillance import Deployment, Location
from ctpse_core.finance import builtin_pay_rules, deployment_duties, duties_from, forecast

RANKS = ("DC", "DC", "DC", "PC", "DS", "PS", "DI", "SO2")


def year(deployments: int, shifts: int, seed: int = 1) -> tuple[list[Deployment], Rota, list[Staff]]:
    rng = random.Random(seed)
    staff = [Staff(id=f"s{i:04d}", forenames="Sam", surname=f"Example{i}", rank=rng.choice(RANKS))
             for i in range(400)]
    first = dt.datetime(2025, 4, 1, tzinfo=LONDON)
    out = []
    for i in range(deployments):
        start = (first + dt.timedelta(days=rng.randrange(365))).replace(hour=rng.choice([5, 6, 8, 14, 18, 20, 22]))
        start = start.astimezone(dt.UTC)
        named = tuple(sorted({rng.choice(staff).id for _ in range(rng.randint(0, 2))}))
        out.append(Deployment(
            id=f"dep-{i:06d}", operation_id=f"op-{rng.randrange(60):03d}", team_id=f"SV-{rng.randrange(8)}",
            start=start, end=start + dt.timedelta(hours=rng.choice([4, 6, 8, 10, 12])), staff_ids=named,
            officers=max(1, len(named)),
            location=Location(lat=51.3 + rng.random() * (2.0 if rng.random() < 0.1 else 0.5), lon=-0.5),
            provenance=Provenance(source="bench", received_at=start - dt.timedelta(days=rng.randrange(40))),
        ))
    rota_shifts = []
    for i in range(shifts):
        start = (first + dt.timedelta(days=i % 365)).replace(hour=17).astimezone(dt.UTC)
        rota_shifts.append(Shift(role_id=f"role-{i // 365}", staff_id=rng.choice(staff).id, start=start,
                                 end=start + dt.timedelta(hours=15)))
    rota = Rota(id="rota-year", first_day=first.date(), last_day=first.date() + dt.timedelta(days=365),
                shifts=tuple(rota_shifts))
    return out, rota, staff


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--deployments", type=int, default=40_000)
    ap.add_argument("--shifts", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    rules = builtin_pay_rules()
    deployments, rota, staff = year(args.deployments, args.shifts)
    people = {s.id: s for s in staff}
    print(f"load average {os.getloadavg()[0]:.2f}; {len(deployments):,} deployments + {len(rota.shifts):,} "
          "on-call shifts over a year")
    full_times, full_cpu = [], []
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.thread_time()
        duties = duties_from(deployments, [rota], staff, rules)
        fc = forecast(duties.duties, rules)
        full_times.append(time.perf_counter() - t0)
        full_cpu.append(time.thread_time() - c0)
    print(f"full forecast (records -> duties -> lines -> totals): {len(fc):,} duties, "
          f"{sum(1 for _ in fc.lines()):,} lines, £{fc.total_pence / 100:,.2f}; "
          f"median {statistics.median(full_times):.3f} s wall, best {min(full_times):.3f} s; "
          f"CPU (this thread) median {statistics.median(full_cpu):.3f} s")
    rng = random.Random(2)
    inc, inc_cpu, naive = [], [], []
    for _ in range(args.repeat * 4):
        d = rng.choice(deployments)
        moved = attrs.evolve(d, start=d.start + dt.timedelta(days=1), end=d.end + dt.timedelta(days=1),
                             provenance=Provenance(source="bench", received_at=d.start - dt.timedelta(days=3)))
        t0, c0 = time.perf_counter(), time.thread_time()
        new = deployment_duties(moved, people, rules)
        new_ids = {x.id for x in new}
        diff = fc.amend(new, [i for i in fc.duties_of(d.id) if i not in new_ids])
        inc.append(time.perf_counter() - t0)
        inc_cpu.append(time.thread_time() - c0)
        deployments[deployments.index(d)] = moved
        t0 = time.perf_counter()
        fresh = forecast(duties_from(deployments, [rota], staff, rules).duties, rules)
        naive.append(time.perf_counter() - t0)
        assert fresh.total_pence == fc.total_pence, (fresh.total_pence, fc.total_pence)
        assert fresh.totals("week") == fc.totals("week")
        del diff
    print(f"one amendment, incremental: median {statistics.median(inc) * 1000:.2f} ms, "
          f"max {max(inc) * 1000:.2f} ms wall ({len(inc)} amendments); CPU median "
          f"{statistics.median(inc_cpu) * 1000:.2f} ms")
    print(f"one amendment, naive full recompute (baseline): median {statistics.median(naive) * 1000:.0f} ms; "
          f"incremental is {statistics.median(naive) / statistics.median(inc):,.0f}x faster; results equal")


if __name__ == "__main__":
    main()
