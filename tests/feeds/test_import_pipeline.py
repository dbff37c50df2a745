"""The import pipeline: idempotent re-imports, updates as alterations, batches that are
all-or-nothing, interruption, provenance, markings, identity across feeds, the hook."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ctpse_core.domain.marking import Marking
from ctpse_core.errors import ConfigError, InputError
from ctpse_core.feeds.importer import ImportInterrupted, ImportSummary, import_feed
from ctpse_core.plugin import get_plugin_manager, hookimpl
from ctpse_core.storage.base import UnitOfWork
from ctpse_core.storage.memory import MemoryStore
from ctpse_core.testing.security import SYSTEM, add_user

HEADERS = ["record_id", "surname", "forenames", "date_of_birth", "status", "risk_tier"]


def _rows(count: int, status: str = "custody") -> list[list[str]]:
    return [[f"RG{i:07d}", f"Madeup{i}", "Alfa", "01/01/1980", status, "2"] for i in range(1, count + 1)]


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(rows)
    return path


def _nominals(store: Any) -> dict[str, Any]:
    with store.unit_of_work(user=SYSTEM) as uow:
        return {n.id: n for n in uow.repository("nominals").list()}


def test_reimporting_the_same_file_changes_nothing(tmp_path: Path) -> None:
    """A second import of the same file: every row unchanged, no new audit event, same versions."""
    store = MemoryStore()
    path = _write(tmp_path / "regional.csv", _rows(30))
    first = import_feed(store, "regional", path, user=SYSTEM)
    before = _nominals(store)
    events = len(store.audit)
    second = import_feed(store, "regional", path, user=SYSTEM)
    assert (first.stored, second.stored, second.unchanged, second.updated) == (30, 0, 30, 0)
    assert second.balanced
    assert _nominals(store) == before
    assert len(store.audit) == events


def test_newer_export_updates_changed_records_as_alterations(tmp_path: Path) -> None:
    """A newer export: changed rows are updated (version 2, new provenance) with an alteration
    event naming the fields; unchanged rows stay; new rows are stored; nothing is duplicated."""
    store = MemoryStore()
    add_user(store, "coordinator", roles=("nominal_manager",))
    import_feed(store, "regional", _write(tmp_path / "regional.csv", _rows(10)), user="coordinator")
    newer = _rows(12)
    newer[2][4] = "licence"
    newer[5][5] = "1"
    summary = import_feed(store, "regional", _write(tmp_path / "regional-week2.csv", newer), user="coordinator")
    assert (summary.stored, summary.updated, summary.unchanged, summary.rejected) == (2, 2, 8, 0)
    nominals = _nominals(store)
    assert len(nominals) == 12
    changed = nominals["RG0000003"]
    assert changed.version == 2 and changed.status.value == "licence"
    assert changed.provenance.file == "regional-week2.csv" and changed.provenance.row == 4
    assert nominals["RG0000001"].version == 1 and nominals["RG0000001"].provenance.file == "regional.csv"
    alterations = [e for e in store.audit if e.action == "alteration"]
    assert {(e.record_id, e.detail.split("changed: ")[1]) for e in alterations} == {
        ("RG0000003", "status"), ("RG0000006", "risk_tier"),
    }
    assert all(e.user == "coordinator" for e in alterations)
    assert sum(1 for e in store.audit if e.action == "collection" and e.collection == "nominals") == 12


def test_provenance_and_marking_override(tmp_path: Path) -> None:
    """Each record keeps feed, file, hash, row and received-at; --marking overrides the feed's marking."""
    store = MemoryStore()
    summary = import_feed(store, "regional", _write(tmp_path / "regional.csv", _rows(3)),
                          marking="SECRET [UK EYES ONLY]", user=SYSTEM)
    record = _nominals(store)["RG0000002"]
    assert record.marking == Marking.parse("SECRET [UK EYES ONLY]")
    assert summary.marking == "SECRET [UK EYES ONLY]"
    p = record.provenance
    assert (p.source, p.file, p.file_hash, p.row) == ("regional", "regional.csv", summary.file_hash, 3)
    assert p.received_at == summary.received_at


def _secret_mapping(tmp_path: Path) -> Path:
    path = tmp_path / "secret.toml"
    path.write_text('feed = "regional"\nextend = true\nmarking = "SECRET [UK EYES ONLY]"\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("lower", ["OFFICIAL", "SECRET", "OFFICIAL-SENSITIVE [UK EYES ONLY]"])
def test_lowering_the_marking_is_refused(tmp_path: Path, lower: str) -> None:
    """A SECRET [UK EYES ONLY] feed imported as OFFICIAL, or without its caveat, is refused
    before anything is read or stored, naming both markings and the override."""
    store = MemoryStore()
    path = _write(tmp_path / "regional.csv", _rows(3))
    with pytest.raises(InputError) as info:
        import_feed(store, "regional", path, mapping=_secret_mapping(tmp_path), marking=lower, user=SYSTEM)
    (line,) = info.value.lines()
    assert line.startswith(f"--marking: {lower} is lower than SECRET [UK EYES ONLY], the marking of feed 'regional';")
    assert "--allow-lower-marking" in line
    assert _nominals(store) == {} and store.audit == []
    assert not (tmp_path / "regional.rejects.csv").exists()


def test_lowering_with_the_override_is_recorded(tmp_path: Path) -> None:
    """With allow_lower_marking the records carry the lower marking, the summary names the
    feed's marking, and every audit event of the import records the override; raising or
    keeping the marking records nothing."""
    store = MemoryStore()
    add_user(store, "nm-coordinator", roles=("nominal_manager",))
    path = _write(tmp_path / "regional.csv", _rows(3))
    summary = import_feed(store, "regional", path, mapping=_secret_mapping(tmp_path), marking="OFFICIAL",
                          allow_lower_marking=True, user="nm-coordinator")
    assert summary.stored == 3 and summary.marking == "OFFICIAL"
    assert summary.marking_lowered_from == "SECRET [UK EYES ONLY]"
    assert ("marking", "OFFICIAL (LOWERED from SECRET [UK EYES ONLY] by override)") in summary.table()
    assert {n.marking for n in _nominals(store).values()} == {Marking.parse("OFFICIAL")}
    events = [e for e in store.audit if e.collection == "nominals"]
    assert len(events) == 3
    assert all("marking OFFICIAL LOWERED from SECRET [UK EYES ONLY] by override" in e.detail for e in events)
    raised = import_feed(MemoryStore(), "regional", path, marking="SECRET", allow_lower_marking=True, user=SYSTEM)
    assert raised.marking_lowered_from == "" and raised.marking == "SECRET"


def test_bad_marking_is_a_config_error(tmp_path: Path) -> None:
    """An unreadable --marking is refused before anything is read."""
    with pytest.raises(ConfigError, match="--marking"):
        import_feed(MemoryStore(), "regional", _write(tmp_path / "regional.csv", _rows(1)), marking="PUBLIC",
                    user=SYSTEM)


class _FailingCommits:
    """A unit-of-work factory over a memory store whose Nth commit fails (a crash mid-import)."""

    def __init__(self, store: MemoryStore, fail_on: int, error: BaseException) -> None:
        self.store, self.fail_on, self.error, self.commits = store, fail_on, error, 0

    def __call__(self) -> UnitOfWork:
        uow = self.store.unit_of_work(user=SYSTEM)
        outer = self
        real_commit = uow.commit

        def commit() -> None:
            outer.commits += 1
            if outer.commits == outer.fail_on:
                raise outer.error
            real_commit()

        uow.commit = commit  # type: ignore[method-assign]
        return uow


def test_a_crash_keeps_committed_batches_and_none_of_the_failed_one(tmp_path: Path) -> None:
    """With batches of 100, a failure in the third commit leaves exactly 200 records and their events."""
    store = MemoryStore()
    path = _write(tmp_path / "regional.csv", _rows(450))
    with pytest.raises(RuntimeError, match="disk on fire"):
        import_feed(_FailingCommits(store, 3, RuntimeError("disk on fire")), "regional", path, batch_size=100,
                    user=SYSTEM)
    assert len(_nominals(store)) == 200
    assert sorted(_nominals(store))[-1] == "RG0000200"
    assert sum(1 for e in store.audit if e.action == "collection") == 200
    again = import_feed(store, "regional", path, batch_size=100, user=SYSTEM)
    assert (again.unchanged, again.stored) == (200, 250)


def test_ctrl_c_reports_what_was_committed(tmp_path: Path) -> None:
    """Ctrl-C during the second batch: ImportInterrupted carries a balanced summary of batch one."""
    store = MemoryStore()
    rows = _rows(250)
    rows[10][3] = "31/02/1980"  # one reject in the first batch
    path = _write(tmp_path / "regional.csv", rows)
    with pytest.raises(ImportInterrupted) as info:
        import_feed(_FailingCommits(store, 2, KeyboardInterrupt()), "regional", path, batch_size=100, user=SYSTEM)
    summary = info.value.summary
    assert summary.interrupted and summary.balanced
    assert (summary.rows_read, summary.stored, summary.rejected, summary.batches) == (100, 99, 1, 1)
    assert len(_nominals(store)) == 99
    assert (tmp_path / "regional.rejects.csv").exists()


def test_ids_clashing_with_another_feed_are_rejected(tmp_path: Path, samples: Any) -> None:
    """A row whose ID another feed already holds is quarantined, and the other record is untouched."""
    store = MemoryStore()
    import_feed(store, "regional", _write(tmp_path / "regional.csv", _rows(2)), user=SYSTEM)
    national = tmp_path / "national.csv"
    national.write_text("JCTPPH Ref,Surname,Forename(s)\nRG0000001,OTHER,Person\nJCT-1,NEW,Person\n", encoding="utf-8")
    summary = import_feed(store, "national", national, user=SYSTEM)
    assert (summary.stored, summary.rejected) == (1, 1)
    assert _nominals(store)["RG0000001"].surname == "Madeup1"
    text = (tmp_path / "national.rejects.csv").read_text(encoding="utf-8-sig")
    assert "JCTPPH Ref: record ID 'RG0000001' is already held from feed 'regional'" in text


def test_id_prefix_from_a_mapping_file_namespaces_ids(tmp_path: Path) -> None:
    """A mapping file can rename headers and give the feed an ID prefix; the stored ID carries it."""
    mapping = tmp_path / "partner.toml"
    mapping.write_text(
        'feed = "national"\nid_prefix = "JCT:"\n[columns]\n"Ref" = "id"\n"Family name" = "surname"\n'
        '"Given name" = "forenames"\n"Born" = "date_of_birth"\n',
        encoding="utf-8",
    )
    path = tmp_path / "jctpph.csv"
    path.write_text("Ref,Family name,Given name,Born\n7,SMITHSON,Kilo,5/6/1977\n", encoding="utf-8")
    store = MemoryStore()
    summary = import_feed(store, "national", path, mapping=mapping, user=SYSTEM)
    assert summary.stored == 1
    record = _nominals(store)["JCT:7"]
    assert str(record.date_of_birth) == "1977-06-05"


def test_mapping_errors_are_readable(tmp_path: Path) -> None:
    """Unknown fields, wrong feeds, bad TOML and unknown settings are ConfigErrors naming the file."""
    cases = {
        '[columns]\n"Ref" = "id"\n"X" = "shoe_size"\n': "has no field 'shoe_size'",
        'feed = "staff"\n[columns]\n"Ref" = "id"\n': "is a mapping for feed 'staff', not 'national'",
        '[columns\n': "is not valid TOML",
        'colour = "red"\n[columns]\n"Ref" = "id"\n': "unknown setting(s) colour",
        '[columns]\n"Surname" = "surname"\n': "no column maps to the record ID field",
        '[columns]\n"Ref" = "id"\n"A" = "addresses.x.town"\n': "'x' follows a list; give an item number",
    }
    path = _write(tmp_path / "national.csv", [])
    for number, (text, message) in enumerate(cases.items()):
        mapping = tmp_path / f"m{number}.toml"
        mapping.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError) as info:
            import_feed(MemoryStore(), "national", path, mapping=mapping, user=SYSTEM)
        assert message in str(info.value), (text, str(info.value))
        assert f"m{number}.toml" in str(info.value)


def test_extend_mapping_adds_a_renamed_column(tmp_path: Path) -> None:
    """extend = true keeps the feed's columns and adds the partner's new header name."""
    mapping = tmp_path / "m.toml"
    mapping.write_text('extend = true\n[columns]\n"Date of Birth" = "date_of_birth"\n', encoding="utf-8")
    path = tmp_path / "national.csv"
    path.write_text("JCTPPH Ref,Surname,Forename(s),Date of Birth\nJCT-1,A,B,01/02/1990\n", encoding="utf-8")
    store = MemoryStore()
    assert import_feed(store, "national", path, mapping=mapping, user=SYSTEM).stored == 1
    assert str(_nominals(store)["JCT-1"].date_of_birth) == "1990-02-01"


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, ImportSummary]] = []

    @hookimpl
    def ctpse_after_import(self, feed: str, summary: Any) -> None:
        self.calls.append((feed, summary))


@pytest.fixture
def recorder(fresh_plugins: None) -> Iterator[_Recorder]:
    plugin = _Recorder()
    get_plugin_manager().register(plugin, name="test-recorder")
    yield plugin


def test_after_import_hook_runs_after_commit(tmp_path: Path, recorder: _Recorder) -> None:
    """ctpse_after_import gets the feed name and the final summary, once the rows are committed."""
    store = MemoryStore()
    summary = import_feed(store, "regional", _write(tmp_path / "regional.csv", _rows(5)), user=SYSTEM)
    assert recorder.calls == [("regional", summary)]
    assert len(store.data["nominals"]) == 5


def test_rejects_file_location_and_cleanup(tmp_path: Path) -> None:
    """--rejects puts the file elsewhere; a clean re-import removes a stale default rejects file;
    the rejects file may not overwrite the input."""
    store = MemoryStore()
    rows = _rows(3)
    rows[1][3] = "32/01/1980"
    path = _write(tmp_path / "regional.csv", rows)
    elsewhere = tmp_path / "out" / "bad.csv"
    elsewhere.parent.mkdir()
    summary = import_feed(store, "regional", path, rejects=elsewhere, user=SYSTEM)
    assert summary.rejects_file == elsewhere and elsewhere.exists()
    import_feed(store, "regional", path, user=SYSTEM)
    assert (tmp_path / "regional.rejects.csv").exists()
    rows[1][3] = "01/01/1980"
    clean = import_feed(store, "regional", _write(path, rows), user=SYSTEM)
    assert clean.rejected == 0 and clean.rejects_file is None
    assert not (tmp_path / "regional.rejects.csv").exists()
    with pytest.raises(ConfigError, match="would overwrite the file being imported"):
        import_feed(store, "regional", path, rejects=path, user=SYSTEM)


def test_quarantine_is_not_duplicated_on_reimport(tmp_path: Path) -> None:
    """Importing the same bad file twice keeps one quarantined row per bad row."""
    store = MemoryStore()
    rows = _rows(4)
    rows[0][2] = "@SUM(A1:A2)"
    path = _write(tmp_path / "regional.csv", rows)
    import_feed(store, "regional", path, user=SYSTEM)
    import_feed(store, "regional", path, user=SYSTEM)
    quarantined = list(store.data["quarantined_rows"].values())
    assert len(quarantined) == 1
    assert quarantined[0].reasons[0].startswith("forenames: '@SUM(A1:A2)' looks like a spreadsheet formula")
    assert quarantined[0].marking == Marking.parse("OFFICIAL-SENSITIVE")
