"""The built-in text formats: CSV (delimiter sniffed), JSON (a list of objects), JSON lines.

Text encoding is stated (``encoding=``) or detected, never guessed silently: a UTF-8 or
UTF-16 byte-order mark decides; otherwise the file must be valid UTF-8, or else valid
Windows-1252 (what Excel writes for "CSV" on a UK Windows PC). The encoding used is
reported in the import summary. A file valid in neither, or with NUL bytes, is a
:class:`~ctpse_core.feeds.formats.FeedFileError`.
"""

from __future__ import annotations

import codecs
import collections
import csv
import hashlib
import io
import itertools
import json
from collections.abc import Iterator
from operator import itemgetter, methodcaller
from pathlib import Path
from typing import Any

import attrs

from ctpse_core.errors import UnknownName
from ctpse_core.feeds.formats import Cell, FeedFileError, RawRow, ReadOptions, Table

__all__ = [
    "COMMON_ENCODINGS",
    "TextInfo",
    "detect_text",
    "is_marking_line",
    "read_csv",
    "read_csv_blocks",
    "read_json",
    "read_jsonl",
    "sniff_delimiter",
]

_CHUNK = 1 << 20
_SAMPLE = 64 * 1024
_DELIMITERS = (",", ";", "\t", "|")
# Windows-1252 leaves five bytes undefined; Python's codec rejects them, as it should.
_FALLBACK = "windows-1252"
csv.field_size_limit(16 * 1024 * 1024)


@attrs.frozen
class TextInfo:
    """What one pass over a file's bytes found: its encoding, SHA-256 and line count."""

    encoding: str
    detected: bool
    sha256: str
    lines: int


def _position(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    return f"line {line}, byte {offset + 1}"


def _validate(path: Path, encoding: str) -> int | None:
    """The offset of the first byte not valid in ``encoding``, or ``None`` if all are."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return offset + exc.start
            except UnicodeError:  # e.g. "UTF-16 stream does not start with BOM": no position given
                return offset
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            return offset + exc.start
        except UnicodeError:
            return offset
    return None


def _describe_offset(path: Path, offset: int) -> str:
    with path.open("rb") as handle:
        head = handle.read(offset + 1)
    return f"{_position(head, offset)} (0x{head[offset]:02X})" if offset < len(head) else "the end"


#: Encodings partners' files come in (for the message when a stated one is unknown).
COMMON_ENCODINGS = ("utf-8", "utf-8-sig", "windows-1252", "latin-1", "utf-16", "utf-16-le", "utf-16-be")


def _codec(name: str, path: Path) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise UnknownName("text encoding", name, COMMON_ENCODINGS, where=path.name, field="encoding") from None


def detect_text(path: Path, stated: str | None = None) -> TextInfo:
    """Hash the file, count its lines and settle its encoding (stated or detected)."""
    digest = hashlib.sha256()
    lines = 0
    first = b""
    has_nul = False
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            if not first:
                first = chunk[:4]
            digest.update(chunk)
            lines += chunk.count(b"\n")
            has_nul = has_nul or b"\x00" in chunk
    sha = digest.hexdigest()
    bom16 = first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if stated is not None:
        encoding = _codec(stated, path)
        if encoding == "utf-8" and first.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        bad = _validate(path, encoding)
        if bad is not None:
            raise FeedFileError(path, f"{path.name} is not valid {stated} text at {_describe_offset(path, bad)}")
        return TextInfo(encoding, False, sha, lines)
    if first.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif bom16:
        candidates = ["utf-16"]
    elif first.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")):
        kind = {b"PK": "an Excel workbook (XLSX) or other zip file", b"\xd0\xcf": "an old Excel workbook (XLS)",
                b"%P": "a PDF"}[first[:2]]
        raise FeedFileError(
            path,
            f"{path.name} is {kind}, not a text file; save it as CSV, or import a .xlsx with --format xlsx",
        )
    elif has_nul:
        raise FeedFileError(
            path,
            f"{path.name} is not a text file (it contains NUL bytes); "
            "if it is UTF-16 without a byte-order mark, say so with --encoding utf-16-le",
        )
    else:
        candidates = ["utf-8", _FALLBACK]
    first_bad: int | None = None
    for encoding in candidates:
        bad = _validate(path, encoding)
        if bad is None:
            return TextInfo(encoding, True, sha, lines)
        first_bad = bad if first_bad is None else first_bad
    tried = " or ".join(candidates)
    where = _describe_offset(path, first_bad or 0)
    raise FeedFileError(
        path, f"{path.name} is not valid {tried} text (first bad byte at {where}); state it with --encoding"
    )


def sniff_delimiter(sample: str, complete: bool = True) -> str:
    """The delimiter that splits the first records into the most, most consistent columns.

    ``complete`` is false when ``sample`` is the start of a longer file (its last record
    may be cut short and is not used).
    """
    best, best_score = ",", (0.0, 0)
    for delimiter in _DELIMITERS:
        try:
            rows = [r for r in itertools.islice(csv.reader(io.StringIO(sample), delimiter=delimiter), 21)
                    if any(c.strip() for c in r) and not is_marking_line(r)]
        except csv.Error:
            continue
        if not complete and len(rows) > 1:
            rows = rows[:-1]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistent = sum(1 for r in rows if len(r) == width) / len(rows)
        score = (consistent, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _blank(values: list[str]) -> bool:
    return not any(v.strip() for v in values)


def is_marking_line(values: list[str]) -> bool:
    """A ``# OFFICIAL-SENSITIVE`` line, as CSV products carry first and last (skipped on reading)."""
    if not values or not values[0].startswith("#") or any(v.strip() for v in values[1:]):
        return False
    from ctpse_core.domain.marking import Marking

    try:
        Marking.parse(values[0][1:])
    except ValueError:
        return False
    return True


def _no_sheet(path: Path, options: ReadOptions, kind: str) -> None:
    """A worksheet named for a text file is a mistake, not something to ignore quietly."""
    if options.sheet is not None:
        raise FeedFileError(
            path, f"--sheet {options.sheet!r} is for workbooks, but {path.name} is read as {kind} (no worksheets)"
        )


class _RecordLines:
    """A text file's lines as the CSV reader takes them, keeping the text of the current record."""

    def __init__(self, handle: Iterator[str]) -> None:
        self.handle = handle
        self.current: list[str] = []

    def __iter__(self) -> _RecordLines:
        return self

    def __next__(self) -> str:
        line = next(self.handle)
        self.current.append(line)
        return line

    def take(self) -> str:
        """The text of the record just read (its lines since the previous record)."""
        text = "".join(self.current)
        self.current = []
        return text


def _final_row(row: RawRow, text: str) -> RawRow:
    """The last row of a file, refused when the file stops in the middle of it: no line break
    at the end and fewer cells than the header, or a quoted cell never closed. (A file cut
    short keeps the cut value and leaves the later cells blank: storing that would be wrong.)"""
    if text.endswith(("\n", "\r")) or row.extra:
        return row
    cells, width = len(row.values), len(row.headers)
    if cells < width:
        why = f"it has {cells} of the header's {width} cells"
    elif text.count('"') % 2:
        why = "a quoted cell is never closed"
    else:
        return row
    return attrs.evolve(
        row,
        error=f"ends early: the file stops in the middle of this row ({why} and there is no line break "
        "after it), so it looks cut short; export or copy the file again",
    )


def read_csv(path: Path, options: ReadOptions) -> Table:
    """Read a delimited text file; the first non-blank line is the header row.

    ``# MARKING`` lines (a protective marking, as the CSV products write first and last) are skipped.
    """
    _no_sheet(path, options, "CSV")
    info = detect_text(path, options.encoding)
    handle = path.open(encoding=info.encoding, newline="", errors="strict")
    sample = handle.read(_SAMPLE)
    handle.seek(0)
    delimiter = sniff_delimiter(sample, complete=len(sample) < _SAMPLE)
    blank = [0]

    def rows() -> Iterator[RawRow]:
        lines = _RecordLines(handle)
        reader = csv.reader(lines, delimiter=delimiter)
        number = 0
        last: tuple[RawRow, str] | None = None  # held back until we know whether it is the final row
        try:
            headers: tuple[str, ...] | None = None
            for values in reader:
                number += 1
                text = lines.take()
                if _blank(values):
                    if headers is not None:
                        blank[0] += 1
                    continue
                if values[0][:1] == "#" and is_marking_line(values):
                    continue
                if headers is None:
                    headers = tuple(values)
                    width = len(headers)
                    continue
                if len(values) > width:
                    row = RawRow(number, headers, tuple(values[:width]), tuple(values[width:]))
                else:
                    row = RawRow(number, headers, tuple(values))
                if last is not None:
                    yield last[0]
                last = (row, text)
            if last is not None:
                yield _final_row(*last)
        except csv.Error as exc:
            raise FeedFileError(path, f"{path.name} line {reader.line_num}: cannot be read as CSV ({exc})") from None
        finally:
            handle.close()

    described = info.encoding + (" (detected)" if info.detected else "")
    return Table(
        rows=rows(),
        file_hash=info.sha256,
        encoding=described,
        total=max(info.lines - 1, 0),
        blank_rows=lambda: blank[0],
        close=handle.close,
    )



@attrs.frozen(slots=True)
class RowBlock:
    """Consecutive data rows of a CSV file, for readers that take a file column by column.

    ``rows`` are the rows' cells, each exactly as wide as ``headers`` (a short row padded
    with ``None``, the cells of a long row beyond the header cut off); ``numbers`` their row
    numbers. A row that was not exactly as wide as the header, or that ``read_csv`` gives
    with an ``error`` (a final row cut short), is also in ``odd``, by its index in the block,
    as the :class:`RawRow` that ``read_csv`` gives for it.
    """

    headers: tuple[str, ...]
    numbers: list[int]
    rows: list[list[Cell]]
    odd: dict[int, RawRow]


#: Rows per block of :func:`read_csv_blocks`.
BLOCK_ROWS = 16_384
_FIRST = itemgetter(0)
_HASH = methodcaller("startswith", "#")


def read_csv_blocks(path: Path, options: ReadOptions, size: int = BLOCK_ROWS) -> Iterator[RowBlock]:
    """The data rows of a delimited text file in blocks, the rows and their numbers exactly as
    :func:`read_csv` gives them (the same encoding detection, sniffed delimiter, skipped blank
    and marking lines, header row, final-row check and errors), without a :class:`RawRow`
    per row: the per-row work is done a block at a time.
    """
    _no_sheet(path, options, "CSV")
    info = detect_text(path, options.encoding)
    handle = path.open(encoding=info.encoding, newline="", errors="strict")
    try:
        sample = handle.read(_SAMPLE)
        handle.seek(0)
        delimiter = sniff_delimiter(sample, complete=len(sample) < _SAMPLE)
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            yield from _blocks(path, info, reader, size)
        except csv.Error as exc:
            raise FeedFileError(path, f"{path.name} line {reader.line_num}: cannot be read as CSV ({exc})") from None
    finally:
        handle.close()


def _blocks(path: Path, info: TextInfo, reader: Any, size: int) -> Iterator[RowBlock]:
    number = 0
    headers: tuple[str, ...] | None = None
    for values in reader:  # up to the header row, one record at a time as read_csv does
        number += 1
        if _blank(values) or (values[0][:1] == "#" and is_marking_line(values)):
            continue
        headers = tuple(values)
        break
    if headers is None:
        return
    width = len(headers)
    before = after = reader.line_num  # lines read before the last record, and after it
    pending: RowBlock | None = None  # held back until we know whether it holds the last record
    rows: list[list[Any]] = []
    while True:
        rows.clear()
        append = rows.append
        for values in reader:
            append(values)
            before, after = after, reader.line_num
            if len(rows) >= size:
                break
        if rows:
            first = number + 1
            number += len(rows)
            if pending is not None:
                yield pending
            pending = _block(headers, width, rows, first)
            if len(rows) >= size:
                continue
        break
    if pending is None:
        return
    if pending.numbers and pending.numbers[-1] == number and not _ends_with_newline(path, info.encoding):
        # the file's last record is a data row that may be cut short: check it as read_csv does
        index = len(pending.rows) - 1
        raw = pending.odd.get(index) or RawRow(number, headers, tuple(pending.rows[index]))
        checked = _final_row(raw, "".join(_last_lines(path, info.encoding, after - before)))
        if checked is not raw:
            pending.odd[index] = checked
    yield pending


def _block(headers: tuple[str, ...], width: int, rows: list[list[Any]], first: int) -> RowBlock:
    """Blank and marking rows left out; short and long rows made as wide as the header."""
    count = len(rows)
    widths = set(map(len, rows))
    firsts = list(map(_FIRST, rows)) if 0 not in widths else [r[0] if r else "" for r in rows]
    # a row whose first cell is not blank and does not start with '#' is neither blank nor a marking line
    check = list(itertools.compress(range(count), map(_not, map(str.strip, firsts))))
    check.extend(itertools.compress(range(count), map(_HASH, firsts)))
    if widths == {width} and not check:
        return RowBlock(headers, list(range(first, first + count)), list(rows), {})
    skip: set[int] = set()
    for k in check:
        values = rows[k]
        if _blank(values) or (values[0][:1] == "#" and is_marking_line(values)):
            skip.add(k)
    kept: list[list[Any]] = []
    numbers: list[int] = []
    odd: dict[int, RawRow] = {}
    for k, values in enumerate(rows):
        if k in skip:
            continue
        if len(values) != width:
            if len(values) > width:
                raw = RawRow(first + k, headers, tuple(values[:width]), tuple(values[width:]))
                values = values[:width]
            else:
                raw = RawRow(first + k, headers, tuple(values))
                values = [*values, *((None,) * (width - len(values)))]
            odd[len(kept)] = raw
        kept.append(values)
        numbers.append(first + k)
    return RowBlock(headers, numbers, kept, odd)


def _not(text: str) -> bool:
    return not text


def _ends_with_newline(path: Path, encoding: str) -> bool:
    """True when the file's last byte is a line break (``False`` when unsure: then the last
    record's text is read to see)."""
    if not codecs.lookup(encoding).name.startswith(("utf-8", "cp1252", "iso8859", "ascii")):
        return False
    with path.open("rb") as handle:
        handle.seek(0, io.SEEK_END)
        if not handle.tell():
            return True
        handle.seek(-1, io.SEEK_END)
        return handle.read(1) in (b"\n", b"\r")


def _last_lines(path: Path, encoding: str, count: int) -> collections.deque[str]:
    """The file's last ``count`` lines, split as the CSV reader splits them."""
    with path.open(encoding=encoding, newline="", errors="strict") as handle:
        return collections.deque(handle, maxlen=max(count, 1))


_SCALARS = (str, int, float, bool)


def _flatten(obj: dict[str, Any]) -> tuple[tuple[str, ...], tuple[Cell, ...]]:
    """Nested objects become dotted headers (``address.town``); lists of values are joined
    with ``; `` (as a spreadsheet cell would hold them), lists of objects are numbered."""
    headers: list[str] = []
    values: list[Cell] = []
    stack: list[tuple[str, Any]] = [(str(k), v) for k, v in reversed(obj.items())]
    while stack:
        key, value = stack.pop()
        if value is None or isinstance(value, _SCALARS):
            headers.append(key)
            values.append(value)
        elif isinstance(value, dict):
            stack.extend((f"{key}.{k}", v) for k, v in reversed(value.items()))
        elif isinstance(value, list) and all(v is None or isinstance(v, _SCALARS) for v in value):
            headers.append(key)
            values.append("; ".join("" if v is None else str(v) for v in value))
        elif isinstance(value, list):
            stack.extend((f"{key}.{i}", v) for i, v in reversed(list(enumerate(value))))
        else:  # pragma: no cover - json only gives the kinds above
            headers.append(key)
            values.append(str(value))
    return tuple(headers), tuple(values)


def _object_row(number: int, item: Any) -> RawRow:
    if not isinstance(item, dict):
        kind = "a list" if isinstance(item, list) else "a single value"
        return RawRow(number, (), (), error=f"is {kind}, not an object with named fields")
    headers, values = _flatten(item)
    if len(set(headers)) != len(headers):
        return RawRow(number, headers, values, error="has the same field name twice")
    return RawRow(number, headers, values)


def _load_json(path: Path, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise FeedFileError(path, f"{path.name} is not valid JSON ({where}: {exc.msg})") from None
    except (RecursionError, ValueError) as exc:
        raise FeedFileError(path, f"{path.name} cannot be read as JSON ({type(exc).__name__}: {exc})") from None


def read_json(path: Path, options: ReadOptions) -> Table:
    """Read a JSON file holding a list of objects; row numbers count objects from 1."""
    _no_sheet(path, options, "JSON")
    info = detect_text(path, options.encoding)
    with path.open(encoding=info.encoding, errors="strict") as handle:
        text = handle.read()
    if not text.strip():
        items: list[Any] = []
    else:
        data = _load_json(path, text)
        if not isinstance(data, list):
            raise FeedFileError(path, f"{path.name} must hold a JSON list of objects, not {type(data).__name__}")
        items = data
    described = info.encoding + (" (detected)" if info.detected else "")

    def rows() -> Iterator[RawRow]:
        for number, item in enumerate(items, start=1):
            try:
                yield _object_row(number, item)
            except RecursionError:
                yield RawRow(number, (), (), error="is nested too deeply to read")

    return Table(rows=rows(), file_hash=info.sha256, encoding=described, total=len(items))


def read_jsonl(path: Path, options: ReadOptions) -> Table:
    """Read JSON lines: one object per line; a line that is not JSON is a quarantined row."""
    _no_sheet(path, options, "JSON lines")
    info = detect_text(path, options.encoding)
    handle = path.open(encoding=info.encoding, errors="strict", newline=None)
    blank = [0]

    def rows() -> Iterator[RawRow]:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    blank[0] += 1
                    continue
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield RawRow(number, ("line",), (line.rstrip("\r\n"),), error=f"is not valid JSON ({exc.msg})")
                    continue
                except (RecursionError, ValueError) as exc:
                    yield RawRow(number, ("line",), (line.rstrip("\r\n"),), error=f"cannot be read as JSON ({exc})")
                    continue
                try:
                    yield _object_row(number, item)
                except RecursionError:
                    yield RawRow(number, ("line",), (line.rstrip("\r\n"),), error="is nested too deeply to read")
        finally:
            handle.close()

    described = info.encoding + (" (detected)" if info.detected else "")
    return Table(
        rows=rows(),
        file_hash=info.sha256,
        encoding=described,
        total=info.lines,
        blank_rows=lambda: blank[0],
        close=handle.close,
    )
