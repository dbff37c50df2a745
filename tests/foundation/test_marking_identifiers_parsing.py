"""Protective markings, police identifiers and UK date parsing."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctpse_core.domain import Classification, Marking, highest
from ctpse_core.domain.identifiers import normalise_cro, normalise_pnc, pnc_check_char
from ctpse_core.parsing import parse_date, parse_datetime, parse_phone


def test_classifications_are_ordered() -> None:
    """OFFICIAL < OFFICIAL-SENSITIVE < SECRET < TOP SECRET."""
    assert Classification.OFFICIAL < Classification.OFFICIAL_SENSITIVE < Classification.SECRET
    assert Classification.SECRET < Classification.TOP_SECRET
    assert Classification.parse("top secret") is Classification.TOP_SECRET


def test_product_marked_at_least_as_high_as_contents() -> None:
    """highest() dominates every input marking, caveats included."""
    texts = ["OFFICIAL", "SECRET [UK EYES ONLY]", "OFFICIAL-SENSITIVE [PERSONAL]"]
    parts = [Marking.parse(t) for t in texts]
    top = highest(parts)
    assert str(top) == "SECRET [PERSONAL, UK EYES ONLY]"
    assert all(top.dominates(p) for p in parts)
    assert not parts[0].dominates(top)


def test_bad_marking_is_explained() -> None:
    """An unknown classification names the allowed ones."""
    with pytest.raises(ValueError, match="OFFICIAL-SENSITIVE"):
        Marking.parse("RESTRICTED")


@given(st.integers(0, 99), st.integers(1, 9_999_999))
def test_pnc_check_character(year: int, serial: int) -> None:
    """A PNC ID with the right check character normalises; every other letter is rejected."""
    yy, ss = f"{year:02d}", str(serial)
    good = pnc_check_char(yy, ss)
    canonical = normalise_pnc(f"{yy}/{ss}{good}")
    assert canonical.endswith(f"/{ss.zfill(7)}{good}")
    assert normalise_pnc(canonical) == canonical
    wrong = "A" if good != "A" else "B"
    with pytest.raises(ValueError, match="check character"):
        normalise_pnc(f"{yy}/{ss}{wrong}")


def test_cro_and_garbage() -> None:
    """CRO numbers are checked the same way; garbage says what was expected."""
    with pytest.raises(ValueError, match="CRO number"):
        normalise_cro("hello")
    with pytest.raises(ValueError, match="PNC ID"):
        normalise_pnc("not-a-pnc")


@given(st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_uk_date_formats_agree(day: dt.date) -> None:
    """DD/MM/YYYY, DD-Mon-YYYY, ISO and (five-digit) Excel serials all read as the same date."""
    serial = (day - dt.date(1899, 12, 30)).days
    texts = [day.strftime("%d/%m/%Y"), day.strftime("%d-%b-%Y"), day.isoformat()]
    for text in texts + ([str(serial)] if serial >= 10000 else []):
        assert parse_date(text) == day


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31/02/1990", "not a valid date"),
        ("01/02/90", "two-digit year"),
        ("12/31/1990", "month-first"),
        ("31-Foo-1990", "unknown month"),
        ("yesterday", "not a date"),
    ],
)
def test_impossible_or_ambiguous_dates_reported(text: str, reason: str) -> None:
    """Nothing is guessed silently: impossible and ambiguous dates are errors with reasons."""
    with pytest.raises(ValueError, match=reason):
        parse_date(text)


def test_london_clock_changes() -> None:
    """Wall-clock times in the spring gap or autumn overlap are refused unless an offset is given."""
    with pytest.raises(ValueError, match="does not exist"):
        parse_datetime("29/03/2026 01:30")
    with pytest.raises(ValueError, match="happens twice"):
        parse_datetime("25/10/2026 01:30")
    assert parse_datetime("2026-10-25T01:30:00+01:00").hour == 0
    assert parse_datetime("25/10/2026 03:00").hour == 3  # GMT again
    assert parse_datetime("01/07/2026 12:00").hour == 11  # BST


def test_phone_numbers() -> None:
    """UK numbers normalise to E.164; junk is refused with a reason."""
    assert parse_phone("07700 900 456") == "+447700900456"
    with pytest.raises(ValueError, match="phone number"):
        parse_phone("call me")
