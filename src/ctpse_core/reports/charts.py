"""Charts as inline SVG for HTML products, drawn with matplotlib (the ``charts`` extra).

The SVG is made reproducible: no date in its metadata, a fixed hash salt for element IDs
and the built-in font set, so the same chart always gives the same bytes. Without
matplotlib, :func:`chart_svg` returns ``None`` and the HTML shows the numbers as a table.
"""

from __future__ import annotations

import io
from typing import Any

__all__ = ["chart_svg"]


def chart_svg(chart: Any) -> str | None:
    """The chart (a :class:`~ctpse_core.reports.document.Chart`) as an ``<svg>`` element."""
    try:
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    n = max(len(chart.series), 1)
    width = 0.8 / n
    with matplotlib.rc_context({"svg.hashsalt": "ctpse", "svg.fonttype": "none", "font.family": "DejaVu Sans",
                                "figure.dpi": 72}):
        fig, ax = plt.subplots(figsize=(max(4.0, 0.6 * len(chart.categories) + 2), 3.0))
        try:
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
        finally:
            plt.close(fig)
    text = out.getvalue()
    return text[text.index("<svg"):]
