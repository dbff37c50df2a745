"""Rejects files: the failed rows of an import, as the partner sent them, plus a reasons column.

A coordinator opens the file in a spreadsheet, fixes the rows and imports it again with
the same feed (the ``reasons`` column is ignored then). Cells a spreadsheet would run as
formulas are written with a leading apostrophe so that opening the file is safe.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from ctpse_core.feeds.load import RejectedRow
from ctpse_core.feeds.plan import REASONS_COLUMN, is_formula

__all__ = ["default_rejects_path", "escape_cell", "write_rejects"]


def default_rejects_path(path: Path) -> Path:
    """``regional.csv`` -> ``regional.rejects.csv`` beside it."""
    return path.with_name(f"{path.stem}.rejects.csv")


def escape_cell(text: str) -> str:
    """Prefix a formula-like cell with ``'`` so a spreadsheet shows it as text."""
    return f"'{text}" if is_formula(text) else text


def write_rejects(path: Path, rejected: Iterable[RejectedRow]) -> int:
    """Write rejected rows (original columns + ``reasons``) as UTF-8 CSV; return how many."""
    rows = list(rejected)
    columns: dict[str, None] = {}
    for item in rows:
        columns.update(dict.fromkeys(item.raw))
    columns.pop(REASONS_COLUMN, None)
    header = [*columns, REASONS_COLUMN]
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([escape_cell(h) for h in header])
        for item in rows:
            cells = [item.raw.get(c, "") for c in columns]
            cells.append(" | ".join(item.reasons))
            writer.writerow([escape_cell(c) for c in cells])
    tmp.replace(path)
    return len(rows)
