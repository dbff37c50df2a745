"""Charts as inline SVG for HTML products, drawn with matplotlib (the ``charts`` extra).

The SVG is made reproducible: no date in its metadata, a fixed hash salt for element IDs
and the built-in font set, so the same chart always gives the same bytes. Without
matplotlib, :func:`chart_svg` returns ``None`` and the HTML shows the numbers as a table.

Because the same chart always gives the same bytes, a chart drawn once is not drawn again in
the same process (a product rendered in several formats, or a part of the leadership briefing
that is also a product of its own): the drawing is kept by the chart's content. Each figure is
a :class:`matplotlib.figure.Figure` of its own (no pyplot state: nothing to close, nothing shared).
"""

from __future__ import annotations

import functools
import io
from typing import Any

__all__ = ["chart_svg"]


def chart_svg(chart: Any) -> str | None:
    """The chart (a :class:`~ctpse_core.reports.document.Chart`) as an ``<svg>`` element."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return None
    return _drawn(chart)


@functools.lru_cache(maxsize=256)
def _drawn(chart: Any) -> str:
    """The drawing of ``chart`` (a frozen, hashable Chart: its title, categories and series)."""
    import matplotlib
    from matplotlib.figure import Figure

    n = max(len(chart.series), 1)
    width = 0.8 / n
    with matplotlib.rc_context({"svg.hashsalt": "ctpse", "svg.fonttype": "none", "font.family": "DejaVu Sans",
                                "figure.dpi": 72}):
        fig = Figure(figsize=(max(4.0, 0.6 * len(chart.categories) + 2), 3.0))
        ax = fig.add_subplot()
        for i, (name, values) in enumerate(chart.series):
            xs = [k + (i - (n - 1) / 2) * width for k in range(len(values))]
            ax.bar(xs, values, width=width, label=name)
        ax.set_xticks(range(len(chart.categories)), list(chart.categories), rotation=30, ha="right",
                      fontsize=8)
        ax.set_title(chart.title, fontsize=10)
        if n > 1:
            ax.legend(fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    text = out.getvalue()
    return text[text.index("<svg"):]
