"""The performance step of ``ctpse demo``: a synthetic year of meetings and actions, the KPIs
computed for it (snapshots kept), the dashboard, the national return, an agenda and the chase lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

__all__ = ["run"]


def run(ctx: Any) -> list[str]:
    from ctpse_core.meetings import build_agenda, chase, meeting_type
    from ctpse_core.performance import KpiDashboard, NationalReturn, compute_kpis, load_kpis
    from ctpse_core.reports import render
    from ctpse_core.security.outputs import write_marked
    from ctpse_core.synthetic.casework import AS_OF
    from ctpse_core.synthetic.meetings import synthetic_meetings

    # the synthetic region's own "today", so the figures are the same on every run and machine
    as_of: dt.date = ctx.state.get("as_of") or AS_OF
    meetings, actions = synthetic_meetings(as_of, seed=ctx.seed)
    out = ctx.out / "performance"
    out.mkdir(parents=True, exist_ok=True)
    with ctx.store.unit_of_work(user=ctx.user) as uow:
        added = 0
        for collection, records in (("meetings", meetings), ("actions", actions)):
            repo = uow.repository(collection)
            fresh = [r for r in records if repo.find(r.id) is None]
            repo.add_many(fresh)
            added += len(fresh)
            if fresh:
                uow.record_event("collection", collection, None, f"{len(fresh)} synthetic records")
        board = compute_kpis(uow, load_kpis(), as_of, history=12, user=ctx.user)
        agenda = build_agenda(uow, meeting_type("nm-ttcg"), as_of)
        lists = chase(uow, as_of)
        uow.commit()
    dashboard = KpiDashboard(board)
    national = NationalReturn(board)
    for fmt in ("html", "md", "json"):  # owner-only files above OFFICIAL
        write_marked(out / f"kpi-dashboard.{fmt}", render(dashboard, fmt), dashboard.marking)
    write_marked(out / "national-performance-return.csv", render(national, "csv"), national.marking)
    for fmt in ("md", "html"):
        write_marked(out / f"agenda-nm-ttcg.{fmt}", render(agenda, fmt), agenda.marking)
        write_marked(out / f"action-chase.{fmt}", render(lists, fmt), lists.marking)
    region = board.region_lines()
    rag_counts = {c: sum(1 for line in region if line.rag == c) for c in ("green", "amber", "red")}
    return [
        f"{added} synthetic meetings and actions stored" if added else "meetings and actions already stored",
        f"{len(board.lines)} KPI figures ({rag_counts['green']} green, {rag_counts['amber']} amber, "
        f"{rag_counts['red']} red at region level)",
        f"agenda: {len(agenda.items)} items; chase: {sum(len(v) for v in lists.by_owner.values())} overdue actions "
        f"for {len(lists.by_owner)} owners",
        f"written to {out}",
    ]
