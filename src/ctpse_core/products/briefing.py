"""The senior-leadership briefing: the summary of every other product on a few slides."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ctpse_core.domain.marking import Marking, highest
from ctpse_core.errors import InputError, Problem
from ctpse_core.reports.document import EPOCH, Facts, Paragraph, Report, Section
from ctpse_core.storage.base import UnitOfWork

__all__ = ["FLOOR", "leadership_briefing"]

FLOOR = Marking.parse("OFFICIAL-SENSITIVE")


def _parts() -> list[tuple[str, Callable[[UnitOfWork, dt.date | None], Report]]]:
    from ctpse_core.products.grid import conflict_notices, regional_grid
    from ctpse_core.products.headcount import headcount_return
    from ctpse_core.products.rota import on_call_rota

    return [("Regional grid", regional_grid), ("Deconfliction", conflict_notices),
            ("On-call cover", on_call_rota), ("Nominal headcount", headcount_return)]


def leadership_briefing(uow: UnitOfWork, as_of: dt.date | None) -> Report:
    """One section per product that has data: its summary facts and chart."""
    sections: list[Section] = []
    markings: list[Marking] = []
    stamps: list[dt.datetime] = []
    missing: list[str] = []
    for heading, builder in _parts():
        try:
            part = builder(uow, as_of)
        except InputError as exc:
            missing.append(f"{heading}: {'; '.join(exc.lines())}")
            continue
        summary = next((s for s in part.sections if s.heading == "Summary"), None)
        blocks = list(summary.blocks) if summary is not None else []
        sections.append(Section(heading, [Paragraph(part.title), *blocks]))
        markings.append(part.marking)
        stamps.append(part.stamp)
    if not sections:
        raise InputError([Problem("store", "nothing to brief on: no grid, rota or nominal lists are stored")])
    overview = Facts([(s.heading, s.blocks[0].text if isinstance(s.blocks[0], Paragraph) else "")
                      for s in sections], title="In this briefing")
    if missing:
        sections.append(Section("Not available", [Paragraph(m) for m in missing]))
    return Report(kind="leadership-briefing", title="Senior leadership briefing",
                  subtitle="Regional grid, deconfliction, on-call cover and nominal headcount",
                  marking=highest([FLOOR, *markings]), floor=FLOOR, stamp=max(stamps, default=EPOCH),
                  sections=[Section("Overview", [overview]), *sections])
