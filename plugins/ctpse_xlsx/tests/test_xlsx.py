"""The xlsx feed format: workbooks import like CSV, bad rows are quarantined naming the column,
and arbitrary bytes or tables only ever give readable outcomes."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctpse_core.domain.staff import Staff
from ctpse_core.errors import CtpseError
from ctpse_core.feeds.formats import FeedFileError, formats
from ctpse_core.feeds.importer import ImportSummary, import_feed
from ctpse_core.storage.memory import MemoryStore
from ctpse_core.testing.security import SYSTEM

HEADERS = ["JCTPPH Ref", "Surname", "Forename(s)", "DOB", "PNC ID", "Tier", "Partner notes"]


def _workbook(path: Path, rows: list[list[object]], title: str = "Headcount", extra_sheet: bool = False) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        other = book.create_sheet("Notes")
        other.append(["not", "a", "feed"])
    book.save(path)
    return path


def test_xlsx_format_is_registered_from_the_plugin() -> None:
    """Installing ctpse_xlsx adds the xlsx format through the ctpse entry-point group."""
    fmt = formats().get("xlsx")
    assert ".xlsx" in fmt.suffixes and fmt.read.__module__.startswith("ctpse_xlsx")


def test_messy_workbook_rows_are_quarantined_naming_the_column(tmp_path: Path) -> None:
    """Excel dates, text dates, formulas, bad PNC IDs, duplicates, blank rows and extra columns."""
    rows: list[list[object]] = [
        HEADERS,
        ["JCT-1", "TESTPERSON", "Alfa", dt.datetime(1990, 1, 31), "01/12345H", "Tier 2", "extra"],
        ["JCT-2", "SAMPLETON", "Bravo", "04/07/1985", None, 1, None],
        [None, None, None, None, None, None, None],
        ["JCT-3", "EXAMPLEBY", "Charlie", "31/02/1990", None, None, None],
        ["JCT-4", "FAKENHAM", "Delta", 25569, "01/12345X", None, None],
        ["JCT-5", "MADEUP", '=HYPERLINK("http://example.invalid","x")', "03/03/1973", None, None, None],
        ["JCT-2", "SAMPLETON", "Bravo", "04/07/1985", None, 1, None],
    ]
    path = _workbook(tmp_path / "national.xlsx", rows)
    store = MemoryStore()
    summary = import_feed(store, "national", path, user=SYSTEM)
    assert summary.format == "xlsx" and summary.balanced
    assert (summary.rows_read, summary.stored, summary.rejected, summary.blank_rows) == (6, 2, 4, 1)
    assert "Partner notes" in summary.ignored_columns
    reasons = {q.raw["JCTPPH Ref"]: q.reasons for q in store.data["quarantined_rows"].values()}
    assert reasons["JCT-3"][0].startswith("DOB: '31/02/1990' is not a valid date")
    assert reasons["JCT-4"][0].startswith("PNC ID: '01/12345X' has check character X")
    assert reasons["JCT-5"][0].startswith("Forename(s): '=HYPERLINK(")
    assert reasons["JCT-2"][0].startswith("JCTPPH Ref: duplicate of row 3")
    first = store.data["nominals"]["JCT-1"]
    assert str(first.date_of_birth) == "1990-01-31" and first.risk_tier is not None
    rejects = (tmp_path / "national.rejects.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in rejects


def test_named_sheet_and_missing_sheet(tmp_path: Path) -> None:
    """--sheet picks a worksheet; a sheet that is not there is a clear error listing the sheets."""
    path = _workbook(tmp_path / "leave.xlsx",
                     [["Leave Ref", "Staff No", "First Day", "Last Day"],
                      ["L-1", "S-1", dt.date(2025, 4, 1), dt.date(2025, 4, 3)]], title="Leave 2025")
    store = MemoryStore()
    with store.unit_of_work(user=SYSTEM) as uow:  # leave names a stored staff member
        uow.staff.add(Staff(id="S-1", forenames="Alfa", surname="Testperson"))
        uow.commit()
    assert import_feed(store, "leave", path, sheet="Leave 2025", user=SYSTEM).stored == 1
    with pytest.raises(FeedFileError, match=r"has no worksheet 'Sheet9' \(it has: Leave 2025\)"):
        import_feed(store, "leave", path, sheet="Sheet9", user=SYSTEM)


def test_text_saved_as_xlsx_is_a_readable_error(tmp_path: Path) -> None:
    """A CSV renamed .xlsx is refused as not a workbook, not a traceback."""
    path = tmp_path / "staff.xlsx"
    path.write_text("Staff No,Forename\nS-1,Echo\n", encoding="utf-8")
    with pytest.raises(FeedFileError, match="is not a readable Excel workbook"):
        import_feed(MemoryStore(), "staff", path, user=SYSTEM)


def _outcome(path: Path) -> ImportSummary | None:
    store = MemoryStore()
    try:
        summary = import_feed(store, "national", path, batch_size=5, user=SYSTEM)
    except CtpseError as exc:
        assert str(exc).strip()
        return None
    assert summary.balanced
    assert len(store.data.get("quarantined_rows", {})) == summary.rejected
    return summary


@given(data=st.binary(max_size=800))
def test_arbitrary_bytes(data: bytes) -> None:
    """Any bytes named .xlsx: a readable error (or, for a real workbook, a balanced import)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "national.xlsx"
        path.write_bytes(data)
        _outcome(path)


_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FFF, exclude_categories=("Cs",)),
                max_size=10)
_cell = st.one_of(
    st.none(), _text, st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(), st.dates(), st.sampled_from(["=1+1", "31/02/1990", "01/12345X", "Tier 2", "JCT-1"]),
)


@given(
    head=st.lists(st.one_of(st.sampled_from(HEADERS), _text), min_size=1, max_size=7),
    rows=st.lists(st.lists(_cell, max_size=8), max_size=10),
)
def test_arbitrary_tables(head: list[str], rows: list[list[object]]) -> None:
    """Arbitrary typed tables in a workbook: every row read or skipped as blank, and the counts balance."""
    with tempfile.TemporaryDirectory() as folder:
        path = _workbook(Path(folder) / "national.xlsx", [head, *rows])
        summary = _outcome(path)
        filled = [r for r in rows if any(c is not None and not (isinstance(c, str) and not c.strip()) for c in r)]
        if summary is not None and any(h.strip() for h in head):
            assert summary.rows_read == len(filled)
