"""The docx format on a small report, read back with python-docx."""

from __future__ import annotations

import datetime as dt
import io

from ctpse_core.domain.marking import Marking
from ctpse_core.reports.document import Facts, Notice, Paragraph, Report, Section, Table

STAMP = dt.datetime(2025, 3, 24, 9, 30, tzinfo=dt.UTC)


def _report() -> Report:
    table = Table("People", ["id", "count:int"], [{"id": "RG0000001", "count": 3}])
    return Report(kind="t", title="A test notice", marking=Marking.parse("SECRET [UK EYES ONLY]"), stamp=STAMP,
                  sections=[Section("Summary", [Paragraph("Body text"), Facts([("Rows", 1)]), table])],
                  notices=[Notice("Team A", "Change for team A", [Section("Yours", [table])])])


def test_marking_in_every_header_footer_and_properties_with_content() -> None:
    """Title page, headings and table content; the marking heads and foots every section
    and is in the core properties; a page per notice."""
    import docx
    from ctpse_docx import render_docx

    data = render_docx(_report())
    doc = docx.Document(io.BytesIO(data))
    marking = "SECRET [UK EYES ONLY]"
    assert all(s.header.paragraphs[0].text == marking == s.footer.paragraphs[0].text for s in doc.sections)
    assert doc.core_properties.keywords == marking and doc.core_properties.title == "A test notice"
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == marking and "A test notice" in texts and "Notice to Team A" in texts
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "RG0000001" in cells and "3" in cells
    assert render_docx(_report()) == data  # same report, same bytes
