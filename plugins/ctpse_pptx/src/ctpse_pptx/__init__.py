"""The ``pptx`` report format for ctpse_core: products as PowerPoint briefings (python-pptx).

Registered through the ``ctpse_register_report_formats`` hook from the ``ctpse`` entry-point
group. This module stays light (it is imported whenever ``ctpse`` starts): the renderer,
:mod:`ctpse_pptx.render`, and its Office library are imported when the format is first used.
"""

from __future__ import annotations

from typing import Any

from ctpse_core.plugin import Register, hookimpl

__all__ = ["MAX_ROWS", "ctpse_register_report_formats", "render_pptx"]
__version__ = "0.1.0"

_LAZY = frozenset({"MAX_ROWS", "render_pptx"})


@hookimpl
def ctpse_register_report_formats(register: Register) -> None:
    from ctpse_core.reports import ReportFormat
    from ctpse_pptx.render import render_pptx

    register("pptx", ReportFormat(render_pptx, ".pptx", "PowerPoint briefing", binary=True))


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from ctpse_pptx import render

        return getattr(render, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
