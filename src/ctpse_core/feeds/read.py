"""Reading raw rows from a partner file of any registered format."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ctpse_core.feeds.formats import ReadOptions, cell_text, open_table

__all__ = ["read_rows"]


def read_rows(path: Path, fmt: str | None = None, encoding: str | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(row_number, {header: text})`` for each data row of a feed file.

    Row numbers are as the partner sees them (in a CSV file the header is row 1).
    """
    table = open_table(path, fmt, ReadOptions(encoding=encoding))
    try:
        for row in table.rows:
            yield row.number, {h: cell_text(v) for h, v in zip(row.headers, row.values, strict=False)}
    finally:
        table.close()
