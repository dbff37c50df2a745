"""Hypothesis: arbitrary bytes and arbitrary tables at every adapter give only declared,
readable outcomes (a CtpseError, or rows stored and rejected that balance), never a crash."""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ctpse_core.errors import CtpseError
from ctpse_core.feeds.importer import ImportSummary, import_feed
from ctpse_core.storage.memory import MemoryStore
from ctpse_core.testing.security import SYSTEM

NATIONAL = ["JCTPPH Ref", "Surname", "Forename(s)", "Alias Names", "DOB", "Gender", "PNC ID", "Status", "Tier",
            "CT Orders"]
TRICKY = ["", " ", "=1+1", "+44 7700 900123", "-", "@x", "31/02/1990", "01/31/1990", "45000", "1e400", "Tier 9",
          "2001/0012345H", "01/12345X", "JCT-1", "JCT-1", "Male", "custody", "TPIM; SCPO", "'=A1", "\t=cmd"]
cells = st.one_of(st.sampled_from(TRICKY), st.text(max_size=12))
headers = st.lists(st.one_of(st.sampled_from(NATIONAL), st.text(max_size=8)), min_size=1, max_size=8).filter(
    lambda hs: any(h.strip() for h in hs)
)


def _check(summary: ImportSummary, store: MemoryStore) -> None:
    assert summary.balanced
    stored = store.data.get("nominals", {})
    assert len(stored) == summary.stored + summary.updated * 0  # a fresh store: nothing to update
    quarantined = store.data.get("quarantined_rows", {})
    assert len(quarantined) == summary.rejected
    assert all(q.reasons and all(r.strip() for r in q.reasons) for q in quarantined.values())
    if summary.rejected:
        assert summary.rejects_file is not None
        with summary.rejects_file.open(encoding="utf-8-sig", newline="") as handle:
            assert sum(1 for _ in csv.reader(handle)) >= summary.rejected + 1


def _import(path: Path) -> tuple[ImportSummary | None, MemoryStore]:
    store = MemoryStore()
    try:
        summary = import_feed(store, "national", path, batch_size=7, user=SYSTEM)
    except CtpseError as exc:
        assert str(exc).strip()
        return None, store
    _check(summary, store)
    return summary, store


@given(data=st.binary(max_size=600), suffix=st.sampled_from([".csv", ".json", ".jsonl"]))
def test_arbitrary_bytes(data: bytes, suffix: str) -> None:
    """Any bytes in a .csv, .json or .jsonl file: a readable error or a balanced import."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"feed{suffix}"
        path.write_bytes(data)
        _import(path)


@given(
    head=headers,
    rows=st.lists(st.lists(cells, max_size=9), max_size=12),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "windows-1252", "utf-16"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_arbitrary_tables_as_csv(head: list[str], rows: list[list[str]], encoding: str, delimiter: str) -> None:
    """Arbitrary header and cells written as CSV: every written row is read, blank or not, and balances."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "national.csv"
        try:
            with path.open("w", encoding=encoding, newline="") as handle:
                csv.writer(handle, delimiter=delimiter).writerows([head, *rows])
        except UnicodeEncodeError:
            return
        summary, _ = _import(path)
        unambiguous = len(head) > 1 and not any(c in h for h in head for c in ",;\t|\"")
        if summary is not None and unambiguous:
            assert summary.rows_read + summary.blank_rows == len(rows)


@given(
    head=headers,
    rows=st.lists(st.lists(st.one_of(cells, st.integers(), st.floats(), st.booleans(), st.none()), max_size=9),
                  max_size=12),
    lines=st.booleans(),
)
def test_arbitrary_tables_as_json(head: list[str], rows: list[list[object]], lines: bool) -> None:
    """Arbitrary objects (typed values too) as JSON or JSON lines: every object is a row and balances."""
    objects = [dict(zip(head, row, strict=False)) for row in rows]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("national.jsonl" if lines else "national.json")
        if lines:
            path.write_text("".join(json.dumps(o) + "\n" for o in objects), encoding="utf-8")
        else:
            path.write_text(json.dumps(objects), encoding="utf-8")
        summary, _ = _import(path)
        assert summary is not None
        assert summary.rows_read == len(objects)
