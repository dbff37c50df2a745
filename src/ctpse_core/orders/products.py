"""The civil orders horizon as a product (``ctpse report civil-orders-horizon``): order
deadlines missed and falling due within 28 days (each with the legal source of its rule),
recorded terms that break the law's limits, and nominals due for release within 91 days
with no order considered or no pathway mapped. Built from one audited reading of orders,
nominals and pathways (:func:`~ctpse_core.orders.service.horizon`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ctpse_core.domain.common import day_text
from ctpse_core.domain.marking import highest
from ctpse_core.engagement.products import FLOOR, casework_stamp, dated
from ctpse_core.errors import InputError, Problem
from ctpse_core.reports.document import Chart, Column, Facts, Report, Section, Table

__all__ = ["RELEASE_WITHIN", "WITHIN", "orders_horizon"]

WITHIN = 28
RELEASE_WITHIN = 91

_DEADLINES: list[str | Column] = [
    "order_id", "nominal_id", "order_type", Column("what", "Deadline"), Column("on", "On", "date"),
    Column("days", "Days from as-of", "int"), "state", Column("source", "Legal source")]


def _day(uow: Any, as_of: dt.date | None) -> dt.date:
    """``as_of``, else the day of the latest completed contact (the casework's latest data)."""
    from ctpse_core.casework import consult
    from ctpse_core.engagement.service import latest_contact_day

    if as_of is not None:
        return as_of
    day = latest_contact_day(consult(uow, "contacts", "civil orders horizon: the latest contact day"))
    if day is None:
        raise InputError([Problem("contacts", "no completed contact is stored, so there is no latest day: "
                                              "give --as-of")])
    return day


def orders_horizon(uow: Any, as_of: dt.date | None) -> Report:
    """The horizon as of ``as_of`` (default: the day of the latest completed contact)."""
    from ctpse_core.orders.service import horizon

    day = _day(uow, as_of)
    lists, marking = horizon(uow, day, WITHIN, RELEASE_WITHIN)
    deadlines = dated(lists["missed"] + lists["due"], "on")
    release = [{**r, "order_considered": "yes" if r["order_considered"] else "no",
                "pathway_mapped": "yes" if r["pathway_mapped"] else "no"}
               for r in dated(lists["release_unprepared"], "release_on")]
    types = sorted({r["order_type"] for r in deadlines})
    facts = Facts([
        ("As of", day_text(day)),
        ("Deadlines missed", len(lists["missed"])),
        (f"Deadlines in the next {WITHIN} days", len(lists["due"])),
        ("Recorded terms breaking the law's limits", len(lists["term_problems"])),
        (f"Release within {RELEASE_WITHIN} days, unprepared", len(release)),
    ], title="Position")
    chart = Chart("Deadlines by order type", types,
                  [(label, [sum(1 for r in deadlines if r["order_type"] == t and r["state"] == state) for t in types])
                   for label, state in (("Missed", "missed"), ("Due", "due"))])
    return Report(
        kind="civil-orders-horizon",
        title=f"Civil orders horizon as of {day_text(day)}",
        subtitle=f"Deadlines missed and due within {WITHIN} days; releases within {RELEASE_WITHIN} days",
        marking=highest([FLOOR, marking]), floor=FLOOR, stamp=casework_stamp(day), as_of=day,
        sections=[
            Section("Summary", [facts, chart]),
            Section("Deadlines", [Table("Deadlines", _DEADLINES, deadlines, primary=True,
                                        title="Missed first, then due soonest first")]),
            Section("Terms", [Table("Term problems", ["order_id", "nominal_id", "order_type", "problem"],
                                    lists["term_problems"], title="Recorded terms that break the law's limits")]),
            Section("Release", [Table("Release unprepared", [
                "nominal_id", Column("name", "Name"), "manager", "establishment",
                Column("release_on", "Release", "date"), Column("order_considered", "Order considered"),
                Column("pathway_mapped", "Pathway mapped")], release,
                title="Due for release with no order considered or no pathway mapped")]),
        ],
    )
