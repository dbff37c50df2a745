"""Export and import: a versioned JSON-lines archive, lossless across every backend."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

from ctpse_core.domain import Record
from ctpse_core.errors import ConfigError, ConflictError, InputError
from ctpse_core.security import verify
from ctpse_core.storage import Store, open_store
from ctpse_core.storage.archive import FORMAT_VERSION, export_store, import_archive
from ctpse_core.storage.schema import record_types
from ctpse_core.testing.samples import nominals, varied_records
from ctpse_core.testing.security import SYSTEM


def _snapshot(store: Store) -> dict[str, list[Record]]:
    with store.unit_of_work(user=SYSTEM) as uow:
        return {name: list(uow.repository(name).list()) for name in record_types().names()}


def _fill(store: Store) -> None:
    data = varied_records()
    data["nominals"] += nominals(250, seed=9)
    with store.unit_of_work(user=SYSTEM) as uow:
        for name, records in data.items():
            uow.repository(name).add_many(records)
        uow.commit()
    with store.unit_of_work(user=SYSTEM) as uow:  # some records at later versions
        for record in list(uow.nominals.list())[:20]:
            uow.nominals.update(attrs.evolve(record, nominal_manager="DS Moved On"))
        uow.commit()


@pytest.mark.postgres
def test_round_trip_through_every_backend(tmp_path: Path, ctpse_postgres_url: str) -> None:
    """sqlite -> tinydb -> postgresql -> memory -> sqlite gives exactly the data we started
    with, versions included, and the audit log moves with it and still verifies."""
    chain = [
        f"sqlite:///{tmp_path / 'a.sqlite'}",
        f"tinydb:///{tmp_path / 'b.json'}",
        ctpse_postgres_url,
        "memory://",
        f"sqlite:///{tmp_path / 'e.sqlite'}",
    ]
    first = open_store(chain[0])
    _fill(first)
    original = _snapshot(first)
    assert any(r.version == 2 for r in original["nominals"])
    source = first
    for step, url in enumerate(chain[1:], start=1):
        archive = tmp_path / f"step{step}.jsonl"
        export_store(source, archive, user=SYSTEM)
        target = open_store(url)
        counts = import_archive(target, archive, batch=100, user=SYSTEM)
        assert sum(counts.values()) == sum(len(v) for v in original.values())
        assert _snapshot(target) == original, f"data changed moving to {url.split(':')[0]}"
        moved = target.audit_events()
        assert verify(moved).ok, f"the log does not verify after moving to {url.split(':')[0]}"
        held = source.audit_events()
        assert moved[: len(held) - len(counts)] == held[: len(held) - len(counts)]
        source.close()
        source = target
    source.close()


def test_archive_is_versioned_json_lines(tmp_path: Path) -> None:
    """The first line is a header with format, format version, schema and counts; then one
    line per record with its collection; then one line per audit entry, as stored."""
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    _fill(store)
    archive = tmp_path / "out.jsonl"
    export_store(store, archive, user=SYSTEM)
    lines = archive.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["format"] == "ctpse-archive"
    assert header["format_version"] == FORMAT_VERSION
    assert header["schema"] == store.schema_status().current
    assert header["collections"] == {"nominals": 253, "operations": 1, "staff": 1}
    body = [json.loads(line) for line in lines[1:]]
    records = [b for b in body if "record" in b]
    assert len(records) == 255 and body[:255] == records
    assert {b["collection"] for b in records} == {"nominals", "operations", "staff"}
    audit = [b["audit"] for b in body[255:]]
    assert [a["seq"] for a in audit] == list(range(1, len(audit) + 1))
    assert [a["hash"] for a in audit] == [e.hash for e in store.audit_events()[: len(audit)]]
    store.close()


def test_import_into_store_holding_the_records_conflicts(tmp_path: Path) -> None:
    """Importing records whose IDs are already stored raises ConflictError."""
    store = open_store("memory://")
    _fill(store)
    archive = tmp_path / "a.jsonl"
    export_store(store, archive, user=SYSTEM)
    with pytest.raises(ConflictError, match="already exist in the store"):
        import_archive(store, archive, user=SYSTEM)


def test_bad_archives_name_file_and_line(tmp_path: Path) -> None:
    """A broken line is reported with file, line, field and reason; a newer format or a
    file that is no archive is refused."""
    archive = tmp_path / "bad.jsonl"
    header = json.dumps({"format": "ctpse-archive", "format_version": 1})
    good = json.dumps({"collection": "nominals",
                       "record": {"id": "N1", "forenames": "A", "surname": "B"}})
    bad = json.dumps({"collection": "nominals",
                      "record": {"id": "N2", "forenames": "A", "surname": "B",
                                 "date_of_birth": "31/02/1990"}})
    archive.write_text("\n".join([header, good, bad]) + "\n")
    with pytest.raises(InputError) as caught:
        import_archive(open_store("memory://"), archive)
    assert caught.value.lines()[0].startswith("date_of_birth: ")
    assert caught.value.lines()[0].endswith(f"@ {archive}:3 (nominals N2)")
    archive.write_text(json.dumps({"format": "ctpse-archive", "format_version": 99}) + "\n")
    with pytest.raises(ConfigError, match="newer"):
        import_archive(open_store("memory://"), archive)
    archive.write_text("id,name\n1,x\n")
    with pytest.raises(InputError, match="not a ctpse archive"):
        import_archive(open_store("memory://"), archive)


def _nominal(record_id: str, **extra: str) -> str:
    record = {"id": record_id, "forenames": "Alfa", "surname": "Madeup", **extra}
    return json.dumps({"collection": "nominals", "record": record})


def test_every_bad_line_is_reported_and_nothing_is_written(tmp_path: Path) -> None:
    """Good lines before and after bad ones, written one per unit of work: the whole archive
    is checked first, every bad line comes back (line, collection and ID, field, reason)
    and the store stays empty; once fixed, it imports."""
    archive = tmp_path / "backup.jsonl"
    lines = [
        json.dumps({"format": "ctpse-archive", "format_version": 1}),
        _nominal("N1"),
        _nominal("N2", date_of_birth="31/02/1990"),
        "{not json",
        json.dumps({"collection": "nominals"}),
        json.dumps({"collection": "widgets", "record": {"id": "W1"}}),
        _nominal("N1"),
        _nominal("N3", marking="PUBLIC", date_of_birth="01/01/1980"),
        _nominal("N4"),
    ]
    archive.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = open_store("memory://")
    with pytest.raises(InputError) as caught:
        import_archive(store, archive, batch=1, user=SYSTEM)
    got = caught.value.lines()
    assert got[0] == (f"date_of_birth: '31/02/1990' is not a valid date (day is out of range for month) "
                      f"@ {archive}:3 (nominals N2)")
    assert got[1].startswith("line: is not JSON (") and got[1].endswith(f"@ {archive}:4")
    assert got[2] == f"line: must be an object with exactly the keys 'collection' and 'record' @ {archive}:5"
    assert got[3].startswith("collection: 'widgets' is not a known collection (")
    assert got[3].endswith(f"@ {archive}:6 (widgets W1)")
    assert got[4] == f"id: duplicate of line 2 @ {archive}:7 (nominals N1)"
    assert got[5].startswith("marking: ") and got[5].endswith(f"@ {archive}:8 (nominals N3)")
    assert len(got) == 6
    assert "nothing was imported" in caught.value.summary
    assert _snapshot(store) == {name: [] for name in record_types().names()}
    assert store.audit_events() == []
    archive.write_text("\n".join([lines[0], lines[1], lines[8]]) + "\n", encoding="utf-8")
    assert import_archive(store, archive, batch=1, user=SYSTEM) == {"nominals": 2}


def test_ids_already_held_are_refused_before_writing(tmp_path: Path) -> None:
    """An archive one of whose records is already stored writes none of them."""
    archive = tmp_path / "backup.jsonl"
    header = json.dumps({"format": "ctpse-archive", "format_version": 1})
    archive.write_text("\n".join([header, _nominal("N1"), _nominal("N2")]) + "\n", encoding="utf-8")
    store = open_store("memory://")
    with store.unit_of_work(user=SYSTEM) as uow:
        uow.nominals.add(convert_nominal("N2"))
        uow.commit()
    with pytest.raises(ConflictError, match=r"1 record\(s\) already exist in the store \(nominals 'N2'\)"):
        import_archive(store, archive, batch=1, user=SYSTEM)
    with store.unit_of_work(user=SYSTEM) as uow:
        assert [n.id for n in uow.nominals.list()] == ["N2"]


def convert_nominal(record_id: str) -> Record:
    from ctpse_core.convert import structure
    from ctpse_core.domain import Nominal

    return structure({"id": record_id, "forenames": "Bravo", "surname": "Madeup"}, Nominal)
