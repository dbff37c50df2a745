"""The reader of the ``xlsx`` partner-feed format (Excel workbooks, read with openpyxl).

A marking row above the header (as the products
written here carry) is skipped on reading. Workbooks are read in read-only mode, row by row;
formulas are read as written (``=HYPERLINK(...)``), never evaluated, so the import rejects them like any formula-like
cell. A file that is not a readable workbook is a ``FeedFileError``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ctpse_core.feeds.formats import Cell, FeedFileError, RawRow, ReadOptions, Table

__all__ = ["read_xlsx"]


def _cell(value: Any) -> Cell:
    if value is None or isinstance(value, str | bool | int | float | dt.date | dt.time):
        return value
    return str(value)  # timedelta, Decimal, error values


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _blank(values: tuple[Any, ...]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _marking_row(values: tuple[Any, ...]) -> bool:
    """A row holding only a protective marking (the first row of a product's sheet)."""
    from ctpse_core.feeds.text import is_marking_line

    cells = [v for v in values if v is not None and str(v).strip()]
    if len(cells) != 1 or not isinstance(cells[0], str):
        return False
    text = cells[0].strip()
    return is_marking_line([text if text.startswith("#") else f"#{text}"])


def read_xlsx(path: Path, options: ReadOptions) -> Table:
    """Read one worksheet (``options.sheet`` or the first) of a workbook."""
    import openpyxl

    handle = path.open("rb")
    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=False)
    except Exception as exc:
        handle.close()
        reason = f"{path.name} is not a readable Excel workbook ({type(exc).__name__}: {exc})"
        raise FeedFileError(path, reason) from None
    names = workbook.sheetnames
    if options.sheet is not None and options.sheet not in names:
        workbook.close()
        handle.close()
        raise FeedFileError(path, f"{path.name} has no worksheet {options.sheet!r} (it has: {', '.join(names)})")
    if not names:
        workbook.close()
        handle.close()
        raise FeedFileError(path, f"{path.name} has no worksheets")
    sheet = workbook[options.sheet or names[0]]
    total = sheet.max_row if isinstance(getattr(sheet, "max_row", None), int) else None
    blank = [0]

    def close() -> None:
        workbook.close()
        handle.close()

    def rows() -> Iterator[RawRow]:
        headers: tuple[str, ...] | None = None
        width = 0
        number = 0
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if _blank(values):
                    if headers is not None:
                        blank[0] += 1
                    continue
                if headers is None:
                    if _marking_row(values):
                        continue
                    cells = list(values)
                    while cells and (cells[-1] is None or str(cells[-1]).strip() == ""):
                        cells.pop()
                    headers = tuple("" if v is None else str(v) for v in cells)
                    width = len(headers)
                    continue
                typed = tuple(_cell(v) for v in values)
                yield RawRow(number, headers, typed[:width], typed[width:])
        except FeedFileError:
            raise
        except Exception as exc:
            reason = f"{path.name} cannot be read past row {number} ({type(exc).__name__}: {exc})"
            raise FeedFileError(path, reason) from None
        finally:
            close()

    return Table(rows=rows(), file_hash=_sha256(path), encoding=None,
                 total=max(total - 1, 0) if total else None, blank_rows=lambda: blank[0], close=close)
