"""The ``cpsat`` solver on one Curtois-Qu instance with a budget of processor time, not wall time.

On a shared machine a 60 s wall-clock run gets whatever CPU the other jobs leave, so
two variants run one after the other are not comparable. Here the solver runs on a
processor-time clock (all threads, from the start of the script, reading the instance
included): CP-SAT is stopped (``stop_search``) and the LNS ends once the process has used
``--cpu`` seconds, so the variants get the same work: 120 CPU seconds is what a 60 s run
gets on two quiet cores.

    nice -n 5 python benchmarks/rota_cpsat_cpu.py ../shared/benchmarks/shift-scheduling/Instance8.txt \\
        --cpu 120 --seed 1 [--workers 3 --full-workers 1] [--hint] [--lns-share 0.5]

Prints the objective, wall and CPU seconds and the load average, and CP-SAT's status and
bound where its stage ended (and the LNS's count of sub-problems) as log lines.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from pathlib import Path

from ctpse_ortools.cpsat import CpSatSolver

from ctpse_core.rota.benchmark_format import read_benchmark


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--cpu", type=float, default=120.0, help="processor seconds for the run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--full-workers", type=int, default=0, help="CP-SAT's num_full_subsolvers")
    parser.add_argument("--subsolvers", nargs="*", default=["max_lp"])
    parser.add_argument("--hint", action="store_true", help="the construction as CP-SAT's hint")
    parser.add_argument(
        "--lns-share", type=float, default=None, help="the LNS probe from this share of the time before the end"
    )
    parser.add_argument("--lns-work", type=float, default=None, help="deterministic time a sub-problem")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="  %(message)s")
    logging.getLogger("ctpse_ortools").setLevel(logging.INFO)
    t0, w0 = time.process_time(), time.perf_counter()
    problem = read_benchmark(args.path)
    options = {"lns_share": args.lns_share, "lns_work": args.lns_work}
    solver = CpSatSolver(
        workers=args.workers,
        full_workers=args.full_workers,
        subsolvers=tuple(args.subsolvers),
        hint=args.hint,
        clock=time.process_time,
        **{k: v for k, v in options.items() if v is not None},  # type: ignore[arg-type]
    )
    result = solver.solve(problem, seed=args.seed, time_limit=args.cpu - (time.process_time() - t0))
    print(
        f"{args.path.stem} seed {args.seed}: {result.objective} "
        f"wall {time.perf_counter() - w0:.1f} s cpu {time.process_time() - t0:.1f} s "
        f"load {os.getloadavg()[0]:.2f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
