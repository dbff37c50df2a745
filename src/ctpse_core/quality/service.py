"""Data-quality checks over a unit of work: each nominal record's faults, one row per fault."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any

from ctpse_core.casework import (
    REFERENCE_SOURCES,
    Figure,
    Period,
    consult,
    load_config,
    local_day,
    marking_of,
)
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
           feed_names: frozenset[str] = frozenset(),
           open_matches: Mapping[str, list[str]] | None = None) -> list[dict[str, Any]]:
    """Every fault found (pure): stale, incomplete, duplicates no reviewer has decided, old feed.

    ``open_matches`` maps a nominal's ID to the reconciliation's possible matches for it that no
    reviewer has decided yet (see :func:`open_possible_matches`); each is a "duplicate" fault."""
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
        for detail in (open_matches or {}).get(n.id, ()):
            add(n, "duplicate", detail)
    rows.sort(key=lambda r: (r["owner"], r["nominal_id"], r["check"]))
    return rows


def _read(uow: Any, purpose: str) -> tuple[list[Any], ...]:
    """The caseload, the reference lists' nominals, and the records the checks need; the
    nominals are read once (one consultation)."""
    from ctpse_core.reconcile.review import COLLECTION

    everyone = consult(uow, "nominals", purpose)
    caseload = [n for n in everyone if n.provenance is None or n.provenance.source not in REFERENCE_SOURCES]
    reference = [n for n in everyone if n.provenance is not None and n.provenance.source in REFERENCE_SOURCES]
    return (caseload, reference, consult(uow, "contact_plans", purpose),
            consult(uow, "civil_orders", purpose), consult(uow, "pathway_plans", purpose),
            consult(uow, COLLECTION, purpose))


def open_possible_matches(uow: Any, caseload: list[Nominal], reference: list[Nominal],
                          decisions: list[Any], config: Any = None, memo: MutableMapping[str, Any] | None = None
                          ) -> tuple[dict[str, list[str]], list[Nominal]]:
    """Reconcile each caseload source against each reference list (``config``: reconciliation
    settings, default the built-in ones; the stored review decisions honoured) and keep the possible matches
    still waiting for a reviewer: ``{nominal ID: [detail, ...]}`` and the reference records
    named in them (whose markings the worklist then carries). The matching is audited as a
    combination of the two lists. ``memo``: see :func:`~ctpse_core.reconcile.stored.reconcile_stored`."""
    from ctpse_core.reconcile.stored import reconcile_stored

    found: dict[str, list[str]] = {}
    named: dict[str, Nominal] = {}
    by_source: dict[str, list[Nominal]] = {}
    for n in caseload:
        if n.provenance is not None:
            by_source.setdefault(n.provenance.source, []).append(n)
    refs: dict[str, list[Nominal]] = {}
    for n in reference:
        refs.setdefault(n.provenance.source if n.provenance else "", []).append(n)
    for left_source, left in sorted(by_source.items()):
        for right_source, right in sorted(refs.items()):
            result = reconcile_stored(left, left_source, right, right_source, config, decisions, memo)
            uow.record_event("combination", "nominals", None,
                             f"data quality: {left_source} ({len(left)}) reconciled with {right_source} "
                             f"({len(right)}); {len(result.possible_matches)} possible matches undecided")
            ids = {n.id: n for n in right}
            for p in result.possible_matches:
                found.setdefault(p.left, []).append(
                    f"possible match with {right_source} {p.right} (score {p.probability:.2f}) open from "
                    "reconciliation; no review decision")
                named[p.right] = ids[p.right]
    return found, list(named.values())


def _feed_names() -> frozenset[str]:
    from ctpse_core.feeds.definition import feeds

    return frozenset(feeds().names())


def worklist(uow: Any, as_of: dt.date, rules: Mapping[str, Any] | None = None,
             memo: MutableMapping[str, Any] | None = None) -> tuple[list[dict[str, Any]], Marking, int]:
    """The fault rows, their marking, and how many nominals were checked (``memo``: reconciliations
    already made in the same piece of work, see :func:`open_possible_matches`)."""
    nominals, reference, plans, orders, pathways, decisions = _read(uow, "data quality")
    rules = rules or load_rules()
    open_matches: dict[str, list[str]] = {}
    named: list[Nominal] = []
    if rules.get("open_matches", True):
        from ctpse_core.errors import ConfigError, SettingsError
        from ctpse_core.reconcile import load_config as reconcile_settings

        settings = rules.get("reconcile_settings") or None
        try:
            config = reconcile_settings(Path(settings)) if settings else None
        except ConfigError as exc:  # a bad path or file is the user's setting: one line, exit 2
            raise SettingsError(f"data-quality setting reconcile_settings = {settings!r}: {exc}") from None
        open_matches, named = open_possible_matches(uow, nominals, reference, decisions, config, memo)
    rows = issues(nominals, plans, orders, pathways, decisions, as_of, rules, _feed_names(), open_matches)
    return rows, marking_of(nominals, named, plans, orders, pathways), len(nominals)


def data_quality(uow: Any, as_of: dt.date, period: Period | None = None,
                 rules: Mapping[str, Any] | None = None, memo: MutableMapping[str, Any] | None = None) -> Figure:
    """Nominals with no fault (numerator) of all nominals (denominator), as of ``as_of``;
    ``groups`` per check: nominals with that fault and the total. ``period`` is accepted
    for the common signature (the checks look at the state on ``as_of``)."""
    rows, marking, total = worklist(uow, as_of, rules, memo)
    faulty = {r["nominal_id"] for r in rows}
    groups: dict[str, set[str]] = {}
    for r in rows:
        groups.setdefault(r["check"], set()).add(r["nominal_id"])
    return Figure(total - len(faulty), total, marking, {k: (len(v), total) for k, v in sorted(groups.items())})
