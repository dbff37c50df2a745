"""Tables encoded as integer arrays over shared vocabularies, ready for blocking and scoring.

Both lists are encoded together so that equal values get equal codes on both sides.
Names live in one vocabulary (compact form) with, per entry, its skeleton key, its
Metaphone and NYSIIS codes (jellyfish) and its frequency (for term-frequency weights).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from ctpse_core.reconcile.normalise import compact, skeleton, split_alias
from ctpse_core.reconcile.table import BIRTH_YEAR, NominalTable

__all__ = ["Encoded", "NameVocab", "Side", "encode"]

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


class _Factor:
    """Value -> dense code (``-1`` for None/blank), shared between sides."""

    def __init__(self) -> None:
        self.codes: dict[Any, int] = {}

    def encode(self, values: Iterable[Any], transform: Callable[[Any], Any] | None = None) -> I32:
        """Codes (of ``transform(value)`` when given) in first-seen order; each distinct value
        is looked at once (columns repeat the same few values) and the per-row work is a dict
        look-up in C."""
        items = values if isinstance(values, list) else list(values)
        codes = self.codes
        if transform is None:  # one pass (faster than the distinct values first when most are distinct)
            out = [(-1 if v is None or v == "" else codes.setdefault(v, len(codes))) for v in items]
            return np.asarray(out, dtype=np.int32)
        distinct = list(dict.fromkeys(items))
        keys = list(map(transform, distinct))
        new = dict.fromkeys(itertools.filterfalse(codes.__contains__, keys))
        new.pop(None, None)  # blank: -1
        new.pop("", None)
        codes.update(zip(new, itertools.count(len(codes))))
        known = dict(zip(distinct, map(codes.get, keys, itertools.repeat(-1)), strict=True))
        return np.fromiter(map(known.__getitem__, items), dtype=np.int32, count=len(items))


@attrs.define
class NameVocab:
    """Every distinct compact name with its keys."""

    text: list[str] = attrs.Factory(list)
    index: dict[str, int] = attrs.Factory(dict)
    skeleton: I32 = attrs.Factory(lambda: np.zeros(0, np.int32))
    metaphone: I32 = attrs.Factory(lambda: np.zeros(0, np.int32))
    nysiis: I32 = attrs.Factory(lambda: np.zeros(0, np.int32))
    #: Alphabetical rank of each name's skeleton (for sorted-neighbourhood windows).
    skeleton_rank: I32 = attrs.Factory(lambda: np.zeros(0, np.int32))
    #: Alphabetical rank of each compact name.
    text_rank: I32 = attrs.Factory(lambda: np.zeros(0, np.int32))
    #: Relative frequency of each name's skeleton among all name uses (for TF weights).
    skeleton_freq: F64 = attrs.Factory(lambda: np.zeros(0, np.float64))
    #: Relative frequency of each exact compact name.
    exact_freq: F64 = attrs.Factory(lambda: np.zeros(0, np.float64))
    #: Name as written -> its entry (lists repeat the same names many times).
    raw: dict[str, int] = attrs.Factory(dict)

    def add_all(self, values: Sequence[str | None]) -> I32:
        """:meth:`add` of each value (the same entries, in the same order), each distinct
        value once."""
        known = {v: self.add(v) for v in dict.fromkeys(values)}
        return np.fromiter(map(known.__getitem__, values), dtype=np.int32, count=len(values))

    def add(self, raw: str | None) -> int:
        if not raw:
            return -1
        seen = self.raw.get(raw)
        if seen is not None:
            return seen
        seen = self.raw[raw] = self._add(raw)
        return seen

    def _add(self, raw: str) -> int:
        key = compact(raw)
        if not key:
            return -1
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.text)
            self.text.append(key)
        return found

    def finish(self, uses: Sequence[I32]) -> None:
        import jellyfish

        skel, meta, nys = _Factor(), _Factor(), _Factor()
        skeletons = [skeleton(t) or t for t in self.text]
        self.skeleton = skel.encode(skeletons)
        rank = {k: r for r, k in enumerate(sorted(set(skeletons)))}
        self.skeleton_rank = np.asarray([rank[k] for k in skeletons], dtype=np.int32)
        self.text_rank = np.zeros(len(self.text), dtype=np.int32)
        self.text_rank[sorted(range(len(self.text)), key=self.text.__getitem__)] = np.arange(len(self.text))
        self.metaphone = meta.encode(jellyfish.metaphone(t) for t in self.text)
        self.nysiis = nys.encode(jellyfish.nysiis(t) for t in self.text)
        counts = np.zeros(len(self.text), np.float64)
        for use in uses:
            valid = use[use >= 0]
            counts += np.bincount(valid, minlength=len(self.text))
        total = max(counts.sum(), 1.0)
        self.exact_freq = counts / total
        skel_counts = np.bincount(
            self.skeleton, weights=counts, minlength=int(self.skeleton.max(initial=0)) + 1
        )
        self.skeleton_freq = skel_counts[self.skeleton] / total


@attrs.define
class Side:
    """One list encoded: per-record codes and the name variants (primary name and aliases)."""

    table: NominalTable
    forename: I32
    surname: I32
    var_rec: I32
    var_forename: I32
    var_surname: I32
    var_start: I64
    dob: I32  # yyyymmdd; yyyy0000 when only the year is known; 0 when unknown
    sex: I32
    nationality: I32
    postcode: I32
    district: I32
    pnc: I32
    cro: I32
    prison: I32
    extra: dict[str, Any] = attrs.Factory(dict)

    def __len__(self) -> int:
        return len(self.table)


@attrs.define
class Encoded:
    left: Side
    right: Side
    names: NameVocab
    cache: dict[str, Any] = attrs.Factory(dict)


def _dob_codes(values: Sequence[dt.date | None], years: Sequence[int | None]) -> I32:
    """``yyyymmdd`` per record; ``yyyy0000`` when only the year is known; 0 when unknown."""
    day = {v: -1 if v is None else v.year * 10000 + v.month * 100 + v.day for v in dict.fromkeys(values)}
    codes = np.fromiter(map(day.__getitem__, values), dtype=np.int32, count=len(values))
    unknown = np.flatnonzero(codes < 0)
    if len(unknown):
        codes[unknown] = [(years[k] or 0) * 10000 for k in unknown.tolist()]
    return codes


def _side(table: NominalTable, names: NameVocab, factors: dict[str, _Factor]) -> Side:
    forenames = table.column("forenames")
    surnames = table.column("surname")
    aliases = table.column("aliases")
    fn = names.add_all(forenames)
    sn = names.add_all(surnames)
    alias_rec: list[int] = []
    alias_fn: list[int] = []
    alias_sn: list[int] = []
    split: dict[Any, tuple[str, str]] = {}
    for index, record_aliases in enumerate(aliases):
        for alias in record_aliases or ():
            parts = split.get(alias)
            if parts is None:
                parts = split[alias] = split_alias(str(alias))
            first, last = parts
            alias_rec.append(index)
            alias_fn.append(names.add(first))
            alias_sn.append(names.add(last))
    # each record's variants together, its own name first, then its aliases in order
    every = np.concatenate([np.arange(len(table), dtype=np.int32), np.asarray(alias_rec, dtype=np.int32)])
    order = np.argsort(every, kind="stable")
    rec = every[order]
    var_fn = np.concatenate([fn, np.asarray(alias_fn, dtype=np.int32)])[order]
    var_sn = np.concatenate([sn, np.asarray(alias_sn, dtype=np.int32)])[order]
    start = np.zeros(len(table) + 1, dtype=np.int64)
    np.cumsum(np.bincount(rec, minlength=len(table)), out=start[1:])
    postcodes = table.column("addresses.0.postcode")
    return Side(
        table=table,
        forename=fn,
        surname=sn,
        var_rec=rec,
        var_forename=var_fn,
        var_surname=var_sn,
        var_start=start,
        dob=_dob_codes(table.column("date_of_birth"), table.column(BIRTH_YEAR)),
        sex=factors["sex"].encode(table.column("sex"), lambda v: str(v) if v is not None else None),
        nationality=factors["nationality"].encode(
            table.column("nationality"), lambda v: compact(str(v)) if v else None
        ),
        postcode=factors["postcode"].encode(postcodes, lambda p: str(p) if p else None),
        district=factors["district"].encode(postcodes, lambda p: str(p).split(" ")[0] if p else None),
        pnc=factors["pnc"].encode(table.column("pnc_id")),
        cro=factors["cro"].encode(table.column("cro_number")),
        prison=factors["prison"].encode(table.column("prison_number")),
    )


def encode(left: NominalTable, right: NominalTable) -> Encoded:
    """Encode both lists over shared vocabularies."""
    names = NameVocab()
    factors = {
        k: _Factor() for k in ("sex", "nationality", "postcode", "district", "pnc", "cro", "prison")
    }
    lside = _side(left, names, factors)
    rside = _side(right, names, factors)
    names.finish([lside.var_forename, lside.var_surname, rside.var_forename, rside.var_surname])
    return Encoded(left=lside, right=rside, names=names)
