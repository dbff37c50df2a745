"""Blocking: only records that share a blocking key are compared.

Each :class:`~ctpse_core.reconcile.config.BlockingRule` makes an integer key per record
(or several: ``name_token`` yields one per name word key, aliases included); records
with equal keys on the two sides form candidate pairs. The union over the rules is the
candidate set, kept as sorted unique ``i * len(right) + j`` codes. Blocks larger than
``max_block_pairs`` are skipped and counted, never silently exploded; blocks larger than
``block_limit`` pairs are compared through sorted-neighbourhood windows
(:mod:`ctpse_core.reconcile.windows`) and counted.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import attrs
import numpy as np
import numpy.typing as npt

from ctpse_core.arrays import runs, sorted_unique, stable_argsort
from ctpse_core.errors import ConfigError
from ctpse_core.reconcile.columns import column_keys, field_of_part
from ctpse_core.reconcile.config import BlockingRule
from ctpse_core.reconcile.features import NameVocab, Side
from ctpse_core.reconcile.windows import sort_key, window_pairs

__all__ = ["BlockingReport", "candidate_pairs", "key_parts"]

I64 = npt.NDArray[np.int64]
KeyRows = tuple[I64, I64]  # (record index, key) rows; key -1 means "no key"


@attrs.define
class BlockingReport:
    """Candidate pairs each rule contributed, and blocks skipped as too large."""

    per_rule: dict[str, int] = attrs.Factory(dict)
    skipped_blocks: dict[str, int] = attrs.Factory(dict)
    #: Blocks compared through sorted-neighbourhood windows instead of every pair, per rule.
    windowed_blocks: dict[str, int] = attrs.Factory(dict)
    candidates: int = 0
    #: Per rule, which candidates (by position) it produced (for training the model per rule).
    masks: dict[str, npt.NDArray[np.bool_]] = attrs.Factory(dict)


def _single(values: npt.NDArray[np.int32]) -> KeyRows:
    return np.arange(len(values), dtype=np.int64), values.astype(np.int64)


def _name_token(side: Side, names: NameVocab) -> KeyRows:
    skel = names.skeleton.astype(np.int64)
    rec = np.concatenate([side.var_rec, side.var_rec]).astype(np.int64)
    ids = np.concatenate([side.var_forename, side.var_surname]).astype(np.int64)
    keys = np.where(ids >= 0, skel[np.maximum(ids, 0)], -1)
    width = int(skel.max(initial=0)) + 2
    rows = sorted_unique(rec * width + keys + 1)  # one row per (record, key), in record order
    return rows // width, rows % width - 1


def _name_pair(side: Side, names: NameVocab) -> KeyRows:
    skel = names.skeleton.astype(np.int64)
    f = np.where(side.forename >= 0, skel[np.maximum(side.forename, 0)], -1)
    s = np.where(side.surname >= 0, skel[np.maximum(side.surname, 0)], -1)
    low, high = np.minimum(f, s), np.maximum(f, s)
    size = int(skel.max(initial=0)) + 2
    key = np.where((f >= 0) & (s >= 0), low * size + high, -1)
    return np.arange(len(side), dtype=np.int64), key


def _name_part(part: str) -> Callable[[Side, NameVocab], KeyRows]:
    """The skeleton of the record's own forename or surname (aliases aside)."""

    def key(side: Side, names: NameVocab) -> KeyRows:
        ids = getattr(side, part)
        skel = names.skeleton.astype(np.int64)
        return np.arange(len(side), dtype=np.int64), np.where(ids >= 0, skel[np.maximum(ids, 0)], -1)

    return key


def _surname_phonetic(side: Side, names: NameVocab) -> KeyRows:
    nys = names.nysiis.astype(np.int64)
    return np.arange(len(side), dtype=np.int64), np.where(
        side.surname >= 0, nys[np.maximum(side.surname, 0)], -1
    )


def _dob_part(
    fn: Callable[[npt.NDArray[np.int64]], npt.NDArray[np.int64]], partial: bool = False
) -> Callable[[Side, NameVocab], KeyRows]:
    """A key from the date of birth; ``partial``: also from a year-only date (``yyyy0000``)."""

    def part(side: Side, _names: NameVocab) -> KeyRows:
        dob = side.dob.astype(np.int64)
        known = dob > 0 if partial else dob % 10000 > 0
        return np.arange(len(side), dtype=np.int64), np.where(known, fn(dob), -1)

    return part


def _unordered(dob: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    year, month, day = dob // 10000, dob // 100 % 100, dob % 100
    out: npt.NDArray[np.int64] = year * 10000 + np.minimum(month, day) * 100 + np.maximum(month, day)
    return out


#: Key part name -> function of (side, names) giving (record, key) rows.
_PARTS: dict[str, Callable[[Side, NameVocab], KeyRows]] = {
    "pnc": lambda s, _n: _single(s.pnc),
    "cro": lambda s, _n: _single(s.cro),
    "prison": lambda s, _n: _single(s.prison),
    "sex": lambda s, _n: _single(s.sex),
    "nationality": lambda s, _n: _single(s.nationality),
    "postcode": lambda s, _n: _single(s.postcode),
    "name_token": _name_token,
    "name_pair": _name_pair,
    "forename": _name_part("forename"),
    "surname": _name_part("surname"),
    "surname_phonetic": _surname_phonetic,
    "dob": _dob_part(lambda d: d),
    "dob_unordered": _dob_part(_unordered),
    "year": _dob_part(lambda d: d // 10000, partial=True),
    "month": _dob_part(lambda d: d // 100 % 100),
    "day": _dob_part(lambda d: d % 100),
}


def key_parts() -> list[str]:
    return sorted(_PARTS)


def _part(name: str) -> Callable[[Side, NameVocab], KeyRows] | None:
    """A built-in key part, or ``field:PATH``: the plain text of any table column."""
    found = _PARTS.get(name)
    path = field_of_part(name)
    if found is None and path is not None:
        return lambda s, _n: (np.arange(len(s), dtype=np.int64), column_keys(s, path)[1])
    return found


def _rule_keys(rule: BlockingRule, side: Side, names: NameVocab) -> KeyRows:
    """The rule's (record, key) rows of a side, made once per side and rule."""
    memo = side.extra.setdefault("blocking_keys", {})
    found: KeyRows | None = memo.get(rule.keys)
    if found is None:
        found = memo[rule.keys] = _make_rule_keys(rule, side, names)
    return found


def _make_rule_keys(rule: BlockingRule, side: Side, names: NameVocab) -> KeyRows:
    """Combine the rule's parts into one key per row (rows multiply for multi-key parts)."""
    rec: I64 | None = None
    key: I64 | None = None
    for part in rule.keys:
        fn = _part(part)
        if fn is None:
            raise ConfigError(
                f"blocking rule {rule.name!r}: unknown key part {part!r} "
                f"(known: {', '.join(key_parts())}, or field:PATH for any column)"
            )
        prec, pkey = fn(side, names)
        if rec is None or key is None:
            rec, key = prec, pkey
            continue
        # join on record index: each existing row combines with each row of this part
        if len(prec) == len(side) and np.array_equal(prec, np.arange(len(side))):
            other = pkey[rec]
            new_key = np.where((key >= 0) & (other >= 0), _mix(key, other), -1)
            key = new_key
        else:
            order = np.argsort(rec, kind="stable")
            rec, key = rec[order], key[order]
            counts = np.bincount(prec, minlength=len(side))
            starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
            porder = np.argsort(prec, kind="stable")
            pkey_sorted = pkey[porder]
            reps = counts[rec]
            rec2 = np.repeat(rec, reps)
            key2 = np.repeat(key, reps)
            offs = np.arange(len(rec2)) - np.repeat(np.cumsum(reps) - reps, reps)
            other = pkey_sorted[np.repeat(starts[rec], reps) + offs]
            rec = rec2
            key = np.where((key2 >= 0) & (other >= 0), _mix(key2, other), -1)
    assert rec is not None and key is not None
    keep = key >= 0
    return rec[keep], key[keep]


def _mix(a: I64, b: I64) -> I64:
    """Combine two non-negative keys into one (a 64-bit hash; collisions only add pairs)."""
    with np.errstate(over="ignore"):
        h = (a.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) ^ (
            b.astype(np.uint64) + np.uint64(0x632BE59BD9B4E019)
        )
        h ^= h >> np.uint64(29)
        return (h & np.uint64(0x3FFFFFFFFFFFFFFF)).astype(np.int64)


@attrs.frozen
class _Windows:
    """How blocks above ``limit`` pairs are compared: sorted-neighbourhood windows."""

    limit: int
    window: int
    left: tuple[I64, I64]
    right: tuple[I64, I64]
    same: bool


def _spread(key: I64) -> I64:
    """Keys of 40 bits and more (hashes) multiplied by an odd constant modulo ``2**62``: a
    one-to-one map of ``[0, 2**62)`` (equal keys stay equal, different keys stay different)
    whose high bits depend on every bit of the key (``_mix`` leaves its second part in the
    low bits). Other keys as they are."""
    if len(key) == 0 or int(key.max()) < 1 << 40 or int(key.max()) >= 1 << 62 or int(key.min()) < 0:
        return key
    with np.errstate(over="ignore"):
        spread = key.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        return (spread & np.uint64((1 << 62) - 1)).astype(np.int64)


def _join(
    lrec: I64, lkey: I64, rrec: I64, rkey: I64, n_right: int, max_block: int, windows: _Windows,
    chunk: int = 4_000_000,
) -> tuple[list[I64], int, int]:
    """Pair codes ``i * n_right + j`` of every (left, right) row sharing a key.

    Blocks of more than ``max_block`` pairs are skipped; blocks of more than
    ``windows.limit`` pairs are compared through sorted-neighbourhood windows.
    Returns the pieces, the number of skipped blocks and the number of windowed blocks.
    """
    # rows are grouped by key (the groups' order does not matter: every block's pairs are
    # made, and the rule's pairs are sorted after); hashed keys are spread first, so that one
    # sort of their high bits with the row's position orders them
    lk = _spread(lkey)
    rk = lk if rkey is lkey else _spread(rkey)
    lo = stable_argsort(lk)
    ro = lo if rkey is lkey else stable_argsort(rk)
    lk, lr = lk[lo], lrec[lo]
    rk, rr = rk[ro], rrec[ro]
    ul, ls, lc = runs(lk)
    ur, rs, rc = runs(rk)
    _common, il, ir = np.intersect1d(ul, ur, assume_unique=True, return_indices=True)
    nl, nr = lc[il], rc[ir]
    sizes = nl * nr
    big = sizes > max_block
    skipped = int(big.sum())
    wide = (sizes > windows.limit) & ~big
    out: list[I64] = []
    if wide.any():
        out.append(_windowed(lr, ls[il[wide]], nl[wide], rr, rs[ir[wide]], nr[wide], n_right, windows))
    small = ~(big | wide)
    il, ir, nl, nr, sizes = il[small], ir[small], nl[small], nr[small], sizes[small]
    ends = np.cumsum(sizes)
    begin = 0
    while begin < len(sizes):
        base = ends[begin - 1] if begin else 0
        end = int(np.searchsorted(ends, base + chunk, side="right"))
        end = max(end, begin + 1)
        sz = sizes[begin:end]
        block = np.repeat(np.arange(begin, end), sz)
        offs = np.arange(int(sz.sum()), dtype=np.int64) - np.repeat(np.cumsum(sz) - sz, sz)
        a = offs // nr[block]
        c = offs % nr[block]
        left = lr[ls[il[block]] + a]
        right = rr[rs[ir[block]] + c]
        out.append(left * n_right + right)  # duplicates (pairs sharing two keys) go in the rule's unique
        begin = end
    return out, skipped, int(wide.sum())


def _rows(records: I64, starts: I64, counts: I64) -> tuple[I64, I64]:
    """(block number, record) of every row of the given blocks of a key-sorted side."""
    block = np.repeat(np.arange(len(starts), dtype=np.int64), counts)
    offs = np.arange(len(block), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    return block, records[np.repeat(starts, counts) + offs]


def _windowed(
    lr: I64, lstart: I64, lcount: I64, rr: I64, rstart: I64, rcount: I64, n_right: int, windows: _Windows
) -> I64:
    lblock, lrec = _rows(lr, lstart, lcount)
    if windows.same:  # one list: its rows once
        names_key, dob_key = (k[lrec] for k in windows.left)
        return window_pairs(
            lblock, lrec, np.zeros(len(lrec), dtype=bool), names_key, dob_key, windows.window, n_right, True
        )
    rblock, rrec = _rows(rr, rstart, rcount)
    block = np.concatenate([lblock, rblock])
    rec = np.concatenate([lrec, rrec])
    from_right = np.concatenate([np.zeros(len(lrec), dtype=bool), np.ones(len(rrec), dtype=bool)])
    names_key = np.concatenate([windows.left[0][lrec], windows.right[0][rrec]])
    dob_key = np.concatenate([windows.left[1][lrec], windows.right[1][rrec]])
    return window_pairs(block, rec, from_right, names_key, dob_key, windows.window, n_right, False)


def candidate_pairs(
    a: Side,
    b: Side,
    names: NameVocab,
    rules: Sequence[BlockingRule],
    max_block: int,
    same: bool = False,
    block_limit: int | None = None,
    block_window: int = 4,
) -> tuple[I64, I64, BlockingReport]:
    """Candidate pairs (i in a, j in b) as two sorted arrays; ``same`` links a list with itself.

    Blocks of more than ``block_limit`` pairs (and at most ``max_block``) are compared through
    sorted-neighbourhood windows of ``block_window`` records; with ``block_limit=None`` every
    block up to ``max_block`` is compared in full.
    """
    report = BlockingReport()
    n_right = len(b)
    left_keys = sort_key(a, names)
    windows = _Windows(
        limit=max_block if block_limit is None else block_limit,
        window=block_window,
        left=left_keys,
        right=left_keys if same else sort_key(b, names),
        same=same,
    )
    produced: list[tuple[str, I64]] = []
    for rule in rules:
        lrec, lkey = _rule_keys(rule, a, names)
        rrec, rkey = (lrec, lkey) if same else _rule_keys(rule, b, names)
        pieces: list[I64] = []
        skipped = windowed = 0
        if rule.only_if_missing:
            # "each field missing on at least one side": the union, over which side lacks
            # each field, of joins between the records lacking it (never a join of everyone)
            lack_a = [_missing(a, f) for f in rule.only_if_missing]
            lack_b = [_missing(b, f) for f in rule.only_if_missing]
            for choice in itertools.product((0, 1), repeat=len(lack_a)):
                la = np.ones(len(a), dtype=bool)
                rb = np.ones(len(b), dtype=bool)
                for side_lacking, ma, mb in zip(choice, lack_a, lack_b, strict=True):
                    if side_lacking == 0:
                        la &= ma
                    else:
                        rb &= mb
                keep_l, keep_r = la[lrec], rb[rrec]
                p, sk, wd = _join(
                    lrec[keep_l], lkey[keep_l], rrec[keep_r], rkey[keep_r], n_right, max_block, windows
                )
                pieces += p
                skipped += sk
                windowed += wd
        else:
            pieces, skipped, windowed = _join(lrec, lkey, rrec, rkey, n_right, max_block, windows)
        codes = sorted_unique(np.concatenate(pieces)) if pieces else np.zeros(0, dtype=np.int64)
        if same:
            i, j = codes // n_right, codes % n_right
            codes = codes[i < j]
        produced.append((rule.name, codes))
        if skipped:
            report.skipped_blocks[rule.name] = skipped
        if windowed:
            report.windowed_blocks[rule.name] = windowed
    everything = np.concatenate([c for _n, c in produced]) if produced else np.zeros(0, dtype=np.int64)
    found = sorted_unique(everything)
    del everything
    seen = np.zeros(len(found), dtype=bool)
    for name, codes in produced:  # each pair is credited to the first rule that found it
        mask = report.masks.get(name)
        if mask is None:
            mask = report.masks[name] = np.zeros(len(found), dtype=bool)
        at = np.searchsorted(found, codes)
        report.per_rule[name] = report.per_rule.get(name, 0) + int(np.count_nonzero(~seen[at]))
        mask[at] = True
        seen[at] = True
    report.candidates = len(found)
    return found // n_right, found % n_right, report


def _missing(side: Side, field: str) -> npt.NDArray[np.bool_]:
    if field == "dob":
        return np.asarray(side.dob % 10000 == 0)  # unknown, or only the year
    if field in ("pnc", "cro", "prison"):
        return np.asarray(getattr(side, field) < 0)
    raise ConfigError(f"only_if_missing must be dob, pnc, cro or prison, not {field!r}")
