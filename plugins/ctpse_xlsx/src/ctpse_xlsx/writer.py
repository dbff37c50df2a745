"""The ``xlsx`` report format: a product as an Excel workbook, written with openpyxl.

A Summary sheet (title, marking, facts, paragraphs) and one sheet per table: the marking
in row 1 and in every sheet's page header and footer, a bold frozen header row with
filters, column widths from the content, number and date formats by column kind (times
on the Europe/London wall clock), formula-like text neutralised with a leading apostrophe,
and the marking in the core properties. The archive is made reproducible
(:func:`ctpse_core.reports.office.reproducible_zip`): the same product, the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from ctpse_core.domain.common import LONDON
from ctpse_core.feeds.rejects import escape_cell
from ctpse_core.reports.document import Chart, Facts, Paragraph, Report, Table, as_report
from ctpse_core.reports.office import reproducible_zip

__all__ = ["render_xlsx"]

FORMATS = {"int": "#,##0", "float": "#,##0.###", "money": "#,##0.00", "percent": "0.0%", "date": "ddd dd/mm/yyyy",
           "datetime": "ddd dd/mm/yyyy hh:mm", "phone": "@", "text": "@"}
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _BAD_SHEET.sub(" ", name).strip("' ")[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def _value(value: Any, kind: str) -> Any:
    """A cell value: aware times as London wall clock, percents as fractions, text escaped."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.astimezone(LONDON).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float):
        return value / 100 if kind == "percent" else value
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    return escape_cell(str(value))


def _hf(text: str) -> str:
    return text.replace("&", "&&")


def _mark(ws: Any, marking: str) -> None:
    for hf in (ws.oddHeader, ws.oddFooter, ws.evenHeader, ws.evenFooter, ws.firstHeader, ws.firstFooter):
        hf.center.text = _hf(marking)
        hf.center.font = "Arial,Bold"
        hf.center.size = 12


def _marking_row(ws: Any, marking: str, width: int) -> None:
    from openpyxl.styles import Alignment, Font

    ws.cell(row=1, column=1, value=marking).font = Font(bold=True, size=12)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    if width > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)


def _table_sheet(ws: Any, table: Table, marking: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    columns = table.columns
    _marking_row(ws, marking, len(columns))
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    widths = [len(c.heading) for c in columns]
    for j, col in enumerate(columns, start=1):
        cell = ws.cell(row=2, column=j, value=escape_cell(col.heading))
        cell.font, cell.fill = bold, fill
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, row in enumerate(table.rows, start=3):
        for j, col in enumerate(columns, start=1):
            value = _value(row.get(col.key), col.kind)
            cell = ws.cell(row=i, column=j, value=value)
            if value is None:
                continue
            cell.number_format = "@" if isinstance(value, str) else FORMATS[col.kind]
            text = str(value)
            if "\n" in text:
                cell.alignment = wrap
            widths[j - 1] = max(widths[j - 1], max(len(line) for line in text.split("\n")),
                                16 if col.kind in ("date", "datetime") else 0)
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(width + 2, 60)
    ws.freeze_panes = "A3"
    if columns:
        last = get_column_letter(len(columns))
        ws.auto_filter.ref = f"A2:{last}{max(2, len(table.rows) + 2)}"
        ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _summary_sheet(ws: Any, report: Report, marking: str) -> None:
    from openpyxl.styles import Alignment, Font

    _marking_row(ws, marking, 2)
    ws.cell(row=2, column=1, value=escape_cell(report.title)).font = Font(bold=True, size=14)
    r = 3
    for label, text in (("Subtitle", report.subtitle), ("Protective marking", marking),
                        ("Floor", str(report.floor)), ("Role", report.role),
                        ("As of", report.as_of), ("Published", report.stamp.astimezone(LONDON).replace(tzinfo=None))):
        if text:
            ws.cell(row=r, column=1, value=label).font = Font(bold=True)
            cell = ws.cell(row=r, column=2, value=escape_cell(text) if isinstance(text, str) else text)
            if isinstance(text, dt.datetime):
                cell.number_format = FORMATS["datetime"]
            elif isinstance(text, dt.date):
                cell.number_format = FORMATS["date"]
            r += 1
    for section in report.sections:
        blocks = [b for b in section.blocks if not isinstance(b, Table)]
        if not blocks:
            continue
        r += 1
        ws.cell(row=r, column=1, value=escape_cell(section.heading)).font = Font(bold=True, size=12)
        r += 1
        for block in blocks:
            if isinstance(block, Paragraph):
                ws.cell(row=r, column=1, value=escape_cell(block.text)).alignment = Alignment(wrap_text=False)
                r += 1
            elif isinstance(block, Facts):
                for label, value in block.items:
                    ws.cell(row=r, column=1, value=escape_cell(label))
                    ws.cell(row=r, column=2, value=_value(value, "text"))
                    r += 1
            elif isinstance(block, Chart):
                ws.cell(row=r, column=1, value=escape_cell(block.title)).font = Font(italic=True)
                for k, category in enumerate(block.categories):
                    ws.cell(row=r, column=2 + k, value=escape_cell(category)).font = Font(italic=True)
                r += 1
                for name, values in block.series:
                    ws.cell(row=r, column=1, value=escape_cell(name))
                    for k, v in enumerate(values):
                        ws.cell(row=r, column=2 + k, value=v)
                    r += 1
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 40


def render_xlsx(product: Any) -> bytes:
    """The product as a workbook (bytes)."""
    from openpyxl import Workbook

    report = as_report(product)
    marking = str(report.marking)
    wb = Workbook()
    taken: set[str] = set()
    summary = wb.active
    summary.title = _sheet_name("Summary", taken)
    _summary_sheet(summary, report, marking)
    for table in report.tables():
        _table_sheet(wb.create_sheet(_sheet_name(table.name, taken)), table, marking)
    for ws in wb.worksheets:
        _mark(ws, marking)
    stamp = report.stamp.astimezone(dt.UTC).replace(tzinfo=None)
    props = wb.properties
    props.title = report.title
    props.subject = f"{marking}: {report.title}"
    props.keywords = marking
    props.category = marking
    props.description = f"Protective marking: {marking}. {report.subtitle}".strip()
    props.creator = report.author
    props.lastModifiedBy = report.author
    props.created = stamp
    props.modified = stamp
    out = io.BytesIO()
    wb.save(out)
    return reproducible_zip(out.getvalue(), report.stamp)
