"""The built-in products (registered by :mod:`ctpse_core.builtins.products`)."""

from __future__ import annotations

from ctpse_core.products import CATO, LEADERSHIP, NM, ProductSpec

__all__ = ["builtin_products"]


def builtin_products() -> list[tuple[str, ProductSpec]]:
    from ctpse_core.products import briefing, grid, headcount, returns, rota

    return [
        ("headcount-return", ProductSpec(
            title="Headcount and reconciliation return, with the correction set for the national list",
            build=headcount.headcount_return, formats=("xlsx", "html", "md", "csv", "json"),
            floor=headcount.FLOOR, role=NM)),
        ("regional-grid", ProductSpec(
            title="Regional surveillance grid (latest published version of the week)",
            build=grid.regional_grid, formats=("xlsx", "html", "md", "csv", "json"), floor=grid.FLOOR, role=CATO)),
        ("grid-amendment-notice", ProductSpec(
            title="Grid amendment notice: what changed since the previous version, one notice per party told",
            build=grid.amendment_notice, formats=("docx", "eml", "html", "md", "json"), floor=grid.FLOOR,
            role=CATO)),
        ("conflict-notices", ProductSpec(
            title="Conflict notices: every conflict in the week, one notice per team and the operations room",
            build=grid.conflict_notices, formats=("eml", "docx", "html", "md", "csv", "json"), floor=grid.FLOOR,
            role=CATO)),
        ("on-call-rota", ProductSpec(
            title="On-call rota with on-call and own numbers, and calendar feeds per role and person",
            build=rota.on_call_rota, formats=("xlsx", "html", "ics", "md", "csv", "json"), floor=rota.FLOOR,
            role=CATO)),
        ("weekly-secret-meeting-return", ProductSpec(
            title="Weekly Secret Meeting Return: deployments, asset requests, fast-time events, on-call, "
                  "overtime and significant issues of the week",
            build=returns.weekly_secret_meeting_return, formats=("docx", "html", "md", "json"),
            floor=returns.FLOOR_SECRET, role=CATO)),
        ("national-weekly-tasking", ProductSpec(
            title="National Weekly Tasking document: national-priority deployments, asset requests, overtime",
            build=returns.national_weekly_tasking, formats=("docx", "html", "md", "json"),
            floor=returns.FLOOR_SECRET, role=CATO)),
        ("dmm-brief", ProductSpec(
            title="Daily Management Meeting brief: the day's deployments, flagged asset requests, events, cover",
            build=returns.dmm_brief, formats=("docx", "pptx", "html", "md", "json"),
            floor="OFFICIAL-SENSITIVE", role=CATO)),
        ("leadership-briefing", ProductSpec(
            title="Senior leadership briefing: grid, deconfliction, on-call cover and headcount",
            build=briefing.leadership_briefing, formats=("pptx", "html", "md", "json"), floor=briefing.FLOOR,
            role=LEADERSHIP)),
    ]
