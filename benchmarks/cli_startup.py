"""Start-up benchmark: ``ctpse --help`` against ``python -c "import click"`` (the baseline).

    python benchmarks/cli_startup.py [--runs 21]

Both commands run alternately in fresh processes; the script prints the median wall time and
the median CPU time (user + system, of the child process: the steadier figure on a shared
machine) of each, and their ratio. The goal (issue 13): ``ctpse --help`` within 3x the
baseline. What keeps it there: the built-in commands are registered lazily (name, import
path and one-line help; see ``ctpse_core/cli/lazy.py``), so ``--help`` imports none of their
modules, and plugins' entry-point modules stay light.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASELINE = [sys.executable, "-c", "import click"]


def _ctpse() -> list[str]:
    script = Path(sys.executable).with_name("ctpse")
    found = str(script) if script.exists() else shutil.which("ctpse")
    if found is None:
        sys.exit("ctpse is not installed in this environment (pip install -e .)")
    return [found, "--help"]


def _once(command: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env={**os.environ, "CTPSE_QUIET": "1"})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    ctpse = _ctpse()
    _once(BASELINE), _once(ctpse)  # warm the file cache (and .pyc files)
    times: dict[str, list[tuple[float, float]]] = {"import click": [], "ctpse --help": []}
    for _ in range(args.runs):
        times["import click"].append(_once(BASELINE))
        times["ctpse --help"].append(_once(ctpse))
    medians = {
        name: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
        for name, runs in times.items()
    }
    print(f"{args.runs} runs each, load average {os.getloadavg()[0]:.1f}")
    print(f"{'command':<16}{'wall ms':>10}{'cpu ms':>10}")
    for name, (wall, cpu) in medians.items():
        print(f"{name:<16}{wall * 1000:>10.0f}{cpu * 1000:>10.0f}")
    (base_wall, base_cpu), (wall, cpu) = medians["import click"], medians["ctpse --help"]
    print(f"ratio ctpse --help / import click: wall {wall / base_wall:.2f}x, cpu {cpu / base_cpu:.2f}x (goal: <= 3x)")


if __name__ == "__main__":
    main()
