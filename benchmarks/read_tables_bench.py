"""Reading only: ``read_table`` of a folder's regional.csv then national.csv, in this process.

Prints per file the wall clock and CPU time (``time.process_time``), the rows kept and
rejected, and with ``--digest`` a SHA-256 over everything the table and the rejected rows
hold (record IDs, every column, headers, date formats, blanked fields, the list's vocabulary
and date style, unused and missing columns, each rejected row's number, problems and raw
cells), so two versions of the reader can be shown to give the same tables::

    python benchmarks/reconcile_bench.py --sizes 100000 --work /tmp/lists   # writes the lists
    /usr/bin/time -v python benchmarks/read_tables_bench.py /tmp/lists/n100000 --digest
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ctpse_core.feeds.load import RejectedRow
    from ctpse_core.reconcile.table import NominalTable


def _digest(table: NominalTable, rejected: list[RejectedRow]) -> str:
    h = hashlib.sha256()
    t = table
    head = (t.ids, sorted(t.columns), t.headers, t.date_formats, t.invalid, t.written, t.date_style,
            t.unused_columns, t.missing_columns)
    h.update(repr(head).encode())
    for name in sorted(t.columns):
        h.update(repr((name, t.columns[name])).encode())
    h.update(repr([(r.row, r.problems, r.raw) for r in rejected]).encode())
    return h.hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="folder with regional.csv and national.csv")
    parser.add_argument("--digest", action="store_true", help="print a digest of each table and its rejected rows")
    args = parser.parse_args()
    from ctpse_core.reconcile import read_table

    total = 0.0
    for feed in ("regional", "national"):
        wall, cpu = time.perf_counter(), time.process_time()
        table, rejected = read_table(feed, args.folder / f"{feed}.csv")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        total += cpu
        line = f"{feed:>9}: CPU {cpu:.1f} s  wall {wall:.1f} s  rows {len(table):,}  rejected {len(rejected):,}"
        if args.digest:
            line += f"  digest {_digest(table, list(rejected))}"
        print(line, flush=True)
        del table, rejected
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"both: CPU {total:.1f} s  peak {peak:,.0f} MB  load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
