"""Civil-order and pathway services over a unit of work (consultations audited, outputs marked)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ctpse_core.casework import Figure, Period, consult, consult_caseload, load_config, marking_of
from ctpse_core.domain.engagement import CivilOrder, PathwayPlan, PathwayStatus
from ctpse_core.domain.marking import Marking
from ctpse_core.orders.rules import KeyDate, OrderRule, key_dates, parse_rules, renewed_orders, term_problems

__all__ = [
    "ENV",
    "horizon",
    "load_rules",
    "order_deadlines_met",
    "order_key_dates",
    "pathway_rows",
    "unmapped_rows",
]

ENV = "CTPSE_ORDER_TYPES"
CUSTODY = ("custody", "remand")
ACTIVE = ("custody", "remand", "licence", "community")


def load_rules(override: Path | None = None) -> dict[str, OrderRule]:
    """The packaged order types with ``override`` (or ``$CTPSE_ORDER_TYPES``) laid over them."""
    where = str(override) if override else "ctpse_core/orders/order_types.toml"
    return parse_rules(load_config("ctpse_core.orders", "order_types.toml", override, ENV), where)


def order_key_dates(orders: list[CivilOrder], rules: dict[str, OrderRule], as_of: dt.date) -> list[KeyDate]:
    renewed = renewed_orders(orders)
    out: list[KeyDate] = []
    for order in orders:
        out.extend(key_dates(order, rules.get(str(order.order_type)), as_of, order.id in renewed))
    return out


def _row(k: KeyDate, as_of: dt.date, state: str) -> dict[str, Any]:
    return {"nominal_id": k.nominal_id, "order_id": k.order_id, "order_type": k.order_type, "what": k.what,
            "on": k.on.isoformat(), "days": (k.on - as_of).days, "state": state, "source": k.source}


def horizon(uow: Any, as_of: dt.date, within: int = 28, release_within: int = 91,
            rules: dict[str, OrderRule] | None = None) -> tuple[dict[str, list[dict[str, Any]]], Marking]:
    """Deadlines within ``within`` days, missed deadlines, recorded terms that break the law's
    limits, and nominals due for release within ``release_within`` days with no order
    considered or no pathway mapped."""
    rules = rules if rules is not None else load_rules()
    orders: list[CivilOrder] = consult(uow, "civil_orders", "orders horizon")
    nominals = consult_caseload(uow, "orders horizon")
    pathways: list[PathwayPlan] = consult(uow, "pathway_plans", "orders horizon")
    dates = order_key_dates(orders, rules, as_of)
    soon = [_row(k, as_of, "due") for k in dates
            if k.deadline and k.done is not True and as_of <= k.on <= as_of + dt.timedelta(days=within)]
    missed = [_row(k, as_of, "missed") for k in dates if k.done is False]
    problems = [
        {"nominal_id": o.nominal_id, "order_id": o.id, "order_type": str(o.order_type), "problem": text}
        for o in orders for text in term_problems(o, rules.get(str(o.order_type)))
    ]
    with_order = {o.nominal_id for o in orders}
    mapped = {p.nominal_id for p in pathways} | {n.id for n in nominals if n.pathways}
    release = []
    for n in nominals:
        if str(n.status) in CUSTODY and n.release_on and as_of <= n.release_on <= as_of + dt.timedelta(
                days=release_within) and (n.id not in with_order or n.id not in mapped):
            release.append({"nominal_id": n.id, "name": n.full_name, "manager": n.nominal_manager or "",
                            "establishment": n.establishment or "", "release_on": n.release_on.isoformat(),
                            "order_considered": n.id in with_order, "pathway_mapped": n.id in mapped})
    release.sort(key=lambda r: (r["release_on"], r["nominal_id"]))
    soon.sort(key=lambda r: (r["on"], r["nominal_id"]))
    missed.sort(key=lambda r: (r["on"], r["nominal_id"]))
    return ({"due": soon, "missed": missed, "term_problems": problems, "release_unprepared": release},
            marking_of(orders, nominals, pathways))


def order_deadlines_met(uow: Any, as_of: dt.date, period: Period,
                        rules: dict[str, OrderRule] | None = None) -> Figure:
    """Order deadlines in ``period`` (before ``as_of``) whose outcome the records show: met of
    all those; groups per order type."""
    rules = rules if rules is not None else load_rules()
    orders = consult(uow, "civil_orders", "order deadlines met")
    groups: dict[str, list[int]] = {}
    for k in order_key_dates(orders, rules, as_of):
        if not k.deadline or k.done is None or k.on not in period or k.on >= as_of:
            continue
        tally = groups.setdefault(k.order_type, [0, 0])
        tally[0] += int(k.done)
        tally[1] += 1
    met = sum(v[0] for v in groups.values())
    total = sum(v[1] for v in groups.values())
    return Figure(met, total, marking_of(orders), {k: (v[0], v[1]) for k, v in sorted(groups.items())})


def pathway_rows(uow: Any, as_of: dt.date, within: int | None = None) -> tuple[list[dict[str, Any]], Marking]:
    """Every pathway mapped (or, with ``within``, those whose review is overdue or due within
    ``within`` days), with its partner, status and review state."""
    plans: list[PathwayPlan] = consult(uow, "pathway_plans", "pathways")
    rows = []
    for p in plans:
        closed = p.status in (PathwayStatus.MET, PathwayStatus.NOT_NEEDED)
        if p.review_on is None:
            state = "closed" if closed else "no review date"
        elif closed:
            state = "closed"
        elif p.review_on < as_of:
            state = "review overdue"
        elif p.review_on <= as_of + dt.timedelta(days=within or 0):
            state = "review due"
        else:
            state = "ok"
        if within is not None and state not in ("review overdue", "review due", "no review date"):
            continue
        rows.append({"nominal_id": p.nominal_id, "pathway": str(p.pathway), "partner": p.partner,
                     "status": str(p.status), "review_on": p.review_on.isoformat() if p.review_on else "",
                     "state": state})
    rows.sort(key=lambda r: (r["review_on"] or "9999", r["nominal_id"], r["pathway"]))
    return rows, marking_of(plans)


def unmapped_rows(uow: Any, as_of: dt.date) -> tuple[list[dict[str, Any]], Marking]:
    """Active nominals with no pathway mapped (neither a pathway plan nor a pathway on the record)."""
    nominals = consult_caseload(uow, "pathways unmapped")
    plans = consult(uow, "pathway_plans", "pathways unmapped")
    mapped = {p.nominal_id for p in plans}
    rows = [{"nominal_id": n.id, "name": n.full_name, "manager": n.nominal_manager or "",
             "status": str(n.status), "release_on": n.release_on.isoformat() if n.release_on else ""}
            for n in nominals if str(n.status) in ACTIVE and n.id not in mapped and not n.pathways]
    return rows, marking_of(nominals, plans)


