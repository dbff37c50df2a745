"""Small hand-made nominal lists whose right answer is obvious."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ctpse_core.domain.common import Provenance
from ctpse_core.domain.identifiers import pnc_check_char
from ctpse_core.domain.nominal import Nominal


def pnc(year: str, serial: str) -> str:
    return f"20{year}/{serial.zfill(7)}{pnc_check_char(year, serial)}"


def nominal(
    source: str, ident: str, forenames: str, surname: str, dob: dt.date | None, **kw: Any
) -> Nominal:
    return Nominal(
        id=ident,
        forenames=forenames,
        surname=surname,
        date_of_birth=dob,
        provenance=Provenance(source=source),
        **kw,
    )


# People who are in both lists, written as two partner systems would.
PEOPLE: list[
    tuple[tuple[str, str, dt.date, dict[str, Any]], tuple[str, str, dt.date, dict[str, Any]]]
] = [
    (
        ("Mohammed", "Khan", dt.date(1985, 3, 14), {"nationality": "British", "sex": "M"}),
        ("Muhammad", "KHAN", dt.date(1985, 3, 14), {"nationality": "British", "sex": "M"}),
    ),
    (
        ("Osama", "Al-Masri", dt.date(1979, 11, 2), {"sex": "M"}),
        ("Usama", "El-Masry", dt.date(1979, 11, 2), {"sex": "M"}),
    ),
    (
        ("Abdul Rahman", "Choudhury", dt.date(1990, 7, 21), {"sex": "M"}),
        ("Abdulrahman", "Chowdhury", dt.date(1990, 7, 21), {"sex": "M"}),
    ),
    (
        ("Bramblewick", "Ivy", dt.date(1972, 5, 30), {"sex": "F"}),  # forename and surname swapped
        ("Ivy", "BRAMBLEWICK", dt.date(1972, 5, 30), {"sex": "F"}),
    ),
    (
        ("Tomasz", "Quillfeather", dt.date(1988, 4, 9), {"sex": "M"}),  # day and month swapped
        ("Tomasz", "QUILLFEATHER", dt.date(1988, 9, 4), {"sex": "M"}),
    ),
    (
        ("Zoë", "Examplefield", dt.date(1995, 12, 1), {"sex": "F"}),
        ("Zoe", "EXAMPLEFIELD", dt.date(1995, 12, 1), {"sex": "F"}),
    ),
    (
        ("Kit", "Sampleton", dt.date(1968, 8, 18), {"sex": "M", "pnc_id": pnc("01", "4455")}),
        ("Kit", "SAMPLETON", dt.date(1968, 8, 18), {"sex": "M", "pnc_id": pnc("01", "4455")}),
    ),
    (
        (
            "Finn",
            "Mockridge",
            dt.date(1983, 1, 27),
            {"sex": "M", "status": "custody", "risk_tier": "2"},
        ),
        (
            "Finn",
            "MOCKRIDGE",
            dt.date(1983, 1, 27),
            {"sex": "M", "status": "licence", "risk_tier": "2"},
        ),
    ),
    (
        ("Gia", "Testament", dt.date(1999, 6, 15), {"sex": "F", "aliases": ("Gina Placeholder",)}),
        ("Gina", "PLACEHOLDER", dt.date(1999, 6, 15), {"sex": "F"}),
    ),  # alias used as the name
]
# Background people, distinct from each other, in both lists (they give the model data to learn from).
_FORE = [
    "Ada",
    "Ben",
    "Cara",
    "Dev",
    "Eve",
    "Hal",
    "Jay",
    "Lou",
    "Max",
    "Ned",
    "Ola",
    "Pia",
    "Rex",
    "Sol",
    "Tia",
    "Uma",
    "Vic",
    "Wyn",
    "Yas",
    "Zed",
]
_SUR = [
    "Fictional",
    "Example",
    "Sample",
    "Placeholder",
    "Mockett",
    "Testwood",
    "Imaginary",
    "Dummett",
    "Pretence",
    "Notreal",
    "Madeup",
    "Invented",
]


def background(count: int = 120) -> list[tuple[str, str, dt.date]]:
    people = []
    for k in range(count):
        people.append(
            (
                _FORE[k % len(_FORE)],
                _SUR[(k * 7) % len(_SUR)] + ("" if k < 60 else "son"),
                dt.date(1950 + k % 50, 1 + k % 12, 1 + (k * 3) % 28),
            )
        )
    return people


def make_lists(
    extra_left: list[Nominal] | None = None,
    extra_right: list[Nominal] | None = None,
) -> tuple[list[Nominal], list[Nominal]]:
    left: list[Nominal] = []
    right: list[Nominal] = []
    for k, (a, b) in enumerate(PEOPLE):
        left.append(nominal("regional", f"R{k:03d}", a[0], a[1], a[2], **a[3]))
        right.append(nominal("national", f"N{k:03d}", b[0], b[1], b[2], **b[3]))
    for k, (f, s, d) in enumerate(background()):
        left.append(nominal("regional", f"RB{k:03d}", f, s, d))
        right.append(nominal("national", f"NB{k:03d}", f, s.upper(), d))
    return left + (extra_left or []), right + (extra_right or [])


@pytest.fixture
def lists() -> tuple[list[Nominal], list[Nominal]]:
    return make_lists()


@pytest.fixture
def kit() -> Any:
    """The list builders: ``kit.make_lists``, ``kit.nominal``, ``kit.pnc``."""
    import types

    return types.SimpleNamespace(make_lists=make_lists, nominal=nominal, pnc=pnc)
