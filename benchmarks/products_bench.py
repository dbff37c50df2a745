"""Products benchmark: every built-in product of a synthetic week built from the store and
rendered in every format it offers, time per product and format, and the whole set.

    python benchmarks/products_bench.py [--nominals 1000] [--deployments 44] [--staff 60] [--casework 200]

The week is the demo's scale by default (1,000 nominals on each list, 44 deployments, a
60-person rota, a casework region of 200 nominals with their plans, contacts, orders and
pathways, six CT asset requests, a funding bid and its authorisation) in a memory store.
Baseline from the same run: ``json.dumps`` of each built product's data (the least any
format must do). Target: the whole set under 10 s. Builds print wall clock and CPU time, and
the renderings' CPU time is summed. Every product is built without ``--as-of`` (its default: the
latest data's day).
The first rendering of a format pays its imports (openpyxl, python-docx, python-pptx,
matplotlib); they are timed separately as "first use".
"""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any

from ctpse_core.products import build, products, render_product
from ctpse_core.reports import formats
from ctpse_core.storage import open_store
from ctpse_core.testing.products import USER, fill_week


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nominals", type=int, default=1000)
    parser.add_argument("--deployments", type=int, default=44)
    parser.add_argument("--staff", type=int, default=60)
    parser.add_argument("--casework", type=int, default=200)
    args = parser.parse_args()
    store = fill_week(open_store("memory://"), nominals=args.nominals, deployments=args.deployments,
                      staff=args.staff, casework=args.casework)
    installed = formats()
    first: dict[str, float] = {}
    rows: list[tuple[str, str, float, int]] = []
    render_cpu = 0.0
    builds: dict[str, tuple[float, float]] = {}
    baseline = 0.0
    start, cpu = time.perf_counter(), time.process_time()
    for name, spec in products().items():
        with store.unit_of_work(user=USER) as uow:
            t, c = time.perf_counter(), time.process_time()
            report = build(name, uow, None)
            builds[name] = (time.perf_counter() - t, time.process_time() - c)
        t = time.perf_counter()
        json.dumps(report.data(), default=str)
        baseline += time.perf_counter() - t
        for fmt in spec.formats:
            if fmt not in installed:
                continue
            t, c = time.perf_counter(), time.process_time()
            out: Any = render_product(name, report, fmt)
            took = time.perf_counter() - t
            render_cpu += time.process_time() - c
            size = sum(len(v) for v in out.values()) if isinstance(out, dict) else len(out)
            if fmt not in first:
                first[fmt] = took
                t, c = time.perf_counter(), time.process_time()
                render_product(name, report, fmt)
                took = time.perf_counter() - t
                render_cpu += time.process_time() - c
            rows.append((name, fmt, took, size))
    total, cpu = time.perf_counter() - start, time.process_time() - cpu
    load = os.getloadavg()[0]
    print(f"synthetic week: {args.nominals} nominals per list, {args.deployments} deployments, "
          f"{args.staff} staff, {args.casework} casework nominals; load average {load:.1f}")
    print(f"{'product':<30}{'format':<7}{'seconds':>9}{'bytes':>11}")
    for name, fmt, took, size in rows:
        print(f"{name:<30}{fmt:<7}{took:>9.3f}{size:>11,}")
    print()
    for name, (took, used) in builds.items():
        print(f"build {name:<30}{took:>8.3f} s wall {used:>8.3f} s CPU")
    print(f"builds: {sum(w for w, _ in builds.values()):.2f} s wall, {sum(c for _, c in builds.values()):.2f} s CPU")
    print("first use (imports) " + ", ".join(f"{f} {s:.2f} s" for f, s in first.items()))
    rendering = sum(r[2] for r in rows)
    print(f"baseline json.dumps of every product's data: {baseline:.3f} s")
    print(f"rendering every product in every format: {rendering:.3f} s "
          f"({len(rows)} files; {rendering / max(baseline, 1e-9):.0f}x the baseline)")
    print(f"CPU time of every rendering (first uses and their repeats included): {render_cpu:.2f} s")
    print(f"whole set (build + render, first uses included): {total:.2f} s wall clock, {cpu:.2f} s CPU "
          "(target < 10 s)")


if __name__ == "__main__":
    main()
