"""Any table column as comparable keys: for comparisons and blocking on fields the engine has no special code for.

A list may carry evidence beyond names and dates of birth: an address line, a town, a
partner's own reference number. Each value is reduced to :func:`~ctpse_core.reconcile.normalise.plain`
text (lower-case letters and digits) and given a stable 62-bit key (BLAKE2b of the text),
computed once per distinct value and cached on the encoded list (``Side.extra``), so the
two lists agree on keys without sharing a vocabulary and the same input always gives the
same keys. Blocking rules use a column with the key part ``field:PATH`` (for example
``field:addresses.0.town`` or ``field:soc_sec_id``); comparisons use
:class:`~ctpse_core.reconcile.comparisons.TextComparison` and
:class:`~ctpse_core.reconcile.comparisons.CodeComparison`.
"""

from __future__ import annotations

from collections.abc import Iterable
from hashlib import blake2b
from typing import Any

import numpy as np
import numpy.typing as npt

from ctpse_core.reconcile.config import FIELD_PART, field_of_part
from ctpse_core.reconcile.features import Side
from ctpse_core.reconcile.normalise import plain

__all__ = ["FIELD_PART", "blocked_comparisons", "column_keys", "distinct_pairs", "field_of_part"]

I64 = npt.NDArray[np.int64]
Texts = npt.NDArray[np.object_]



def _key(text: str) -> int:
    return int.from_bytes(blake2b(text.encode("utf-8"), digest_size=8).digest(), "little") >> 2


def column_keys(side: Side, path: str) -> tuple[Texts, I64]:
    """Plain text (``""`` when blank) and key (``-1`` when blank) of each record's ``path`` value."""
    cache_key = f"{FIELD_PART}{path}"
    found: tuple[Texts, I64] | None = side.extra.get(cache_key)
    if found is not None:
        return found
    texts = [plain(str(v)) if v is not None and v != "" else "" for v in side.table.column(path)]
    keys = {t: _key(t) for t in set(texts) if t}
    found = (
        np.asarray(texts, dtype=object),
        np.asarray([keys[t] if t else -1 for t in texts], dtype=np.int64),
    )
    side.extra[cache_key] = found
    return found


def distinct_pairs(x: I64, y: I64) -> tuple[I64, I64]:
    """Positions of the first occurrence of each distinct ``(x, y)`` key pair, and each pair's distinct index.

    Distinct pairs are numbered in sorted ``(x, y)`` order (as ``np.unique(axis=0)`` would,
    without its slow row-wise path)."""
    order = np.lexsort((y, x))  # stable: equal pairs keep their order, so the first comes first
    xs, ys = x[order], y[order]
    new = np.ones(len(x), dtype=bool)
    new[1:] = (xs[1:] != xs[:-1]) | (ys[1:] != ys[:-1])
    inverse = np.empty(len(x), dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return order[new].astype(np.int64), inverse


def blocked_comparisons(part: str, rules: Iterable[Any]) -> tuple[str, ...]:
    """Comparisons a ``field:PATH`` key part makes agree (those reading that column).

    The engine leaves them out when training on pairs blocked on that part, as it does
    for the built-in key parts.
    """
    path = field_of_part(part)
    if path is None:
        return ()
    return tuple(r.name for r in rules if getattr(r, "field", None) == path)
