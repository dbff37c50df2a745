"""Export and import: a versioned JSON-lines archive, lossless across every backend."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

from ctpse_core.domain import Record
from ctpse_core.errors import ConfigError, ConflictError, InputError
from ctpse_core.storage import Store, open_store
from ctpse_core.storage.archive import FORMAT_VERSION, export_store, import_archive
from ctpse_core.storage.schema import record_types
from ctpse_core.testing.samples import nominals, varied_records


def _snapshot(store: Store) -> dict[str, list[Record]]:
    with store.unit_of_work() as uow:
        return {name: list(uow.repository(name).list()) for name in record_types().names()}


def _fill(store: Store) -> None:
    data = varied_records()
    data["nominals"] += nominals(250, seed=9)
    with store.unit_of_work() as uow:
        for name, records in data.items():
            uow.repository(name).add_many(records)
        uow.commit()
    with store.unit_of_work() as uow:  # some records at later versions
        for record in list(uow.nominals.list())[:20]:
            uow.nominals.update(attrs.evolve(record, nominal_manager="DS Moved On"))
        uow.commit()


@pytest.mark.postgres
def test_round_trip_through_every_backend(tmp_path: Path, ctpse_postgres_url: str) -> None:
    """sqlite -> tinydb -> postgresql -> memory -> sqlite gives exactly the data we started
    with, versions included."""
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
        export_store(source, archive)
        target = open_store(url)
        counts = import_archive(target, archive, batch=100)
        assert sum(counts.values()) == sum(len(v) for v in original.values())
        assert _snapshot(target) == original, f"data changed moving to {url.split(':')[0]}"
        source.close()
        source = target
    source.close()


def test_archive_is_versioned_json_lines(tmp_path: Path) -> None:
    """The first line is a header with format, format version, schema and counts; then one
    line per record with its collection."""
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    _fill(store)
    archive = tmp_path / "out.jsonl"
    export_store(store, archive)
    lines = archive.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["format"] == "ctpse-archive"
    assert header["format_version"] == FORMAT_VERSION
    assert header["schema"] == store.schema_status().current
    assert header["collections"] == {"nominals": 253, "operations": 1, "staff": 1}
    body = [json.loads(line) for line in lines[1:]]
    assert len(body) == 255
    assert {b["collection"] for b in body} == {"nominals", "operations", "staff"}
    store.close()


def test_import_into_store_holding_the_records_conflicts(tmp_path: Path) -> None:
    """Importing records whose IDs are already stored raises ConflictError."""
    store = open_store("memory://")
    _fill(store)
    archive = tmp_path / "a.jsonl"
    export_store(store, archive)
    with pytest.raises(ConflictError, match="already exists"):
        import_archive(store, archive)


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
    assert caught.value.lines()[0].endswith(f"@ {archive}:3")
    archive.write_text(json.dumps({"format": "ctpse-archive", "format_version": 99}) + "\n")
    with pytest.raises(ConfigError, match="newer"):
        import_archive(open_store("memory://"), archive)
    archive.write_text("id,name\n1,x\n")
    with pytest.raises(InputError, match="not a ctpse archive"):
        import_archive(open_store("memory://"), archive)
