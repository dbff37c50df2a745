"""Reading raw rows from partner files (CSV here; other formats come from plugins)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

__all__ = ["read_rows"]


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(row_number, {header: value})`` for each data row of a CSV file.

    Row numbers are as a spreadsheet shows them (the header is row 1).
    """
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            yield number, dict(zip(header, values, strict=False))
