"""Every installed rota solver on published Employee Shift Scheduling Benchmark instances.

Each instance file (Curtois and Qu text format, ``SECTION_HORIZON`` ...) is translated
with :func:`ctpse_core.rota.benchmark_format.parse_benchmark` (the file read once, as
``read_benchmark`` reads it), solved with each installed solver (builtin; cpsat and hybrid
with ctpse_ortools; the default, the strongest installed, is marked) for each seed, checked
with the independent validator (0 hard violations required) and scored a second time by
:func:`benchmark_objective`, which reads the instance text itself and applies the format's
own objective (under/over-cover weight x deviation plus the weights of unmet shift-on and
broken shift-off requests) to the solution. Gaps are to the published optimum / best known
value (schedulingbenchmarks.org, Curtois and Qu 2014). Instance files are public
third-party data: keep them outside the repository.

    nice -n 10 python benchmarks/rota_instances.py ../shared/benchmarks/shift-scheduling/Instance*.txt
        [--limit 60] [--seeds 1 2 3] [--solvers builtin cpsat hybrid]

One row per instance and seed: each solver's objective (``!`` after it when a hard rule
is broken), gap to best known (%) and seconds. The load average is printed at the end.
The CP-SAT solvers log to stderr where CP-SAT's stage ended (status, objective, bound,
seconds) and what the LNS after it did.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import time
from collections import Counter
from pathlib import Path

from ctpse_core.errors import InputError
from ctpse_core.rota.benchmark_format import parse_benchmark
from ctpse_core.rota.model import Roster
from ctpse_core.rota.solvers import DEFAULT_SEED, SolverError, default_solver, solve, solvers

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
    parser.add_argument("--limit", type=float, default=60.0, help="seconds per solver and run")
    parser.add_argument("--seeds", type=int, nargs="+", default=[DEFAULT_SEED, 2, 3])
    parser.add_argument("--solvers", nargs="+", default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="  %(name)s: %(message)s")
    logging.getLogger("ctpse_ortools").setLevel(logging.INFO)
    installed = solvers().names()
    unknown = [n for n in args.solvers or () if n not in installed]
    if unknown:
        # a solver asked for by name is never left out silently
        parser.error(f"--solvers: {', '.join(unknown)} not installed (installed: {', '.join(installed)})")
    missing = [str(p) for p in args.paths if not p.is_file()]
    if missing:
        parser.error(f"no such instance file: {', '.join(missing)}")
    names = [n for n in (args.solvers or ("builtin", "cpsat", "hybrid")) if n in installed]
    default = default_solver()
    header = ["instance", "seed", "staff x days", "best known"]
    for n in names:
        label = f"{n} (default)" if n == default else n
        header += [label, "gap %", "s"]
    table = [header]
    failed = False
    for path in args.paths:
        # read once, as read_benchmark does (undecodable bytes become the parser's faults),
        # and parsed and scored from the same text
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            problem = parse_benchmark(text, name=path.stem, where=str(path))
        except InputError as exc:
            print(f"error: {path}: {exc}", file=sys.stderr)
            sys.exit(2)
        best = BEST_KNOWN.get(path.stem)
        for seed in args.seeds:
            row = [path.stem, str(seed), f"{len(problem.staff)} x {problem.days}", str(best or "?")]
            for n in names:
                t0 = time.perf_counter()
                try:
                    result, report = solve(problem, n, seed=seed, time_limit=args.limit)
                except SolverError as exc:
                    print(f"{path.stem} {n} seed {seed}: {exc}", file=sys.stderr)
                    row += ["-", "-", f"{time.perf_counter() - t0:.1f}"]
                    failed = True
                    continue
                seconds = time.perf_counter() - t0
                own = benchmark_objective(text, result.roster, problem.start)
                if report.hard_count or own != result.objective or own != report.soft_penalty:
                    failed = True
                    print(f"{path.stem} {n} seed {seed}: hard={report.hard_count} {report.hard_by_rule()} "
                          f"solver={result.objective} validator={report.soft_penalty} benchmark={own}",
                          file=sys.stderr)
                mark = "!" if report.hard_count else ""
                row += [f"{own}{mark}", _gap(own, best), f"{seconds:.1f}"]
            table.append(row)
            print(" | ".join(row) + f"   (load {os.getloadavg()[0]:.2f})", flush=True)
    print()
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    print("| " + " | ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in table[1:]:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
    print(f"\nlimit {args.limit:g} s per solver and run; seeds {' '.join(map(str, args.seeds))}; "
          f"{os.cpu_count()} cores; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
