"""The headcount and reconciliation return: the stored regional list against the national
(JCTPPH) list, with the correction set in the national list's own columns."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ctpse_core.domain.marking import Marking
from ctpse_core.reports.document import EPOCH, Chart, Column, Facts, Paragraph, Report, Section, Table
from ctpse_core.storage.base import UnitOfWork

__all__ = ["FLOOR", "headcount_return"]

#: Nominal lists hold personal data on people of CT interest.
FLOOR = Marking.parse("OFFICIAL-SENSITIVE [PERSONAL]")


def _stamp(uow: UnitOfWork) -> dt.datetime:
    times = [r.provenance.received_at for r in uow.repository("nominals").list() if r.provenance is not None]
    return max(times, default=EPOCH)


def headcount_return(uow: UnitOfWork, as_of: dt.date | None) -> Report:
    """Reconcile the stored lists (with the stored review decisions) and lay out the return."""
    from ctpse_core.errors import InputError, NotFoundError, Problem
    from ctpse_core.reconcile import reconcile
    from ctpse_core.reconcile.review import stored_decisions
    from ctpse_core.reconcile.stored import stored_tables

    try:
        left, right = stored_tables(uow)
    except NotFoundError as exc:
        raise InputError([Problem("nominals", str(exc))]) from None
    uow.record_event("consultation", "nominals", detail=f"headcount return: {left.source} against {right.source}")
    result = reconcile(left, right, decisions=stored_decisions(uow))
    return report_from_result(result, _stamp(uow), as_of)


def _ids(ids: list[str], label: str) -> Table:
    return Table(label[:31], [Column("id", "ID")], [{"id": i} for i in ids], title=label)


def report_from_result(result: Any, stamp: dt.datetime, as_of: dt.date | None = None) -> Report:
    """A reconciliation result as the return (also used for results made from files)."""
    summary = result.summary()
    facts = Facts([(k.replace("_", " ").capitalize(), v) for k, v in summary.items()], title="Summary")
    headcount = Table(
        "Headcount",
        [Column("dimension", "Dimension"), Column("value", "Value"), Column("left", result.left_source, "int"),
         Column("right", result.right_source, "int"), Column("difference", "Difference", "int"),
         Column("explained", "Explained by")],
        [{"dimension": h.dimension, "value": h.value, "left": h.left, "right": h.right,
          "difference": h.difference,
          "explained": "; ".join(f"{k} {v}" for k, v in sorted(h.explained.items()))}
         for h in result.headcount],
        title="Headcount by dimension",
    )
    dims = [h for h in result.headcount if h.dimension == (result.headcount[0].dimension if result.headcount
                                                            else "")]
    chart = Chart(f"Headcount by {dims[0].dimension}" if dims else "Headcount",
                  [h.value for h in dims] or ["all"],
                  [(result.left_source, [h.left for h in dims] or [result.left_count]),
                   (result.right_source, [h.right for h in dims] or [result.right_count])])
    corrections = Table(
        "Corrections",
        [Column(h, h) for h in result.correction_headers],
        result.corrections,
        title="Correction set for the national list (its own columns, plus Action and Reason)",
        primary=True,
    )
    discrepancies = Table(
        "Discrepancies",
        [Column("left", f"{result.left_source} ID"), Column("right", f"{result.right_source} ID"),
         Column("field", "Field"), Column("left_value", result.left_source),
         Column("right_value", result.right_source), Column("kind", "Kind")],
        [{"left": d.left, "right": d.right, "field": d.field, "left_value": d.left_value,
          "right_value": d.right_value, "kind": d.kind} for d in result.discrepancies],
        title="Field discrepancies on matched people",
    )
    possible = Table(
        "Possible matches",
        [Column("left", f"{result.left_source} ID"), Column("right", f"{result.right_source} ID"),
         Column("probability", "Probability", "float"), Column("reason", "Why it needs review")],
        [{"left": p.left, "right": p.right, "probability": round(p.probability, 3), "reason": p.reason}
         for p in result.possible_matches],
        title="Possible matches waiting for a clerical decision",
    )
    duplicates = Table(
        "Duplicates",
        [Column("side", "List"), Column("ids", "IDs"), Column("probability", "Probability", "float")],
        [{"side": result.left_source if side == "left" else result.right_source, "ids": ", ".join(c.ids),
          "probability": round(c.probability, 3)}
         for side, clusters in (("left", result.duplicates_left), ("right", result.duplicates_right))
         for c in clusters],
        title="Probable duplicates within a list",
    )
    return Report(
        kind="headcount-return",
        title="Headcount and reconciliation return",
        subtitle=f"{result.left_source} list ({result.left_count}) against the {result.right_source} list "
                 f"({result.right_count})",
        marking=result.marking,
        floor=FLOOR,
        stamp=stamp,
        as_of=as_of,
        sections=[
            Section("Summary", [
                Paragraph(f"{summary['matched_pairs']} people are on both lists; {summary['only_left']} only on "
                          f"the {result.left_source} list and {summary['only_right']} only on the "
                          f"{result.right_source} list. {summary['corrections']} corrections are proposed."),
                facts, chart]),
            Section("Headcount", [headcount]),
            Section("Correction set", [corrections]),
            Section("Discrepancies", [discrepancies]),
            Section("For review", [possible, duplicates]),
            Section("On one list only", [_ids(list(result.only_left), f"Only on the {result.left_source} list"),
                                         _ids(list(result.only_right), f"Only on the {result.right_source} list")]),
        ],
    )
