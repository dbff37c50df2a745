"""Rota solvers side by side on the synthetic CT instance (60 staff, 6 roles, 13 weeks).

Prints, for the built-in local search and (when ctpse_ortools is installed) OR-Tools
CP-SAT: wall-clock solve time, objective (soft penalty), hard violations per the
independent validator, coverage and balance. Run:

    python benchmarks/rota_bench.py [--staff 60] [--weeks 13] [--seed 1]
        [--builtin-limit 120] [--cpsat-limit 60]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

from ctpse_core.rota.quality import quality
from ctpse_core.rota.solvers import solve, solvers
from ctpse_core.rota.synth import synthetic_ct_problem


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=60)
    parser.add_argument("--weeks", type=int, default=13)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--builtin-limit", type=float, default=120.0)
    parser.add_argument("--cpsat-limit", type=float, default=60.0)
    args = parser.parse_args()
    problem = synthetic_ct_problem(staff=args.staff, weeks=args.weeks, seed=args.seed)
    print(f"instance: {problem.name} ({len(problem.staff)} staff, {len(problem.roles)} roles, "
          f"{problem.days} days, {sum(c.requirement for c in problem.cover)} shifts to cover)")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    limits = {"builtin": args.builtin_limit, "cpsat": args.cpsat_limit}
    rows = []
    for name in ("builtin", "cpsat"):
        if name not in solvers():
            print(f"{name}: not installed (pip install -e plugins/ctpse_ortools)")
            continue
        cpu0, t0 = time.process_time(), time.perf_counter()
        result, report = solve(problem, name, seed=args.seed, time_limit=limits[name])
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        q = quality(problem, result.roster, report)
        rows.append((name, f"{limits[name]:g}", f"{wall:.1f}", f"{cpu:.1f}", str(result.objective),
                     str(report.hard_count), f"{q.coverage:.2f}", f"{q.balance:.4f}"))
    header = ("solver", "limit s", "wall s", "cpu s", "objective", "hard", "coverage %", "balance")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
