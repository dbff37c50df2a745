"""Both rota solvers on published Employee Shift Scheduling Benchmark instances.

Each instance file (Curtois and Qu text format, ``SECTION_HORIZON`` ...) is translated
with :func:`ctpse_core.rota.benchmark_format.read_benchmark`, solved with the built-in
solver and CP-SAT, checked with the independent validator (0 hard violations required)
and scored a second time by :func:`benchmark_objective`, which reads the instance text
itself and applies the format's own objective (under/over-cover weight x deviation plus
the weights of unmet shift-on and broken shift-off requests) to the solution. Gaps are
to the published optimum / best known value (schedulingbenchmarks.org, Curtois and Qu
2014). Instance files are public third-party data: keep them outside the repository.

    python benchmarks/rota_instances.py /tmp/nsp/Instance*.txt
        [--builtin-limit 60] [--cpsat-limit 60] [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections import Counter
from pathlib import Path

from ctpse_core.rota.benchmark_format import read_benchmark
from ctpse_core.rota.model import Roster
from ctpse_core.rota.solvers import solve, solvers

# Published optimum / best-known objective values, schedulingbenchmarks.org (instances 1-8).
BEST_KNOWN = {
    "Instance1": 607,
    "Instance2": 828,
    "Instance3": 1001,
    "Instance4": 1716,
    "Instance5": 1143,
    "Instance6": 1950,
    "Instance7": 1056,
    "Instance8": 1300,
}


def _rows(text: str) -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {}
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            current = line
            out[current] = []
        else:
            out[current].append([cell.strip() for cell in line.split(",")])
    return out


def benchmark_objective(text: str, roster: Roster, start: dt.date) -> int:
    """The instance's objective for ``roster``, computed from the instance text alone."""
    rows = _rows(text)
    given = {(a.staff_id, (a.day - start).days, a.shift) for a in roster.assignments}
    counts = Counter((day, shift) for _person, day, shift in given)
    total = 0
    for person, day, shift, weight in rows.get("SECTION_SHIFT_ON_REQUESTS", []):
        if (person, int(day), shift) not in given:
            total += int(weight)
    for person, day, shift, weight in rows.get("SECTION_SHIFT_OFF_REQUESTS", []):
        if (person, int(day), shift) in given:
            total += int(weight)
    for day, shift, need, under, over in rows["SECTION_COVER"]:
        have = counts[int(day), shift]
        total += int(under) * max(0, int(need) - have) + int(over) * max(0, have - int(need))
    return total


def _gap(value: int, best: int | None) -> str:
    return "-" if best is None or best == 0 else f"{100.0 * (value - best) / best:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--builtin-limit", type=float, default=60.0)
    parser.add_argument("--cpsat-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    names = [n for n in ("builtin", "cpsat") if n in solvers()]
    limits = {"builtin": args.builtin_limit, "cpsat": args.cpsat_limit}
    header = ["instance", "staff x days", "best known"]
    for n in names:
        header += [n, "gap %", "s"]
    table = [header]
    failed = False
    for path in args.paths:
        text = path.read_text(encoding="utf-8")
        problem = read_benchmark(path)
        best = BEST_KNOWN.get(path.stem)
        row = [path.stem, f"{len(problem.staff)} x {problem.days}", str(best or "?")]
        for n in names:
            t0 = time.perf_counter()
            result, report = solve(problem, n, seed=args.seed, time_limit=limits[n])
            seconds = time.perf_counter() - t0
            own = benchmark_objective(text, result.roster, problem.start)
            if report.hard_count or own != result.objective or own != report.soft_penalty:
                failed = True
                print(f"{path.stem} {n}: hard={report.hard_count} solver={result.objective} "
                      f"validator={report.soft_penalty} benchmark={own}", file=sys.stderr)
            row += [str(own), _gap(own, best), f"{seconds:.1f}"]
        table.append(row)
        print(" | ".join(row), flush=True)
    print()
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    print("| " + " | ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in table[1:]:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
    print(f"\nlimits: builtin {args.builtin_limit:g} s, cpsat {args.cpsat_limit:g} s; "
          f"{os.cpu_count()} cores; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
