"""The fast file path gives exactly what the feed loader gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctpse_core.feeds import load_records
from ctpse_core.feeds.formats import FeedFileError
from ctpse_core.reconcile import read_table, table_from_nominals
from ctpse_core.synthetic.nominals import write_nominal_lists


def test_read_table_equals_load_records(tmp_path: Path) -> None:
    """Column for column, the fast reader and load_records + table_from_nominals agree."""
    write_nominal_lists(tmp_path, count=300, seed=2)
    for feed in ("regional", "national"):
        fast, rejected = read_table(feed, tmp_path / f"{feed}.csv")
        slow = load_records(feed, tmp_path / f"{feed}.csv")
        ref = table_from_nominals(slow.records, feed)  # type: ignore[arg-type]
        assert not rejected and not slow.rejected
        assert fast.ids == ref.ids
        for field, values in fast.columns.items():
            assert values == ref.columns[field], field


def test_bad_rows_are_rejected_with_file_row_field_and_reason(tmp_path: Path) -> None:
    """A bad date and a bad PNC reject their rows with a located reason; good rows stay, and so
    does a row with a blank surname (reconciled on its other evidence, reported as incomplete)."""
    path = tmp_path / "regional.csv"
    path.write_text(
        "record_id,surname,forenames,date_of_birth,pnc_id\n"
        "R1,Smith,Ada,01/02/1980,\n"
        "R2,Jones,Ben,31/02/1980,\n"
        "R3,,Cara,01/03/1981,\n"
        "R4,Khan,Dev,01/04/1982,01/123456X\n",
        encoding="utf-8",
    )
    table, rejected = read_table("regional", path)
    assert table.ids == ["R1", "R3"] and table.column("surname") == ["Smith", None]
    by_row = {r.row: r.problems for r in rejected}
    assert by_row[3][0].field == "date_of_birth" and by_row[3][0].where == "regional.csv:3"
    assert 4 not in by_row
    assert by_row[5][0].field == "pnc_id" and "check character" in by_row[5][0].reason


HEADER = "record_id,surname,forenames,date_of_birth,pnc_id,sex"


def test_reads_through_the_feed_formats_bom_windows_1252_semicolons_and_json(tmp_path: Path) -> None:
    """A UTF-8 BOM, a Windows-1252 file with ';' delimiters and a JSON file give the same table."""
    rows = ["R1,Zoë,Ada,01/02/1980,,F", "R2,Núñez,Ben,03/04/1981,,M"]
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeff".encode() + "\n".join([HEADER, *rows]).encode("utf-8") + b"\n")
    cp = tmp_path / "excel.csv"
    cp.write_bytes("\n".join(line.replace(",", ";") for line in [HEADER, *rows]).encode("windows-1252") + b"\n")
    js = tmp_path / "list.json"
    js.write_text(
        '[{"record_id": "R1", "surname": "Zoë", "forenames": "Ada", "date_of_birth": "01/02/1980", "sex": "F"},'
        ' {"record_id": "R2", "surname": "Núñez", "forenames": "Ben", "date_of_birth": "03/04/1981", "sex": "M"}]',
        encoding="utf-8",
    )
    tables = [read_table("regional", p) for p in (bom, cp, js)]
    for table, rejected in tables:
        assert not rejected
        assert table.ids == ["R1", "R2"]
        assert table.column("surname") == ["Zoë", "Núñez"]
        assert table.column("date_of_birth") == tables[0][0].column("date_of_birth")
        assert [str(s) for s in table.column("sex")] == ["F", "M"]


def test_formula_cells_are_rejected_naming_file_row_and_column(tmp_path: Path) -> None:
    """A cell a spreadsheet would run (=HYPERLINK, @SUM, +cmd) rejects its row; the rest stay."""
    path = tmp_path / "regional.csv"
    path.write_text(
        f"{HEADER}\n"
        'R1,"=HYPERLINK(""http://x.invalid"",""x"")",Ada,01/02/1980,,F\n'
        "R2,Jones,@SUM(A1),01/02/1980,,M\n"
        "R3,Khan,Dev,01/04/1982,,M\n"
        "R4,Smith,+cmd,01/04/1982,,M\n",
        encoding="utf-8",
    )
    table, rejected = read_table("regional", path)
    assert table.ids == ["R3"]
    by_row = {r.row: r.problems[0] for r in rejected}
    assert set(by_row) == {2, 3, 5}
    assert by_row[2].field == "surname" and by_row[2].where == "regional.csv:2"
    assert "formula" in by_row[2].reason
    assert by_row[3].field == "forenames" and by_row[5].field == "forenames"
    assert rejected[0].raw["record_id"] == "R1"


def test_partner_headers_name_the_column_in_reasons(tmp_path: Path) -> None:
    """In the national list's own headers, a bad date names 'DOB' (a blank surname is kept)."""
    path = tmp_path / "national.csv"
    path.write_text(
        "JCTPPH Ref,Surname,Forename(s),DOB\n"
        "JCT-1,IQBAL,Chloe,04-Dec-1960\n"
        "JCT-2,OSMAN,Fatimah,31-Feb-1976\n"
        "JCT-3,,Zoe,01-Jan-1970\n",
        encoding="utf-8",
    )
    table, rejected = read_table("national", path)
    assert table.ids == ["JCT-1", "JCT-3"]
    assert table.headers["date_of_birth"] == "DOB"
    by_row = {r.row: r.problems[0] for r in rejected}
    assert by_row[3].field == "DOB" and by_row[3].where == "national.csv:3"


def test_a_record_id_used_twice_keeps_the_first_row(tmp_path: Path) -> None:
    """The second row with an ID already seen is rejected as a duplicate of the first."""
    path = tmp_path / "regional.csv"
    path.write_text(
        f"{HEADER}\nR1,Smith,Ada,01/02/1980,,F\nR1,Smith,Ada,01/02/1980,,F\nR1,Jones,Ben,01/02/1981,,M\n",
        encoding="utf-8",
    )
    table, rejected = read_table("regional", path)
    assert table.ids == ["R1"] and table.column("surname") == ["Smith"]
    reasons = {r.row: r.problems[0].reason for r in rejected}
    assert reasons[3] == "duplicate of row 2 (the same values again)"
    assert reasons[4].startswith("duplicate of row 2: record ID 'R1' is used twice")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "has no rows"),
        (HEADER.encode() + b"\n", "has no rows"),
        (b"PK\x03\x04 not really a workbook", "not a text file"),
        (b"record_id,surname\nR1,\x00\x00\n", "NUL"),
    ],
)
def test_empty_or_broken_files_are_a_clear_error(tmp_path: Path, content: bytes, expected: str) -> None:
    """Empty, header-only, binary or NUL-holding files raise FeedFileError naming the file."""
    path = tmp_path / "regional.csv"
    path.write_bytes(content)
    with pytest.raises(FeedFileError) as caught:
        read_table("regional", path)
    assert "regional.csv" in str(caught.value) and expected in str(caught.value)


def test_broken_json_is_a_clear_error(tmp_path: Path) -> None:
    """A JSON file that does not parse names the file and the place."""
    path = tmp_path / "regional.json"
    path.write_text('[{"record_id": "R1",', encoding="utf-8")
    with pytest.raises(FeedFileError, match=r"regional\.json is not valid JSON"):
        read_table("regional", path)


def test_a_missing_name_column_rejects_every_row_as_the_importer_does(tmp_path: Path) -> None:
    """Blank name cells are kept, but a file without the surname column at all is refused row by
    row naming the column, exactly as `ctpse import` refuses it."""
    path = tmp_path / "regional.csv"
    path.write_text("record_id,forenames,date_of_birth\nR1,Ada,01/02/1980\nR2,,03/04/1981\n", encoding="utf-8")
    table, rejected = read_table("regional", path)
    assert table.ids == []
    assert [(r.row, [p.reason for p in r.problems]) for r in rejected] == [
        (2, ["column is missing (needed for surname)"]),
        (3, ["column is missing (needed for surname)"]),
    ]
    slow = load_records("regional", path)
    assert [[p.reason for p in r.problems] for r in slow.rejected] == [[p.reason for p in r.problems] for r in rejected]


def test_text_and_canonical_columns_read_as_the_importer_reads_them(tmp_path: Path) -> None:
    """Text columns taken in one pass (cells stripped) and identifier/postcode columns whose check is
    skipped (the value is made canonical by the check's own function) give exactly what the
    feed loader stores, and refuse exactly what it refuses (formula text, a bad PNC or postcode)."""
    path = tmp_path / "regional.csv"
    path.write_text(
        "record_id,surname,forenames,nationality,nominal_manager,pnc_id,postcode,address,town\n"
        "R1,  Smith ,Ada, British ,DC Example,2001/0000001q,zz1  1zz,1 Madeup Road,Fakenham Parva\n"
        "R2,Jones,Ben,@SUM(A1),DC Example,,,,\n"
        "R3,Khan,Dev,Pakistani,,01/123456X,,,\n"
        "R4,Lee,Eve,,  ,,ZZ99,2 Madeup Road,Nowhereton\n"
        "R5,Moss,,Irish,DC Other,01/1Q,ZZ1 1ZZ,3 Madeup Road,Fakenham Parva\n",
        encoding="utf-8",
    )
    table, rejected = read_table("regional", path)
    slow = load_records("regional", path)
    ref = table_from_nominals(slow.records, "regional")  # type: ignore[arg-type]
    assert table.ids == ref.ids == ["R1", "R5"]
    for field, values in table.columns.items():
        assert values == ref.columns[field], field
    assert table.column("pnc_id") == ["2001/0000001Q", "2001/0000001Q"]
    assert table.column("addresses.0.postcode") == ["ZZ1 1ZZ", "ZZ1 1ZZ"]
    assert table.column("surname")[0] == "Smith" and table.column("nationality")[0] == "British"
    assert [(r.row, [p.reason for p in r.problems]) for r in rejected] == [
        (r.row, [p.reason for p in r.problems]) for r in slow.rejected
    ]
    assert [r.row for r in rejected] == [3, 4, 5]


def test_cells_over_the_length_limit_are_rejected_as_the_feed_loader_rejects_them(tmp_path: Path) -> None:
    """A 5,000-character surname (or address) rejects its row naming column, length and limit,
    on the plain-CSV path, the quoted-CSV path and JSON alike; the feed loader agrees."""
    long_name = "Zed" * 1700
    rows = [
        "R1,Smith,Ada,01/02/1980,,F",
        f"R2,{long_name},Ben,01/02/1980,,M",
        "R3,Khan,Dev,01/04/1982,,M",
    ]
    plain = tmp_path / "plain.csv"
    plain.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    quoted = tmp_path / "quoted.csv"
    quoted.write_text("\n".join([HEADER, *rows]).replace("Khan", '"Khan"') + "\n", encoding="utf-8")
    for path in (plain, quoted):
        table, rejected = read_table("regional", path)
        assert table.ids == ["R1", "R3"], path.name
        assert [r.row for r in rejected] == [3]
        problem = rejected[0].problems[0]
        assert problem.field == "surname" and problem.where == f"{path.name}:3"
        assert "5,100 characters long, more than the 1,000 allowed" in problem.reason
        slow = load_records("regional", path)
        assert [r.row for r in slow.rejected] == [3]
