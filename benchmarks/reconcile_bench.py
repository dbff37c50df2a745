"""Reconciliation benchmark: ctpse_core against recordlinkage on the same synthetic lists.

Prints pairwise precision and recall (cross-list pairs, and within-list duplicate pairs),
time, peak memory (max RSS of a fresh process per run) and candidate pairs.

    python benchmarks/reconcile_bench.py                 # 10k x 10k and 100k x 100k
    python benchmarks/reconcile_bench.py --sizes 10000   # one size
    python benchmarks/reconcile_bench.py --million       # adds 1M x 1M (ctpse_core only)

Needs the bench extra (``pip install -e .[bench]``: recordlinkage, pandas).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED = 11


def _truth(folder: Path) -> dict[str, set[tuple[str, str]]]:
    truth: dict[str, set[tuple[str, str]]] = {
        "match": set(),
        "duplicate-regional": set(),
        "duplicate-national": set(),
    }
    with (folder / "truth.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            a, b = row["id_a"], row["id_b"]
            truth[row["relation"]].add(
                (a, b) if row["relation"] == "match" else tuple(sorted((a, b)))
            )  # type: ignore[arg-type]
    return truth


def _pr(pred: set[tuple[str, str]], true: set[tuple[str, str]]) -> tuple[float, float]:
    tp = len(pred & true)
    return (tp / len(pred) if pred else 1.0), (tp / len(true) if true else 1.0)


def _peak_mb() -> float:
    """Peak resident memory of this process plus that of the largest process it forked (an
    upper bound of their sum at any moment: pages they share are counted twice)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return (own + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


def _cpu() -> float:
    """CPU time of this process and of the processes it forked and waited for (the engine
    runs one de-duplication in a second process on large lists)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def run_ours(folder: Path) -> dict[str, object]:
    from ctpse_core.reconcile import read_table, reconcile

    start, cpu_start = time.perf_counter(), _cpu()
    left, _ = read_table("regional", folder / "regional.csv")
    right, _ = read_table("national", folder / "national.csv")
    loaded, cpu_loaded = time.perf_counter(), _cpu()
    result = reconcile(left, right)
    done, cpu_done = time.perf_counter(), _cpu()
    truth = _truth(folder)
    link_p, link_r = _pr({(m.left, m.right) for m in result.matches}, truth["match"])
    dup: dict[str, float] = {}
    for side, clusters, key in (
        ("regional", result.duplicates_left, "duplicate-regional"),
        ("national", result.duplicates_right, "duplicate-national"),
    ):
        pairs = {
            tuple(sorted((a, b)))
            for c in clusters
            for k, a in enumerate(c.ids)
            for b in c.ids[k + 1 :]
        }
        p, r = _pr(pairs, truth[key])  # type: ignore[arg-type]
        dup[f"dedupe_{side}_precision"], dup[f"dedupe_{side}_recall"] = p, r
    cands = result.stats["candidate_pairs"]
    return {
        "system": "ctpse_core",
        "precision": link_p,
        "recall": link_r,
        **dup,
        "seconds": done - start,
        "load_seconds": loaded - start,
        "match_seconds": done - loaded,
        "cpu_seconds": cpu_done - cpu_start,
        "load_cpu_seconds": cpu_loaded - cpu_start,
        "match_cpu_seconds": cpu_done - cpu_loaded,
        "peak_mb": _peak_mb(),
        "candidate_pairs": cands["link"],
        "candidate_pairs_dedupe": cands["dedupe_left"] + cands["dedupe_right"],
        "possible_matches": len(result.possible_matches),
        "stage_seconds": result.stats["seconds"],
        "stage_cpu_seconds": result.stats.get("cpu_seconds", {}),
    }


def run_recordlinkage(folder: Path) -> dict[str, object]:
    """A standard recordlinkage set-up: blocking union, string and exact comparisons, ECM."""
    import pandas as pd
    import recordlinkage

    from ctpse_core.reconcile import read_table
    from ctpse_core.reconcile.normalise import compact

    start = time.perf_counter()
    frames = []
    for feed in ("regional", "national"):
        table, _ = read_table(feed, folder / f"{feed}.csv")
        frames.append(
            pd.DataFrame(
                {
                    "forename": [compact(v) for v in table.column("forenames")],
                    "surname": [compact(v) for v in table.column("surname")],
                    "dob": [v.isoformat() if v else None for v in table.column("date_of_birth")],
                    "sex": [str(v) if v else None for v in table.column("sex")],
                    "nationality": table.column("nationality"),
                    "pnc": table.column("pnc_id"),
                },
                index=pd.Index(table.ids, name="id"),
            )
        )
    left, right = frames
    loaded = time.perf_counter()
    indexer = recordlinkage.Index()
    indexer.block("dob")
    indexer.block("pnc")
    indexer.block(["surname", "forename"])
    pairs = indexer.index(left, right)
    compare = recordlinkage.Compare()
    compare.string("forename", "forename", method="jarowinkler", threshold=0.85, label="forename")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("dob", "dob", label="dob")
    compare.exact("pnc", "pnc", label="pnc")
    features = compare.compute(pairs, left, right)
    classifier = recordlinkage.ECMClassifier(binarize=0.5)
    links = classifier.fit_predict(features)
    done = time.perf_counter()
    truth = _truth(folder)
    pred = {(str(a), str(b)) for a, b in links}
    p, r = _pr(pred, truth["match"])
    return {
        "system": "recordlinkage",
        "precision": p,
        "recall": r,
        "seconds": done - start,
        "load_seconds": loaded - start,
        "match_seconds": done - loaded,
        "peak_mb": _peak_mb(),
        "candidate_pairs": len(pairs),
    }


def _child(system: str, folder: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", system, "--dir", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        return {"system": system, "error": (out.stderr.strip().splitlines() or ["failed"])[-1]}
    result = dict(json.loads(out.stdout.strip().splitlines()[-1]))
    result["load_average"] = os.getloadavg()[0]  # other jobs on the machine during the run
    return result


def _line(size: int, r: dict[str, object]) -> str:
    if "error" in r:
        return f"{size:>9} x {size:<9} {r['system']:<14} error: {r['error']}"
    text = (
        f"{size:>9} x {size:<9} {r['system']:<14} precision {r['precision']:.4f}  recall {r['recall']:.4f}  "
        f"time {r['seconds']:.1f}s (load {r['load_seconds']:.1f}s, match {r['match_seconds']:.1f}s)  "
        f"peak {r['peak_mb']:.0f} MB  candidates {r['candidate_pairs']:,}  load average {r['load_average']:.1f}"
    )
    if "cpu_seconds" in r:  # the process's own CPU time: on a shared machine the wall clock also waits
        text += (
            f"\n{'':>22}CPU {r['cpu_seconds']:.1f}s (load {r['load_cpu_seconds']:.1f}s, "
            f"match {r['match_cpu_seconds']:.1f}s)"
        )
    if "dedupe_regional_precision" in r:
        text += (
            f"\n{'':>22}dedupe regional P {r['dedupe_regional_precision']:.4f} R {r['dedupe_regional_recall']:.4f}"
            f"  national P {r['dedupe_national_precision']:.4f} R {r['dedupe_national_recall']:.4f}"
            f"  dedupe candidates {r['candidate_pairs_dedupe']:,}  possible matches {r['possible_matches']}"
            f"\n{'':>22}stages (s): {r['stage_seconds']}"
            f"\n{'':>22}stages (CPU s): {r.get('stage_cpu_seconds', {})}"
        )
    return text


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--million", action="store_true", help="also run 1M x 1M (ctpse_core only)")
    parser.add_argument(
        "--baseline-max", type=int, default=100_000, help="largest size to run recordlinkage on"
    )
    parser.add_argument(
        "--work", type=Path, default=None, help="folder for the generated lists (kept)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        fn = run_ours if args.child == "ctpse_core" else run_recordlinkage
        print(json.dumps(fn(args.dir)))
        return
    from ctpse_core.synthetic.nominals import write_nominal_lists

    sizes = list(args.sizes) + ([1_000_000] if args.million else [])
    work = args.work or Path(tempfile.mkdtemp(prefix="reconcile-bench-"))
    print(
        "Reconciliation benchmark (synthetic lists, generator default noise, seed "
        f"{SEED}); cross-list pairwise precision/recall"
    )
    for size in sizes:
        folder = work / f"n{size}"
        if not (folder / "truth.csv").exists():
            write_nominal_lists(folder, count=size, seed=SEED)
        ours = _child("ctpse_core", folder)
        print(_line(size, ours), flush=True)
        if size <= args.baseline_max:
            base = _child("recordlinkage", folder)
            print(_line(size, base), flush=True)
            if "error" not in ours and "error" not in base:
                print(
                    f"{'':>22}speed-up {float(base['match_seconds']) / float(ours['match_seconds']):.1f}x "  # type: ignore[arg-type]
                    f"(matching) / {float(base['seconds']) / float(ours['seconds']):.1f}x (end to end)",
                    flush=True,
                )  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
