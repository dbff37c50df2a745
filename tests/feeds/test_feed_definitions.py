"""Every partner feed is defined, listed and imports a good export with zero rejects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ctpse_core.feeds.definition import feeds
from ctpse_core.feeds.importer import import_feed
from ctpse_core.feeds.mapping import default_mapping
from ctpse_core.feeds.plan import check_path
from ctpse_core.testing.security import SYSTEM

FEEDS = [
    "national", "regional", "prison-pathfinder", "community-pathfinder", "maesem", "engagements",
    "nctpoc-tasking", "staff", "leave",
]

#: The feeds whose records another feed's rows refer to (imported first).
PREREQUISITES = {"engagements": ("regional",), "leave": ("staff",)}


def test_every_partner_feed_is_registered() -> None:
    """The nine partner feeds of the brief are registered under their stable names."""
    assert set(FEEDS) <= set(feeds().names())


@pytest.mark.parametrize("name", FEEDS)
def test_packaged_mapping_paths_are_real_fields(name: str) -> None:
    """Each packaged mapping maps headers to field paths that exist on the feed's record type."""
    feed = feeds().get(name)
    mapping = default_mapping(name)
    assert dict(feed.columns) == dict(mapping.columns)
    for path in [*feed.columns.values(), *feed.defaults]:
        check_path(feed.record_type, path)


@pytest.mark.parametrize("name", FEEDS)
def test_good_sample_imports_without_rejects(name: str, tmp_path: Path, store: Any, samples: Any, writers: Any) -> None:
    """A clean export of each feed stores every row, in each text format, with provenance and marking
    (after the feed its references point at: the regional list for contacts, the staff list for leave)."""
    for needed in PREREQUISITES.get(name, ()):
        needed_headers, needed_rows = samples[needed]
        assert import_feed(store, needed, writers["csv"][1](tmp_path / f"{needed}.csv", needed_headers,
                                                           needed_rows), user=SYSTEM).rejected == 0
    headers, rows = samples[name]
    for fmt, (suffix, write) in writers.items():
        path = write(tmp_path / f"{name}-{fmt}{suffix}", headers, rows)
        summary = import_feed(store, name, path, user=SYSTEM)
        assert summary.rejected == 0, (fmt, path.with_name(path.stem + ".rejects.csv").read_text())
        assert summary.rows_read == len(rows) and summary.balanced
    feed = feeds().get(name)
    with store.unit_of_work(user=SYSTEM) as uow:
        stored = list(uow.repository(feed.collection).list())
    assert len(stored) == len(rows)
    for record in stored:
        assert record.provenance.source == name
        assert record.provenance.file_hash and record.provenance.row >= 1
        assert record.marking == feed.marking
        assert record.id.startswith(feed.id_prefix)


def test_staff_numbers_are_normalised_with_labels(tmp_path: Path, store: Any, samples: Any, writers: Any) -> None:
    """Staff contact numbers become E.164 with the mobile/desk labels from the mapping defaults."""
    headers, rows = samples["staff"]
    import_feed(store, "staff", writers["csv"][1](tmp_path / "staff.csv", headers, rows), user=SYSTEM)
    with store.unit_of_work(user=SYSTEM) as uow:
        first = uow.repository("staff").get("S-001")
        second = uow.repository("staff").get("S-002")
    assert [(n.label, n.number) for n in first.numbers] == [("mobile", "+447700900101"), ("desk", "+442079460101")]
    assert [(n.label, n.number) for n in second.numbers] == [("mobile", "+447700900102")]
    assert first.qualifications == frozenset({"PIP2", "SV-advanced"})


def test_regional_dates_and_identifiers_are_normalised(tmp_path: Path, store: Any, samples: Any, writers: Any) -> None:
    """Day-first dates in every typed form and short PNC IDs are stored in canonical form."""
    headers, rows = samples["regional"]
    import_feed(store, "regional", writers["csv"][1](tmp_path / "regional.csv", headers, rows), user=SYSTEM)
    with store.unit_of_work(user=SYSTEM) as uow:
        repo = uow.repository("nominals")
        a, c = repo.get("RG9000001"), repo.get("RG9000003")
    assert str(a.date_of_birth) == "1990-01-31" and str(c.date_of_birth) == "1979-03-12"
    assert a.pnc_id == "2001/0012345H" and c.pnc_id == "1999/0765432X"
    assert a.addresses[0].postcode == "ZZ1 1ZZ" and [o.value for o in a.orders] == ["NOTIFICATION", "LICENCE"]


@pytest.mark.parametrize("feed", ["regional", "national"])
def test_synthetic_lists_import_with_zero_rejects(feed: str, tmp_path: Path, store: Any) -> None:
    """The lists `ctpse synth nominals` writes import with no rejected row."""
    from ctpse_core.synthetic.nominals import write_nominal_lists

    counts = write_nominal_lists(tmp_path, count=600, seed=11)
    summary = import_feed(store, feed, tmp_path / f"{feed}.csv", user=SYSTEM)
    assert summary.rejected == 0
    assert summary.stored == counts[f"{feed}_records"] == summary.rows_read
    assert not (tmp_path / f"{feed}.rejects.csv").exists()
