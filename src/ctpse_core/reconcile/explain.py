"""Explaining a reconciliation: field discrepancies, the headcount, the correction set."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from typing import Any

from ctpse_core.reconcile.config import ReconcileConfig, Tolerances
from ctpse_core.reconcile.normalise import normalise_text
from ctpse_core.reconcile.result import Discrepancy, DuplicateCluster, HeadcountRow, MatchedPair
from ctpse_core.reconcile.table import NominalTable

__all__ = ["CHECKED_FIELDS", "HEADCOUNT_DIMENSIONS", "corrections", "discrepancies", "headcount"]

#: Fields compared on every matched pair, and how.
CHECKED_FIELDS: dict[str, str] = {
    "status": "exact",
    "risk_tier": "tier",
    "category": "exact",
    "nominal_manager": "text",
    "establishment": "text",
    "force": "text",
    "orders": "set",
    "date_of_birth": "exact",
    "sex": "exact",
    "nationality": "text",
    "pnc_id": "exact",
    "cro_number": "exact",
    "prison_number": "exact",
}
HEADCOUNT_DIMENSIONS = ("status", "force", "category")


def _text(value: Any) -> str:
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "; ".join(_text(v) for v in value)
    return str(value)


def _same(kind: str, a: Any, b: Any, tol: Tolerances) -> bool:
    if kind == "tier":
        return abs(int(_text(a)) - int(_text(b))) <= tol.risk_tier
    if kind == "set":
        return {_text(v) for v in a or ()} == {_text(v) for v in b or ()}
    if kind == "text":
        x, y = normalise_text(_text(a)), normalise_text(_text(b))
        if x == y:
            return True
        from rapidfuzz.distance import JaroWinkler

        return bool(JaroWinkler.normalized_similarity(x, y) >= tol.text_similarity)
    return bool(a == b)


def discrepancies(
    left: NominalTable, right: NominalTable, matches: Sequence[MatchedPair], tol: Tolerances
) -> list[Discrepancy]:
    """Fields that differ on matched pairs, after normalisation and within the tolerances."""
    lpos = {rid: k for k, rid in enumerate(left.ids)}
    rpos = {rid: k for k, rid in enumerate(right.ids)}
    out: list[Discrepancy] = []
    for m in matches:
        x, y = lpos[m.left], rpos[m.right]
        for field, kind in CHECKED_FIELDS.items():
            if field in tol.ignore or field not in left.columns or field not in right.columns:
                continue
            a, b = left.columns[field][x], right.columns[field][y]
            empty_a, empty_b = a in (None, ()), b in (None, ())
            if empty_a and empty_b:
                continue
            if empty_a or empty_b:
                if tol.report_missing and kind != "set":
                    out.append(
                        Discrepancy(
                            m.left,
                            m.right,
                            field,
                            _text(a),
                            _text(b),
                            "missing_left" if empty_a else "missing_right",
                        )
                    )
                elif kind == "set":
                    out.append(Discrepancy(m.left, m.right, field, _text(a), _text(b), "differs"))
                continue
            if not _same(kind, a, b, tol):
                out.append(Discrepancy(m.left, m.right, field, _text(a), _text(b), "differs"))
    return out


def headcount(
    left: NominalTable,
    right: NominalTable,
    matches: Sequence[MatchedPair],
    cl: list[int],
    cr: list[int],
    possible_l: set[int],
    possible_r: set[int],
) -> list[HeadcountRow]:
    """Counts by status, force and category in each list, the difference split exactly into:
    records only on one side, records awaiting review, extra copies (duplicates) on each
    side, and matched people recorded with a different value."""
    lpos = {rid: k for k, rid in enumerate(left.ids)}
    rpos = {rid: k for k, rid in enumerate(right.ids)}
    pairs: dict[tuple[int, int], None] = {}
    for m in matches:
        pairs[(cl[lpos[m.left]], cr[rpos[m.right]])] = None
    matched_l = {lpos[m.left] for m in matches}
    matched_r = {rpos[m.right] for m in matches}
    rows: list[HeadcountRow] = []
    for dim in HEADCOUNT_DIMENSIONS:
        lv = [_text(v) or "(blank)" for v in left.column(dim)]
        rv = [_text(v) or "(blank)" for v in right.column(dim)]
        values = sorted(set(lv) | set(rv))
        for value in values:
            explained = {
                "only_left": 0,
                "only_right": 0,
                "pending_review_left": 0,
                "pending_review_right": 0,
                "duplicates_left": 0,
                "duplicates_right": 0,
                "recorded_differently": 0,
            }
            for k, v in enumerate(lv):
                if v != value:
                    continue
                if k in matched_l:
                    if cl[k] != k:  # not the cluster's representative: an extra copy
                        explained["duplicates_left"] += 1
                elif k in possible_l:
                    explained["pending_review_left"] += 1
                else:
                    explained["only_left"] += 1
            for k, v in enumerate(rv):
                if v != value:
                    continue
                if k in matched_r:
                    if cr[k] != k:
                        explained["duplicates_right"] -= 1
                elif k in possible_r:
                    explained["pending_review_right"] -= 1
                else:
                    explained["only_right"] -= 1
            for ca, cb in pairs:
                explained["recorded_differently"] += int(lv[ca] == value) - int(rv[cb] == value)
            rows.append(
                HeadcountRow(
                    dimension=dim,
                    value=value,
                    left=lv.count(value),
                    right=rv.count(value),
                    explained=explained,
                )
            )
    return rows


def corrections(
    left: NominalTable,
    right: NominalTable,
    matches: Sequence[MatchedPair],
    found: Sequence[Discrepancy],
    only_left: Sequence[str],
    only_right: Sequence[str],
    duplicates_right: Sequence[DuplicateCluster],
    config: ReconcileConfig,
) -> tuple[list[str], list[dict[str, str]]]:
    """Rows for JCTPPH in the national list's own columns, plus ``Action`` and ``Reason``."""
    from ctpse_core.builtins.nominal_feeds import NATIONAL_COLUMNS

    header_of = dict(right.headers) or {field: header for header, field in NATIONAL_COLUMNS.items()}
    for header, field in NATIONAL_COLUMNS.items():
        header_of.setdefault(field, header)
    fields = [f for f in header_of if f in ("id", *left.columns, *right.columns)]
    headers = [header_of[f] for f in fields] + ["Action", "Reason"]
    rpos = {rid: k for k, rid in enumerate(right.ids)}
    lpos = {rid: k for k, rid in enumerate(left.ids)}

    def fmt(value: Any) -> str:
        if isinstance(value, dt.date):
            return value.strftime(config.national_date_format)
        return _text(value)

    def national_row(k: int) -> dict[str, str]:
        row = {header_of[f]: fmt(right.ids[k] if f == "id" else right.column(f)[k]) for f in fields}
        return row

    out: list[dict[str, str]] = []
    by_pair: dict[tuple[str, str], list[Discrepancy]] = {}
    for d in found:
        if d.field in config.authoritative and d.kind != "missing_left":
            by_pair.setdefault((d.left, d.right), []).append(d)
    for (lid, rid), items in sorted(by_pair.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        row = national_row(rpos[rid])
        for d in items:
            row[header_of[d.field]] = fmt(left.column(d.field)[lpos[lid]])
        row["Action"] = "UPDATE"
        row["Reason"] = f"regional record {lid}: " + "; ".join(
            f"{d.field} {d.right_value or '(blank)'} -> {d.left_value}" for d in items
        )
        out.append(row)
    for lid in only_left:
        k = lpos[lid]
        row = {header_of[f]: "" if f == "id" else fmt(left.column(f)[k]) for f in fields}
        row["Action"] = "ADD"
        row["Reason"] = f"on the regional list ({lid}), not found nationally"
        out.append(row)
    for rid in only_right:
        row = national_row(rpos[rid])
        row["Action"] = "QUERY"
        row["Reason"] = "not on the regional list: confirm transfer, closure or ownership"
        out.append(row)
    for cluster in duplicates_right:
        keep = cluster.ids[0]
        for rid in cluster.ids[1:]:
            row = national_row(rpos[rid])
            row["Action"] = "MERGE"
            row["Reason"] = f"duplicate of {keep} (probability {cluster.probability:.3f})"
            out.append(row)
    return headers, out
