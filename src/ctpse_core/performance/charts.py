"""Trend charts drawn by matplotlib (SVG for HTML, PNG for slides), deterministic bytes.

Text stays text in the SVG (``svg.fonttype = none``), so each plotted value can be read back
from the file; the file carries no date and a fixed id salt, so the same figures give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

__all__ = ["trend_chart"]


def trend_chart(title: str, labels: Sequence[str], values: Sequence[float | None], target: float,
                unit: str = "%", fmt: str = "svg") -> bytes:
    """A line of ``values`` over ``labels`` with the target as a dashed line; every point labelled."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    rc: dict[str, Any] = {"svg.fonttype": "none", "svg.hashsalt": "ctpse-kpi", "font.size": 8}
    with matplotlib.rc_context(rc):  # type: ignore[arg-type]
        fig = Figure(figsize=(4.2, 2.0), dpi=100)
        ax = fig.add_subplot()
        xs = list(range(len(labels)))
        points = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
        if points:
            ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", color="#1f4e79", linewidth=1.5,
                    label=title)
            for x, v in points:
                ax.annotate(_label(v, unit), (x, v), textcoords="offset points", xytext=(0, 5), ha="center",
                            fontsize=7)
        ax.axhline(target, color="#b03a2e", linestyle="--", linewidth=1, label=f"target {_label(target, unit)}")
        ax.set_xticks(xs, list(labels), fontsize=7)
        ax.set_title(title, fontsize=9)
        ax.margins(y=0.25)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        out = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(out, format=fmt, metadata=metadata)
    return out.getvalue()


def _label(value: float, unit: str) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return f"{text}%" if unit == "%" else text
