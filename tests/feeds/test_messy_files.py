"""Messy partner files: every bad row is quarantined with a reason naming the column,
every good row is stored, and the counts balance, in each text format."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from ctpse_core.feeds.importer import import_feed
from ctpse_core.testing.security import SYSTEM

HEADERS = ["JCTPPH Ref", "Surname", "Forename(s)", "DOB", "Gender", "PNC ID", "Tier", "Notes from partner"]
GOOD_1 = ["JCT-1", "TESTPERSON", "Alfa", "31-Jan-1990", "Male", "01/12345H", "Tier 2", "extra column"]
GOOD_2 = ["JCT-2", "SAMPLETON", "Bravo", "04/07/1985", "Female", "", "Tier 1", ""]
IMPOSSIBLE_DATE = ["JCT-3", "EXAMPLEBY", "Charlie", "31/02/1990", "Male", "", "", ""]
BAD_PNC = ["JCT-4", "FAKENHAM", "Delta", "02/02/1970", "Male", "01/12345X", "", ""]
FORMULA = ["JCT-5", "MADEUP", '=HYPERLINK("http://example.invalid","click")', "03/03/1973", "Male", "", "", ""]
DUPLICATE = list(GOOD_2)
CLASH = ["JCT-1", "OTHERNAME", "Echo", "05/05/1975", "Male", "", "", ""]
MONTH_FIRST = ["JCT-6", "NOTREAL", "Golf", "01/31/1990", "Male", "", "", ""]
TWO_DIGIT_YEAR = ["JCT-7", "UNREAL", "Hotel", "01/01/90", "Male", "", "", ""]
PLUS_FORMULA = ["JCT-8", "PRETEND", "India", "04/04/1974", "Male", "", "+cmd|' /C calc'!A0", ""]

ROWS = [GOOD_1, GOOD_2, IMPOSSIBLE_DATE, BAD_PNC, FORMULA, DUPLICATE, CLASH, MONTH_FIRST, TWO_DIGIT_YEAR, PLUS_FORMULA]
EXPECTED = {  # partner ID -> the column its rejection must name
    "JCT-3": "DOB",
    "JCT-4": "PNC ID",
    "JCT-5": "Forename(s)",
    "JCT-6": "DOB",
    "JCT-7": "DOB",
    "JCT-8": "Tier",
}


def _reasons_by_id(rejects: Path) -> dict[str, list[str]]:
    with rejects.open(encoding="utf-8-sig", newline="") as handle:
        out: dict[str, list[str]] = {}
        for row in csv.DictReader(handle):
            out.setdefault(row["JCTPPH Ref"], []).append(row["reasons"])
        return out


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_messy_rows_are_quarantined_with_column_named(fmt: str, tmp_path: Path, store: Any, writers: Any) -> None:
    """Impossible dates, bad PNC check characters, formulas and duplicates are rejected naming the
    column; good rows are stored; extra columns are reported as ignored; counts balance."""
    suffix, write = writers[fmt]
    path = write(tmp_path / f"national{suffix}", HEADERS, ROWS)
    summary = import_feed(store, "national", path, user=SYSTEM)
    assert summary.balanced
    assert summary.rows_read == len(ROWS)
    assert summary.stored == 2
    assert summary.rejected == len(ROWS) - 2
    assert "Notes from partner" in summary.ignored_columns
    reasons = _reasons_by_id(tmp_path / "national.rejects.csv")
    for partner_id, column in EXPECTED.items():
        assert any(r.startswith(f"{column}: ") for r in reasons[partner_id]), (partner_id, reasons[partner_id])
    assert any("duplicate of row" in r for r in reasons["JCT-2"])
    assert any("duplicate of row" in r for r in reasons["JCT-1"])
    with store.unit_of_work(user=SYSTEM) as uow:
        stored = {n.id: n for n in uow.repository("nominals").list()}
        quarantined = list(uow.repository("quarantined_rows").list())
    assert set(stored) == {"JCT-1", "JCT-2"}
    assert stored["JCT-1"].forenames == "Alfa"  # the clashing second JCT-1 did not overwrite it
    assert len(quarantined) == summary.rejected
    assert all(q.reasons and q.file == path.name and q.file_hash == summary.file_hash for q in quarantined)
    assert {q.raw["JCTPPH Ref"] for q in quarantined} == {"JCT-3", "JCT-4", "JCT-5", "JCT-2", "JCT-1", "JCT-6",
                                                           "JCT-7", "JCT-8"}


def test_rejects_file_escapes_formulas_and_reimports(tmp_path: Path, store: Any, writers: Any) -> None:
    """The rejects file keeps the original columns plus reasons, escapes formula cells, and once
    fixed imports cleanly (the reasons column is ignored)."""
    path = writers["csv"][1](tmp_path / "national.csv", HEADERS, [GOOD_1, FORMULA, IMPOSSIBLE_DATE])
    import_feed(store, "national", path, user=SYSTEM)
    rejects = tmp_path / "national.rejects.csv"
    with rejects.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [*HEADERS, "reasons"]
    formula_row = next(r for r in rows if r[0] == "JCT-5")
    assert formula_row[2].startswith("'=HYPERLINK")
    assert formula_row[-1].startswith("Forename(s): ") and formula_row[-1].count("=") >= 1
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    # A coordinator leaves the formula row alone and fixes the date: the escaped formula stays refused.
    fixed = [r[:-1] for r in rows[1:]]
    for r in fixed:
        if r[0] == "JCT-3":
            r[3] = "28/02/1990"
    again = writers["csv"][1](tmp_path / "national.fixed.csv", [*HEADERS], fixed)
    second = import_feed(store, "national", again, user=SYSTEM)
    assert (second.stored, second.rejected) == (1, 1)
    assert second.balanced


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_missing_required_column_rejects_every_row_naming_it(
    fmt: str, tmp_path: Path, store: Any, writers: Any
) -> None:
    """A file without the Surname column: every row is quarantined saying the column is missing."""
    headers = [h for h in HEADERS if h != "Surname"]
    rows = [[v for h, v in zip(HEADERS, row, strict=True) if h != "Surname"] for row in (GOOD_1, GOOD_2)]
    suffix, write = writers[fmt]
    summary = import_feed(store, "national", write(tmp_path / f"national{suffix}", headers, rows), user=SYSTEM)
    assert (summary.rows_read, summary.rejected, summary.stored) == (2, 2, 0)
    assert "Surname" in summary.missing_columns
    reasons = _reasons_by_id(tmp_path / "national.rejects.csv")
    assert all("Surname: column is missing (needed for surname)" in " ".join(r) for r in reasons.values())


def test_empty_objects_and_rows_in_json_are_quarantined(tmp_path: Path, store: Any) -> None:
    """An empty JSON object is a row with nothing in it: quarantined, naming the missing columns."""
    path = tmp_path / "national.json"
    path.write_text('[{}, {"JCTPPH Ref": "JCT-1", "Surname": "A", "Forename(s)": "B"}, {"JCTPPH Ref": ""}]',
                    encoding="utf-8")
    summary = import_feed(store, "national", path, user=SYSTEM)
    assert (summary.rows_read, summary.stored, summary.rejected) == (3, 1, 2) and summary.balanced
    text = (tmp_path / "national.rejects.csv").read_text(encoding="utf-8-sig")
    assert "JCTPPH Ref: column is missing (needed for id)" in text
    assert "JCTPPH Ref: is blank but required (id)" in text


def test_blank_rows_and_long_rows_in_csv(tmp_path: Path, store: Any) -> None:
    """Blank lines are skipped (and counted), a row with more cells than the header is rejected,
    blank trailing cells are harmless."""
    path = tmp_path / "national.csv"
    lines = [",".join(HEADERS), ",".join(GOOD_1), "", ",,,,", ",".join([*GOOD_2, "", ""]),
             ",".join([*IMPOSSIBLE_DATE[:1], "A", "B", "01/01/1990", "", "", "", "", "surplus"])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = import_feed(store, "national", path, user=SYSTEM)
    assert (summary.rows_read, summary.stored, summary.rejected, summary.blank_rows) == (3, 2, 1, 2)
    reasons = _reasons_by_id(tmp_path / "national.rejects.csv")
    assert "9 cells but the header has 8 columns" in reasons["JCT-3"][0]


def test_duplicate_header_for_one_field_is_reported(tmp_path: Path, store: Any) -> None:
    """Two headers giving the same field make every row a reported reject, not a silent choice."""
    path = tmp_path / "national.csv"
    path.write_text("JCTPPH Ref,Surname,Forename(s),forenames\nJCT-1,A,B,C\n", encoding="utf-8")
    summary = import_feed(store, "national", path, user=SYSTEM)
    assert summary.rejected == 1 and summary.balanced
    text = (tmp_path / "national.rejects.csv").read_text(encoding="utf-8-sig")
    assert "both give forenames" in text
