"""Red / amber / green against a target, and the trend against earlier periods."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

__all__ = ["Direction", "rag", "trend"]

Direction = Literal["higher", "lower"]


def rag(value: float | None, target: float, tolerance: float, direction: Direction | str) -> str:
    """``green`` on or beyond target, ``amber`` short of it by at most ``tolerance`` (the edge
    included), ``red`` further off, ``grey`` when there is no figure (nothing to count).

    ``direction`` says which way is better: ``higher`` (compliance) or ``lower`` (overdue contacts).
    """
    if value is None:
        return "grey"
    gap = (target - value) if direction == "higher" else (value - target)
    gap = round(gap, 9)  # figures are ratios of counts: do not let 0.1 + 0.2 decide a colour
    if gap <= 0:
        return "green"
    if gap <= tolerance:
        return "amber"
    return "red"


def trend(values: Sequence[float | None], direction: Direction | str) -> str:
    """How the latest figure compares with the one before it: ``better``, ``worse``, ``same``
    or ``new`` (no earlier figure)."""
    known = [v for v in values if v is not None]
    if len(known) < 2 or values[-1] is None:
        return "new"
    latest, before = round(known[-1], 9), round(known[-2], 9)
    if latest == before:
        return "same"
    improved = latest > before if direction == "higher" else latest < before
    return "better" if improved else "worse"
