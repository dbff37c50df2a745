"""Built-in plugin: the json, md, html, csv, ics and eml report formats."""

from __future__ import annotations

from ctpse_core.plugin import Register, hookimpl


@hookimpl
def ctpse_register_report_formats(register: Register) -> None:
    from ctpse_core import reports
    from ctpse_core.reports.eml import render_eml
    from ctpse_core.reports.ics import render_ics

    register("json", reports.render_json)
    register("md", reports.render_md)
    register("html", reports.render_html)
    register("csv", reports.render_csv)
    register("ics", reports.ReportFormat(render_ics, ".ics", "iCalendar feeds", binary=True, bundle=True,
                                         needs="events"))
    register("eml", reports.ReportFormat(render_eml, ".eml", "email drafts", binary=True, bundle=True))


@hookimpl
def ctpse_report_template_paths() -> list[str]:
    return []
