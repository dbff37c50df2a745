"""Reconcile a regional nominal list against the national (JCTPPH) list from Python.

    python examples/reconcile_lists.py                      # two synthetic lists
    python examples/reconcile_lists.py REGIONAL.csv NATIONAL.csv

Prints the summary, the first field discrepancies and how many corrections go back to JCTPPH.
All data made here is synthetic and fictional.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from ctpse_core.reconcile import read_table, reconcile
from ctpse_core.synthetic.nominals import write_nominal_lists


def run(regional: Path, national: Path) -> None:
    left, _ = read_table("regional", regional)
    right, _ = read_table("national", national)
    result = reconcile(left, right)
    for key, value in result.summary().items():
        print(f"{key.replace('_', ' ')}: {value}")
    for d in result.discrepancies[:3]:
        print(f"  {d.left} / {d.right}: {d.field} {d.left_value!r} vs {d.right_value!r}")
    print(f"correction set: {len(result.corrections)} rows for JCTPPH")


def main(argv: list[str]) -> None:
    if len(argv) == 2:
        run(Path(argv[0]), Path(argv[1]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_nominal_lists(folder, count=300, seed=11)
        run(folder / "regional.csv", folder / "national.csv")


if __name__ == "__main__":
    main(sys.argv[1:])
