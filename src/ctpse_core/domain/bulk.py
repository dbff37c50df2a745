"""Identifiers normalised many at a time: the values the one-at-a-time normalisers give, faster.

A list of a million people holds hundreds of thousands of distinct PNC IDs, CRO numbers,
prison numbers and postcodes. Each function here takes many texts and settles those
written in the common forms (no spaces, upper case, ASCII digits: ``81/610140C``,
``1991/0202818N``, ``433992/14W``, ``A1234BC``, ``ZZ1 1ZZ``), checking check characters
with numpy, and gives for each text either the value that
:func:`~ctpse_core.domain.identifiers.normalise_pnc` (and the others) returns for it, or
``None`` where it leaves the text to that function: anything else, including every text
that is not valid, so that every reason for a bad value is still worded by the one
normaliser. The tests hold each to its normaliser on random and generated texts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from ctpse_core.domain.identifiers import _CHECK

__all__ = ["BULK", "cro_many", "ids_many", "pnc_many", "postcode_many", "prison_many"]

Settled = list[str | None]
_CHECKS = np.frombuffer(_CHECK.encode("ascii"), dtype=np.uint8).astype(np.uint32)
_ZERO, _NINE, _A, _Z, _SLASH = (ord(c) for c in "09AZ/")


I64 = npt.NDArray[np.int64]
Chars = npt.NDArray[np.uint32]


def _matrix(texts: Sequence[str], lo: int, hi: int) -> tuple[I64, Chars, I64]:
    """(positions, code points ``(n, hi)``, lengths) of the texts ``lo`` to ``hi`` characters long."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    at = np.flatnonzero((lengths >= lo) & (lengths <= hi))
    if not len(at):
        return at, np.zeros((0, hi), dtype=np.uint32), at
    picked = np.array([texts[k] for k in at.tolist()], dtype=f"<U{hi}")
    return at, picked.view(np.uint32).reshape(len(at), hi), lengths[at]


def _digit(m: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    return (m >= _ZERO) & (m <= _NINE)


def _letter(m: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    return (m >= _A) & (m <= _Z)


def _number(m: Chars, first: I64, last: I64, most: int) -> tuple[I64, npt.NDArray[np.bool_]]:
    """(value, all digits) of each row's characters ``first`` to ``last`` (at most ``most``)."""
    rows = np.arange(len(m))
    value = np.zeros(len(m), dtype=np.int64)
    ok = np.ones(len(m), dtype=bool)
    width = m.shape[1]
    for step in range(most):
        col = first + step
        inside = col < last
        c = m[rows, np.minimum(col, width - 1)]
        digit = _digit(c)
        ok &= ~inside | digit
        value = np.where(inside, value * 10 + (c.astype(np.int64) - _ZERO), value)
    return value, ok


def _put_digits(chars: Chars, begin: int, value: I64, places: int) -> None:
    """Write ``value`` zero-padded to ``places`` digits into columns ``begin`` on."""
    for p in range(places):
        chars[:, begin + places - 1 - p] = _ZERO + (value // 10**p) % 10


def _settle(out: Settled, at: I64, chars: Chars) -> Settled:
    """Put the rows of code points (as strings) at positions ``at`` of ``out``."""
    width = chars.shape[1]
    texts: list[str] = np.ascontiguousarray(chars).view(f"<U{width}").ravel().tolist()
    for k, text in zip(at.tolist(), texts, strict=True):
        out[k] = text
    return out


def pnc_many(texts: Sequence[str]) -> Settled:
    """``normalise_pnc`` of the texts written ``YY/N...A`` or ``YYYY/N...A`` (1-7 serial digits)."""
    out: Settled = [None] * len(texts)
    at, m, length = _matrix(texts, 4, 13)
    if not len(at):
        return out
    rows = np.arange(len(at))
    slash = np.where(m[:, 2] == _SLASH, 2, np.where(m[:, 4] == _SLASH, 4, -1))
    last = length - 1
    serial_digits = last - slash - 1
    ok = (slash > 0) & (serial_digits >= 1) & (serial_digits <= 7)
    year, year_ok = _number(m, np.zeros(len(at), dtype=np.int64), np.maximum(slash, 0), 4)
    serial, serial_ok = _number(m, slash + 1, last, 7)
    check = m[rows, last]
    ok &= year_ok & serial_ok & _letter(check)
    expected = _CHECKS[((year % 100) * 10_000_000 + serial) % 23]
    ok &= check == expected
    yy = year % 100
    full_year = np.where(slash == 4, year, np.where(yy > 30, 1900 + yy, 2000 + yy))
    good = np.flatnonzero(ok)
    if not len(good):
        return out
    chars = np.zeros((len(good), 13), dtype=np.uint32)
    _put_digits(chars, 0, full_year[good], 4)
    chars[:, 4] = _SLASH
    _put_digits(chars, 5, serial[good], 7)
    chars[:, 12] = check[good]
    return _settle(out, at[good], chars)


def cro_many(texts: Sequence[str]) -> Settled:
    """``normalise_cro`` of the texts written ``N.../YYA`` (1-6 serial digits, no ``SF``)."""
    out: Settled = [None] * len(texts)
    at, m, length = _matrix(texts, 5, 10)
    if not len(at):
        return out
    rows = np.arange(len(at))
    slash = length - 4
    ok = (slash >= 1) & (m[rows, np.maximum(slash, 0)] == _SLASH)
    serial, serial_ok = _number(m, np.zeros(len(at), dtype=np.int64), np.maximum(slash, 0), 6)
    year, year_ok = _number(m, slash + 1, slash + 3, 2)
    check = m[rows, length - 1]
    ok &= serial_ok & year_ok & _letter(check)
    ok &= check == _CHECKS[(year * 1_000_000 + serial) % 23]
    good = np.flatnonzero(ok)
    if not len(good):
        return out
    chars = np.zeros((len(good), 10), dtype=np.uint32)
    _put_digits(chars, 0, serial[good], 6)
    chars[:, 6] = _SLASH
    _put_digits(chars, 7, year[good], 2)
    chars[:, 9] = check[good]
    return _settle(out, at[good], chars)


def _same_when(pattern: str, name: str) -> Callable[[Sequence[str]], Settled]:
    """Texts that fully match ``pattern`` are their own normal form."""
    compiled = re.compile(pattern)

    def settle(texts: Sequence[str]) -> Settled:
        return [t if m is not None else None for t, m in zip(texts, map(compiled.fullmatch, texts), strict=True)]

    settle.__name__ = settle.__qualname__ = name
    return settle


#: ``normalise_prison_number`` of texts already in its form (``A1234BC``).
prison_many = _same_when(r"[A-Z][0-9]{4}[A-Z]{2}", "prison_many")
#: ``normalise_postcode`` of texts already in its form (``ZZ1 1ZZ``, ``ZZ79 8AA``).
postcode_many = _same_when(r"[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}", "postcode_many")
#: Record IDs that the ID check accepts as they are.
ids_many = _same_when(r"[A-Za-z0-9][A-Za-z0-9_.:\-/]{0,127}", "ids_many")

#: Field path -> bulk normaliser of its texts (values the one converter would give).
BULK: dict[str, Callable[[Sequence[str]], Settled]] = {
    "id": ids_many,
    "pnc_id": pnc_many,
    "cro_number": cro_many,
    "prison_number": prison_many,
    "addresses.0.postcode": postcode_many,
}
