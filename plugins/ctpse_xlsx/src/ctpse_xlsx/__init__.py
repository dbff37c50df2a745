"""Excel workbooks for ctpse_core, with openpyxl: the ``xlsx`` partner-feed format (reading,
:mod:`ctpse_xlsx.reader`) and the ``xlsx`` report format (writing products, :mod:`ctpse_xlsx.writer`).

Registered through the ``ctpse_register_feed_formats`` and ``ctpse_register_report_formats``
hooks from the ``ctpse`` entry-point group. This module stays light (it is imported whenever
``ctpse`` starts): the reader, the writer and openpyxl are imported when a format is first used.
"""

from __future__ import annotations

from typing import Any

from ctpse_core.plugin import Register, hookimpl

__all__ = ["ctpse_register_feed_formats", "ctpse_register_report_formats", "read_xlsx"]
__version__ = "0.1.0"


@hookimpl
def ctpse_register_report_formats(register: Register) -> None:
    from ctpse_core.reports import ReportFormat
    from ctpse_xlsx.writer import render_xlsx

    register("xlsx", ReportFormat(render_xlsx, ".xlsx", "Excel workbook", binary=True))


@hookimpl
def ctpse_register_feed_formats(register: Register) -> None:
    from ctpse_core.feeds.formats import FeedFormat
    from ctpse_xlsx.reader import read_xlsx

    register("xlsx", FeedFormat(name="xlsx", suffixes=(".xlsx", ".xlsm"), read=read_xlsx, title="Excel workbook"))


def __getattr__(name: str) -> Any:
    if name == "read_xlsx":
        from ctpse_xlsx.reader import read_xlsx

        return read_xlsx
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
