"""Two lists from elsewhere, with nothing but a column mapping: the CLI, the Python API and recordlinkage.

The generator's foreign lists (``ctpse synth nominals --foreign``: month-first dates on one
side, ``YYYYMMDD`` on the other, blank name parts, a middle initial, a fictional NI number and
a town no nominal has) are reconciled three ways in the same run, and pairwise precision,
recall and F1 of the cross-list links against ``truth.csv`` are printed with the time:

* ctpse_core through the command line (``ctpse reconcile ... --mapping mapping.toml``, a
  fresh process: reading both files included);
* ctpse_core through the Python API (``read_table`` with the same mapping, ``reconcile``);
* recordlinkage 0.16 unsupervised: the dates parsed per column with pandas, blocking on
  first name and on last name (union), Jaro-Winkler >= 0.85 on the names, exact date of
  birth, middle initial, NI number and town, ``ECMClassifier``.

    python benchmarks/reconcile_foreign.py                 # 10,000 people
    python benchmarks/reconcile_foreign.py --count 2000

Needs the bench extra (``pip install -e .[bench]``: recordlinkage, pandas).
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

Pairs = set[tuple[str, str]]


def score(found: Pairs, truth: Pairs) -> tuple[float, float, float]:
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def run_cli(folder: Path) -> Pairs:
    # a store of its own with one user (the first user of an empty store is its administrator),
    # as a coordinator would have: the command line acts only for a user of the store
    store = f"sqlite:///{folder / 'bench-store.sqlite'}"
    cli = [sys.executable, "-c", "from ctpse_core.cli import main; main()", "--store", store, "-q"]
    added = subprocess.run([*cli, "users", "add", "bench-coordinator", "--role", "coordinator"],
                           capture_output=True, text=True, check=False)
    if added.returncode != 0 and "already" not in added.stderr:
        raise SystemExit(added.stderr)
    command = [*cli, "--user", "bench-coordinator",
               "reconcile",
               str(folder / "regional.csv"), str(folder / "national.csv"), "--mapping", str(folder / "mapping.toml"),
               "--format", "csv"]
    done = subprocess.run(command, capture_output=True, text=True, check=False, env={**os.environ})
    if done.returncode not in (0, 3):
        raise SystemExit(done.stderr)
    rows = csv.DictReader(line for line in done.stdout.splitlines() if not line.startswith("#"))
    return {(r["left"], r["right"]) for r in rows if r["outcome"] == "match"}


def run_python(folder: Path) -> Pairs:
    from ctpse_core.reconcile import read_table, reconcile
    from ctpse_core.reconcile.listmap import list_mapping

    maps = tomllib.loads((folder / "mapping.toml").read_text(encoding="utf-8"))
    left, _ = read_table("regional", folder / "regional.csv", list_mapping(maps["regional"], "regional"))
    right, _ = read_table("national", folder / "national.csv", list_mapping(maps["national"], "national"))
    return {(m.left, m.right) for m in reconcile(left, right).matches}


def run_recordlinkage(folder: Path) -> Pairs:
    import pandas as pd
    import recordlinkage

    a = pd.read_csv(folder / "regional.csv", dtype=str, keep_default_na=False).set_index("ref")
    b = pd.read_csv(folder / "national.csv", dtype=str, keep_default_na=False).set_index("id")
    frames: list[Any] = []
    for frame, names, fmt in ((a, ("first_name", "last_name", "middle_initial", "birth_date", "ni_number", "city"),
                               "%m/%d/%Y"),
                              (b, ("given", "family", "mi", "dob", "nino", "town"), "%Y%m%d")):
        out = pd.DataFrame(index=frame.index)
        for column, name in zip(("first", "last", "middle", "dob", "ni", "town"), names, strict=True):
            out[column] = frame[name].str.lower().replace("", None)
        out["dob"] = pd.to_datetime(frame[names[3]], format=fmt, errors="coerce")
        frames.append(out)
    indexer = recordlinkage.Index()
    indexer.block("first")
    indexer.block("last")
    pairs = indexer.index(*frames)
    compare = recordlinkage.Compare()
    compare.string("first", "first", method="jarowinkler", threshold=0.85, label="first")
    compare.string("last", "last", method="jarowinkler", threshold=0.85, label="last")
    for column in ("dob", "middle", "ni", "town"):
        compare.exact(column, column, label=column)
    features = compare.compute(pairs, *frames)
    links = recordlinkage.ECMClassifier(binarize=0.5).fit_predict(features)
    return {(str(x), str(y)) for x, y in links}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    from ctpse_core.synthetic.nominals import write_foreign_lists

    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        write_foreign_lists(folder, count=args.count, seed=args.seed)
        truth = {(r["id_a"], r["id_b"]) for r in csv.DictReader((folder / "truth.csv").open(encoding="utf-8"))
                 if r["relation"] == "match"}
        print(f"foreign lists, {args.count:,} people (seed {args.seed}), {len(truth):,} true links")
        print(f"  {'system':<40} {'precision':>9} {'recall':>7} {'F1':>7} {'time':>7}")
        for label, run in (("ctpse_core, command line (mapping only)", run_cli),
                           ("ctpse_core, Python API (same mapping)", run_python),
                           ("recordlinkage ECM (unsupervised)", run_recordlinkage)):
            start = time.perf_counter()
            found = run(folder)
            seconds = time.perf_counter() - start
            p, r, f1 = score(found, truth)
            print(f"  {label:<40} {p:>9.4f} {r:>7.4f} {f1:>7.4f} {seconds:>6.1f}s", flush=True)
        print(f"  load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
