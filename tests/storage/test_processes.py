"""Real processes: concurrent writers never lose an update, and a killed writer leaves every
committed unit of work and nothing of the one it was in."""

from __future__ import annotations

import multiprocessing
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import attrs
import pytest

from ctpse_core.storage import open_store
from ctpse_core.testing.processes import CRASH_SEED, race
from ctpse_core.testing.samples import nominals
from ctpse_core.testing.security import SYSTEM

ROUNDS = 6


def _race(url: str) -> None:
    store = open_store(url)
    records = nominals(3, seed=4)
    with store.unit_of_work(user=SYSTEM) as uow:
        uow.nominals.add_many(records)
        uow.commit()
    store.close()
    ids = [r.id for r in records]
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    out = ctx.Queue()
    workers = [ctx.Process(target=race, args=(url, ids, ROUNDS, name, barrier, out))
               for name in ("alpha", "bravo")]
    for w in workers:
        w.start()
    results = [out.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    wins = sorted(token for _, won, _, _ in results for token in won)
    conflicts = sum(c for _, _, c, _ in results)
    # Both read the same version each round: exactly one wins, the other is told.
    assert len(wins) == ROUNDS and conflicts == ROUNDS
    told = [m for *_, ms in results for m in ms]
    assert told and all("by someone else" in m and "reload and try again" in m for m in told)
    store = open_store(url)
    with store.unit_of_work(user=SYSTEM) as uow:
        final = list(uow.nominals.list())
    store.close()
    for record in final:  # every win is there (no lost update), on every record (all or nothing)
        assert record.version == 1 + ROUNDS
        assert sorted(record.aliases[-ROUNDS:]) == wins


def test_sqlite_two_processes_no_lost_update(tmp_path: Path) -> None:
    """Two processes update the same SQLite records in lock step: each round one commit wins
    and the other gets ConflictError; every winning change is kept."""
    _race(f"sqlite:///{tmp_path / 'race.sqlite'}")


@pytest.mark.postgres
def test_postgres_two_processes_no_lost_update(ctpse_postgres_url: str) -> None:
    """The same race on PostgreSQL."""
    _race(ctpse_postgres_url)


def test_tinydb_two_processes_no_lost_update(tmp_path: Path) -> None:
    """The same race on one TinyDB file (file lock plus version check)."""
    _race(f"tinydb:///{tmp_path / 'race.json'}")


def _kill_mid_import(url: str, total: int, batch: int) -> None:
    writer = subprocess.Popen(
        [sys.executable, "-m", "ctpse_core.testing.processes", url, str(total), str(batch)],
        stdout=subprocess.PIPE, text=True,
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "ready"
    reported = 0
    target = random.Random().randint(2, 5)
    while reported < target * batch:
        line = writer.stdout.readline()
        assert line.startswith("committed"), f"writer ended early: {line!r}"
        reported = int(line.split()[1])
    time.sleep(random.Random().uniform(0.0, 0.3))  # land anywhere inside a later unit
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    for line in writer.stdout:
        reported = max(reported, int(line.split()[1]))
    assert reported < total, "the writer finished before it was killed"

    store = open_store(url)
    with store.unit_of_work(user=SYSTEM) as uow:
        stored = list(uow.nominals.list())
    events = store.audit_events()
    store.close()
    count = len(stored)
    assert count % batch == 0, f"{count} records: part of a unit of work was saved"
    assert count >= reported
    expected = nominals(count, seed=CRASH_SEED)
    assert stored == [attrs.evolve(r, version=1) for r in expected]
    assert len(events) == count // batch


def test_sqlite_killed_writer(tmp_path: Path) -> None:
    """SIGKILL during a large import into SQLite: the store opens and holds exactly the
    committed units of work, every record intact."""
    _kill_mid_import(f"sqlite:///{tmp_path / 'crash.sqlite'}", total=20_000, batch=1_000)


def test_tinydb_killed_writer(tmp_path: Path) -> None:
    """SIGKILL during a large import into TinyDB (whole-file rewrites): the file is never
    half-written; it holds exactly the committed units of work."""
    _kill_mid_import(f"tinydb:///{tmp_path / 'crash.json'}", total=20_000, batch=1_000)
