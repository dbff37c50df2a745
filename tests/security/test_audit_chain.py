"""The s.62 log is a hash chain: any edited, deleted, inserted or reordered entry is named by
`audit verify`; checkpoints catch truncation and a rewritten tail; the SQL triggers refuse
UPDATE and DELETE; two processes appending never fork the chain."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import sqlite3
from pathlib import Path

import attrs
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from ctpse_core.errors import ConfigError
from ctpse_core.security.audit import AuditEvent, make_checkpoint, read_checkpoint, verify
from ctpse_core.storage import Store, open_store
from ctpse_core.testing.processes import append_events
from ctpse_core.testing.security import SYSTEM

COLUMNS = ["seq", "at", "user", "action", "operation", "collection", "record_id", "detail", "purpose",
           "recipient_org", "recipient_person", "agreement", "fields", "hash"]


def _fill(store: Store, units: int = 4) -> list[AuditEvent]:
    for n in range(units):
        with store.unit_of_work(user=SYSTEM) as uow:
            uow.record_event("consultation", "nominals", f"N{n}", purpose="weekly review")
            uow.record_event("disclosure", "nominals", f"N{n}", purpose="correction-set",
                             recipient_org="JCTPPH", recipient_person="duty officer", agreement="ISA-1",
                             fields=["pnc_id"])
            uow.commit()
    return store.audit_events()


def _changed(entry: AuditEvent, column: str) -> AuditEvent:
    value = getattr(entry, column)
    if column == "seq":
        return attrs.evolve(entry, seq=entry.seq + 100)  # type: ignore[operator]
    if column == "at":
        return attrs.evolve(entry, at=entry.at + dt.timedelta(microseconds=1))  # type: ignore[operator]
    if column == "fields":
        return attrs.evolve(entry, fields=(*entry.fields, "date_of_birth"))
    if column == "operation":
        return attrs.evolve(entry, operation="erasure")
    if column == "hash":
        return attrs.evolve(entry, hash="0" * 64)
    return attrs.evolve(entry, **{column: f"{value or ''}x"})


@pytest.mark.parametrize("column", COLUMNS)
def test_an_edit_to_any_column_of_any_entry_is_named(column: str) -> None:
    """Changing one column of one entry (each column, first, middle and last entry) makes
    verify fail naming that entry's sequence number."""
    store = open_store("memory://")
    entries = _fill(store)
    assert verify(entries).ok
    for index in (0, len(entries) // 2, len(entries) - 1):
        tampered = list(entries)
        tampered[index] = _changed(entries[index], column)
        result = verify(tampered)
        assert not result.ok, (column, index)
        assert result.bad_seq in (entries[index].seq, entries[index].seq + 100), (column, index, result)


def test_deleted_inserted_and_reordered_entries_are_named() -> None:
    """A deleted entry names the one after it; an inserted copy and a swap name their place."""
    entries = _fill(open_store("memory://"))
    deleted = entries[:3] + entries[4:]
    assert verify(deleted).bad_seq == 5
    inserted = [*entries[:3], entries[1], *entries[3:]]
    assert verify(inserted).bad_seq == 2
    swapped = [*entries[:2], entries[3], entries[2], *entries[4:]]
    assert verify(swapped).bad_seq == 4
    assert verify(entries[1:]).bad_seq == 2  # the first entry removed


def test_checkpoint_detects_truncation_and_a_rewritten_tail(tmp_path: Path) -> None:
    """A checkpoint of the head: the whole log and a longer one verify against it; a log cut
    short, or whose tail was rewritten and rehashed, does not; a forged checkpoint is refused."""
    key = tmp_path / "audit.key"
    key.write_text("k" * 32)
    entries = _fill(open_store("memory://"))
    point = make_checkpoint(entries[5].seq or 0, entries[5].hash or "", key, dt.datetime.now(dt.UTC))
    path = tmp_path / "cp.json"
    from ctpse_core.security.audit import checkpoint_json

    path.write_text(checkpoint_json(point))
    loaded = read_checkpoint(path, key)
    assert verify(entries, loaded).ok
    truncated = verify(entries[:4], loaded)
    assert not truncated.ok and "truncated" in truncated.reason
    # rewrite from entry 3 on and recompute every hash: the chain verifies, the checkpoint does not
    from ctpse_core.security.audit import seal

    head = entries[1]
    rest = [attrs.evolve(e, seq=None, hash=None, detail="forged") for e in entries[2:]]
    rewritten = entries[:2] + seal(rest, head.seq or 0, head.hash, entries[2].at or dt.datetime.now(dt.UTC))
    assert verify(rewritten).ok
    result = verify(rewritten, loaded)
    assert not result.ok and result.bad_seq == 6 and "rewritten" in result.reason
    other = tmp_path / "other.key"
    other.write_text("o" * 32)
    with pytest.raises(ConfigError, match="MAC does not match"):
        read_checkpoint(path, other)


def _triggers_refuse(url: str) -> None:
    store = open_store(url)
    _fill(store, 2)
    store.close()
    engine = create_engine(url)
    for statement in ("UPDATE audit_log SET detail = 'x' WHERE seq = 1", "DELETE FROM audit_log WHERE seq = 2"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    if engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text("TRUNCATE audit_log"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one() == 4
    engine.dispose()


def test_sqlite_triggers_refuse_update_and_delete(tmp_path: Path) -> None:
    """On SQLite, UPDATE and DELETE on audit_log are refused by triggers; nothing changes."""
    _triggers_refuse(f"sqlite:///{tmp_path / 's.sqlite'}")


@pytest.mark.postgres
def test_postgres_triggers_refuse_update_delete_and_truncate(ctpse_postgres_url: str) -> None:
    """On PostgreSQL, UPDATE, DELETE and TRUNCATE on audit_log are refused by triggers."""
    _triggers_refuse(ctpse_postgres_url)


def test_sqlite_tamper_with_the_file_is_found_by_the_cli(tmp_path: Path) -> None:
    """Someone drops the trigger with sqlite3 and edits one entry's record ID: `ctpse audit
    verify` exits 1 naming that entry; before the edit it verified."""
    from click.testing import CliRunner

    from ctpse_core.cli import make_cli
    from ctpse_core.testing.security import seed_admin

    path = tmp_path / "s.sqlite"
    url = f"sqlite:///{path}"
    seed_admin(url, "aud")
    store = open_store(url)
    _fill(store, 3)
    store.close()
    cli = ["--store", url, "--user", "aud", "audit", "verify"]
    ok = CliRunner().invoke(make_cli(), cli)
    assert ok.exit_code == 0 and "audit log verified: 7 entries" in ok.output, ok.output
    with sqlite3.connect(path) as raw:
        raw.execute("DROP TRIGGER audit_log_no_update")
        raw.execute("UPDATE audit_log SET record_id = 'N9' WHERE seq = 4")
    bad = CliRunner().invoke(make_cli(), cli)
    assert bad.exit_code == 1 and "entry 4:" in bad.output, bad.output


def _concurrent(url: str) -> None:
    store = open_store(url)
    store.close()
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    workers = [ctx.Process(target=append_events, args=(url, name, 15, barrier)) for name in ("alpha", "bravo")]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
        assert w.exitcode == 0
    store = open_store(url)
    entries = store.audit_events()
    store.close()
    assert len(entries) == 60
    result = verify(entries)
    assert result.ok, result
    assert [e.seq for e in entries] == list(range(1, 61))


def test_two_processes_appending_to_sqlite_keep_one_chain(tmp_path: Path) -> None:
    """Two processes committing at the same time on SQLite: 60 entries, numbered 1..60, one chain."""
    _concurrent(f"sqlite:///{tmp_path / 's.sqlite'}")


@pytest.mark.postgres
def test_two_processes_appending_to_postgres_keep_one_chain(ctpse_postgres_url: str) -> None:
    """The same on PostgreSQL (the append is serialised by an advisory transaction lock)."""
    _concurrent(ctpse_postgres_url)


def test_a_failing_audit_write_fails_the_operation() -> None:
    """If the audit entry cannot be written (here: an unknown operation slipped past
    record_event), the commit fails and the change is not stored."""
    from ctpse_core.testing.samples import nominals

    store = open_store("memory://")
    record = nominals(1)[0]
    with store.unit_of_work(user=SYSTEM) as uow:
        uow.nominals.add(record)
        uow.events.append(attrs.evolve(AuditEvent(action="collection", collection="nominals"), at=None))
        object.__setattr__(uow.events[-1], "fields", object())  # not JSON: sealing it fails
        with pytest.raises(TypeError):
            uow.commit()
    with store.unit_of_work(user=SYSTEM) as uow:
        assert uow.nominals.find(record.id) is None
    assert store.audit_events() == []


def test_writes_no_service_logged_are_logged_by_the_unit_of_work() -> None:
    """A change no event names (a team, an operation, a rota, a deployment written by any
    service) still gets an entry: collection, alteration or erasure, by the principal; a change
    an event already names gets no second entry."""
    from ctpse_core.domain import Operation
    from ctpse_core.testing.samples import nominals

    store = open_store("memory://")
    record = nominals(1)[0]
    with store.unit_of_work(user=SYSTEM) as uow:
        uow.operations.add(Operation(id="OP1", name="Op One", sio="DCI Example"))
        uow.nominals.add(record)
        uow.record_event("collection", "nominals", record.id, "from a test")
        uow.commit()
    with store.unit_of_work(user=SYSTEM) as uow:
        op = uow.operations.get("OP1")
        uow.operations.update(attrs.evolve(op, name="Op Uno"))
        uow.commit()
    with store.unit_of_work(user=SYSTEM) as uow:
        uow.operations.remove("OP1")
        uow.commit()
    got = [(e.operation, e.collection, e.record_id, e.user) for e in store.audit_events()]
    assert got == [
        ("collection", "nominals", record.id, SYSTEM.id),
        ("collection", "operations", "OP1", SYSTEM.id),
        ("alteration", "operations", "OP1", SYSTEM.id),
        ("erasure", "operations", "OP1", SYSTEM.id),
    ]
    assert verify(store.audit_events()).ok


@pytest.mark.parametrize("column", COLUMNS)
def test_an_edit_in_the_sqlite_file_is_named_by_the_fast_verify_as_by_the_entries(tmp_path: Path, column: str) -> None:
    """`audit verify` reads stored values (no entry objects, the time made canonical by SQLite):
    an edit to any column of a stored entry, made with sqlite3, is named by it exactly as by
    verify over the entries; untouched, both verify with the same head."""
    from ctpse_core.security.audit import verify_values

    path = tmp_path / "s.sqlite"
    store = open_store(f"sqlite:///{path}")
    _fill(store, 3)
    fast, slow = verify_values(store.iter_audit_values()), verify(store.iter_audit())
    assert fast.ok and fast == slow
    edit = {
        "seq": "seq = seq + 100",
        "at": "at = '2026-01-01 00:00:00.000001'",
        "fields": "fields = '[\"pnc_id\",\"date_of_birth\"]'",
        "hash": f"hash = '{'0' * 64}'",
    }.get(column, f"\"{column}\" = coalesce(\"{column}\", '') || 'x'")
    with sqlite3.connect(path) as raw:
        raw.execute("DROP TRIGGER audit_log_no_update")
        raw.execute(f"UPDATE audit_log SET {edit} WHERE seq = 4")
    fast, slow = verify_values(store.iter_audit_values()), verify(store.iter_audit())
    store.close()
    # a renumbered entry moves to the end: entry 5 then stands where 4 should
    assert not fast.ok and fast.bad_seq == (5 if column == "seq" else 4) and fast == slow, (fast, slow)
