"""``ctpse demo`` benchmark: the whole weekly cycle on a fresh SQLite store, each step timed,
then a second run on the same store; wall clock and CPU time beside the load average.

    nice -n 10 python benchmarks/demo_bench.py [--scale 1000] [--baseline]

Target: the first run under 60 s on the shared 2-core machine. ``--baseline`` also runs the
named baseline in the same process: the same demo with the SQL store's structured-record cache
off (every read parses and validates each stored record again, as before the cache), on its own
fresh store. Wall clock on a loaded machine mostly measures the other processes; the process's
CPU time (``time.process_time``) is printed beside it.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from ctpse_core.demo import DemoContext, run_demo
from ctpse_core.storage import open_store
from ctpse_core.storage.structured import StructuredCache


def run(folder: Path, scale: int, cache: bool, label: str) -> None:
    store = open_store(f"sqlite:///{folder / 'demo.sqlite'}")
    if not cache:
        store.structured = StructuredCache(limit=0)  # type: ignore[attr-defined]
    try:
        for number in (1, 2):
            wall, cpu = time.perf_counter(), time.process_time()
            ctx = DemoContext(store=store, out=folder / f"out{number}", scale=scale, user="demo")
            marks: list[tuple[str, float, float]] = []
            ctx.progress = lambda title, marks=marks: marks.append((title, time.perf_counter(), time.process_time()))
            run_demo(ctx)
            end = (time.perf_counter(), time.process_time())
            total = (end[0] - wall, end[1] - cpu)
            print(f"{label}, run {number}: wall {total[0]:.1f} s, CPU {total[1]:.1f} s, "
                  f"load average {os.getloadavg()[0]:.1f}")
            if number == 1:
                for (title, w, c), (_, w2, c2) in zip(marks, [*marks[1:], ("end", *end)], strict=True):
                    print(f"    {title:<70} wall {w2 - w:6.1f} s  CPU {c2 - c:6.1f} s")
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1000)
    parser.add_argument("--baseline", action="store_true", help="also the demo with the record cache off")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "a").mkdir()
        run(Path(tmp) / "a", args.scale, True, "ctpse demo")
        if args.baseline:
            (Path(tmp) / "b").mkdir()
            run(Path(tmp) / "b", args.scale, False, "baseline (record cache off)")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
