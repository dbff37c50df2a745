"""Police identifiers: PNC ID, CRO number, prison number.

PNC IDs are written ``YY/NNNNNNNA`` or ``YYYY/NNNNNNNA``; the final letter is a check
character: the two-digit year followed by the serial padded to seven digits, taken
as a number modulo 23, indexes ``ZABCDEFGHJKLMNPQRTUVWXY``. CRO numbers
(``NNNNNN/YYA``) use the same scheme over serial-then-year.
"""

from __future__ import annotations

import re

__all__ = [
    "cro_check_char",
    "normalise_cro",
    "normalise_pnc",
    "normalise_prison_number",
    "pnc_check_char",
]

_SPACES = re.compile(r"\s+")
_CHECK = "ZABCDEFGHJKLMNPQRTUVWXY"
_PNC = re.compile(r"^(\d{2}|\d{4})/?(\d{1,7})([A-Z])$")
_CRO = re.compile(r"^(?:SF)?(\d{1,6})/?(\d{2})([A-Z])$")
_PRISON = re.compile(r"^[A-Z]\d{4}[A-Z]{2}$")


def pnc_check_char(year: str, serial: str) -> str:
    """The check character for a PNC ID of this year and serial."""
    return _CHECK[int(year[-2:] + serial.zfill(7)) % 23]


def cro_check_char(serial: str, year: str) -> str:
    return _CHECK[int(year[-2:] + serial.zfill(6)) % 23]


def normalise_pnc(text: str) -> str:
    """Return the canonical ``YYYY/NNNNNNNA`` form or raise ``ValueError`` saying why.

    Two-digit years are read as 19YY when above the current two-digit year, else 20YY.
    """
    raw = _SPACES.sub("", str(text)).upper()
    m = _PNC.match(raw)
    if not m:
        raise ValueError(f"{text!r} is not a PNC ID (expected YY/NNNNNNNA, e.g. 01/123456X)")
    year, serial, check = m.groups()
    expected = pnc_check_char(year, serial)
    if check != expected:
        raise ValueError(f"{text!r} has check character {check}, expected {expected}")
    if len(year) == 2:
        year = ("19" if int(year) > 30 else "20") + year
    return f"{year}/{serial.zfill(7)}{check}"


def normalise_cro(text: str) -> str:
    raw = _SPACES.sub("", str(text)).upper()
    m = _CRO.match(raw)
    if not m:
        raise ValueError(f"{text!r} is not a CRO number (expected NNNNNN/YYA)")
    serial, year, check = m.groups()
    expected = cro_check_char(serial, year)
    if check != expected:
        raise ValueError(f"{text!r} has check character {check}, expected {expected}")
    return f"{serial.zfill(6)}/{year}{check}"


def normalise_prison_number(text: str) -> str:
    raw = _SPACES.sub("", str(text)).upper()
    if not _PRISON.match(raw):
        raise ValueError(f"{text!r} is not a prison number (expected e.g. A1234BC)")
    return raw
