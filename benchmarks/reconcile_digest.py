"""A digest of every output of ``reconcile()`` on the benchmark's lists: to hold a change to
the engine to the same result (not just the same accuracy).

    python benchmarks/reconcile_digest.py DIR/n200000              # both lists read, reconciled
    python benchmarks/reconcile_digest.py DIR/n200000 --parallel on # the second process forced on
    python benchmarks/reconcile_digest.py DIR/n200000 --parallel off

DIR/nSIZE is a folder ``benchmarks/reconcile_bench.py`` wrote (regional.csv, national.csv).
The digest covers each match (IDs, probability, weight, basis, evidence), possible matches,
only-left and only-right, both lists' duplicate clusters, discrepancies, identifier conflicts,
headcount, the correction set (headers, rows, IDs, fields), incomplete records, the model and
the stats but timings; floats are hashed exactly (``repr``). ``--parts`` prints one digest per
output, to find which one moved.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def _hash(lines: Iterable[Any]) -> str:
    h = hashlib.sha256()
    for line in lines:
        h.update(repr(line).encode())
        h.update(b"\n")
    return h.hexdigest()[:16]


def parts(result: Any) -> dict[str, str]:
    def ev(source: Any) -> Any:
        return [tuple(e) for e in source]

    stats = {k: v for k, v in result.stats.items() if k not in ("seconds", "cpu_seconds")}
    return {
        "matches": _hash((m.left, m.right, m.probability, m.weight, m.basis, ev(m.evidence)) for m in result.matches),
        "possible_matches": _hash(
            (p.left, p.right, p.probability, p.weight, p.reason, ev(p.evidence)) for p in result.possible_matches
        ),
        "only": _hash([result.only_left, result.only_right]),
        "duplicates": _hash(
            (c.side, c.ids, c.probability) for c in [*result.duplicates_left, *result.duplicates_right]
        ),
        "discrepancies": _hash(
            (d.left, d.right, d.field, d.left_value, d.right_value, d.kind) for d in result.discrepancies
        ),
        "conflicts": _hash((c.left, c.right, c.identifiers, c.conflicting) for c in result.identifier_conflicts),
        "headcount": _hash(
            (h.dimension, h.value, h.left, h.right, sorted(h.explained.items())) for h in result.headcount
        ),
        "corrections": _hash(
            [result.correction_headers, result.correction_ids, result.correction_fields]
            + [sorted(r.items()) for r in result.corrections]
        ),
        "incomplete": _hash(sorted(result.incomplete.items())),
        "model": _hash(result.model),
        "stats": _hash(sorted((k, repr(v)) for k, v in stats.items())),
        "rest": _hash([result.left_source, result.right_source, result.left_count, result.right_count, result.marking]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--parallel", choices=("default", "on", "off"), default="default")
    parser.add_argument("--parts", action="store_true", help="one digest per output")
    args = parser.parse_args()

    from ctpse_core.reconcile import ReconcileConfig, read_table, reconcile

    start = time.process_time()
    left, _ = read_table("regional", args.folder / "regional.csv")
    right, _ = read_table("national", args.folder / "national.csv")
    read = time.process_time() - start
    config = {
        "default": ReconcileConfig(),
        "on": ReconcileConfig(parallel_min_records=0),
        "off": ReconcileConfig(workers=1),
    }[args.parallel]
    start = time.process_time()
    result = reconcile(left, right, config)
    cpu = time.process_time() - start
    found = parts(result)
    if args.parts:
        for name, value in found.items():
            print(f"{name:<18}{value}")
    print(f"stages (CPU s): {result.stats['cpu_seconds']}")
    print(
        f"digest {_hash(sorted(found.items()))}  ({len(result.matches):,} matches; "
        f"CPU of this process: reading {read:.1f} s, reconcile() {cpu:.1f} s)"
    )


if __name__ == "__main__":
    main()
