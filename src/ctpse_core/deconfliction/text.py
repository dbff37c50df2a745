"""How times are written for coordinators: Europe/London wall clock, with the zone."""

from __future__ import annotations

from functools import lru_cache

from ctpse_core.deconfliction.frame import from_micros
from ctpse_core.domain.common import LONDON

__all__ = ["london_text", "window"]


@lru_cache(maxsize=65536)
def london_text(micros: int) -> str:
    """``Sun 30/03/2025 01:30 GMT`` (the zone abbreviation shows which side of a change)."""
    return from_micros(micros).astimezone(LONDON).strftime("%a %d/%m/%Y %H:%M %Z")


def window(start: int, end: int) -> str:
    return f"{london_text(start)} to {london_text(end)}"
