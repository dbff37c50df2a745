"""Feed-file formats: a reader turns a partner file into a :class:`Table` of raw rows.

Formats are registered through ``ctpse_register_feed_formats`` (the built-in ``csv``,
``json`` and ``jsonl`` too; ``xlsx`` comes from the ``ctpse_xlsx`` plugin). A reader
only reads: it never converts or validates values; that is the one converter's job. A
file it cannot read at all raises :class:`FeedFileError`; a single unreadable row
(a JSON lines entry that is not JSON) comes back as a :class:`RawRow` with an ``error``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs

from ctpse_core.errors import InputError, Problem, SettingsError
from ctpse_core.plugin import Registry, registry

__all__ = [
    "Cell",
    "FeedFileError",
    "FeedFormat",
    "RawRow",
    "ReadOptions",
    "Table",
    "cell_text",
    "format_for",
    "formats",
    "open_table",
]

#: A cell as a reader gives it: text from CSV, typed values from JSON or XLSX.
Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | None


class FeedFileError(InputError):
    """A partner file that cannot be read at all (wrong encoding, not JSON, not a workbook)."""

    def __init__(self, file: str | Path, reason: str) -> None:
        self.file = str(file)
        self.reason = reason
        super().__init__([Problem(field="", reason=reason, where=Path(file).name)], reason)


@attrs.frozen(slots=True)
class RawRow:
    """One data row: its number as the partner sees it, cells aligned with ``headers``.

    ``extra`` holds cells beyond the header (a CSV row that is too long); ``error`` says
    why a row could not be read at all (the row is then quarantined with that reason).
    """

    number: int
    headers: tuple[str, ...]
    values: tuple[Cell, ...]
    extra: tuple[Cell, ...] = ()
    error: str | None = None


@attrs.frozen(kw_only=True)
class ReadOptions:
    """What the user said about the file: its text ``encoding`` and (workbooks) ``sheet``."""

    encoding: str | None = None
    sheet: str | None = None


@attrs.define(kw_only=True)
class Table:
    """An opened feed file. Iterate ``rows`` once; ``close()`` releases the file."""

    rows: Iterator[RawRow]
    file_hash: str
    encoding: str | None = None
    #: Approximate number of rows (for a progress bar), when cheap to know.
    total: int | None = None
    #: Blank rows the reader skipped (not counted as rows read).
    blank_rows: Callable[[], int] = lambda: 0
    close: Callable[[], None] = lambda: None


@attrs.frozen(kw_only=True)
class FeedFormat:
    """A registered format: its name, the file suffixes it claims and its reader."""

    name: str
    suffixes: tuple[str, ...]
    read: Callable[[Path, ReadOptions], Table]
    title: str = ""


def _check(name: str, item: Any) -> None:
    if not isinstance(item, FeedFormat):
        raise TypeError(f"feed format {name!r} must be a FeedFormat")


def formats() -> Registry[FeedFormat]:
    """Every registered feed format, by name."""
    return registry("ctpse_register_feed_formats", "feed format", _check)


def format_for(path: Path, name: str | None = None) -> FeedFormat:
    """The format named ``name``, or the one claiming ``path``'s suffix."""
    reg = formats()
    if name is not None:
        return reg.get(name)
    suffix = path.suffix.lower()
    for _, fmt in reg.items():
        if suffix in fmt.suffixes:
            return fmt
    known = ", ".join(s for _, f in reg.items() for s in f.suffixes)
    raise SettingsError(
        f"{path.name}: no feed format reads {suffix or 'files without a suffix'!r} files "
        f"(known: {known}); name one with --format"
    )


def open_table(path: str | Path, fmt: str | None = None, options: ReadOptions | None = None) -> Table:
    """Open ``path`` with its format; a missing file or unreadable content is a clear error."""
    path = Path(path)
    if not path.is_file():
        raise FeedFileError(path, f"{path} does not exist or is not a file")
    return format_for(path, fmt).read(path, options or ReadOptions())


def cell_text(value: Cell) -> str:
    """A cell as text, for rejects files and quarantined rows."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
