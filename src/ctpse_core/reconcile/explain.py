"""Explaining a reconciliation: field discrepancies, the headcount, the correction set."""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ctpse_core.arrays import sorted_unique
from ctpse_core.reconcile.config import ReconcileConfig, Tolerances
from ctpse_core.reconcile.normalise import normalise_text
from ctpse_core.reconcile.result import Discrepancy, DuplicateCluster, HeadcountRow, MatchedPair
from ctpse_core.reconcile.table import NominalTable

I64 = npt.NDArray[np.int64]

__all__ = [
    "CHECKED_FIELDS",
    "HEADCOUNT_DIMENSIONS",
    "corrections",
    "discrepancies",
    "headcount",
    "id_rank",
    "pair_discrepancies",
]

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
#: Cells every correction row keeps, so that the record can be found (and the file reads back).
IDENTIFYING = ("id", "surname", "forenames", "date_of_birth")


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


def _memo_text(memo: dict[Any, str], value: Any) -> str:
    got = memo.get(value)
    if got is None:
        got = memo[value] = _text(value)
    return got


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
    """Fields that differ on matched pairs, after normalisation and within the tolerances.

    Ordered by matched pair, then field. Only the pairs whose two values differ as stored
    are looked at in Python; each distinct pair of values is judged once."""
    lpos = {rid: k for k, rid in enumerate(left.ids)}
    rpos = {rid: k for k, rid in enumerate(right.ids)}
    xs = list(map(lpos.__getitem__, [m.left for m in matches]))
    ys = list(map(rpos.__getitem__, [m.right for m in matches]))
    return pair_discrepancies(left, right, xs, ys, tol)[1]


def pair_discrepancies(
    left: NominalTable, right: NominalTable, xs: Sequence[int], ys: Sequence[int], tol: Tolerances
) -> tuple[I64, list[Discrepancy]]:
    """:func:`discrepancies` of the pairs ``(xs[n], ys[n])`` (record positions): for each
    discrepancy the pair it is about, and the discrepancies in (pair, field) order. The
    discrepancies of a pair do not depend on the other pairs (each value pair is judged alone)."""
    lids = list(map(left.ids.__getitem__, xs))
    rids = list(map(right.ids.__getitem__, ys))
    at: list[int] = []
    found: list[Discrepancy] = []
    for field, kind in CHECKED_FIELDS.items():
        if field in tol.ignore or field not in left.columns or field not in right.columns:
            continue
        texts: dict[Any, str] = {}  # per field: a field's values are of one type
        lcol, rcol = left.columns[field], right.columns[field]
        same_cache: dict[tuple[Any, Any], bool] = {}
        a_values = list(map(lcol.__getitem__, xs))
        b_values = list(map(rcol.__getitem__, ys))
        for n in itertools.compress(range(len(xs)), map(operator.ne, a_values, b_values)):
            a, b = a_values[n], b_values[n]
            empty_a, empty_b = a is None or a == (), b is None or b == ()
            if empty_a and empty_b:
                continue
            if empty_a or empty_b:
                if kind == "set":
                    how = "differs"
                elif tol.report_missing:
                    how = "missing_left" if empty_a else "missing_right"
                else:
                    continue
            elif kind != "exact":  # an exact field that differs as stored differs
                key = (a, b)
                same = same_cache.get(key)
                if same is None:
                    same = same_cache[key] = _same(kind, a, b, tol)
                if same:
                    continue
                how = "differs"
            else:
                how = "differs"
            at.append(n)
            found.append(Discrepancy(lids[n], rids[n], field, _memo_text(texts, a), _memo_text(texts, b), how))
    # fields were taken in order: a stable sort by pair gives (pair, field)
    pairs = np.asarray(at, dtype=np.int64)
    order = np.argsort(pairs, kind="stable")
    return pairs[order], list(map(found.__getitem__, order.tolist()))


def id_rank(ids: list[str]) -> I64:
    """Each ID's place in the sorted order of the IDs (unique): sorting by it sorts by ID.
    Lists usually come in ID order, which is checked first."""
    if all(map(operator.le, ids, itertools.islice(ids, 1, None))):
        return np.arange(len(ids), dtype=np.int64)
    rank = np.empty(len(ids), dtype=np.int64)
    rank[np.asarray(sorted(range(len(ids)), key=ids.__getitem__), dtype=np.int64)] = np.arange(len(ids))
    return rank


def headcount(
    left: NominalTable,
    right: NominalTable,
    matches: Sequence[MatchedPair],
    cl: Sequence[int],
    cr: Sequence[int],
    possible_l: set[int],
    possible_r: set[int],
    *,
    positions: tuple[I64, I64] | None = None,
) -> list[HeadcountRow]:
    """Counts by status, force and category in each list, the difference split exactly into:
    records only on one side, records awaiting review, extra copies (duplicates) on each
    side, and matched people recorded with a different value. ``positions``: the matches'
    left and right record positions, when the caller has them (else found from their IDs)."""
    if positions is not None:  # the matches' record positions, known to the caller
        xs, ys = (np.asarray(p, dtype=np.int64) for p in positions)
    else:
        lpos = {rid: k for k, rid in enumerate(left.ids)}
        rpos = {rid: k for k, rid in enumerate(right.ids)}
        xs = np.fromiter(map(lpos.__getitem__, [m.left for m in matches]), dtype=np.int64, count=len(matches))
        ys = np.fromiter(map(rpos.__getitem__, [m.right for m in matches]), dtype=np.int64, count=len(matches))
    cla, cra = np.asarray(cl, dtype=np.int64), np.asarray(cr, dtype=np.int64)
    # each distinct (left cluster, right cluster) pair of the matches once
    n_right = max(len(right), 1)
    pairs = sorted_unique(cla[xs] * n_right + cra[ys]) if len(xs) else np.zeros(0, dtype=np.int64)
    pair_l, pair_r = pairs // n_right, pairs % n_right

    def classes(n: int, matched: I64, cluster: I64, possible: set[int]) -> I64:
        """Per record: 0 only on this side, 1 pending review, 2 matched, 3 an extra copy."""
        out = np.zeros(n, dtype=np.int64)
        out[np.fromiter(possible, dtype=np.int64, count=len(possible))] = 1
        out[matched] = np.where(cluster[matched] != matched, 3, 2)
        return out

    left_class = classes(len(left), xs, cla, possible_l)
    right_class = classes(len(right), ys, cra, possible_r)
    rows: list[HeadcountRow] = []
    for dim in HEADCOUNT_DIMENSIONS:
        lcol, rcol = left.column(dim), right.column(dim)
        text_of = {v: _text(v) or "(blank)" for v in dict.fromkeys(itertools.chain(lcol, rcol))}
        values = sorted(set(text_of.values()))
        code = {t: c for c, t in enumerate(values)}
        value_code = {v: code[t] for v, t in text_of.items()}
        lv = np.fromiter(map(value_code.__getitem__, lcol), dtype=np.int64, count=len(lcol))
        rv = np.fromiter(map(value_code.__getitem__, rcol), dtype=np.int64, count=len(rcol))
        size = len(values)
        lparts = np.bincount(lv * 4 + left_class, minlength=4 * size).reshape(size, 4).tolist()
        rparts = np.bincount(rv * 4 + right_class, minlength=4 * size).reshape(size, 4).tolist()
        moved = (np.bincount(lv[pair_l], minlength=size) - np.bincount(rv[pair_r], minlength=size)).tolist()
        for c, value in enumerate(values):
            lp, rp = lparts[c], rparts[c]
            explained = {
                "only_left": lp[0],
                "only_right": -rp[0],
                "pending_review_left": lp[1],
                "pending_review_right": -rp[1],
                "duplicates_left": lp[3],
                "duplicates_right": -rp[3],
                "recorded_differently": moved[c],
            }
            rows.append(
                HeadcountRow(dimension=dim, value=value, left=sum(lp), right=sum(rp), explained=explained)
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
    *,
    by_cell: bool = False,
) -> tuple[list[str], list[dict[str, str]], list[str], list[str]]:
    """Rows for JCTPPH in the national list's own columns and vocabulary, plus ``Action`` and ``Reason``.

    Returns the headers, the rows, the ID of the record each row is about (the national
    record's; an ``ADD`` row's regional record's) and the fields the columns carry (the
    disclosure names them: :func:`ctpse_core.reconcile.disclosure.disclose_corrections`).

    Values are written as the national file writes them (``Male``, ``Custody``, ``Tier 1``,
    its own date format), learned from its cells by :func:`~ctpse_core.reconcile.table.read_table`;
    a value it never holds is written plainly. ``UPDATE`` and ``QUERY`` rows of a matched
    record carry its identifying cells and only the fields that change (or are disputed);
    the reason names each change with the record's current and new value.

    ``by_cell`` builds every row cell by cell in column order (what is done anyway when two
    columns share a header; the result is otherwise the same, only slower).
    """
    from ctpse_core.builtins.nominal_feeds import NATIONAL_COLUMNS

    header_of = dict(right.headers) or {field: header for header, field in NATIONAL_COLUMNS.items()}
    for header, field in NATIONAL_COLUMNS.items():
        header_of.setdefault(field, header)
    fields = [f for f in header_of if f in ("id", *left.columns, *right.columns)]
    headers = [header_of[f] for f in fields] + ["Action", "Reason"]
    rpos = {rid: k for k, rid in enumerate(right.ids)}
    lpos = {rid: k for k, rid in enumerate(left.ids)}

    formatted: dict[str, dict[Any, str]] = {f: {} for f in fields}
    date_format = {f: right.date_style.get(f, config.national_date_format) for f in fields}

    def fmt(value: Any, field: str = "") -> str:
        """A value in the national list's own vocabulary (as its file writes it), else plain text."""
        memo = formatted.get(field)
        if memo is None:
            memo = formatted[field] = {}
        found = memo.get(value)
        if found is not None:
            return found
        try:
            text = right.written.get(field, {}).get(value)
        except TypeError:  # unhashable
            text = None
        if text is None:
            text = (value.strftime(date_format.get(field, config.national_date_format))
                    if isinstance(value, dt.date) else _text(value))
        memo[value] = text
        return text

    national = [
        (f, header_of[f], right.ids if f == "id" else right.column(f), formatted[f], f in IDENTIFYING)
        for f in fields
    ]
    # with one column per header (the usual case) a row is a copy of a blank template with its
    # cells set, and a cell's text one memo look-up; otherwise each row is built cell by cell
    # in column order, so that a later column of the same header wins as it always did
    simple = len(set(headers)) == len(headers) and not by_cell
    blank = dict.fromkeys(headers[:-2], "")
    field_set = set(fields)
    identifying_cells = [item for item in national if item[4]]

    def national_row(k: int, keep: Sequence[str] | None = None) -> dict[str, str]:
        """The national record's cells; with ``keep``, only its identifying cells and those fields."""
        if simple and keep is None:
            return {
                header: text if (text := memo.get(value := column[k])) is not None else fmt(value, f)
                for f, header, column, memo, _identifying in national
            }
        row: dict[str, str] = {}
        for f, header, column, memo, identifying in national:
            if keep is None or identifying or f in keep:
                value = column[k]
                text = memo.get(value)
                row[header] = text if text is not None else fmt(value, f)
            else:
                row[header] = ""
        return row

    out: list[dict[str, str]] = []
    about: list[str] = []
    by_pair: dict[tuple[str, str], list[Discrepancy]] = {}
    authoritative = set(config.authoritative)
    for d in found:
        if d.field in authoritative and d.kind != "missing_left":
            items = by_pair.get((d.left, d.right))
            if items is None:
                by_pair[(d.left, d.right)] = [d]
            else:
                items.append(d)
    # one row per national record: a duplicate to merge is only merged (its regional match is
    # the record kept's too), and the updates several regional records ask of one national
    # record are combined, values they disagree on left alone and queried
    merged_away = {rid: (cluster.ids[0], cluster.probability) for cluster in duplicates_right
                   for rid in cluster.ids[1:]}
    by_right: dict[str, list[tuple[str, list[Discrepancy]]]] = {}
    # in (right ID, left ID) order: each ID's place in its list's sorted IDs sorts the same
    keys = list(by_pair)
    lranks, rranks = id_rank(left.ids), id_rank(right.ids)
    lrank = lranks[np.fromiter(map(lpos.__getitem__, [lid for lid, _rid in keys]), dtype=np.int64, count=len(keys))]
    rrank = rranks[np.fromiter(map(rpos.__getitem__, [rid for _lid, rid in keys]), dtype=np.int64, count=len(keys))]
    pair_items = list(by_pair.values())
    for t in np.lexsort((lrank, rrank)).tolist():
        (lid, rid), items = keys[t], pair_items[t]
        if rid not in merged_away:
            asks = by_right.get(rid)
            if asks is None:
                by_right[rid] = [(lid, items)]
            else:
                asks.append((lid, items))
    left_columns: dict[str, list[Any]] = {}
    right_columns: dict[str, list[Any]] = {}
    for rid, asks in by_right.items():
        at = rpos[rid]
        wanted: dict[str, dict[str, list[str]]] = {}
        for lid, items in asks:
            k = lpos[lid]
            for d in items:
                field = d.field
                column = left_columns.get(field)
                if column is None:
                    column = left_columns[field] = left.column(field)
                raw = column[k]
                value = formatted[field].get(raw) if field in formatted else None
                if value is None:
                    value = fmt(raw, field)
                by_value = wanted.get(field)
                if by_value is None:
                    wanted[field] = {value: [lid]}
                else:
                    ids = by_value.get(value)
                    if ids is None:
                        by_value[value] = [lid]
                    else:
                        ids.append(lid)
        now: dict[str, str] = {}
        for field in wanted:
            column = right_columns.get(field)
            if column is None:
                column = right_columns[field] = right.column(field)
            raw = column[at]
            text = formatted[field].get(raw) if field in formatted else None
            now[field] = text if text is not None else fmt(raw, field)
        if simple:
            row = blank.copy()
            for f, header, column, memo, _identifying in identifying_cells:
                value = column[at]
                text = memo.get(value)
                row[header] = text if text is not None else fmt(value, f)
            for field, text in now.items():
                if field in field_set:
                    row[header_of[field]] = text
        else:
            row = national_row(at, list(wanted))
        agreed = {f: next(iter(v)) for f, v in wanted.items() if len(v) == 1}
        for field, value in agreed.items():
            row[header_of[field]] = value
        who = sorted({lid for lid, _items in asks}) if len(asks) > 1 else [asks[0][0]]
        parts = [f"{f} {now[f] or '(blank)'} -> {v}" for f, v in agreed.items()]
        if len(agreed) < len(wanted):
            parts += [
                f"{f} disputed: "
                + ", ".join(f"{v or '(blank)'} ({'/'.join(ids)})" for v, ids in sorted(values.items()))
                for f, values in wanted.items()
                if len(values) > 1
            ]
        row["Action"] = "UPDATE" if agreed else "QUERY"
        row["Reason"] = f"regional record{'s' if len(who) > 1 else ''} {', '.join(who)}: " + "; ".join(parts)
        out.append(row)
        about.append(rid)
    regional = [(f, header_of[f], left.column(f), formatted[f]) for f in fields]
    for lid in only_left:
        k = lpos[lid]
        row = {}
        for f, header, column, memo in regional:
            if f == "id":
                row[header] = ""
            else:
                value = column[k]
                text = memo.get(value)
                row[header] = text if text is not None else fmt(value, f)
        row["Action"] = "ADD"
        row["Reason"] = f"on the regional list ({lid}), not found nationally; JCTPPH to assign a reference"
        out.append(row)
        about.append(lid)
    for rid in only_right:
        if rid in merged_away:
            continue
        row = national_row(rpos[rid])
        row["Action"] = "QUERY"
        row["Reason"] = "not on the regional list: confirm transfer, closure or ownership"
        out.append(row)
        about.append(rid)
    for rid, (keep, probability) in merged_away.items():
        row = national_row(rpos[rid], ())
        row["Action"] = "MERGE"
        row["Reason"] = f"duplicate of {keep} (probability {probability:.3f})"
        out.append(row)
        about.append(rid)
    return headers, out, about, fields
