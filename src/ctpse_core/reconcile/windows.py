"""Sorted-neighbourhood windows inside large blocks.

A blocking key shared by many records on both sides (a common name with a common date of
birth, a busy postcode) would make ``n_left * n_right`` pairs, most of them between
different people. Inside such a block the records are instead sorted by a second key — the
order-free pair of name skeletons, then of the names as written, then the date of birth;
records that tie on all of these alternate between the lists — and each record is compared
with its neighbours within ``window`` places (the sorted-neighbourhood method of
Hernández and Stolfo, 1995, applied per block). The number of pairs grows linearly with the
block, while records that agree on the sort key — the likely matches — stay adjacent.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ctpse_core.reconcile.features import NameVocab, Side

__all__ = ["sort_key", "window_pairs"]

I64 = npt.NDArray[np.int64]


def _pair_rank(side: Side, rank: npt.NDArray[np.int32]) -> I64:
    """Order-free pair of the forename's and surname's ranks (missing names sort last)."""
    ranks = rank.astype(np.int64)
    top = int(ranks.max(initial=0)) + 1
    f = np.where(side.forename >= 0, ranks[np.maximum(side.forename, 0)], top)
    s = np.where(side.surname >= 0, ranks[np.maximum(side.surname, 0)], top)
    out: I64 = np.minimum(f, s) * (top + 1) + np.maximum(f, s)
    return out


def sort_key(side: Side, names: NameVocab) -> tuple[I64, I64]:
    """Per record: (name rank, date of birth), memoised on the side.

    The name rank orders records by the order-free pair of name skeletons, then by the
    order-free pair of names as written."""
    found: tuple[I64, I64] | None = side.extra.get("window_sort_key")
    if found is not None:
        return found
    skeleton, written = _pair_rank(side, names.skeleton_rank), _pair_rank(side, names.text_rank)
    order = np.lexsort((written, skeleton))
    both = np.stack([skeleton[order], written[order]])
    change = np.ones(len(order), dtype=bool)
    change[1:] = (both[:, 1:] != both[:, :-1]).any(axis=0)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.cumsum(change) - 1
    found = side.extra["window_sort_key"] = (rank, side.dob.astype(np.int64))
    return found


def window_pairs(
    block: I64,
    rec: I64,
    from_right: npt.NDArray[np.bool_],
    names_key: I64,
    dob_key: I64,
    window: int,
    n_right: int,
    same: bool,
) -> I64:
    """Pair codes ``i * n_right + j`` of rows within ``window`` places of each other in their block.

    Rows are (block, record, side) with each record's sort keys. With ``same`` (a list with
    itself) every row is from the one list and pairs are distinct records, smaller index first;
    otherwise a pair joins a left row with a right row.
    """
    order = np.lexsort((rec, from_right, dob_key, names_key, block))
    block, rec, from_right = block[order], rec[order], from_right[order]
    names_key, dob_key = names_key[order], dob_key[order]
    # records that tie on every sort key alternate between the lists (their order within a
    # list is kept), so that a window reaches across
    group = np.ones(len(order), dtype=bool)
    group[1:] = (block[1:] != block[:-1]) | (names_key[1:] != names_key[:-1]) | (dob_key[1:] != dob_key[:-1])
    run = group | np.concatenate([[True], from_right[1:] != from_right[:-1]])
    start = np.maximum.accumulate(np.where(run, np.arange(len(order)), 0))
    occurrence = np.arange(len(order)) - start
    group_id = np.cumsum(group)
    again = np.lexsort((from_right, occurrence, group_id))
    block, rec, from_right = block[again], rec[again], from_right[again]
    out: list[I64] = []
    for gap in range(1, max(window, 2)):
        if gap >= len(block):
            break
        a, b = slice(0, len(block) - gap), slice(gap, len(block))
        keep = block[a] == block[b]
        ra, rb = rec[a], rec[b]
        if same:
            keep &= ra != rb
            low, high = np.minimum(ra, rb)[keep], np.maximum(ra, rb)[keep]
            out.append(low * n_right + high)
        else:
            fa, fb = from_right[a], from_right[b]
            keep &= fa != fb
            left = np.where(fa, rb, ra)[keep]
            right = np.where(fa, ra, rb)[keep]
            out.append(left * n_right + right)
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)
