"""Reading products back with the real parsers: the text they hold, and where the marking is.

``read(fmt, output, marking)`` parses a rendered product, asserts the marking is at the top
and bottom of every page, sheet, slide, message or event and in the metadata, and returns
the product's text for content checks.
"""

from __future__ import annotations

import csv
import email
import email.policy
import io
import json
from html.parser import HTMLParser
from typing import Any


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.stack: list[str] = []
        self.banners: dict[str, list[str]] = {"marking-top": [], "marking-bottom": []}
        self.scripts = 0
        self.meta: dict[str, str] = {}
        self.current: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "meta" and a.get("name"):
            self.meta[str(a["name"])] = str(a.get("content"))
        classes = (a.get("class") or "").split()
        for key in self.banners:
            if key in classes:
                self.current = key
                self.banners[key].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "div":
            self.current = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self.current is not None:
            self.banners[self.current][-1] += data


def read_html(text: str, marking: str) -> str:
    parser = _Html()
    parser.feed(text)
    assert parser.scripts == 0, "an HTML product must run no script"
    assert parser.banners["marking-top"] == [marking], parser.banners
    assert parser.banners["marking-bottom"] == [marking], parser.banners
    assert parser.meta.get("protective-marking") == marking
    assert "@page" in text and "position: fixed" in text  # printed: on every page
    return " ".join(parser.text)


def read_md(text: str, marking: str) -> str:
    from ctpse_core.reports import md_escape

    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[0] == f"**{md_escape(marking)}**" == lines[-1]
    return text


def read_csv(text: str, marking: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [f"# {marking}"] == rows[-1]
    return "\n".join(",".join(r) for r in rows)


def read_json(text: str, marking: str) -> str:
    data = json.loads(text)
    assert data["marking"] == marking
    return text


def read_xlsx(data: bytes, marking: str) -> str:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.properties.keywords == marking and marking in (wb.properties.subject or "")
    out = []
    for ws in wb.worksheets:
        for hf in (ws.oddHeader, ws.oddFooter, ws.evenHeader, ws.evenFooter, ws.firstHeader, ws.firstFooter):
            assert hf.center.text == marking, (ws.title, hf.center.text)
        assert ws["A1"].value == marking, ws.title
        for row in ws.iter_rows(values_only=True):
            out.append("\t".join("" if v is None else str(v) for v in row))
    return "\n".join(out)


def read_docx(data: bytes, marking: str) -> str:
    import docx

    doc = docx.Document(io.BytesIO(data))
    assert doc.core_properties.keywords == marking and doc.core_properties.category == marking
    for section in doc.sections:
        assert section.header.paragraphs[0].text == marking
        assert section.footer.paragraphs[0].text == marking
        assert not section.different_first_page_header_footer
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == marking
    for table in doc.tables:
        for row in table.rows:
            texts.append("\t".join(c.text for c in row.cells))
    return "\n".join(texts)


def read_pptx(data: bytes, marking: str) -> str:
    import pptx
    from pptx.util import Inches

    prs = pptx.Presentation(io.BytesIO(data))
    assert prs.core_properties.keywords == marking
    texts = []
    for number, slide in enumerate(prs.slides, start=1):
        marks = {s.name: s for s in slide.shapes if s.name in ("Marking top", "Marking bottom")}
        assert set(marks) == {"Marking top", "Marking bottom"}, f"slide {number}"
        assert all(s.text_frame.text == marking for s in marks.values()), f"slide {number}"
        assert marks["Marking top"].top < Inches(0.5)
        assert marks["Marking bottom"].top + marks["Marking bottom"].height > prs.slide_height - Inches(0.5)
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [c.text for row in shape.table.rows for c in row.cells]
            if shape.has_chart:
                texts.append(shape.chart.chart_title.text_frame.text)
    return "\n".join(texts)


def read_ics(files: dict[str, bytes], marking: str) -> str:
    import icalendar

    out = []
    assert files
    for name, data in files.items():
        cal = icalendar.Calendar.from_ical(data)
        events = list(cal.walk("VEVENT"))
        assert events, name
        for e in events:
            summary, description = str(e["SUMMARY"]), str(e["DESCRIPTION"]).splitlines()
            assert summary.startswith(f"[{marking}] ")
            assert description[0] == description[-1] == f"[{marking}]"
            assert marking in [str(c) for c in e["CATEGORIES"].cats]
            out += [summary, *description]
    return "\n".join(out)


def read_eml(files: dict[str, bytes], marking: str | None) -> str:
    """Each draft: the marking starts the subject and the body and ends the body (``marking``
    ``None``: each notice's own, from its X-Protective-Marking header)."""
    out = []
    assert files
    for name, data in files.items():
        msg: Any = email.message_from_bytes(data, policy=email.policy.default)
        mark = marking or msg["X-Protective-Marking"]
        assert msg["X-Protective-Marking"] == mark, name
        assert str(msg["Subject"]).startswith(f"{mark} "), name
        assert msg["X-Unsent"] == "1"
        body = msg.get_body(preferencelist=("plain",)).get_content()
        lines = [x for x in body.splitlines() if x.strip()]
        assert lines[0] == mark == lines[-1], name
        html = msg.get_body(preferencelist=("html",)).get_content()
        assert html.count(mark) >= 2 and "<script>" not in html
        out += [str(msg["Subject"]), str(msg["X-Recipient-Group"]), body]
    return "\n".join(out)


def read(fmt: str, output: Any, marking: str) -> str:
    readers: dict[str, Any] = {"html": read_html, "md": read_md, "csv": read_csv, "json": read_json,
                               "xlsx": read_xlsx, "docx": read_docx, "pptx": read_pptx, "ics": read_ics,
                               "eml": lambda files, _m: read_eml(files, None)}
    return str(readers[fmt](output, marking))


def build_audited(store: Any, name: str, as_of: Any) -> tuple[Any, list[Any]]:
    """Product ``name`` built (and committed) as the test user, and the audit events its building wrote."""
    from ctpse_core.products import build
    from ctpse_core.testing.products import USER

    before = len(store.audit_events())
    with store.unit_of_work(user=USER) as uow:
        report = build(name, uow, as_of)
        uow.commit()
    return report, store.audit_events()[before:]


def sheet_rows(data: bytes, title: str) -> tuple[list[dict[str, Any]], Any]:
    """A workbook sheet's rows keyed by the header row (row 2; row 1 is the marking), and the sheet."""
    import openpyxl

    ws = openpyxl.load_workbook(io.BytesIO(data))[title]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, r, strict=True)) for r in rows[1:]], ws
