"""Plain CSV files read column by column (numpy) and in blocks give exactly what the row path gives.

``read_table`` takes a CSV file without quotes through :mod:`ctpse_core.feeds.plaincsv`,
and any other CSV file in blocks (:func:`ctpse_core.feeds.text.read_csv_blocks`); both must
give the table and the rejected rows (row numbers, reasons, raw cells) that reading the
file row by row through ``read_csv`` gives, whatever the file holds: blank and marking
lines, short and long rows, whitespace and non-ASCII cells, CRLF line breaks, a last row
with no line break or cut short, quoted cells.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ctpse_core.feeds.plaincsv as plaincsv
import ctpse_core.reconcile.table as table_module
from ctpse_core.feeds.formats import FeedFileError, ReadOptions
from ctpse_core.reconcile import read_table
from ctpse_core.synthetic.nominals import write_nominal_lists

HEADERS = ["record_id", "surname", "forenames", "date_of_birth", "sex", "pnc_id", "postcode", "town"]
CELLS = [
    "", " ", "RG1", "RG2", "RG1 ", "Smith", "Zoë", "Núñez", "\u00a0", "#", "# OFFICIAL", "=1+1", "-", "+44 7700",
    "01/02/1980", "31/02/1980", "1980", "M", "F", "Male", "x", "01/123456X", "2001/0123456Z", "ZZ1 1ZZ", "zz11zz",
    "Dummington", " Dummington", "a" * 20, "\t", "O'Brien",
]


def _snapshot(path: Path, mode: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(table_module, "_ROW_BY_ROW", mode == "rows")
    monkeypatch.setattr(table_module, "_NO_PLAIN", mode == "blocks")
    try:
        table, rejected = read_table("regional", path)
    except FeedFileError as exc:
        return ("error", str(exc))
    columns = {k: v for k, v in table.columns.items()}
    return (
        table.ids,
        columns,
        table.headers,
        table.written,
        table.date_style,
        table.unused_columns,
        table.missing_columns,
        [(r.row, [(p.field, p.reason, p.where) for p in r.problems], r.raw) for r in rejected],
    )


def _same_three_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = _snapshot(path, "rows", monkeypatch)
    assert _snapshot(path, "blocks", monkeypatch) == rows
    assert _snapshot(path, "plain", monkeypatch) == rows


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    headers = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=6, unique=True))
    if draw(st.booleans()):
        headers = ["record_id", *[h for h in headers if h != "record_id"]]
    lines = [delimiter.join(headers)]
    if draw(st.booleans()):
        lines.insert(0, "# OFFICIAL-SENSITIVE")
    for _ in range(draw(st.integers(0, 12))):
        kinds = ["row", "row", "row", "short", "long", "blank", "spaces", "marking", "blankish", "wide marking"]
        kind = draw(st.sampled_from(kinds))
        width = len(headers) + {"short": -1, "long": 1}.get(kind, 0)
        pool = [" ", "", "\t", "\u00a0"] if kind in ("blankish", "wide marking") else CELLS
        cells = [draw(st.sampled_from(pool)) for _ in range(max(width, 0))]
        if kind == "wide marking":
            cells[0] = draw(st.sampled_from(["# OFFICIAL", "#OFFICIAL-SENSITIVE", "# not a marking"]))
        if kind == "blank":
            lines.append(draw(st.sampled_from(["", delimiter * (len(headers) - 1)])))
        elif kind == "spaces":
            lines.append(" ")
        elif kind == "marking":
            lines.append("# OFFICIAL")
        else:
            lines.append(delimiter.join(cells))
    if draw(st.booleans()):
        at = draw(st.integers(0, len(lines) - 1))
        lines[at] = lines[at] + delimiter + '"a, quoted' + delimiter + 'cell"'
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines) + (newline if draw(st.booleans()) else "")
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "windows-1252"]))
    return text.encode(encoding, errors="replace")


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=csv_files())
def test_any_csv_file_reads_the_same_three_ways(
    data: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Random small CSV files (good and bad rows, blank and marking lines, short and long rows,
    quotes, CRLF, no final line break): the plain, block and row paths agree on everything."""
    path = tmp_path / "list.csv"
    path.write_bytes(data)
    _same_three_ways(path, monkeypatch)


def test_generated_lists_read_the_same_three_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The synthetic generator's two lists (plain files) read the same through each path."""
    write_nominal_lists(tmp_path, count=400, seed=5)
    for feed in ("regional", "national"):
        path = tmp_path / f"{feed}.csv"
        assert plaincsv.read_plain_csv(path, ReadOptions()) is not None
        results = []
        for mode in ("rows", "blocks", "plain"):
            monkeypatch.setattr(table_module, "_ROW_BY_ROW", mode == "rows")
            monkeypatch.setattr(table_module, "_NO_PLAIN", mode == "blocks")
            table, rejected = read_table(feed, path)
            results.append((table.ids, table.columns, [(r.row, r.problems) for r in rejected]))
        assert results[0] == results[1] == results[2]


def test_a_hash_shared_by_different_cells_never_merges_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every cell hashed alike (as if every hash collided), distinct cells keep their own
    codes: the table and the rejected rows are those of the row path."""
    write_nominal_lists(tmp_path, count=60, seed=3)
    path = tmp_path / "regional.csv"
    expected = _snapshot(path, "rows", monkeypatch)
    monkeypatch.setattr(plaincsv, "_mix", lambda h: h & np.uint64(0))
    assert _snapshot(path, "plain", monkeypatch) == expected


def test_a_file_cut_short_in_its_last_row_is_rejected_on_each_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plain file that stops inside its last row: that row is rejected with the reason, on
    the plain path as on the others; a whole last row without a line break is kept."""
    path = tmp_path / "regional.csv"
    full = "record_id,surname,forenames,sex\r\nRG1,Testperson,Alfa,M\r\nRG2,Sampleton,Bravo,F"
    path.write_text(full[: full.index("Bravo")] + "Bra", encoding="utf-8")
    _same_three_ways(path, monkeypatch)
    table, rejected = read_table("regional", path)
    assert table.ids == ["RG1"]
    assert rejected[0].row == 3 and "ends early" in rejected[0].problems[0].reason
    path.write_text(full, encoding="utf-8")
    table, rejected = read_table("regional", path)
    assert table.ids == ["RG1", "RG2"] and not rejected


def test_files_it_does_not_take_go_to_the_csv_module(tmp_path: Path) -> None:
    """Quotes, a lone carriage return or UTF-16 leave the file to the CSV module."""
    path = tmp_path / "list.csv"
    for data in (b'record_id,surname\nRG1,"Smith"\n', b"record_id,surname\rRG1,Smith\r"):
        path.write_bytes(data)
        assert plaincsv.read_plain_csv(path, ReadOptions()) is None
    path.write_text("record_id,surname\nRG1,Smith\n", encoding="utf-16")
    assert plaincsv.read_plain_csv(path, ReadOptions()) is None
    path.write_text("record_id,surname\r\nRG1,Smith\r\n", encoding="utf-8")
    plain = plaincsv.read_plain_csv(path, ReadOptions())
    assert plain is not None and plain.column(1)[0] == ["Smith"]
