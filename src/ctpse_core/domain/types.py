"""Value types that the converter parses from outside text.

Each is a ``NewType`` over ``str`` so that stored data stays plain; the one
converter (:mod:`ctpse_core.convert`) normalises and validates them on the way in,
and the validators here re-check objects built directly in Python.
"""

from __future__ import annotations

import re
from typing import Any, NewType

import attrs

from ctpse_core.domain.identifiers import normalise_cro, normalise_pnc, normalise_prison_number

__all__ = [
    "CroNumber",
    "PhoneNumber",
    "PncId",
    "Postcode",
    "PrisonNumber",
    "normalise_postcode",
    "valid_cro",
    "valid_phone",
    "valid_pnc",
    "valid_postcode",
    "valid_prison_number",
]

PncId = NewType("PncId", str)
CroNumber = NewType("CroNumber", str)
PrisonNumber = NewType("PrisonNumber", str)
Postcode = NewType("Postcode", str)
PhoneNumber = NewType("PhoneNumber", str)  # E.164, e.g. +447700900123

_SPACES = re.compile(r"\s+")
_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})$")
_E164 = re.compile(r"^\+\d{8,15}$")


def normalise_postcode(text: str) -> str:
    raw = _SPACES.sub("", str(text)).upper()
    m = _POSTCODE.match(raw)
    if not m:
        raise ValueError(f"{text!r} is not a UK postcode (e.g. ZZ1 1ZZ)")
    return f"{m.group(1)} {m.group(2)}"


def _canonical(fn: Any, label: str) -> Any:
    def _validate(_inst: Any, _attr: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if fn(value) != value:
            raise ValueError(f"{value!r} is not written in canonical form for a {label}")

    # a value the same function made is canonical already: a reader may skip the check
    _validate.normaliser = fn  # type: ignore[attr-defined]
    return _validate


valid_pnc = _canonical(normalise_pnc, "PNC ID")
valid_cro = _canonical(normalise_cro, "CRO number")
valid_prison_number = _canonical(normalise_prison_number, "prison number")
valid_postcode = _canonical(normalise_postcode, "postcode")


def valid_phone(_inst: Any, _attr: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not _E164.match(value):
        raise ValueError(f"{value!r} is not a phone number in international form (+44...)")
