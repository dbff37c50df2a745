"""Data-quality checks over a unit of work: each nominal record's faults, one row per fault."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ctpse_core.casework import Figure, Period, consult, consult_caseload, load_config, local_day, marking_of
from ctpse_core.domain.marking import Marking
from ctpse_core.domain.nominal import Nominal

__all__ = ["ENV", "data_quality", "issues", "load_rules"]

ENV = "CTPSE_DATA_QUALITY"
ACTIVE = ("custody", "remand", "licence", "community")
UNASSIGNED = "(unassigned)"


def load_rules(override: Path | None = None) -> dict[str, Any]:
    return load_config("ctpse_core.quality", "quality.toml", override, ENV)


def _identifiers(n: Nominal) -> list[tuple[str, str]]:
    return [(k, str(v)) for k, v in (("pnc_id", n.pnc_id), ("cro_number", n.cro_number),
                                     ("prison_number", n.prison_number)) if v]


def issues(nominals: list[Nominal], plans: list[Any], orders: list[Any], pathways: list[Any],
           decisions: list[Any], as_of: dt.date, rules: Mapping[str, Any],
           feed_names: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """Every fault found (pure): stale, incomplete, duplicates no reviewer has decided, old feed."""
    stale = dt.timedelta(days=int(rules.get("stale_days", 90)))
    feed_age = dt.timedelta(days=int(rules.get("feed_days", 35)))
    required = list(rules.get("required", ()))
    planned = {p.nominal_id for p in plans if p.starts_on <= as_of}
    mapped = {p.nominal_id for p in pathways}
    reviewed = {o.nominal_id for o in orders if o.review_on} | {p.nominal_id for p in pathways if p.review_on}
    decided = {frozenset(((d.left_source, d.left_id), (d.right_source, d.right_id))) for d in decisions}
    rows: list[dict[str, Any]] = []

    def add(n: Nominal, check: str, detail: str) -> None:
        rows.append({"owner": n.nominal_manager or UNASSIGNED, "nominal_id": n.id, "check": check,
                     "detail": detail, "source": n.provenance.source if n.provenance else ""})

    seen: dict[tuple[str, str, str], Nominal] = {}
    for n in sorted(nominals, key=lambda n: n.id):
        active = str(n.status) in ACTIVE
        received = local_day(n.provenance.received_at) if n.provenance else None
        if received is None:
            add(n, "no provenance", "no record of where or when this came from")
        elif as_of - received >= stale:
            add(n, "stale", f"not updated since {received} ({(as_of - received).days} days)")
        if n.provenance and n.provenance.source in feed_names and received and as_of - received >= feed_age:
            add(n, "old feed", f"from feed {n.provenance.source!r} last received {received}")
        if active:
            missing = [f for f in required if not getattr(n, f, None)]
            if missing:
                add(n, "incomplete", "no " + ", no ".join(m.replace("_", " ") for m in missing))
            if rules.get("need_contact_plan", True) and n.id not in planned:
                add(n, "incomplete", "no contact plan")
            if str(n.status) in rules.get("need_pathway", ()) and n.id not in mapped and not n.pathways:
                add(n, "incomplete", "no pathway mapped")
            if rules.get("need_review_date", True) and n.id not in reviewed:
                add(n, "incomplete", "no review date (order or pathway)")
        source = n.provenance.source if n.provenance else ""
        for kind, value in _identifiers(n):
            other = seen.get((source, kind, value))
            if other is None:
                seen[(source, kind, value)] = n
            elif frozenset(((source, other.id), (source, n.id))) not in decided:
                add(n, "duplicate", f"same {kind.replace('_', ' ')} {value} as {other.id}; no review decision")
    rows.sort(key=lambda r: (r["owner"], r["nominal_id"], r["check"]))
    return rows


def _read(uow: Any, purpose: str) -> tuple[list[Any], ...]:
    from ctpse_core.reconcile.review import COLLECTION

    return (consult_caseload(uow, purpose), consult(uow, "contact_plans", purpose),
            consult(uow, "civil_orders", purpose), consult(uow, "pathway_plans", purpose),
            consult(uow, COLLECTION, purpose))


def _feed_names() -> frozenset[str]:
    from ctpse_core.feeds.definition import feeds

    return frozenset(feeds().names())


def worklist(uow: Any, as_of: dt.date, rules: Mapping[str, Any] | None = None
             ) -> tuple[list[dict[str, Any]], Marking, int]:
    """The fault rows, their marking, and how many nominals were checked."""
    nominals, plans, orders, pathways, decisions = _read(uow, "data quality")
    rows = issues(nominals, plans, orders, pathways, decisions, as_of, rules or load_rules(), _feed_names())
    return rows, marking_of(nominals, plans, orders, pathways), len(nominals)


def data_quality(uow: Any, as_of: dt.date, period: Period | None = None,
                 rules: Mapping[str, Any] | None = None) -> Figure:
    """Nominals with no fault (numerator) of all nominals (denominator), as of ``as_of``;
    ``groups`` per check: nominals with that fault and the total. ``period`` is accepted
    for the common signature (the checks look at the state on ``as_of``)."""
    rows, marking, total = worklist(uow, as_of, rules)
    faulty = {r["nominal_id"] for r in rows}
    groups: dict[str, set[str]] = {}
    for r in rows:
        groups.setdefault(r["check"], set()).add(r["nominal_id"])
    return Figure(total - len(faulty), total, marking, {k: (len(v), total) for k, v in sorted(groups.items())})
