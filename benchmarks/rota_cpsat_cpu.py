"""CP-SAT on one Curtois-Qu instance with a budget of processor time, not wall time.

On a shared machine a 60 s wall-clock run gets whatever CPU the other jobs leave, so
two variants run one after the other are not comparable. Here a watcher thread stops
CP-SAT (``stop_search``) once the process has used ``--cpu`` seconds of processor time
(all threads, from the start of the run, the construction included), so the variants get
the same work: 120 CPU seconds is what a 60 s run gets on two quiet cores.

    nice -n 5 python benchmarks/rota_cpsat_cpu.py ../shared/benchmarks/shift-scheduling/Instance8.txt \\
        --cpu 60 --seed 1 [--workers 3 --full-workers 1] [--no-hint]

Prints the objective, CP-SAT's bound, wall and CPU seconds and the load average. The
model and hint are the ``cpsat`` solver's (``ctpse_ortools.cpsat``).
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from pathlib import Path

from ctpse_ortools.cpsat import build_model
from ortools.sat.python import cp_model

from ctpse_core.rota.benchmark_format import read_benchmark
from ctpse_core.rota.compiled import compile_problem
from ctpse_core.rota.search import LocalSearchSolver


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--cpu", type=float, default=60.0, help="processor seconds for the run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--full-workers", type=int, default=0, help="CP-SAT's num_full_subsolvers")
    parser.add_argument("--subsolvers", nargs="*", default=["max_lp"])
    parser.add_argument("--no-hint", action="store_true", help="no construction as the hint")
    args = parser.parse_args()
    t0, w0 = time.process_time(), time.perf_counter()
    problem = read_benchmark(args.path)
    c = compile_problem(problem)
    built = build_model(c)
    if not args.no_hint:
        built.hint(c.schedule_of(LocalSearchSolver().construct(problem, seed=args.seed)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = args.workers
    solver.parameters.num_full_subsolvers = args.full_workers
    solver.parameters.random_seed = args.seed
    solver.parameters.subsolvers.extend(args.subsolvers)
    done = threading.Event()

    def watch() -> None:
        while time.process_time() - t0 < args.cpu and not done.wait(0.2):
            pass
        solver.stop_search()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    status = solver.solve(built.model)
    done.set()
    print(
        f"{args.path.stem} seed {args.seed}: {solver.status_name(status)} "
        f"{round(solver.objective_value)} bound {round(solver.best_objective_bound)} "
        f"wall {time.perf_counter() - w0:.1f} s cpu {time.process_time() - t0:.1f} s "
        f"load {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
