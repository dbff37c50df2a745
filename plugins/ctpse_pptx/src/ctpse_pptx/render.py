"""The ``pptx`` report format for ctpse_core: products as PowerPoint briefings (python-pptx).

A title slide, then a slide per section: its facts as a table, its first chart as a native
(editable) column chart, and its tables (the first rows, with how many more). The marking
is in bold capitals at the top and bottom of every slide and in the core properties. The
file is made reproducible (:func:`ctpse_core.reports.office.reproducible_zip`, which also
fixes each chart's embedded workbook): the same product, the same bytes.
"""

from __future__ import annotations

import io
from typing import Any

from ctpse_core.domain.common import time_text
from ctpse_core.reports.document import Chart, Facts, Paragraph, Section, Table, as_report
from ctpse_core.reports.office import fill_core_properties, reproducible_zip

__all__ = ["MAX_ROWS", "render_pptx"]

#: Table rows shown on a slide; the rest are counted ("and 12 more").
MAX_ROWS = 12


def _text(slide: Any, text: str, left: int, top: int, width: int, height: int, size: int = 14,
          bold: bool = False, centre: bool = False) -> Any:
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Pt

    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    para = frame.paragraphs[0]
    run = para.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    if centre:
        para.alignment = PP_ALIGN.CENTER
    return box


def _mark(slide: Any, prs: Any, marking: str) -> None:
    from pptx.util import Emu, Inches

    width = Emu(prs.slide_width)
    _text(slide, marking, Inches(0), Inches(0.05), width, Inches(0.4), 16, True, True).name = "Marking top"
    _text(slide, marking, Inches(0), Emu(prs.slide_height - Inches(0.5)), width, Inches(0.4), 16, True,
          True).name = "Marking bottom"


def _table(slide: Any, rows: list[list[str]], left: int, top: int, width: int, size: int = 11) -> None:
    from pptx.util import Inches, Pt

    if not rows or not rows[0]:
        return
    shape = slide.shapes.add_table(len(rows), len(rows[0]), left, top, width, Inches(0.3) * len(rows))
    for i, values in enumerate(rows):
        for j, value in enumerate(values):
            cell = shape.table.cell(i, j)
            cell.text = value
            for para in cell.text_frame.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(size)
                    run.font.bold = i == 0


def _chart(slide: Any, chart: Chart, left: int, top: int, width: int, height: int) -> None:
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION

    data = CategoryChartData()  # type: ignore[no-untyped-call]
    data.categories = list(chart.categories)
    for name, values in chart.series:
        data.add_series(name, list(values))  # type: ignore[no-untyped-call]
    frame = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, left, top, width, height, data)
    graph = frame.chart
    graph.has_title = True
    graph.chart_title.text_frame.text = chart.title
    graph.has_legend = len(chart.series) > 1
    if graph.has_legend:
        graph.legend.position = XL_LEGEND_POSITION.BOTTOM
        graph.legend.include_in_layout = False


def _section_slide(prs: Any, section: Section, marking: str) -> None:
    from pptx.util import Emu, Inches

    from ctpse_core.reports import cell_text

    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    _mark(slide, prs, marking)
    width = Emu(prs.slide_width)
    _text(slide, section.heading, Inches(0.5), Inches(0.5), width - Inches(1), Inches(0.7), 28, True)
    top, left = int(Inches(1.3)), int(Inches(0.5))
    charts = [b for b in section.blocks if isinstance(b, Chart)]
    text_width = int(width - Inches(1)) if not charts else int(width * 0.42)
    for block in section.blocks:
        if isinstance(block, Paragraph):
            _text(slide, block.text, left, top, text_width, Inches(0.6), 14)
            top += Inches(0.7)
        elif isinstance(block, Facts):
            rows = [[label, cell_text(value)] for label, value in block.items]
            _table(slide, [["Measure", "Value"], *rows], left, top, text_width, 12)
            top += Inches(0.3) * (len(rows) + 1) + Inches(0.2)
        elif isinstance(block, Table):
            shown = list(block.rows[:MAX_ROWS])
            rows = [[c.heading for c in block.columns],
                    *[[cell_text(r.get(c.key), c.kind) for c in block.columns] for r in shown]]
            _table(slide, rows, left, top, text_width, 10)
            top += Inches(0.3) * len(rows) + Inches(0.1)
            if len(block.rows) > MAX_ROWS:
                _text(slide, f"and {len(block.rows) - MAX_ROWS} more (see the full product)", left, top,
                      text_width, Inches(0.4), 11)
                top += Inches(0.4)
    if charts:
        chart_left = left + text_width + Inches(0.3)
        _chart(slide, charts[0], chart_left, Inches(1.3), width - chart_left - Inches(0.5), Inches(5.2))


def render_pptx(product: Any) -> bytes:
    """The product as a 16:9 briefing deck (bytes)."""
    from pptx import Presentation
    from pptx.util import Inches

    report = as_report(product)
    marking = str(report.marking)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    title = prs.slides.add_slide(prs.slide_layouts[6])
    _mark(title, prs, marking)
    width = prs.slide_width - Inches(1.0)
    _text(title, report.title, Inches(0.5), Inches(2.2), width, Inches(1.2), 40, True, True)
    lines = [report.subtitle, f"Published {time_text(report.stamp)}", f"Protective marking: {marking}"]
    _text(title, "\n".join(x for x in lines if x), Inches(0.5), Inches(3.6), width, Inches(1.5), 18, False, True)
    for section in report.sections:
        _section_slide(prs, section, marking)
    fill_core_properties(prs.core_properties, report)
    out = io.BytesIO()
    prs.save(out)
    return reproducible_zip(out.getvalue(), report.stamp)
