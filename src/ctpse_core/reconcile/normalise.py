"""Name and value normalisation for matching: one code path for records and files.

``fold`` removes what partner systems vary without meaning anything: case, diacritics
(``unicodedata`` NFKD), apostrophes, hyphens, dots and spacing. ``compact`` joins the
tokens, so ``Al-Masri``, ``Al Masri`` and ``Almasri`` become ``almasri`` and
``Abdul Rahman`` equals ``Abdulrahman``; separate particles (``al``, ``el``, ``van der``,
``de``...) therefore never block a match.

``skeleton`` is the transliteration key: after a few documented spelling rewrites
(``ph``->``f``, ``kh``->``k``, ``q``->``k``, soft/hard ``c``, ``x``->``ks``...) it drops
vowels, ``y``, ``w`` and ``h`` and collapses doubled letters, so the vowel choices that
differ between romanisations of Arabic, Urdu, Somali or Slavic names vanish:
Mohammed/Muhammad/Mohamed -> ``mmd``, Osama/Usama -> ``sm``, Choudhury/Chaudhry -> ``cdr``.
It is a deliberately coarse key (a consonant skeleton, like the first step of
Soundex without its letter classes); the model learns from the data how much an
agreement on it is worth, so coarseness costs weight, not precision.

``WORD_VARIANTS`` is the small table of whole-word forms no spelling rule covers
(abbreviations such as ``Mohd`` and the assimilated Arabic article in ``Abdur``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "PARTICLES",
    "REWRITES",
    "WORD_VARIANTS",
    "compact",
    "fold",
    "name_tokens",
    "normalise_text",
    "plain",
    "skeleton",
    "split_alias",
]

#: Name particles: kept inside the compact form, dropped from nothing (documented for users).
PARTICLES = frozenset(
    {
        "al",
        "el",
        "ul",
        "ud",
        "ad",
        "ar",
        "as",
        "bin",
        "ibn",
        "bint",
        "abu",
        "van",
        "von",
        "der",
        "den",
        "de",
        "da",
        "di",
        "du",
        "le",
        "la",
        "mc",
        "mac",
        "o",
        "st",
    }
)

#: Whole-word variants rewritten before the skeleton (token -> canonical token).
WORD_VARIANTS: dict[str, str] = {
    "mohd": "mohammed",
    "muhd": "mohammed",
    "mhd": "mohammed",
    "md": "mohammed",
    "abdur": "abdul",
    "abdus": "abdul",
    "abdar": "abdul",
    "abdel": "abdul",
    "abd": "abdul",
}

#: Ordered letter rewrites applied to the compact form before vowels are dropped.
REWRITES: tuple[tuple[str, str], ...] = (
    ("ph", "f"),
    ("kh", "k"),
    ("gh", "g"),
    ("ck", "k"),
    ("q", "k"),
    ("x", "ks"),
    ("th", "t"),
    ("dh", "d"),
    ("sch", "s"),
    ("sh", "s"),
    ("ce", "se"),
    ("ci", "si"),
    ("cy", "sy"),
    ("c", "k"),
    ("z", "s"),
    ("v", "f"),
)

_DROP = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")
_SEPARATORS = re.compile("[-\u2010\u2011\u2012\u2013\u2014_.,/]+")
_APOSTROPHES = re.compile("['\u2019\u2018`\u02bc\u00b4]")
_SKELETON_DROP = re.compile(r"[aeiouyhw]")
_DOUBLE = re.compile(r"(.)\1+")


@lru_cache(maxsize=1 << 18)
def fold(text: str) -> str:
    """Lower case ASCII words separated by single spaces (diacritics, punctuation removed)."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    lowered = _APOSTROPHES.sub("", ascii_only.casefold())
    lowered = _SEPARATORS.sub(" ", lowered)
    return _SPACES.sub(" ", _DROP.sub("", lowered)).strip()


def name_tokens(text: str) -> list[str]:
    """Folded tokens with whole-word variants rewritten."""
    return [WORD_VARIANTS.get(t, t) for t in fold(text).split()]


@lru_cache(maxsize=1 << 18)
def compact(text: str) -> str:
    """The name for comparison: folded tokens joined without spaces."""
    return "".join(name_tokens(text))


@lru_cache(maxsize=1 << 18)
def skeleton(compact_name: str) -> str:
    """Consonant skeleton of a compact name (see the module docstring)."""
    text = compact_name
    for old, new in REWRITES:
        text = text.replace(old, new)
    return _DOUBLE.sub(r"\1", _SKELETON_DROP.sub("", text))


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=1 << 18)
def plain(text: str) -> str:
    """Any value as lower-case ASCII letters and digits only (addresses, identifiers, towns).

    ``12 Solly Pl.`` -> ``12sollypl``, ``AB-12 34`` -> ``ab1234``: spacing and punctuation,
    which partner systems vary freely, never decide a comparison or a blocking key.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_ALNUM.sub("", ascii_only.casefold())


def normalise_text(value: str | None) -> str:
    """Free text (manager, establishment) for discrepancy checks: folded, or '' when blank."""
    return fold(value) if value else ""


def split_alias(alias: str) -> tuple[str, str]:
    """An alias written ``Forenames Surname``: the last word is taken as the surname."""
    words = alias.strip().split()
    if len(words) < 2:
        return "", alias.strip()
    return " ".join(words[:-1]), words[-1]
