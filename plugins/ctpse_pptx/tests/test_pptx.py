"""The pptx format on a small report, read back with python-pptx."""

from __future__ import annotations

import datetime as dt
import io

from ctpse_core.domain.marking import Marking
from ctpse_core.reports.document import Chart, Facts, Report, Section, Table

STAMP = dt.datetime(2025, 3, 24, 9, 30, tzinfo=dt.UTC)


def _report(rows: int = 3) -> Report:
    table = Table("Rows", ["id", "n:int"], [{"id": f"ID{i}", "n": i} for i in range(rows)])
    chart = Chart("By day", ["Mon", "Tue"], [("Deployments", [3, 4]), ("Officers", [10, 12])])
    return Report(kind="t", title="Briefing", marking=Marking.parse("OFFICIAL-SENSITIVE"), stamp=STAMP,
                  sections=[Section("Grid", [Facts([("Teams", 4)]), chart]), Section("Detail", [table])])


def test_marking_on_every_slide_with_native_chart_and_table() -> None:
    """Every slide carries the marking top and bottom; the chart is a real chart with its
    series; long tables say how many rows are not shown; the bytes repeat."""
    import pptx
    from ctpse_pptx import MAX_ROWS, render_pptx

    data = render_pptx(_report(MAX_ROWS + 5))
    prs = pptx.Presentation(io.BytesIO(data))
    assert len(prs.slides) == 3 and prs.core_properties.keywords == "OFFICIAL-SENSITIVE"
    for slide in prs.slides:
        marks = [s.text_frame.text for s in slide.shapes if s.name.startswith("Marking")]
        assert marks == ["OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"]
    charts = [s.chart for s in prs.slides[1].shapes if s.has_chart]
    assert [p.name for p in charts[0].plots[0].series] == ["Deployments", "Officers"]
    texts = [s.text_frame.text for s in prs.slides[2].shapes if s.has_text_frame]
    assert "and 5 more (see the full product)" in texts
    assert render_pptx(_report(MAX_ROWS + 5)) == data
