"""Comparisons (match rules): each turns candidate pairs into an integer level per pair.

Level ``-1`` means "cannot compare" (a value is missing) and carries no weight; levels
``0..k-1`` are labelled by ``levels`` from disagreement up to the strongest agreement.
The engine learns an m- and u-probability per level; the weight of a level is
``log2(m/u)``. Built-in comparisons are registered by :mod:`ctpse_core.builtins.match_rules`
through ``ctpse_register_match_rules``; organisations add their own the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any, Protocol, runtime_checkable

import attrs
import numpy as np
import numpy.typing as npt

from ctpse_core.arrays import unique_inverse
from ctpse_core.errors import ConfigError
from ctpse_core.plugin import Registry, registry
from ctpse_core.reconcile.columns import column_keys, distinct_pairs
from ctpse_core.reconcile.config import ColumnComparison
from ctpse_core.reconcile.features import NameVocab, Side

__all__ = [
    "CategoryComparison",
    "CodeComparison",
    "DobComparison",
    "EqualityComparison",
    "MatchRule",
    "NameComparison",
    "PairBatch",
    "PostcodeComparison",
    "TextComparison",
    "aligned_names",
    "column_rules",
    "match_rules",
    "name_levels",
]

I8 = npt.NDArray[np.int8]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

#: Name similarity levels (Jaro-Winkler on the compact form, keys from normalise/jellyfish).
NAME_LEVELS = ("different", "similar", "close or sounds alike", "transliteration", "exact")
JW_SIMILAR = 0.80
JW_CLOSE = 0.92


@attrs.define
class PairBatch:
    """Candidate pairs ``(a[i], b[j])`` being compared, with a cache shared by comparisons."""

    a: Side
    b: Side
    i: I64
    j: I64
    names: NameVocab
    workers: int = 1
    cache: dict[str, Any] = attrs.Factory(dict)

    def __len__(self) -> int:
        return len(self.i)


@runtime_checkable
class MatchRule(Protocol):
    """A comparison the engine can learn weights for (plain or frozen attributes both fit)."""

    @property
    def name(self) -> str: ...

    @property
    def levels(self) -> tuple[str, ...]:
        """Labels of levels 0.. (disagreement first)."""
        ...

    @property
    def identifier(self) -> bool:
        """A strong identifier: agreement decides a match before the probabilistic model."""
        ...

    def compute(self, batch: PairBatch) -> I8:
        """The level of each pair (``-1`` when it cannot be compared)."""
        ...

    def frequency(self, batch: PairBatch, levels: I8) -> F64 | None:
        """Relative frequency of the agreed value per pair (term-frequency weights), or None."""
        ...


def name_levels(names: NameVocab, x: I32, y: I32, workers: int = 1) -> tuple[I8, F64]:
    """Level and Jaro-Winkler similarity of name-id pairs (each distinct pair computed once).

    A name against itself is exact with similarity 1 (vocabulary entries are distinct,
    non-empty texts) and is not looked at further."""
    from rapidfuzz.distance import JaroWinkler
    from rapidfuzz.process import cpdist

    x = np.asarray(x, dtype=np.int64)
    y = np.asarray(y, dtype=np.int64)
    valid = (x >= 0) & (y >= 0)
    level = np.full(len(x), -1, dtype=np.int8)
    sim = np.zeros(len(x), dtype=np.float64)
    same = valid & (x == y)
    level[same] = 4
    sim[same] = 1.0
    other = np.flatnonzero(valid & ~same)
    if not len(other):
        return level, sim
    size = len(names.text) + 1
    uniq, inverse = unique_inverse(x[other] * size + y[other])
    ux, uy = uniq // size, uniq % size
    text = np.asarray(names.text, dtype=object)
    jw = np.asarray(
        cpdist(
            list(text[ux]),
            list(text[uy]),
            scorer=JaroWinkler.normalized_similarity,
            workers=workers,
        ),
        dtype=np.float64,
    )
    lv = np.zeros(len(uniq), dtype=np.int8)
    lv[jw >= JW_SIMILAR] = 1
    close = (
        (jw >= JW_CLOSE)
        | (names.metaphone[ux] == names.metaphone[uy])
        | (names.nysiis[ux] == names.nysiis[uy])
    )
    lv[close] = 2
    lv[names.skeleton[ux] == names.skeleton[uy]] = 3
    level[other] = lv[inverse]
    sim[other] = jw[inverse]
    return level, sim


def aligned_names(batch: PairBatch) -> dict[str, Any]:
    """The best alignment of each pair's names: any name or alias against any, straight or swapped.

    Returns forename/surname levels, the agreed name ids (from ``a``) and flags for
    swapped and alias-based alignments. Computed once per batch.
    """
    found = batch.cache.get("names")
    if found is not None:
        return dict(found)
    a, b = batch.a, batch.b
    sa, sb = a.var_start[batch.i], b.var_start[batch.j]
    na = a.var_start[batch.i + 1] - sa
    nb = b.var_start[batch.j + 1] - sb
    reps = na * nb
    pair = np.repeat(np.arange(len(batch), dtype=np.int64), reps)
    offs = np.arange(int(reps.sum()), dtype=np.int64) - np.repeat(np.cumsum(reps) - reps, reps)
    ai = sa[pair] + offs // nb[pair]
    bi = sb[pair] + offs % nb[pair]
    fa, sna = a.var_forename[ai], a.var_surname[ai]
    fb, snb = b.var_forename[bi], b.var_surname[bi]
    w = batch.workers
    l_ff, s_ff = name_levels(batch.names, fa, fb, w)
    l_ss, s_ss = name_levels(batch.names, sna, snb, w)
    # swapped, the names score at most 8.49 (two exact names, similarity 1 each, less 0.01):
    # they are never looked at where both names agree exactly as written (8.5)
    l_fs, s_fs = np.full(len(fa), -1, dtype=np.int8), np.zeros(len(fa))
    l_sf, s_sf = l_fs.copy(), s_fs.copy()
    rest = np.flatnonzero((l_ff != 4) | (l_ss != 4))
    l_fs[rest], s_fs[rest] = name_levels(batch.names, fa[rest], snb[rest], w)
    l_sf[rest], s_sf[rest] = name_levels(batch.names, sna[rest], fb[rest], w)
    straight = np.maximum(l_ff, 0) + np.maximum(l_ss, 0) + (s_ff + s_ss) / 4
    swapped = np.maximum(l_fs, 0) + np.maximum(l_sf, 0) + (s_fs + s_sf) / 4 - 0.01
    use_swap = swapped > straight
    score = np.where(use_swap, swapped, straight)
    # each pair's best alignment (the first of the best when they tie); a pair of one name
    # each (most pairs) has only the one
    first = np.cumsum(reps) - reps
    several = reps > 1
    if several.any():
        rows = np.flatnonzero(several[pair])  # whole pairs, one after the other
        counts = reps[several]
        group = np.repeat(np.arange(len(counts)), counts)
        best = np.maximum.reduceat(score[rows], np.cumsum(counts) - counts)
        hit = np.flatnonzero(score[rows] == best[group])
        lead = np.ones(len(hit), dtype=bool)
        lead[1:] = group[hit[1:]] != group[hit[:-1]]
        first[several] = rows[hit[lead]]
    swap = use_swap[first]
    result = {
        "forename": np.where(swap, l_fs[first], l_ff[first]).astype(np.int8),
        "surname": np.where(swap, l_sf[first], l_ss[first]).astype(np.int8),
        "forename_id": fa[first],
        "surname_id": sna[first],
        "swapped": swap,
        "alias": (ai[first] != sa) | (bi[first] != sb),
    }
    batch.cache["names"] = result
    return dict(result)


@attrs.frozen
class NameComparison:
    """Forename or surname after alignment (aliases and swapped order considered)."""

    name: str
    part: str  # "forename" or "surname"
    levels: tuple[str, ...] = NAME_LEVELS
    identifier: bool = False

    def compute(self, batch: PairBatch) -> I8:
        return np.asarray(aligned_names(batch)[self.part], dtype=np.int8)

    def frequency(self, batch: PairBatch, levels: I8) -> F64 | None:
        ids = np.asarray(aligned_names(batch)[f"{self.part}_id"])
        safe = np.maximum(ids, 0)
        freq = np.where(levels == 4, batch.names.exact_freq[safe], np.nan)
        return np.where(levels == 3, batch.names.skeleton_freq[safe], freq)


DOB_LEVELS = ("different", "year off by one", "one digit differs", "day/month swapped", "exact")


@attrs.frozen
class DobComparison:
    """Date of birth: exact, day/month swapped, one digit mistyped, year off by one."""

    name: str = "date_of_birth"
    levels: tuple[str, ...] = DOB_LEVELS
    identifier: bool = False

    def compute(self, batch: PairBatch) -> I8:
        every_x, every_y = batch.a.dob[batch.i], batch.b.dob[batch.j]
        out = np.full(len(every_x), 4, dtype=np.int8)  # the same date (before the checks below)
        differ = np.flatnonzero(every_x != every_y)  # only dates that differ are looked at
        x, y = every_x[differ].astype(np.int64), every_y[differ].astype(np.int64)
        level = np.zeros(len(x), dtype=np.int8)
        xy, xm, xd = x // 10000, x // 100 % 100, x % 100
        yy, ym, yd = y // 10000, y // 100 % 100, y % 100
        level[(np.abs(xy - yy) == 1) & (xm == ym) & (xd == yd)] = 1
        differing = np.zeros(len(x), dtype=np.int64)
        xs, ys = x.copy(), y.copy()
        for _ in range(8):
            differing += (xs % 10) != (ys % 10)
            xs //= 10
            ys //= 10
        level[differing == 1] = 2
        level[(xy == yy) & (xm == yd) & (xd == ym) & (xm != xd)] = 3
        out[differ] = level
        x, y = every_x.astype(np.int64), every_y.astype(np.int64)
        # a year-only date (yyyy0000) disagrees when the years differ by more than one and is
        # not compared otherwise (an agreeing year alone is too weak to count as agreement)
        partial = np.flatnonzero((x % 10000 == 0) | (y % 10000 == 0))
        out[partial] = np.where(np.abs(x[partial] // 10000 - y[partial] // 10000) > 1, 0, -1)
        out[(x <= 0) | (y <= 0)] = -1
        return out

    def frequency(self, batch: PairBatch, levels: I8) -> F64 | None:
        return None


@attrs.frozen
class EqualityComparison:
    """Agree / disagree on an encoded attribute of :class:`Side` (identifiers, sex, nationality)."""

    name: str
    attribute: str
    identifier: bool = False
    levels: tuple[str, ...] = ("different", "same")

    def compute(self, batch: PairBatch) -> I8:
        x = getattr(batch.a, self.attribute)[batch.i]
        y = getattr(batch.b, self.attribute)[batch.j]
        out: I8 = np.asarray(x == y, dtype=np.int8)
        out[(x < 0) | (y < 0)] = -1
        return out

    def frequency(self, batch: PairBatch, levels: I8) -> F64 | None:
        return None


@attrs.frozen
class PostcodeComparison:
    """Postcode: exact, same district (outward code), or different."""

    name: str = "postcode"
    levels: tuple[str, ...] = ("different", "same district", "exact")
    identifier: bool = False

    def compute(self, batch: PairBatch) -> I8:
        x, y = batch.a.postcode[batch.i], batch.b.postcode[batch.j]
        dx, dy = batch.a.district[batch.i], batch.b.district[batch.j]
        out = np.zeros(len(x), dtype=np.int8)
        out[dx == dy] = 1
        out[x == y] = 2
        out[(x < 0) | (y < 0)] = -1
        return out

    def frequency(self, batch: PairBatch, levels: I8) -> F64 | None:
        return None


TEXT_LEVELS = ("different", "similar", "close", "exact")
CODE_LEVELS = ("different", "one character differs or two swapped", "exact")


def _column_levels(batch: PairBatch, field: str, grade: Callable[[Any, Any, int], I8]) -> I8:
    """Levels of a column: ``grade(texts_a, texts_b, workers)`` once per distinct value pair; -1 if blank."""
    texts_a, keys_a = column_keys(batch.a, field)
    texts_b, keys_b = column_keys(batch.b, field)
    x, y = keys_a[batch.i], keys_b[batch.j]
    out = np.full(len(batch), -1, dtype=np.int8)
    at = np.flatnonzero((x >= 0) & (y >= 0))
    if len(at):
        first, inverse = distinct_pairs(x[at], y[at])
        pos = at[first]
        out[at] = grade(texts_a[batch.i[pos]], texts_b[batch.j[pos]], batch.workers)[inverse]
    return out


def _value_frequency(batch: PairBatch, field: str, levels: I8, top: int) -> F64:
    """Relative frequency (over both lists) of the agreed value of pairs at the top level."""
    freq = np.full(len(levels), np.nan, dtype=np.float64)
    agreed = np.flatnonzero(levels == top)
    if not len(agreed):
        return freq
    cache_key = f"freq:{field}"
    table: tuple[I64, F64] | None = batch.cache.get(cache_key)
    if table is None:
        keys = [column_keys(batch.a, field)[1]]
        if batch.b is not batch.a:
            keys.append(column_keys(batch.b, field)[1])
        every = np.concatenate(keys)
        every = every[every >= 0]
        values, counts = np.unique(every, return_counts=True)
        table = (values, counts / max(len(every), 1))
        batch.cache[cache_key] = table
    values, share = table
    wanted = column_keys(batch.a, field)[1][batch.i[agreed]]
    freq[agreed] = share[np.searchsorted(values, wanted)]
    return freq


@attrs.frozen
class TextComparison:
    """Free text in any column (an address line, a town): exact / close / similar / different.

    Values are compared as :func:`~ctpse_core.reconcile.normalise.plain` text (letters and
    digits only), by Jaro-Winkler similarity (rapidfuzz), each distinct pair of values once.
    ``close`` is a similarity of at least ``close`` (0.92), ``similar`` of at least
    ``similar`` (0.80). The agreed value's frequency is offered for term-frequency weights
    (add the comparison's name to ``tf_adjust``), so agreeing on a common town counts for less.
    """

    name: str
    field: str
    levels: tuple[str, ...] = TEXT_LEVELS
    identifier: bool = False
    similar: float = JW_SIMILAR
    close: float = JW_CLOSE

    def compute(self, batch: PairBatch) -> I8:
        return _column_levels(batch, self.field, self._grade)

    def _grade(self, xs: Any, ys: Any, workers: int) -> I8:
        from rapidfuzz.distance import JaroWinkler
        from rapidfuzz.process import cpdist

        scorer = JaroWinkler.normalized_similarity
        jw = np.asarray(cpdist(list(xs), list(ys), scorer=scorer, workers=workers), dtype=np.float64)
        level = np.zeros(len(xs), dtype=np.int8)
        level[jw >= self.similar] = 1
        level[jw >= self.close] = 2
        level[xs == ys] = 3
        return level

    def frequency(self, batch: PairBatch, levels: I8) -> F64 | None:
        return _value_frequency(batch, self.field, levels, len(self.levels) - 1)


@attrs.frozen
class CodeComparison:
    """A reference number or code in any column: exact / one character differs or two swapped / different.

    Compared as :func:`~ctpse_core.reconcile.normalise.plain` text (case, spacing and
    punctuation ignored) by optimal string alignment distance (rapidfuzz), so a single
    mistyped or transposed character is its own level with its own learned weight. With
    ``identifier=True`` an exact agreement decides a match before the probabilistic model,
    like the PNC ID (keep it False for a code that is often mistyped or reused).
    """

    name: str
    field: str
    levels: tuple[str, ...] = CODE_LEVELS
    identifier: bool = False

    def compute(self, batch: PairBatch) -> I8:
        return _column_levels(batch, self.field, self._grade)

    def _grade(self, xs: Any, ys: Any, workers: int) -> I8:
        from rapidfuzz.distance import OSA
        from rapidfuzz.process import cpdist

        found = cpdist(list(xs), list(ys), scorer=OSA.distance, score_cutoff=2, workers=workers)
        level = np.zeros(len(xs), dtype=np.int8)
        level[np.asarray(found, dtype=np.int64) <= 1] = 1
        level[xs == ys] = 2
        return level

    def frequency(self, batch: PairBatch, levels: I8) -> F64 | None:
        return _value_frequency(batch, self.field, levels, len(self.levels) - 1)


@attrs.frozen
class CategoryComparison:
    """A category in any column (a middle initial, a state): same / different, on plain text."""

    name: str
    field: str
    levels: tuple[str, ...] = ("different", "same")
    identifier: bool = False

    def compute(self, batch: PairBatch) -> I8:
        _texts_a, keys_a = column_keys(batch.a, self.field)
        _texts_b, keys_b = column_keys(batch.b, self.field)
        x, y = keys_a[batch.i], keys_b[batch.j]
        out: I8 = np.asarray(x == y, dtype=np.int8)
        out[(x < 0) | (y < 0)] = -1
        return out

    def frequency(self, batch: PairBatch, levels: I8) -> F64 | None:
        return _value_frequency(batch, self.field, levels, 1)


def _check(name: str, item: Any) -> None:
    if not isinstance(item, MatchRule):
        raise TypeError(
            f"match rule {name!r} must have name, levels, identifier, compute() and frequency()"
        )
    if item.name != name:
        raise TypeError(f"match rule registered as {name!r} is named {item.name!r}")
    if len(item.levels) < 2:
        raise TypeError(f"match rule {name!r} needs at least two levels")


def match_rules() -> Registry[MatchRule]:
    """Every registered comparison, by name."""
    return registry("ctpse_register_match_rules", "match rule", _check)


def column_rules(
    specs: Sequence[ColumnComparison], taken: Collection[str], disabled: Collection[str] = ()
) -> list[MatchRule]:
    """The comparisons declared in configuration (``[[reconcile.comparisons]]``)."""
    rules: list[MatchRule] = []
    seen = set(taken)
    for spec in specs:
        if spec.name in seen:
            raise ConfigError(f"comparison {spec.name!r} is declared twice (or is a registered match rule)")
        seen.add(spec.name)
        if spec.name in disabled:
            continue
        if spec.kind == "code":
            rules.append(CodeComparison(name=spec.name, field=spec.field, identifier=spec.identifier))
        elif spec.kind == "category":
            rules.append(CategoryComparison(name=spec.name, field=spec.field))
        else:
            rules.append(TextComparison(name=spec.name, field=spec.field))
    return rules
