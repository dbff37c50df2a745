"""The ``docx`` report format for ctpse_core: products as Word documents (python-docx).

Registered through the ``ctpse_register_report_formats`` hook from the ``ctpse`` entry-point
group. This module stays light (it is imported whenever ``ctpse`` starts): the renderer,
:mod:`ctpse_docx.render`, and its Office library are imported when the format is first used.
"""

from __future__ import annotations

from typing import Any

from ctpse_core.plugin import Register, hookimpl

__all__ = ["ctpse_register_report_formats", "render_docx"]
__version__ = "0.1.0"

_LAZY = frozenset({"render_docx"})


@hookimpl
def ctpse_register_report_formats(register: Register) -> None:
    from ctpse_core.reports import ReportFormat
    from ctpse_docx.render import render_docx

    register("docx", ReportFormat(render_docx, ".docx", "Word document", binary=True))


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from ctpse_docx import render

        return getattr(render, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
