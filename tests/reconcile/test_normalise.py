"""Name normalisation and the transliteration key."""

from __future__ import annotations

import pytest

from ctpse_core.reconcile.normalise import compact, skeleton


@pytest.mark.parametrize(
    "variants",
    [
        ("Mohammed", "Muhammad", "Mohamed", "Mohammad", "Mohd"),
        ("Osama", "Usama", "Usamah"),
        ("Abdul Rahman", "Abdulrahman", "Abdur Rahman", "Abd al-Rahman"),
        ("Choudhury", "Chowdhury", "Chaudhry"),
        ("Al-Masri", "Al Masri", "Almasri", "El-Masry"),
        ("Katherine", "Catherine", "Kathryn"),
    ],
)
def test_transliteration_variants_share_a_key(variants: tuple[str, ...]) -> None:
    """Every romanisation of one name has the same skeleton key."""
    assert len({skeleton(compact(v)) for v in variants}) == 1


def test_compact_removes_case_diacritics_hyphens_apostrophes_and_spacing() -> None:
    """Case, accents, hyphens, apostrophes and spaces do not change the compact name."""
    assert compact("  O'Brien ") == compact("OBRIEN") == compact("o brien")
    assert compact("José") == "jose"
    assert compact("Placeholder-Jones") == compact("Placeholder Jones")
    assert compact("van der Berg") == "vanderberg"


def test_different_names_keep_different_keys() -> None:
    """The key is not so coarse that unrelated names collide."""
    assert skeleton(compact("Smith")) != skeleton(compact("Jones"))
    assert skeleton(compact("Khan")) != skeleton(compact("Ali"))
