"""The many-at-a-time normalisers give exactly what the one-at-a-time ones give, or leave the text to them.

For every text, a bulk normaliser either gives ``None`` (the text goes to the normaliser, which
accepts or refuses it with its reason) or the very value the normaliser returns; and every
identifier written in its usual form (valid, no spaces, upper case) is settled in bulk.
"""

from __future__ import annotations

import random
import string

from hypothesis import given
from hypothesis import strategies as st

from ctpse_core.domain.bulk import BULK, cro_many, ids_many, pnc_many, postcode_many, prison_many
from ctpse_core.domain.common import valid_id
from ctpse_core.domain.identifiers import (
    cro_check_char,
    normalise_cro,
    normalise_pnc,
    normalise_prison_number,
    pnc_check_char,
)
from ctpse_core.domain.types import normalise_postcode


def _scalar(fn: object, text: str) -> str | None:
    try:
        return fn(text)  # type: ignore[operator,no-any-return]
    except ValueError:
        return None


def _id(text: str) -> str | None:
    try:
        valid_id(None, None, text)  # type: ignore[arg-type]
    except ValueError:
        return None
    return text


PAIRS = [(pnc_many, normalise_pnc), (cro_many, normalise_cro), (prison_many, normalise_prison_number),
         (postcode_many, normalise_postcode), (ids_many, _id)]


def _agree(texts: list[str]) -> None:
    for bulk, one in PAIRS:
        for text, settled in zip(texts, bulk(texts), strict=True):
            if settled is not None:
                assert settled == _scalar(one, text), (bulk.__name__, text)


def _pnc(rng: random.Random, good: bool = True) -> str:
    year = rng.choice([f"{rng.randrange(100):02d}", str(rng.randrange(1900, 2030))])
    serial = str(rng.randrange(10 ** rng.randrange(1, 8)))
    check = pnc_check_char(year, serial) if good else rng.choice(string.ascii_uppercase)
    return f"{year}/{serial}{check}"


def _cro(rng: random.Random, good: bool = True) -> str:
    serial, year = str(rng.randrange(10 ** rng.randrange(1, 7))), f"{rng.randrange(100):02d}"
    return f"{serial}/{year}{cro_check_char(serial, year) if good else rng.choice(string.ascii_uppercase)}"


def test_identifiers_in_their_usual_form_are_settled_with_the_normalisers_values() -> None:
    """Thousands of valid PNC IDs (two- and four-digit years, 1-7 serial digits), CRO numbers,
    prison numbers, postcodes and record IDs: each is settled, with the normaliser's value."""
    rng = random.Random(7)
    pncs = [_pnc(rng) for _ in range(3000)]
    cros = [_cro(rng) for _ in range(3000)]
    prisons = [f"{rng.choice('AB')}{rng.randrange(10000):04d}{rng.choice('XY')}{rng.choice('ZA')}" for _ in range(500)]
    postcodes = [normalise_postcode(f"ZZ{rng.randrange(100)}{rng.randrange(10)}{rng.choice('AB')}{rng.choice('CD')}")
                 for _ in range(500)]
    for bulk, one, texts in ((pnc_many, normalise_pnc, pncs), (cro_many, normalise_cro, cros),
                             (prison_many, normalise_prison_number, prisons),
                             (postcode_many, normalise_postcode, postcodes)):
        assert bulk(texts) == [one(t) for t in texts], bulk.__name__
    assert ids_many(["RG0000001", "JCT-0000002", "a:b/c.d_e"]) == ["RG0000001", "JCT-0000002", "a:b/c.d_e"]


def test_bad_check_characters_and_odd_forms_are_left_to_the_normalisers() -> None:
    """A wrong check character, lower case, spaces, an SF prefix, non-ASCII digits: never
    settled in bulk, so the normaliser words the reason (or reads the odd form)."""
    rng = random.Random(8)
    bad = [t for t in (_pnc(rng, good=False) for _ in range(500)) if _scalar(normalise_pnc, t) is None]
    assert bad and pnc_many(bad) == [None] * len(bad)
    bad_cro = [t for t in (_cro(rng, good=False) for _ in range(500)) if _scalar(normalise_cro, t) is None]
    assert bad_cro and cro_many(bad_cro) == [None] * len(bad_cro)
    odd = ["01/123456x", " 01/123456X", "01 / 123456X", "SF12/34Z", "\u0661\u0662/123456X", "A1234bc",
           "zz1 1zz", "ZZ11ZZ", "", "-RG1", "RG 1"]
    for bulk, _one in PAIRS[:-1]:
        assert bulk(odd) == [None] * len(odd), bulk.__name__
    assert ids_many(["", "-RG1", "RG 1", " RG1", "RG1\n", "=A1", "x" * 129]) == [None] * 7
    assert pnc_many(["01 / 123456F"]) == [None] and normalise_pnc("01 / 123456F") == "2001/0123456F"
    assert normalise_postcode("ZZ11ZZ") == "ZZ1 1ZZ"  # the normaliser still reads what bulk leaves


@given(st.lists(st.text(alphabet="0123456789/ABCDEFGHJKLMNPQRTUVWXYZa ", max_size=14), max_size=40))
def test_any_text_is_settled_only_with_the_normalisers_value(texts: list[str]) -> None:
    """Random texts of digits, slashes and letters: what is settled equals the normaliser's value."""
    _agree(texts)


def test_every_bulk_normaliser_is_listed_for_its_field() -> None:
    assert BULK["pnc_id"] is pnc_many and BULK["addresses.0.postcode"] is postcode_many and BULK["id"] is ids_many
