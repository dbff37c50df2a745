"""Storage benchmark: insert and read back N synthetic nominals per backend.

    python benchmarks/storage_bench.py                 # 100,000 nominals, every backend
    python benchmarks/storage_bench.py --count 10000 --backends sqlite,tinydb

Prints, per backend: insert time (one unit of work, ``add_many``), read-back time
(``list()`` of every record), rows/s for each, lookups by ID per second with ``find_many``
(every ID plus 10% unknown ones, shuffled, 1,000 per call, as the feed importer asks) and,
as the same-run baseline, with one ``find`` per ID (the first 5,000 of those IDs), and the
peak resident memory of a process doing just that backend (``resource.getrusage``; each
backend runs in its own process).
PostgreSQL uses a fresh database on the server given by ``CTPSE_TEST_POSTGRES`` (default
postgresql+psycopg://postgres@127.0.0.1:5432/test) and drops it afterwards. Records are
built before timing starts.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs

from ctpse_core.domain import Nominal
from ctpse_core.storage import open_store
from ctpse_core.testing.plugin import postgres_admin_url
from ctpse_core.testing.samples import nominals
from ctpse_core.testing.security import SYSTEM

BENCH = SYSTEM


@contextmanager
def _postgres() -> Iterator[str]:
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(postgres_admin_url())
    name = f"ctpse_bench_{secrets.token_hex(4)}"
    conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _measure(fn: Callable[[], object]) -> tuple[float, float]:
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    return seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench(url: str, records: list[Nominal]) -> dict[str, float]:
    store = open_store(url)
    try:
        def insert() -> None:
            with store.unit_of_work(user=BENCH) as uow:
                uow.nominals.add_many(records)
                uow.commit()

        read: list[Nominal] = []

        def read_back() -> None:
            with store.unit_of_work(user=BENCH) as uow:
                read.extend(uow.nominals.list())

        ids = [r.id for r in records] + [f"UNKNOWN{n:07d}" for n in range(len(records) // 10)]
        random.Random(1).shuffle(ids)
        sample = ids[:5000]
        found_many: dict[str, Nominal] = {}
        found_one: dict[str, Nominal] = {}

        def lookup_many() -> None:
            with store.unit_of_work(user=BENCH) as uow:
                for start in range(0, len(ids), 1000):
                    batch = uow.nominals.find_many(ids[start : start + 1000])
                    if start < len(sample):
                        found_many.update(batch)

        def lookup_one() -> None:
            with store.unit_of_work(user=BENCH) as uow:
                for record_id in sample:
                    if (record := uow.nominals.find(record_id)) is not None:
                        found_one[record_id] = record

        insert_s, insert_mb = _measure(insert)
        read_s, read_mb = _measure(read_back)
        assert len(read) == len(records)
        assert read[0] == attrs.evolve(records[0], version=1)
        assert read[-1] == attrs.evolve(records[-1], version=1)
        read.clear()  # the lookups run with only the built records held, as an import would
        many_s, _ = _measure(lookup_many)
        one_s, peak_mb = _measure(lookup_one)
        assert found_many == found_one and len(found_one) > len(sample) * 0.8
    finally:
        store.close()
    n = len(records)
    return {"insert_s": insert_s, "insert_rps": n / insert_s, "insert_mb": insert_mb,
            "read_s": read_s, "read_rps": n / read_s, "read_mb": read_mb,
            "find_many_rps": len(ids) / many_s, "find_rps": len(sample) / one_s, "peak_mb": peak_mb}


def one(backend: str, count: int) -> dict[str, float]:
    """Benchmark one backend in this process."""
    records = nominals(count, seed=1)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with tempfile.TemporaryDirectory() as tmp:
        if backend == "memory":
            result = bench("memory://", records)
        elif backend == "sqlite":
            result = bench(f"sqlite:///{Path(tmp) / 'bench.sqlite'}", records)
        elif backend == "tinydb":
            result = bench(f"tinydb:///{Path(tmp) / 'bench.json'}", records)
        elif backend == "postgresql":
            with _postgres() as url:
                result = bench(url, records)
        else:
            raise SystemExit(f"unknown backend {backend!r}")
    result["records_mb"] = base
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--backends", default="memory,sqlite,tinydb,postgresql")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.count)))
        return
    print(f"{args.count:,} nominals per backend; peak MB = peak RSS of the process "
          "(records built before timing)")
    print(f"{'backend':<11} {'insert s':>9} {'rows/s':>9} {'read s':>8} {'rows/s':>9} "
          f"{'find_many IDs/s':>16} {'find IDs/s':>11} {'ratio':>7} {'built MB':>9} {'peak MB':>8}")
    for backend in args.backends.split(","):
        done = subprocess.run(
            [sys.executable, __file__, "--one", backend, "--count", str(args.count)],
            capture_output=True, text=True, check=True,
        )
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{backend:<11} {r['insert_s']:>9.2f} {r['insert_rps']:>9,.0f} {r['read_s']:>8.2f} "
              f"{r['read_rps']:>9,.0f} {r['find_many_rps']:>16,.0f} {r['find_rps']:>11,.0f} "
              f"{r['find_many_rps'] / r['find_rps']:>6.1f}x {r['records_mb']:>9.0f} {r['peak_mb']:>8.0f}",
              flush=True)


if __name__ == "__main__":
    main()
