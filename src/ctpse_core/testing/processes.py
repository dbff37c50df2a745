"""Work run in other processes by the storage tests: racing writers and a writer to kill.

``python -m ctpse_core.testing.processes URL TOTAL BATCH`` adds TOTAL synthetic nominals
(:func:`ctpse_core.testing.samples.nominals`, seed 21) in units of BATCH and prints
``committed N`` after each commit.
"""

from __future__ import annotations

import sys
from typing import Any

import attrs

from ctpse_core.errors import ConflictError

__all__ = ["CRASH_SEED", "append_events", "race", "write_batches"]

CRASH_SEED = 21


def race(url: str, record_ids: list[str], rounds: int, name: str, barrier: Any, out: Any) -> None:
    """Each round: read the records, wait for the other writer, update them all in one unit
    of work (adding ``name-round`` to their aliases) and commit. Put (wins, conflicts)."""
    from ctpse_core.security import Principal
    from ctpse_core.storage import open_store

    store = open_store(url)
    wins: list[str] = []
    conflicts = 0
    messages: list[str] = []
    try:
        for n in range(rounds):
            token = f"{name}-{n}"
            with store.unit_of_work(user=Principal.service(name)) as uow:
                read = [uow.nominals.get(i) for i in record_ids]
                barrier.wait(timeout=60)
                try:
                    for record in read:
                        uow.nominals.update(attrs.evolve(record, aliases=(*record.aliases, token)))
                    uow.commit()
                    wins.append(token)
                except ConflictError as exc:
                    conflicts += 1
                    messages.append(str(exc))
            barrier.wait(timeout=60)
    finally:
        store.close()
    out.put((name, wins, conflicts, messages[:1]))


def append_events(url: str, name: str, units: int, barrier: Any) -> None:
    """Commit ``units`` units of work of two audit events each, as service ``name``, after
    waiting for the other appender (two processes appending to one chain at once)."""
    from ctpse_core.security import Principal
    from ctpse_core.storage import open_store

    store = open_store(url)
    barrier.wait(timeout=60)
    try:
        for n in range(units):
            with store.unit_of_work(user=Principal.service(name)) as uow:
                uow.record_event("consultation", "nominals", f"{name}-{n}-a")
                uow.record_event("consultation", "nominals", f"{name}-{n}-b")
                uow.commit()
    finally:
        store.close()


def write_batches(url: str, total: int, batch: int) -> None:
    """Add ``total`` nominals, ``batch`` per unit of work, reporting each commit."""
    from ctpse_core.security import Principal
    from ctpse_core.storage import open_store
    from ctpse_core.testing.samples import nominals

    records = nominals(total, seed=CRASH_SEED)
    store = open_store(url)
    print("ready", flush=True)
    for start in range(0, total, batch):
        with store.unit_of_work(user=Principal.service("loader")) as uow:
            uow.nominals.add_many(records[start : start + batch])
            uow.record_event("collection", "nominals", detail=f"batch from {start}")
            uow.commit()
        print(f"committed {start + batch}", flush=True)
    store.close()


if __name__ == "__main__":
    write_batches(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
