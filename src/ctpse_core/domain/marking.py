"""UK Government Security Classification markings.

A record or product carries one :class:`Marking`: a classification (ordered
OFFICIAL < OFFICIAL-SENSITIVE < SECRET < TOP SECRET) and handling caveats
(``UK EYES ONLY``, ``PERSONAL``, ...). A product is marked at least as high as
anything in it: :func:`highest` combines markings.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable

import attrs

__all__ = ["Classification", "Marking", "highest"]


class Classification(enum.IntEnum):
    """The Government Security Classifications, ordered by sensitivity."""

    OFFICIAL = 1
    OFFICIAL_SENSITIVE = 2
    SECRET = 3
    TOP_SECRET = 4

    @property
    def label(self) -> str:
        return self.name.replace("_", "-").replace("TOP-SECRET", "TOP SECRET")

    @classmethod
    def parse(cls, text: str) -> Classification:
        key = re.sub(r"[\s\-]+", "_", text.strip().upper())
        try:
            return cls[key]
        except KeyError:
            allowed = ", ".join(c.label for c in cls)
            raise ValueError(f"{text!r} is not a classification (use one of {allowed})") from None

    def __str__(self) -> str:
        return self.label


def _caveats(value: Iterable[str] | str) -> frozenset[str]:
    if isinstance(value, str):
        value = [v for v in value.split(",")]
    return frozenset(v.strip().upper() for v in value if v and v.strip())


@attrs.frozen(order=False)
class Marking:
    """A protective marking: classification plus handling caveats."""

    classification: Classification = Classification.OFFICIAL
    caveats: frozenset[str] = attrs.field(factory=frozenset, converter=_caveats)

    @classmethod
    def parse(cls, text: str) -> Marking:
        """Parse ``"OFFICIAL-SENSITIVE"`` or ``"SECRET [UK EYES ONLY, PERSONAL]"``."""
        m = re.fullmatch(r"\s*([A-Za-z][A-Za-z \-]*?)\s*(?:\[(.*)\])?\s*", text or "")
        if not m:
            raise ValueError(f"{text!r} is not a protective marking, e.g. 'OFFICIAL-SENSITIVE'")
        return cls(Classification.parse(m.group(1)), _caveats(m.group(2) or ""))

    def dominates(self, other: Marking) -> bool:
        """True when this marking is at least as restrictive as ``other``."""
        return self.classification >= other.classification and self.caveats >= other.caveats

    def __str__(self) -> str:
        if self.caveats:
            return f"{self.classification.label} [{', '.join(sorted(self.caveats))}]"
        return self.classification.label


OFFICIAL = Marking()


def highest(markings: Iterable[Marking]) -> Marking:
    """The least marking that dominates every one given (OFFICIAL for none)."""
    level = Classification.OFFICIAL
    caveats: set[str] = set()
    for m in markings:
        level = max(level, m.classification)
        caveats |= m.caveats
    return Marking(level, frozenset(caveats))
