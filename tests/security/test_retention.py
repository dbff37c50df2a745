"""Review, retention and disposal: groups from configuration, what is due, a retain decision
needs reviewer and rationale, disposal erases the person's values everywhere; the sentinel
test: after disposal the value is nowhere in the SQLite file or its WAL after a checkpoint."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.domain import Contact
from ctpse_core.errors import InputError
from ctpse_core.security import verify
from ctpse_core.security.retention import assign, dispose, due, groups, retain
from ctpse_core.storage import open_store
from ctpse_core.testing.samples import nominals
from ctpse_core.testing.security import SYSTEM, add_user

SENTINEL = "Qxsentinelzzv"


def test_groups_come_from_the_cited_configuration() -> None:
    """The default groups are MoPI's four, with review periods; the file cites its source."""
    from ctpse_core.security.retention import DEFAULT_CONFIG

    known = groups()
    assert sorted(known) == ["1", "2", "3", "4"] and known["3"]["review_years"] == 6
    assert "College of Policing" in DEFAULT_CONFIG.read_text(encoding="utf-8")


def test_due_retain_and_its_reasons() -> None:
    """A nominal in group 3 from 2019 is due in 2025; retain without reviewer or rationale is
    refused; with both it moves the review on 6 years and keeps the decision."""
    store = open_store("memory://")
    add_user(store, "admin")
    record = nominals(1)[0]
    with store.unit_of_work(user="admin") as uow:
        uow.nominals.add(record)
        assign(uow, record.id, "3", start=dt.date(2019, 5, 1))
        uow.commit()
    with store.unit_of_work(user="admin") as uow:
        assert [r.id for r in due(uow, dt.date(2025, 4, 30))] == []
        assert [r.id for r in due(uow, dt.date(2025, 5, 1))] == [record.id]
        with pytest.raises(InputError) as info:
            retain(uow, record.id, " ", "", as_of=dt.date(2025, 5, 1))
        assert [p.field for p in info.value.problems] == ["--reviewer", "--rationale"]
        kept = retain(uow, record.id, "DS Example", "still managed under a current order", as_of=dt.date(2025, 5, 1))
        uow.commit()
    assert kept.next_review == dt.date(2031, 5, 1) and kept.decisions[-1].reviewer == "DS Example"
    with store.unit_of_work(user="admin") as uow:
        assert due(uow, dt.date(2030, 1, 1)) == []


def test_sentinel_is_nowhere_in_the_sqlite_files_after_disposal(tmp_path: Path) -> None:
    """A nominal whose surname is a sentinel, imported, changed and referred to by a contact
    record, is disposed of: every record referring to it is erased and logged (IDs only); the
    sentinel was in the SQLite files before and is in neither the database file nor its WAL
    after a checkpoint; the log verifies and holds no sentinel."""
    path = tmp_path / "s.sqlite"
    store = open_store(f"sqlite:///{path}")
    add_user(store, "admin")
    record = attrs.evolve(nominals(1)[0], surname=SENTINEL)
    other = nominals(2, prefix="KEEP")[1]
    with store.unit_of_work(user="admin") as uow:
        uow.nominals.add_many([record, other])
        uow.commit()
    with store.unit_of_work(user="admin") as uow:
        held = uow.nominals.get(record.id)
        uow.nominals.update(attrs.evolve(held, aliases=(f"{SENTINEL} Junior",)))
        assign(uow, record.id, "2")
        uow.commit()
    contact = _contact(record.id)
    with store.unit_of_work(user="admin") as uow:
        uow.contacts.add(contact)
        uow.commit()
    store.close()
    assert SENTINEL.encode() in path.read_bytes() + _wal(path)
    store = open_store(f"sqlite:///{path}")
    with store.unit_of_work(user="admin") as uow:
        erased = dispose(uow, record.id, "DS Example", "review: no further policing purpose")
        uow.commit()
    assert ("nominals", record.id) in erased
    assert ("contacts", contact.id) in erased
    with store.unit_of_work(user=SYSTEM) as uow:
        assert uow.nominals.find(record.id) is None and uow.nominals.find(other.id) is not None
        assert uow.retention.get(record.id).disposed
    entries = store.audit_events()
    assert verify(entries).ok
    assert all(SENTINEL not in repr(e) for e in entries)
    assert [e.record_id for e in entries if e.operation == "erasure" and e.collection == "nominals"] == [record.id]
    store.close()
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = path.read_bytes() + _wal(path)
    assert SENTINEL.encode() not in data
    assert SENTINEL.encode("utf-16-le") not in data


def _wal(path: Path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return wal.read_bytes() if wal.exists() else b""


def _contact(nominal_id: str) -> Contact:
    """A contact record referring to the nominal."""
    return Contact(id=f"C-{nominal_id}", nominal_id=nominal_id, manager="DC Example",
                   planned_at=dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC))


def test_retention_cli(tmp_path: Path) -> None:
    """`ctpse retention due` lists what is due; `retain` without a rationale is exit 2;
    `dispose` erases and says how many records."""
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    store = open_store(url)
    add_user(store, "boss")
    record = nominals(1)[0]
    with store.unit_of_work(user="boss") as uow:
        uow.nominals.add(record)
        assign(uow, record.id, "3", start=dt.date(2018, 1, 1))
        uow.commit()
    store.close()

    def run(*args: str) -> object:
        return CliRunner().invoke(make_cli(), ["--store", url, "--user", "boss", "retention", *args])

    listed = run("due", "--as-of", "2026-12-04")
    assert listed.exit_code == 0 and f"{record.id}\t3\t2024-01-01" in listed.output, listed.output  # type: ignore[attr-defined]
    bad = run("retain", record.id, "--rationale", " ")
    assert bad.exit_code == 2 and "needs a rationale" in bad.output  # type: ignore[attr-defined]
    gone = run("dispose", record.id, "--rationale", "no policing purpose", "--reviewer", "DS Example")
    assert gone.exit_code == 0 and "1 record(s) erased" in gone.output, gone.output  # type: ignore[attr-defined]
