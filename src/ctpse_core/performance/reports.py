"""The performance and meetings products for ``ctpse report`` and the demo's index: the
performance dashboard, the national performance return, the NM TTCG agenda and the action
chase lists, built as marked :class:`~ctpse_core.reports.document.Report` objects that every
installed format lays out (Word, Excel, PowerPoint, HTML, email...)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ctpse_core.domain.common import LONDON
from ctpse_core.products import LEADERSHIP, NM, ProductSpec
from ctpse_core.reports.document import Chart, Column, Facts, Notice, Report, Section, Table

__all__ = ["performance_products"]

_KPI_COLUMNS = ("code", "title", "scope", "period", Column("value", "Figure", "float"),
                Column("target", "Target", "float"), "unit", Column("rag", "RAG"), "trend")


def _day(as_of: dt.date | None) -> dt.date:
    return as_of or dt.datetime.now(LONDON).date()


def _kpi_day(uow: Any, as_of: dt.date | None) -> dt.date:
    """``as_of``, else the latest data's day (never the clock: the same store, the same figures)."""
    from ctpse_core.performance.latest import latest_data_day

    return as_of or latest_data_day(uow)


def _stamp(day: dt.date) -> dt.datetime:
    """Products are stamped with the day they are for, never the clock: same data, same bytes."""
    return dt.datetime.combine(day, dt.time(0, 0), LONDON)


def _board(uow: Any, day: dt.date, history: int) -> Any:
    from ctpse_core.performance import compute_kpis, load_kpis

    return compute_kpis(uow, load_kpis(), day, history=history, user=getattr(uow, "user", None))


def dashboard(uow: Any, as_of: dt.date | None) -> Report:
    """Every KPI with its figure, RAG and trend; a chart of each region-level KPI over six periods
    (as of ``as_of``, default the latest data's day)."""
    day = _kpi_day(uow, as_of)
    board = _board(uow, day, 6)
    rows = [line.as_row() for line in board.lines]
    counts = [(colour.capitalize(), sum(1 for r in rows if r["rag"] == colour))
              for colour in ("green", "amber", "red", "grey")]
    charts = []
    for line in board.region_lines():
        points = [(p.label, v) for p, v in zip(line.periods, line.values, strict=True) if v is not None]
        if points:
            unit = "%" if line.unit == "%" else ""
            charts.append(Chart(f"{line.kpi.code} {line.kpi.title} (target {line.kpi.target:g}{unit})",
                                [p for p, _ in points], [(line.kpi.title, [float(v) for _, v in points])]))
    off_target = ", ".join(sorted({r["title"] for r in rows if r["rag"] == "red"})) or "none"
    return Report(
        kind="performance-dashboard", title="Performance dashboard", marking=board.marking, stamp=_stamp(day),
        as_of=day, subtitle=f"KPIs as of {day:%d/%m/%Y}",
        sections=[
            Section("Summary", [Facts([*counts, ("KPIs off target", off_target)])]),
            Section("KPIs", [Table("KPIs", _KPI_COLUMNS, rows, primary=True)]),
            Section("Trends", charts),
        ],
    )


def national_return(uow: Any, as_of: dt.date | None) -> Report:
    """The national performance return: the fixed columns, one row per national KPI and scope
    (for the period holding ``as_of``, default the latest data's day)."""
    from ctpse_core.performance import NATIONAL_RETURN_COLUMNS, NationalReturn

    day = _kpi_day(uow, as_of)
    product = NationalReturn(_board(uow, day, 2))
    return Report(
        kind="national-performance-return", title=product.title, marking=product.marking, stamp=_stamp(day),
        as_of=day, sections=[Section("Return", [Table("Return", NATIONAL_RETURN_COLUMNS, product.rows(),
                                                      primary=True)])],
    )


def agenda(uow: Any, as_of: dt.date | None) -> Report:
    """The agenda of the Regional NM TTCG held on the day (``ctpse meeting agenda`` for other types)."""
    from ctpse_core.meetings import build_agenda, meeting_type

    day = _day(as_of)
    built = build_agenda(uow, meeting_type("nm-ttcg"), day)
    sections = [Section("Meeting", [Facts([("Chair", built.chair), ("Attendees", ", ".join(built.attendees)),
                                           ("Covers changes since", built.since.strftime("%d/%m/%Y"))])])]
    for heading, items in built.data()["sections"].items():
        sections.append(Section(heading, [Table(heading[:31], ["number", "text", Column("due", "Due", "date"), "owner"],
                                                items, primary=heading == "Standing items")]))
    return Report(kind="nm-ttcg-agenda", title=built.title, marking=built.marking, stamp=_stamp(day), as_of=day,
                  sections=sections)


def chase_lists(uow: Any, as_of: dt.date | None) -> Report:
    """Overdue actions: a list per owner (each a notice to that owner) and a list per chair."""
    from ctpse_core.meetings import chase

    day = _day(as_of)
    lists = chase(uow, day)
    data = lists.data()
    columns: list[str | Column] = ["action", "description", "owner", "chair", Column("due", "Due", "date"),
               Column("days_overdue", "Days overdue", "int"), "meeting"]
    rows = lists.rows()
    notices = [
        Notice(group=f"owner {owner}", subject=f"Overdue actions for {owner}",
               sections=[Section("Please update or close these actions", [Table("Actions", columns, lines)])])
        for owner, lines in data["by_owner"].items()
    ] + [
        Notice(group=f"chair {chair}", subject=f"Overdue actions set at meetings you chair ({chair})",
               sections=[Section("Actions to hold to account", [Table("Actions", columns, lines)])])
        for chair, lines in data["by_chair"].items()
    ]
    return Report(
        kind="action-chase-lists", title=lists.title, marking=lists.marking, stamp=_stamp(day), as_of=day,
        sections=[Section("Summary", [Facts([("Overdue actions", len(rows)), ("Owners", len(data["by_owner"])),
                                             ("Chairs", len(data["by_chair"]))])]),
                  Section("All overdue actions", [Table("Overdue", columns, rows, primary=True)])],
        notices=notices,
    )


def performance_products() -> list[tuple[str, ProductSpec]]:
    return [
        ("performance-dashboard", ProductSpec(
            title="Performance dashboard (KPIs, RAG, trend)", build=dashboard, role=LEADERSHIP,
            formats=("html", "pptx", "xlsx", "md", "csv", "json"), floor="OFFICIAL-SENSITIVE")),
        ("national-performance-return", ProductSpec(
            title="National performance return", build=national_return, role=NM,
            formats=("csv", "xlsx", "json", "md", "html"), floor="OFFICIAL-SENSITIVE")),
        ("nm-ttcg-agenda", ProductSpec(
            title="Regional NM TTCG agenda", build=agenda, role=NM,
            formats=("docx", "html", "md", "json"), floor="OFFICIAL-SENSITIVE")),
        ("action-chase-lists", ProductSpec(
            title="Action chase lists (per owner and per chair)", build=chase_lists, role=NM,
            formats=("docx", "eml", "xlsx", "html", "md", "csv", "json"), floor="OFFICIAL-SENSITIVE")),
    ]
