"""The fast file path gives exactly what the feed loader gives."""

from __future__ import annotations

from pathlib import Path

from ctpse_core.feeds import load_records
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
    """A bad date and a missing surname reject their rows with a located reason; good rows stay."""
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
    assert table.ids == ["R1"]
    by_row = {r.row: r.problems for r in rejected}
    assert by_row[3][0].field == "date_of_birth" and by_row[3][0].where == "regional.csv:3"
    assert by_row[4][0].field == "surname" and "required" in by_row[4][0].reason
    assert by_row[5][0].field == "pnc_id" and "check character" in by_row[5][0].reason
