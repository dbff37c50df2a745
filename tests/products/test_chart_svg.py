"""HTML charts: each bar's value is in the SVG (read back as XML), a chart kept from an earlier
drawing is byte for byte what a fresh drawing gives, and different figures give different drawings."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ctpse_core.reports.charts import _drawn, chart_svg
from ctpse_core.reports.document import Chart

SVG = "{http://www.w3.org/2000/svg}"


def _chart(values: list[float]) -> Chart:
    return Chart("Deployments by day", ["Mon", "Tue", "Wed"], [("deployments", values), ("officers", [4.0, 5.0, 6.0])])


def _bar_heights(svg: str) -> list[float]:
    """The height of each bar: the clipped rectangle paths, in drawing order."""
    heights = []
    for path in ET.fromstring(svg).iter(f"{SVG}path"):
        if path.get("clip-path") is None:
            continue
        numbers = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", path.get("d") or "")]
        ys = numbers[1::2]
        if len(ys) == 4:
            heights.append(max(ys) - min(ys))
    return heights


def test_kept_drawing_equals_a_fresh_one() -> None:
    chart = _chart([1.0, 2.0, 3.0])
    first = chart_svg(chart)
    assert first is not None and first.startswith("<svg")
    assert "Deployments by day" in first and ">Tue<" in first
    _drawn.cache_clear()
    fresh = chart_svg(chart)
    assert fresh == first
    assert chart_svg(_chart([1.0, 2.0, 3.0])) is chart_svg(chart)  # an equal chart is not drawn again


def test_different_figures_draw_differently() -> None:
    """A changed value changes the drawing (the kept drawing is keyed by content, not by title)."""
    low, high = chart_svg(_chart([1.0, 2.0, 3.0])), chart_svg(_chart([1.0, 2.0, 9.0]))
    assert low is not None and high is not None and low != high
    low_bars, high_bars = _bar_heights(low), _bar_heights(high)
    assert len(low_bars) == len(high_bars) == 6
    for bars, values in ((low_bars, [1.0, 2.0, 3.0]), (high_bars, [1.0, 2.0, 9.0])):
        for bar, value in zip(bars[:3], values, strict=True):  # the first series, in proportion
            assert abs(bar / bars[0] - value) < 1e-3
