"""The ``docx`` report format for ctpse_core: products as Word documents (python-docx).

A title page (the marking, title, subtitle, publication), a heading per section, tables
with a repeated bold header row, and for notice products a page per recipient group
(marked with that notice's marking). The marking is centred in bold capitals in every
section's page header and footer (first page too) and in the core properties
(keywords, category, subject). The file is made reproducible
(:func:`ctpse_core.reports.office.reproducible_zip`): the same product, the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from ctpse_core.domain.common import time_text
from ctpse_core.reports.document import Chart, Facts, Paragraph, Report, Section, Table, as_report
from ctpse_core.reports.office import fill_core_properties, reproducible_zip

__all__ = ["render_docx"]


def _marked(paragraph: Any, marking: str, size: int = 12) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph.text = ""
    run = paragraph.add_run(marking)
    run.bold = True
    run.font.size = Pt(size)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _mark_sections(doc: Any, marking: str) -> None:
    for section in doc.sections:
        section.different_first_page_header_footer = False
        for part in (section.header, section.footer):
            part.is_linked_to_previous = False
            _marked(part.paragraphs[0], marking)


def _table(doc: Any, table: Table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from ctpse_core.reports import cell_text

    if table.title:
        doc.add_paragraph(table.title, style="Heading 3")
    if not table.rows:
        doc.add_paragraph("None.")
        return
    grid = doc.add_table(rows=1 + len(table.rows), cols=len(table.columns))
    grid.style = "Table Grid"
    rows = grid.rows
    header = rows[0]
    flag = OxmlElement("w:tblHeader")  # repeat the header row on every page
    flag.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(flag)
    for cell, col in zip(header.cells, table.columns, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(col.heading).bold = True
    for row, values in zip(rows[1:], table.rows, strict=True):
        for cell, col in zip(row.cells, table.columns, strict=True):
            cell.text = cell_text(values.get(col.key), col.kind)
    if table.note:
        doc.add_paragraph(table.note)


def _facts(doc: Any, facts: Facts) -> None:
    from ctpse_core.reports import cell_text

    if facts.title:
        doc.add_paragraph(facts.title, style="Heading 3")
    grid = doc.add_table(rows=len(facts.items), cols=2)
    grid.style = "Table Grid"
    for row, (label, value) in zip(grid.rows, facts.items, strict=True):
        row.cells[0].text = ""
        row.cells[0].paragraphs[0].add_run(label).bold = True
        row.cells[1].text = cell_text(value)


def _sections(doc: Any, sections: Iterable[Section], level: int = 1) -> None:
    for section in sections:
        doc.add_heading(section.heading, level=level)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                doc.add_paragraph(block.text)
            elif isinstance(block, Facts):
                _facts(doc, block)
            elif isinstance(block, Chart):
                _table(doc, block.table())
            elif isinstance(block, Table):
                _table(doc, block)


def _title_page(doc: Any, report: Report, marking: str) -> None:
    _marked(doc.add_paragraph(), marking, 16)
    doc.add_paragraph(report.title, style="Title")
    if report.subtitle:
        doc.add_paragraph(report.subtitle, style="Subtitle")
    lines = [f"Published {time_text(report.stamp)}"]
    if report.as_of:
        lines.append(f"As of {report.as_of:%d/%m/%Y}")
    if report.role:
        lines.append(f"For the {report.role}")
    lines.append(f"Protective marking: {marking} (floor {report.floor})")
    for line in lines:
        doc.add_paragraph(line)
    if report.notices:
        doc.add_paragraph("Notices: " + "; ".join(n.group for n in report.notices))
    _marked(doc.add_paragraph(), marking, 16)
    doc.add_page_break()


def render_docx(product: Any) -> bytes:
    """The product as a Word document (bytes)."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    report = as_report(product)
    marking = str(report.marking)
    doc = docx.Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(15))
    _title_page(doc, report, marking)
    _sections(doc, report.sections)
    for notice in report.notices:
        doc.add_page_break()  # type: ignore[no-untyped-call]
        notice_marking = str(report.notice_marking(notice))
        _marked(doc.add_paragraph(), notice_marking, 14)
        doc.add_heading(f"Notice to {notice.group}", level=1)
        doc.add_paragraph(notice.subject)
        _sections(doc, notice.sections, level=2)
        _marked(doc.add_paragraph(), notice_marking, 14)
    _mark_sections(doc, marking)
    fill_core_properties(doc.core_properties, report)
    out = io.BytesIO()
    doc.save(out)
    return reproducible_zip(out.getvalue(), report.stamp)
