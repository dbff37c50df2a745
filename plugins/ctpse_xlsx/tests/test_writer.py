"""The xlsx report format: sheets, header, filters, formats and the marking, read back with
openpyxl; a written correction sheet imports again as a feed."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from ctpse_core.domain.marking import Marking
from ctpse_core.reports.document import Column, Report, Section, Table

STAMP = dt.datetime(2025, 3, 24, 9, 30, tzinfo=dt.UTC)


def _report() -> Report:
    rows = [{"id": "RG1", "day": dt.date(2025, 3, 24), "at": STAMP, "n": 1200, "share": 12.5,
             "note": "=1+1"}]
    table = Table("Rows", [Column("id", "ID"), Column("day", "Day", "date"), Column("at", "At", "datetime"),
                           Column("n", "N", "int"), Column("share", "Share", "percent"), Column("note", "Note")],
                  rows, primary=True)
    return Report(kind="t", title="Workbook", marking=Marking.parse("OFFICIAL-SENSITIVE [PERSONAL]"), stamp=STAMP,
                  sections=[Section("Rows", [table])])


def test_sheet_layout_formats_and_marking() -> None:
    """Marking row and header/footer on every sheet, frozen bold header, filter, number and
    date formats, London times, neutralised formula, core properties, same bytes."""
    import openpyxl
    from ctpse_xlsx.writer import render_xlsx

    data = render_xlsx(_report())
    wb = openpyxl.load_workbook(io.BytesIO(data))
    marking = "OFFICIAL-SENSITIVE [PERSONAL]"
    assert wb.sheetnames == ["Summary", "Rows"] and wb.properties.keywords == marking
    for ws in wb.worksheets:
        assert ws["A1"].value == marking
        assert ws.oddHeader.center.text == marking == ws.oddFooter.center.text
    ws = wb["Rows"]
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == "A2:F3" and ws["A2"].font.b
    assert ws["B3"].value == dt.datetime(2025, 3, 24) and ws["B3"].number_format == "ddd dd/mm/yyyy"
    assert ws["C3"].value == dt.datetime(2025, 3, 24, 9, 30)  # GMT on 24 March
    assert ws["D3"].number_format == "#,##0" and ws["E3"].value == 0.125 and ws["E3"].number_format == "0.0%"
    assert ws["F3"].value == "'=1+1" and ws["F3"].data_type == "s"
    assert ws.column_dimensions["A"].width >= 4
    assert render_xlsx(_report()) == data


def test_a_written_sheet_reads_back_as_a_feed_table(tmp_path: Path) -> None:
    """The marking row above the header is skipped when the workbook is read as a feed."""
    from ctpse_xlsx import read_xlsx
    from ctpse_xlsx.writer import render_xlsx

    from ctpse_core.feeds.formats import ReadOptions

    path = tmp_path / "rows.xlsx"
    path.write_bytes(render_xlsx(_report()))
    table = read_xlsx(path, ReadOptions(sheet="Rows"))
    rows = list(table.rows)
    assert rows[0].headers[:2] == ("ID", "Day") and rows[0].values[0] == "RG1"
