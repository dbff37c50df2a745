"""Finance products: the overtime forecast, the funding bid and its reconciliation against the
signed authorisation (``ctpse report overtime-forecast | funding-bid | funding-reconciliation``),
each a marked :class:`~ctpse_core.reports.document.Report` built from one audited reading of
the store; and the older list-shaped reconciliation product ``ctpse bids reconcile`` writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ctpse_core.domain.common import LONDON, day_text, london, time_text
from ctpse_core.domain.finance import FundingBid
from ctpse_core.domain.marking import Marking, highest
from ctpse_core.errors import InputError, Problem
from ctpse_core.finance.bids import ReconLine, budget_position, pence, worst
from ctpse_core.finance.forecast import BREAKDOWNS
from ctpse_core.reports import SimpleProduct
from ctpse_core.reports.document import Chart, Column, Facts, Paragraph, Report, Section, Table
from ctpse_core.storage.base import UnitOfWork

if TYPE_CHECKING:
    from ctpse_core.products import ProductSpec

__all__ = ["FLOOR", "finance_products", "funding_bid", "funding_reconciliation", "overtime_forecast",
           "reconciliation_product"]

#: Overtime is priced per officer (staff IDs and ranks) on covert deployments.
FLOOR = Marking.parse("OFFICIAL-SENSITIVE")
_MONEY = "money"


def reconciliation_product(bid_id: str, lines: Sequence[ReconLine], marking: Marking) -> SimpleProduct:
    rows = [line.as_dict() for line in lines]
    return SimpleProduct("bid-reconciliation", f"Reconciliation of funding bid {bid_id}", {
        "bid": bid_id,
        "status": worst(lines),
        "lines": rows,
        "discrepancies": [f"{x.operation_id}: {d}" for x in lines for d in x.discrepancies],
        "budget_position": budget_position(lines),
    }, marking, rows=rows)


def _pounds(p: int) -> float:
    return p / 100


def _week(uow: UnitOfWork, as_of: dt.date | None) -> dt.date:
    """The Monday of ``as_of``'s week, else of the latest stored deployment's."""
    if as_of is None:
        starts = [d.start for d in uow.deployments.list()]
        if not starts:
            raise InputError([Problem("deployments", "no deployment is stored, so there is no week to forecast")])
        as_of = london(max(starts)).date()
    return as_of - dt.timedelta(days=as_of.weekday())


def overtime_forecast(uow: UnitOfWork, as_of: dt.date | None) -> Report:
    """The week's overtime forecast (the week holding ``as_of``, default the latest deployment's):
    every priced line, totals by operation, team, person, budget code and pay rule, what was
    assumed and the pay rules' sources."""
    from ctpse_core.finance.service import forecast_stored

    week = _week(uow, as_of)
    last = week + dt.timedelta(days=6)
    stored = forecast_stored(uow, week, last)
    fc = stored.forecast
    lines = [{**line._asdict(), "hours": line.seconds / 3600, "multiplier": str(line.multiplier),
              "rate": _pounds(line.rate), "amount": _pounds(line.pence)}
             for line in sorted(fc.lines(), key=lambda x: (x.day, x.operation_id, x.staff_id, x.rule, x.duty_id))]
    tables = []
    for by in BREAKDOWNS:
        if by == "week":
            continue
        rows = [{by: r[by], "lines": r["lines"], "hours": float(r["hours"]), "amount": _pounds(r["pence"])}
                for r in fc.breakdown(by)]
        tables.append(Table(f"By {by.replace('_', ' ')}", [Column(by, by.replace("_", " ").capitalize()),
                                                          Column("lines", "Lines", "int"),
                                                          Column("hours", "Hours", "float"),
                                                          Column("amount", "Amount (£)", _MONEY)], rows,
                            title=f"Totals by {by.replace('_', ' ')}"))
    by_op = fc.breakdown("operation")
    facts = Facts([
        ("Period", f"{day_text(week)} to {day_text(last)}"),
        ("Pay rules", fc.rules.name),
        ("Duties priced", len(fc)),
        ("Hours", float(fc.total_seconds / 3600)),
        ("Total (£)", f"{_pounds(fc.total_pence):,.2f}"),
        ("Assumptions made", len(stored.assumptions)),
    ], title="Forecast")
    return Report(
        kind="overtime-forecast", title=f"Overtime forecast, week of {day_text(week)}",
        subtitle=f"Priced under {fc.rules.name}; Europe/London days", marking=highest([FLOOR, stored.marking]),
        floor=FLOOR, stamp=dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=LONDON), as_of=week,
        sections=[
            Section("Summary", [facts, Chart("Forecast cost by operation (£)", [r["operation"] for r in by_op],
                                             [("Amount", [_pounds(r["pence"]) for r in by_op])])]),
            Section("Totals", tables),
            Section("Lines", [Table("Lines", [
                "duty_id", "staff_id", "operation_id", "team_id", "budget_code", Column("day", "Day", "date"),
                "rule", Column("hours", "Hours", "float"), "multiplier", Column("rate", "Rate (£)", _MONEY),
                Column("amount", "Amount (£)", _MONEY), Column("source", "Rule source")], lines, primary=True,
                title="Every priced line")]),
            Section("Assumptions and rules", [
                Table("Assumptions", ["assumption"], [{"assumption": a} for a in stored.assumptions],
                      title="What the forecast assumed"),
                Table("Pay rules", ["rule", "multiplier", "applies_to", "source"], fc.rules.sources(),
                      title="The pay rules applied and their sources")]),
        ],
    )


def _bid(uow: UnitOfWork, as_of: dt.date | None, purpose: str) -> FundingBid:
    """The bid whose period holds ``as_of`` (default: the latest submitted), read audited."""
    bids: list[FundingBid] = list(uow.funding_bids.list())
    uow.record_event("consultation", "funding_bids", None, f"{purpose}: {len(bids)} read")
    chosen = [b for b in bids if as_of is None or b.period_start <= as_of <= b.period_end]
    if not chosen:
        where = f"for {day_text(as_of)}" if as_of else "at all"
        raise InputError([Problem("--as-of" if as_of else "funding_bids", f"no funding bid is stored {where} "
                                  "(ctpse bids submit)")])
    epoch = dt.datetime.min.replace(tzinfo=LONDON)
    return max(chosen, key=lambda b: (b.submitted_at or epoch, b.id))


def funding_bid(uow: UnitOfWork, as_of: dt.date | None) -> Report:
    """The funding bid (the one for ``as_of``, default the latest): a line per operation, and
    whether the national desk has signed for it."""
    from ctpse_core.finance.publish import latest_authorisation

    bid = _bid(uow, as_of, "funding bid product")
    auth = latest_authorisation(uow, bid.id)
    uow.record_event("consultation", "authorisations", auth.id if auth else None, f"funding bid {bid.id} product")
    total = pence(bid.total)
    rows: list[dict[str, Any]] = [{"operation_id": x.operation_id, "hours": float(x.hours), "amount": float(x.amount),
             "share": round(100 * pence(x.amount) / total, 1) if total else None} for x in bid.lines]
    facts = Facts([
        ("Bid", bid.id),
        ("Period", f"{day_text(bid.period_start)} to {day_text(bid.period_end)}"),
        ("Submitted", time_text(bid.submitted_at) if bid.submitted_at else "not submitted"),
        ("Operations", len(rows)),
        ("Hours", float(sum(x.hours for x in bid.lines))),
        ("Total (£)", f"{bid.total:,.2f}"),
        ("Signed authorisation", f"{auth.id} by {auth.signed_by}, {time_text(auth.signed_at)}" if auth
         else "not yet signed"),
    ], title="Bid")
    stamp = bid.submitted_at or dt.datetime.combine(bid.period_start, dt.time(0), tzinfo=LONDON)
    return Report(
        kind="funding-bid", title=f"Funding bid {bid.id}: {day_text(bid.period_start)} to {day_text(bid.period_end)}",
        subtitle="Overtime funding sought from the national desk, per operation",
        marking=highest([FLOOR, bid.marking]), floor=FLOOR, stamp=stamp, as_of=as_of,
        sections=[
            Section("Summary", [facts, Chart("Amount bid by operation (£)", [r["operation_id"] for r in rows],
                                             [("Bid", [r["amount"] for r in rows])])]),
            Section("Lines", [Table("Bid", ["operation_id", Column("hours", "Hours", "float"),
                                            Column("amount", "Amount (£)", _MONEY),
                                            Column("share", "Share", "percent")], rows, primary=True,
                                    title="A line per operation")]),
        ],
    )


def funding_reconciliation(uow: UnitOfWork, as_of: dt.date | None) -> Report:
    """The bid (for ``as_of``, default the latest) reconciled with the forecast of its period and
    the signed authorisation: forecast, bid, authorised and actual per operation, each line
    graded ok / warn / block, the discrepancies and the position per budget code."""
    from ctpse_core.finance.publish import latest_authorisation, reconcile_stored
    from ctpse_core.finance.service import forecast_stored

    bid = _bid(uow, as_of, "funding reconciliation product")
    stored = forecast_stored(uow, bid.period_start, bid.period_end)
    lines = reconcile_stored(uow, stored, bid.id)
    auth = latest_authorisation(uow, bid.id)
    rows: list[dict[str, Any]] = [
        {"operation_id": x.operation_id, "budget_code": x.budget_code, "forecast": _pounds(x.forecast),
         "bid": _pounds(x.bid), "authorised": _pounds(x.authorised), "actual": _pounds(x.actual),
         "committed": _pounds(x.committed),
         "used": round(100 * x.committed / x.authorised, 1) if x.authorised else None,
         "status": x.status, "discrepancies": "; ".join(x.discrepancies)} for x in lines]
    money_cols = [Column(k, f"{k.capitalize()} (£)", _MONEY) for k in ("forecast", "bid", "authorised", "actual",
                                                                        "committed")]
    position = [{**r, **{k: float(r[k]) for k in ("authorised", "forecast", "actual", "committed", "remaining")}}
                for r in budget_position(lines)]
    found = [{"operation_id": x.operation_id, "discrepancy": d, "status": x.status}
             for x in lines for d in x.discrepancies]
    status = worst(lines)
    facts = Facts([
        ("Bid", bid.id),
        ("Signed authorisation", f"{auth.id} by {auth.signed_by}, {time_text(auth.signed_at)}" if auth
         else "not yet signed"),
        ("Overall", status),
        ("Lines at warn or block", sum(1 for x in lines if x.status != "ok")),
        ("Discrepancies", len(found)),
        *((f"{k.capitalize()} (£)", f"{sum(r[k] for r in rows):,.2f}") for k in ("forecast", "bid", "authorised")),
    ], title="Reconciliation")
    stamps = [t for t in (bid.submitted_at, auth.signed_at if auth else None) if t is not None]
    markings = [FLOOR, stored.marking, bid.marking, *([auth.marking] if auth else [])]
    ops = [r["operation_id"] for r in rows]
    return Report(
        kind="funding-reconciliation", title=f"Reconciliation of funding bid {bid.id}",
        subtitle=f"{day_text(bid.period_start)} to {day_text(bid.period_end)}: forecast, bid, authorised and "
                 "actual per operation", marking=highest(markings), floor=FLOOR,
        stamp=max(stamps, default=dt.datetime.combine(bid.period_start, dt.time(0), tzinfo=LONDON)), as_of=as_of,
        sections=[
            Section("Summary", [facts, Chart("Bid, authorised and forecast by operation (£)", ops,
                                             [(k.capitalize(), [r[k] for r in rows])
                                              for k in ("bid", "authorised", "forecast")]),
                                Paragraph("Actual is overtime claimed; claims are not stored, so it is nil here "
                                          "(reconcile claims with ctpse bids reconcile --claims).")]),
            Section("Lines", [Table("Reconciliation", ["operation_id", "budget_code", *money_cols,
                                                       Column("used", "Used of authorised", "percent"), "status",
                                                       "discrepancies"], rows, primary=True,
                                    title="Per operation, graded against the authorisation")]),
            Section("Discrepancies", [Table("Discrepancies", ["operation_id", "discrepancy", "status"], found)]),
            Section("Budget position", [Table("Budget position", [
                "budget_code", Column("operations", "Operations", "int"),
                *(Column(k, f"{k.capitalize()} (£)", _MONEY) for k in ("authorised", "forecast", "actual",
                                                                       "committed", "remaining")),
                "status"], position, title="Running position per budget code")]),
        ],
    )


def finance_products() -> list[tuple[str, ProductSpec]]:
    from ctpse_core.products import CATO, ProductSpec

    return [
        ("overtime-forecast", ProductSpec(
            title="Overtime forecast for the week: every priced line, totals by operation, team, person, budget "
                  "code and pay rule, assumptions and rule sources", build=overtime_forecast,
            formats=("xlsx", "html", "md", "csv", "json"), floor=FLOOR, role=CATO)),
        ("funding-bid", ProductSpec(
            title="Funding bid to the national desk: a line per operation, and whether it is signed for",
            build=funding_bid, formats=("xlsx", "docx", "html", "md", "csv", "json"), floor=FLOOR, role=CATO)),
        ("funding-reconciliation", ProductSpec(
            title="Funding reconciliation: forecast, bid, authorised and actual per operation, discrepancies "
                  "and the budget position", build=funding_reconciliation,
            formats=("xlsx", "html", "md", "csv", "json"), floor=FLOOR, role=CATO)),
    ]
