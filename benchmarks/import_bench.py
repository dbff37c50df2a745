"""Import benchmark: a 100,000-row synthetic regional list CSV into a store.

    python benchmarks/import_bench.py [--rows 100000] [--seed 1] [--batch-size 1000]

Prints rows/s and peak memory for each stage, each run in its own subprocess (so that
peak RSS is that stage's alone), against these baselines measured in the same run:

* ``csv-floor``: ``csv.DictReader`` over the file and nothing else (the floor for any loader);
* ``legacy-load``: the first loader (per-row field-path parsing with ``_put``/``_prune``,
  then the converter), kept here verbatim as the named baseline;
* ``load``: :func:`ctpse_core.feeds.load_records` (compiled column plans, same converter);
* ``import-memory``: :func:`ctpse_core.feeds.importer.import_feed` into ``memory://``;
* ``import-sqlite``: the same into a new SQLite file, when an sqlite backend is registered;
* ``reimport-sqlite``: the same file imported again into that store (timed: the second
  import, where every row is looked up, found and unchanged);
* ``...-per-row``: the named baseline for the two SQLite stages: the same importer with
  ``find_many`` replaced by the storage contract's default, one ``find`` (one ``SELECT``)
  per row, as the importer did before ``find_many``.

CPU seconds (``time.process_time``) are reported beside wall seconds: the benchmark machines
are shared, and CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

STAGES = [
    "csv-floor", "legacy-load", "load", "import-memory",
    "import-sqlite-per-row", "import-sqlite", "reimport-sqlite-per-row", "reimport-sqlite",
]


# --- the named baseline: the first loader, verbatim (per-row path parsing) -------------------
def _legacy_put(target: dict[str, Any], path: str, value: str) -> None:
    parts = path.split(".")
    node: Any = target
    for part, nxt in zip(parts, parts[1:], strict=False):  # noqa: RUF007 - kept verbatim
        key: Any = int(part) if part.isdigit() else part
        if isinstance(node, list):
            while len(node) <= key:
                node.append({} if not nxt.isdigit() else [])
            node = node[key]
        else:
            node = node.setdefault(key, [] if nxt.isdigit() else {})
    last = parts[-1]
    if isinstance(node, list):
        index = int(last)
        while len(node) <= index:
            node.append(None)
        node[index] = value
    else:
        node[last] = value


def _legacy_prune(value: Any) -> Any:
    if isinstance(value, dict):
        pruned = {k: _legacy_prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [v for v in (_legacy_prune(v) for v in value) if v not in (None, "", [], {})]
    return value.strip() if isinstance(value, str) else value


def legacy_load(feed: Any, rows: Iterable[tuple[int, Mapping[str, str]]], file: str) -> tuple[list[Any], int]:
    """The records (kept, as ``load_records`` keeps them) and the number of bad rows."""
    from ctpse_core.convert import structure
    from ctpse_core.errors import InputError

    fields: dict[str, str] | None = None
    good: list[Any] = []
    bad = 0
    for number, raw in rows:
        if fields is None:
            fields = {h: f for h in raw if (f := feed.field_for(h)) is not None}
        data: dict[str, Any] = {}
        for header, value in raw.items():
            field = fields.get(header)
            if field is not None:
                _legacy_put(data, field, value)
        data = _legacy_prune(data)
        data.setdefault("marking", str(feed.marking))
        data["provenance"] = {"source": feed.name, "file": file, "file_hash": None, "row": number}
        try:
            good.append(structure(data, feed.record_type, where=f"{file}:{number}"))
        except InputError:
            bad += 1
    return good, bad


# --- stages, each run in a fresh interpreter --------------------------------------------------
def _stage(name: str, path: Path, batch_size: int, work: Path) -> dict[str, Any]:
    from ctpse_core.feeds.definition import feeds

    feed = feeds().get("regional")
    run: Callable[[], int]
    if name == "csv-floor":
        def run() -> int:
            with path.open(encoding="utf-8", newline="") as handle:
                return sum(1 for _ in csv.DictReader(handle))
    elif name == "legacy-load":
        def run() -> int:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.reader(handle)
                header = next(reader)
                rows = ((n, dict(zip(header, v, strict=False))) for n, v in enumerate(reader, start=2))
                good, bad = legacy_load(feed, rows, path.name)
                return len(good) + bad
    elif name == "load":
        def run() -> int:
            from ctpse_core.feeds import load_records

            result = load_records("regional", path)
            return result.rows
    else:
        from ctpse_core.feeds.importer import import_feed
        from ctpse_core.security import Principal
        from ctpse_core.storage import backends, open_store

        bench = Principal.service("bench")

        kind, scheme, *rest = name.split("-")
        if scheme not in backends():
            return {"stage": name, "skipped": f"no {scheme} backend registered in this build"}
        if rest == ["per", "row"]:  # the baseline: one find per row, the contract's default
            from ctpse_core.storage.base import Repository
            from ctpse_core.storage.buffered import BufferedRepository

            BufferedRepository.find_many = Repository.find_many  # type: ignore[method-assign]
        url = "memory://" if scheme == "memory" else f"sqlite:///{work / f'{name}.sqlite'}"
        store = open_store(url)
        upgrade = getattr(store, "upgrade", None)  # stores with a schema create it on first use
        if callable(upgrade):
            upgrade()
        if kind == "reimport":
            import_feed(store, "regional", path, rejects=False, batch_size=batch_size, user=bench)

        def run() -> int:
            summary = import_feed(store, "regional", path, rejects=False, batch_size=batch_size, user=bench)
            assert summary.balanced and summary.rejected == 0, summary
            if kind == "reimport":
                assert summary.unchanged == summary.rows_read, summary
            else:
                assert summary.stored == summary.rows_read, summary
            return summary.rows_read

    cpu, wall = time.process_time(), time.perf_counter()
    rows = run()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"stage": name, "rows": rows, "cpu_s": cpu, "wall_s": wall, "peak_rss_mib": peak_kib / 1024}


def _write_list(path: Path, rows: int, seed: int) -> None:
    from ctpse_core.synthetic.nominals import REGIONAL_COLUMNS, generate_lists

    people = int(rows / 0.93) + 200
    lists = generate_lists(people, seed)
    while len(lists.regional) < rows:
        people = int(people * 1.05) + 100
        lists = generate_lists(people, seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(REGIONAL_COLUMNS)
        writer.writerows(lists.regional[:rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--stage", choices=[*STAGES, "generate"], help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage == "generate":
        _write_list(args.file, args.rows, args.seed)
        return
    if args.stage:
        print(json.dumps(_stage(args.stage, args.file, args.batch_size, args.work)))
        return
    # Linux keeps a process's peak RSS across fork and exec: this parent stays small (it
    # imports no ctpse_core and generates nothing itself) so each stage's peak is its own.
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        path = work / "regional.csv"
        subprocess.run(
            [sys.executable, __file__, "--stage", "generate", "--file", str(path), "--rows", str(args.rows),
             "--seed", str(args.seed)],
            check=True,
        )
        size = path.stat().st_size / 2**20
        print(f"regional list: {args.rows} rows, {size:.1f} MiB, batch size {args.batch_size}")
        results: dict[str, dict[str, Any]] = {}
        for stage in STAGES:
            out = subprocess.run(
                [sys.executable, __file__, "--stage", stage, "--file", str(path), "--work", str(work),
                 "--batch-size", str(args.batch_size)],
                check=True, capture_output=True, text=True,
            )
            results[stage] = json.loads(out.stdout.strip().splitlines()[-1])
    legacy = results["legacy-load"]

    def per_row(r: dict[str, Any]) -> float:
        return float(r["cpu_s"]) / float(r["rows"])

    print(f"{'stage':<24} {'rows/s (cpu)':>13} {'rows/s (wall)':>14} {'us/row cpu':>11} {'peak RSS MiB':>13}"
          f" {'vs legacy-load (cpu)':>21} {'vs per-row (cpu)':>17}")
    for stage, r in results.items():
        if "skipped" in r:
            print(f"{stage:<24} skipped: {r['skipped']}")
            continue
        ratio = per_row(legacy) / per_row(r)
        baseline = results.get(f"{stage}-per-row")
        versus = f"{per_row(baseline) / per_row(r):>16.2f}x" if baseline and "skipped" not in baseline else ""
        print(f"{stage:<24} {r['rows'] / r['cpu_s']:>13,.0f} {r['rows'] / r['wall_s']:>14,.0f}"
              f" {per_row(r) * 1e6:>11.1f} {r['peak_rss_mib']:>13.0f} {ratio:>20.2f}x {versus}")

if __name__ == "__main__":
    main()
