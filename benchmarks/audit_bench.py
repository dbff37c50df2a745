"""Cost of the hash-chained s.62 audit log.

    python benchmarks/audit_bench.py [--rows 100000] [--entries 1000000] [--repeat 3]

1. The 100,000-row regional import into a new SQLite store (one audit entry per record, as
   the importer writes), in three variants, each in a fresh interpreter, interleaved and
   repeated (the median is reported): ``chained`` (the shipped code), ``unchained`` (the same
   entries written without the hash: the named baseline, so the figure is the chain's cost) and
   ``no-audit`` (the events dropped: the whole log's cost, for scale).
2. ``audit verify`` over ``--entries`` entries (default 1,000,000) in an SQLite store: what
   ``ctpse audit verify`` does (``verify_values(store.iter_audit_values())``: stored rows
   streamed in keyset pages, no entry objects, the C JSON encoder made once), beside the named
   baseline ``entries`` (``verify(store.iter_audit())``: one ``AuditEvent`` per row, the time
   parsed and formatted back, the path ``audit verify`` took before), same store, same run.

CPU seconds (``time.process_time``) beside wall seconds: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

VARIANTS = ["chained", "unchained", "no-audit"]


def _import_stage(variant: str, path: Path, work: Path) -> dict[str, Any]:
    import ctpse_core.storage.sql as sql
    from ctpse_core.feeds.importer import import_feed
    from ctpse_core.security import Principal
    from ctpse_core.security import audit as audit_module
    from ctpse_core.storage import open_store

    if variant == "unchained":
        import attrs

        def numbered(events: Any, last_seq: int, last_hash: str | None, at: Any) -> list[Any]:
            return [attrs.evolve(e, seq=last_seq + n, at=at, hash=None) for n, e in enumerate(events, start=1)]

        sql.seal = numbered  # type: ignore[assignment]
        audit_module.seal = numbered  # type: ignore[assignment]
    elif variant == "no-audit":
        def nothing(conn: Any, events: Any, now: Any) -> None:
            return None

        sql.append_audit = nothing  # type: ignore[assignment]
    store = open_store(f"sqlite:///{work / f'{variant}-{time.monotonic_ns()}.sqlite'}")
    bench = Principal.service("bench")
    cpu, wall = time.process_time(), time.perf_counter()
    summary = import_feed(store, "regional", path, rejects=False, batch_size=1000, user=bench)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    entries = len(store.audit_events())
    store.close()
    assert summary.stored == summary.rows_read
    return {"variant": variant, "rows": summary.rows_read, "entries": entries, "cpu_s": cpu, "wall_s": wall}


def _verify_stage(entries: int, work: Path) -> dict[str, Any]:
    """Write ``entries`` chained entries into an SQLite store (in chunks, never all in memory),
    then time what ``ctpse audit verify`` does: read them back in pages and recompute the chain."""
    import datetime as dt

    from sqlalchemy import insert

    from ctpse_core.security.audit import AuditEvent, seal, verify, verify_values
    from ctpse_core.storage import open_store
    from ctpse_core.storage.sql import _audit_row
    from ctpse_core.storage.sql_schema import AUDIT_LOG

    at = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)
    store = open_store(f"sqlite:///{work / 'verify.sqlite'}")
    engine = store.engine  # type: ignore[attr-defined]
    last_seq, last_hash = 0, None
    with engine.begin() as conn:
        for start in range(0, entries, 20_000):
            events = [AuditEvent(action="consultation", collection="nominals", record_id=f"RG{n:07d}",
                                 user="dc.ada", purpose="weekly review")
                      for n in range(start, min(entries, start + 20_000))]
            sealed = seal(events, last_seq, last_hash, at)
            last_seq, last_hash = sealed[-1].seq or 0, sealed[-1].hash
            conn.execute(insert(AUDIT_LOG), [_audit_row(e) for e in sealed])
    cpu, wall = time.process_time(), time.perf_counter()
    result = verify_values(store.iter_audit_values())
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    base_cpu, base_wall = time.process_time(), time.perf_counter()
    baseline = verify(store.iter_audit())
    base_cpu, base_wall = time.process_time() - base_cpu, time.perf_counter() - base_wall
    store.close()
    assert result.ok and result.entries == entries, result
    assert baseline == result, (baseline, result)
    return {"entries": entries, "cpu_s": cpu, "wall_s": wall, "base_cpu_s": base_cpu, "base_wall_s": base_wall}


def _run(*args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage == "verify":
        print(json.dumps(_verify_stage(args.entries, args.work)))
        return
    if args.stage:
        print(json.dumps(_import_stage(args.stage, args.file, args.work)))
        return
    import os

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        path = work / "regional.csv"
        here = Path(__file__).resolve().parent
        subprocess.run([sys.executable, str(here / "import_bench.py"), "--stage", "generate", "--file", str(path),
                        "--rows", str(args.rows)], check=True)
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        runs: dict[str, list[dict[str, Any]]] = {v: [] for v in VARIANTS}
        for _ in range(args.repeat):
            for variant in VARIANTS:
                runs[variant].append(_run("--stage", variant, "--file", str(path), "--work", str(work)))
        print(f"import of {args.rows:,} regional rows into SQLite, median of {args.repeat} interleaved runs:")
        base = {k: statistics.median(r[k] for r in runs["unchained"]) for k in ("cpu_s", "wall_s")}
        for variant in VARIANTS:
            cpu = statistics.median(r["cpu_s"] for r in runs[variant])
            wall = statistics.median(r["wall_s"] for r in runs[variant])
            print(f"  {variant:<10} cpu {cpu:6.2f} s  wall {wall:6.2f} s  entries {runs[variant][0]['entries']:>7,}"
                  f"  vs unchained: cpu {100 * (cpu / base['cpu_s'] - 1):+5.1f} %"
                  f"  wall {100 * (wall / base['wall_s'] - 1):+5.1f} %")
        verify = _run("--stage", "verify", "--entries", str(args.entries), "--work", str(work))
        print(f"audit verify over {verify['entries']:,} entries read from SQLite (target under 10 s):")
        print(f"  values     cpu {verify['cpu_s']:6.2f} s  wall {verify['wall_s']:6.2f} s  (ctpse audit verify)")
        print(f"  entries    cpu {verify['base_cpu_s']:6.2f} s  wall {verify['base_wall_s']:6.2f} s  "
              "(baseline: verify(store.iter_audit()), the path before)")
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
