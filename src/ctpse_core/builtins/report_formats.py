"""Built-in plugin: the json, md, html and csv report formats."""

from __future__ import annotations

from ctpse_core.plugin import Register, hookimpl


@hookimpl
def ctpse_register_report_formats(register: Register) -> None:
    from ctpse_core import reports

    register("json", reports.render_json)
    register("md", reports.render_md)
    register("html", reports.render_html)
    register("csv", reports.render_csv)
