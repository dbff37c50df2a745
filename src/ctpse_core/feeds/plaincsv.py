"""Plain CSV files read column by column with numpy: the same rows and cells as ``read_csv``.

A delimited file without a quote character (``"``) and without a lone carriage return is
one record per line and one cell between each two delimiters: there is nothing for a CSV
parser to decide. Such a file (most partner exports, and every list the synthetic
generator writes) is split into cells on the bytes with numpy, and each column is interned
without a Python string per cell: the cells are hashed eight bytes at a time, grouped by
hash, every cell compared byte for byte with the first cell of its group (a hash
collision is split off, never merged), and only the distinct cells are decoded. Lines that
are not plainly data rows (blank or whitespace-only lines, ``# MARKING`` lines, a first
cell that is blank, lines with more or fewer cells than the header, a last line with no
line break) are read by the CSV module exactly as :func:`~ctpse_core.feeds.text.read_csv`
reads them. :func:`read_plain_csv` gives ``None`` for a file it does not take (quotes, a
lone carriage return, an encoding other than UTF-8, ASCII, Windows-1252 or Latin-1), and
the caller reads it through ``read_csv``.
"""

from __future__ import annotations

import codecs
import csv
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ctpse_core.feeds.formats import Cell, RawRow, ReadOptions
from ctpse_core.feeds.text import _SAMPLE, _blank, _final_row, _no_sheet, detect_text, is_marking_line, sniff_delimiter

__all__ = ["PlainCsv", "read_plain_csv"]

I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]
#: Encodings in which every delimiter, quote and line-break byte is that character alone.
_BYTE_SAFE = ("utf-8", "utf-8-sig", "ascii", "cp1252", "iso8859-1")
#: First bytes of a line that may start with whitespace or ``#`` (such lines are read as text:
#: ASCII whitespace, and the bytes that begin a non-ASCII space in UTF-8, Windows-1252 or Latin-1).
_SUSPECT = (9, 10, 11, 12, 13, 28, 29, 30, 31, 32, ord("#"), 0x85, 0xA0, 0xC2, 0xE1, 0xE2, 0xE3)
_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xBF58476D1CE4E5B9)
_S31 = np.uint64(31)


class PlainCsv:
    """The data rows of a plain CSV file: row numbers, odd rows, and each column interned."""

    def __init__(
        self,
        headers: tuple[str, ...],
        encoding: str,
        buf: npt.NDArray[np.uint8],
        numbers: I64,
        lines: tuple[I64, I64, I64, I64, I64],
        python: dict[int, list[Cell]],
        odd: dict[int, RawRow],
    ) -> None:
        self.headers = headers
        self.encoding = encoding
        #: Row number of each data row (the header is row 1 when it is the first line).
        self.numbers = numbers
        #: Data rows (by index) that ``read_csv`` gives as not plain rows: short or long, or cut short.
        self.odd = odd
        self._buf = buf
        # of the rows split here: data-row index, line start and end, index of the line's first
        # delimiter among the file's delimiters (``_marks``)
        self._rows, self._starts, self._ends, self._first_mark, self._marks = lines
        self._python = python  # data-row index -> cells read by the CSV module (as wide as the header)
        self._cells: _Cells | None = None

    def __len__(self) -> int:
        return len(self.numbers)

    def column(self, index: int) -> tuple[list[Cell], I64]:
        """(distinct cells in order of first appearance, code of each data row's cell) of
        the header's column ``index`` (``None`` for every row past the last column)."""
        count = len(self.numbers)
        if index >= len(self.headers):
            return [None], np.zeros(count, dtype=np.int64)
        if self._cells is None:
            self._cells = _Cells(self._buf, self._starts, self._ends, self._first_mark, self._marks, len(self.headers))
            self._marks = self._first_mark = np.zeros(0, dtype=np.int64)  # no longer needed
        keys, first_row, codes = self._cells.intern(index, self.encoding)
        rows = self._rows
        out = np.empty(count, dtype=np.int64)
        out[rows] = codes
        if not self._python:
            return list(keys), out
        # cells of rows read by the CSV module join the same codes, in order of first appearance
        index_of: dict[Cell, int] = dict(zip(keys, range(len(keys)), strict=True))
        all_keys: list[Cell] = list(keys)
        firsts = rows[first_row].tolist()
        for row, cells in self._python.items():
            cell = cells[index]
            code = index_of.get(cell)
            if code is None:
                code = index_of[cell] = len(all_keys)
                all_keys.append(cell)
                firsts.append(row)
            elif row < firsts[code]:
                firsts[code] = row
            out[row] = code
        order = np.argsort(np.asarray(firsts, dtype=np.int64), kind="stable")
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        return [all_keys[k] for k in order.tolist()], rank[out]


#: ``_MASKS[n]`` keeps the first ``n`` bytes of a little-endian word.
_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(8)] + [(1 << 64) - 1], dtype=np.uint64)


def _word(words: U64, at: I64, left: I64) -> U64:
    """Eight bytes from each offset as one integer, the bytes past the cell's end zeroed."""
    return words[at] & _MASKS[np.minimum(left, 8)]


def _words(buf: npt.NDArray[np.uint8]) -> U64:
    """Every offset of ``buf`` as the start of a little-endian 64-bit word (unaligned, not copied)."""
    return np.ndarray((len(buf) - 7,), dtype="<u8", buffer=buf, strides=(1,))


def _mix(h: U64) -> U64:
    h *= _M2
    h ^= h >> _S31
    h *= _M1
    return h


#: Rows whose cells are hashed together (a stretch of the file that stays in the cache).
_ROWS_AT_ONCE = 1 << 13


class _Cells:
    """Every cell of the rows split with numpy: its offset, length, first two words and hash.

    Worked out a block of rows at a time across all columns, so the file is read once
    rather than once per column; each column's arrays are then contiguous."""

    def __init__(
        self, buf: npt.NDArray[np.uint8], starts: I64, ends: I64, first_mark: I64, marks: I64, width: int
    ) -> None:
        count = len(starts)
        self.buf = buf
        self.words = _words(buf)
        offsets = np.int32 if len(buf) < 2**31 - 64 else np.int64  # half the memory for files under 2 GB
        self.first: npt.NDArray[np.signedinteger[Any]] = np.empty((width, count), dtype=offsets)
        self.length: npt.NDArray[np.signedinteger[Any]] = np.empty((width, count), dtype=offsets)
        self.hash = np.empty((width, count), dtype=np.uint64)
        self.w0 = np.empty((width, count), dtype=np.uint64)  # bytes 0-7 of each cell (zero past its end)
        self.w1 = np.empty((width, count), dtype=np.uint64)  # bytes 8-15
        steps = np.arange(width - 1)[:, None]
        for a in range(0, count, _ROWS_AT_ONCE):
            b = min(count, a + _ROWS_AT_ONCE)
            first, last = self.first[:, a:b], np.empty((width, b - a), dtype=np.int64)
            first[0] = starts[a:b]
            last[-1] = ends[a:b]
            if width > 1:
                bounds = marks[first_mark[None, a:b] + steps]
                np.add(bounds, 1, out=first[1:])
                last[:-1] = bounds
            length = self.length[:, a:b]
            np.subtract(last, first, out=length)
            w0 = self.w0[:, a:b]
            w0[...] = _word(self.words, first, length)
            w1 = self.w1[:, a:b]
            w1[...] = _word(self.words, first + 8, np.maximum(length - 8, 0))
            h = _mix(length.astype(np.uint64) * _M1 ^ w0)
            h = _mix(h ^ w1)
            longest = int(length.max()) if length.size else 0
            for offset in range(16, longest, 8):
                at = np.nonzero(length > offset)
                h[at] = _mix(h[at] ^ _word(self.words, first[at] + offset, length[at] - offset))
            self.hash[:, a:b] = h

    def intern(self, column: int, encoding: str) -> tuple[list[str], I64, I64]:
        """(distinct cells, row of each one's first appearance, code of each row) of a column."""
        first, length, h = self.first[column], self.length[column], self.hash[column]
        count = len(first)
        if not count:
            return [], np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        # sort the hashes with each row's index in their low bits: one fast sort, equal hashes in row
        # order (the first row leads its group); a hash shared only in its high bits is split off below
        bits = max(1, (count - 1).bit_length())
        low = np.uint64((1 << bits) - 1)
        keyed = (h & ~low) | np.arange(count, dtype=np.uint64)
        keyed.sort()
        order = (keyed & low).astype(np.int64)
        high = keyed & ~low
        new = np.ones(count, dtype=bool)
        new[1:] = high[1:] != high[:-1]
        lead = order[new]  # first row of each hash group
        of_row = np.empty(count, dtype=np.int64)
        of_row[order] = np.cumsum(new) - 1
        rep = lead[of_row]
        # every row but the leads: compare its cell with its lead's, byte for byte
        check = np.flatnonzero(rep != np.arange(count))
        them = rep[check]
        w0, w1 = self.w0[column], self.w1[column]
        same = np.ones(count, dtype=bool)
        same[check] = (length[check] == length[them]) & (w0[check] == w0[them]) & (w1[check] == w1[them])
        for offset in range(16, int(length.max()), 8):
            rows = check[same[check] & (length[check] > offset)]
            if not len(rows):
                break
            a = _word(self.words, first[rows] + offset, length[rows] - offset)
            b = _word(self.words, first[rep[rows]] + offset, length[rows] - offset)
            same[rows[a != b]] = False
        codes = of_row
        if not same.all():  # a hash shared by different cells: each distinct cell gets its own code
            leads = lead.tolist()
            seen: dict[tuple[int, bytes], int] = {}
            raw = self.buf.tobytes()
            for row in np.flatnonzero(~same).tolist():
                start = int(first[row])
                key = (int(of_row[row]), raw[start : start + int(length[row])])
                code = seen.get(key)
                if code is None:
                    code = seen[key] = len(leads)
                    leads.append(row)
                codes[row] = code
            lead = np.asarray(leads, dtype=np.int64)
        # codes in order of first appearance
        is_lead = np.zeros(count, dtype=bool)
        is_lead[lead] = True
        rank = (np.cumsum(is_lead) - 1)[lead]
        firsts = np.flatnonzero(is_lead)
        return _decode(self.buf, first[firsts], length[firsts], encoding), firsts, rank[codes]


def _decode(buf: npt.NDArray[np.uint8], first: I64, length: I64, encoding: str) -> list[str]:
    """The cells ``buf[first:first+length]`` as text: joined by line breaks, decoded once, split."""
    if not len(first):
        return []
    size = length + 1
    ends = np.cumsum(size)
    total = int(ends[-1])
    shift = np.repeat(first - (ends - size), size)
    out = buf[shift + np.arange(total)]
    out[ends - 1] = 10
    texts = out.tobytes().decode(encoding).split("\n")
    texts.pop()
    return texts


def _lines(data: bytes, start: int) -> tuple[I64, I64] | None:
    """(start, end) byte offsets of each line from ``start`` (line breaks left out), or
    ``None`` when a carriage return is not followed by a line feed."""
    crs = data.count(b"\r", start)
    if crs and crs != data.count(b"\r\n", start):
        return None
    buf = np.frombuffer(data, dtype=np.uint8)
    breaks = np.flatnonzero(buf[start:] == 10) + start
    starts = np.empty(len(breaks) + 1, dtype=np.int64)
    starts[0] = start
    starts[1:] = breaks + 1
    ends = np.empty(len(breaks) + 1, dtype=np.int64)
    ends[:-1] = breaks
    ends[-1] = len(data)
    if starts[-1] == len(data):  # the file ends with a line break: no line after it
        starts, ends = starts[:-1], ends[:-1]
    if crs:
        ends[:len(breaks)] -= (buf[np.maximum(breaks - 1, 0)] == 13) & (breaks > start)
    return starts, ends


def read_plain_csv(path: Path, options: ReadOptions) -> PlainCsv | None:
    """The file's data rows column by column, or ``None`` when it is not a plain CSV file."""
    _no_sheet(path, options, "CSV")
    info = detect_text(path, options.encoding)
    encoding = codecs.lookup(info.encoding).name
    if encoding not in _BYTE_SAFE:
        return None
    data = path.read_bytes()
    if b'"' in data:
        return None
    start = len(codecs.BOM_UTF8) if encoding == "utf-8-sig" and data.startswith(codecs.BOM_UTF8) else 0
    text_encoding = "utf-8" if encoding == "utf-8-sig" else encoding
    head = data[start : start + 4 * _SAMPLE + 4]
    sample = head.decode(text_encoding, errors="ignore" if len(head) < len(data) - start else "strict")[:_SAMPLE]
    delimiter = sniff_delimiter(sample, complete=len(sample) < _SAMPLE)
    found = _lines(data, start)
    if found is None:
        return None
    starts, ends = found
    size = len(data)
    buf = np.zeros(size + 16, dtype=np.uint8)  # bytes past the end: a cell's first two words may read them
    buf[:size] = np.frombuffer(data, dtype=np.uint8)
    del data

    def text(k: int) -> str:
        return buf[starts[k] : ends[k]].tobytes().decode(text_encoding)

    def parse(k: int) -> list[str]:
        return next(csv.reader([text(k)], delimiter=delimiter), [])

    header_at = -1
    headers: tuple[str, ...] = ()
    for k in range(len(starts)):
        values = parse(k)
        if _blank(values) or (values[0][:1] == "#" and is_marking_line(values)):
            continue
        header_at, headers = k, tuple(values)
        break
    none = np.zeros(0, dtype=np.int64)
    if header_at < 0:
        return PlainCsv((), text_encoding, buf, none, (none, none, none, none, none), {}, {})
    width = len(headers)
    numbers = np.arange(1, len(starts) + 1, dtype=np.int64)[header_at + 1 :]
    starts, ends = starts[header_at + 1 :], ends[header_at + 1 :]
    marks = np.flatnonzero(buf[:size] == ord(delimiter))
    first_mark = np.searchsorted(marks, starts)
    cells = np.searchsorted(marks, ends) - first_mark + 1
    suspect = (starts == ends) | (cells != width) | np.isin(buf[starts], (*_SUSPECT, ord(delimiter)))
    ends_open = size > start and buf[size - 1] != 10
    if ends_open and len(starts):
        suspect[-1] = True  # the last line may be a row cut short: read_csv checks it
    keep = np.ones(len(starts), dtype=bool)
    python: dict[int, list[Cell]] = {}
    odd: dict[int, RawRow] = {}
    for k in np.flatnonzero(suspect).tolist():
        values = parse(k)
        if _blank(values) or (values[0][:1] == "#" and is_marking_line(values)):
            keep[k] = False
            continue
        number = int(numbers[k])
        if len(values) > width:
            raw = RawRow(number, headers, tuple(values[:width]), tuple(values[width:]))
            row_cells: list[Cell] = list(values[:width])
        else:
            raw = RawRow(number, headers, tuple(values))
            row_cells = [*values, *((None,) * (width - len(values)))]
        if ends_open and k == len(starts) - 1:
            raw = _final_row(raw, text(k))
        python[k] = row_cells
        if len(values) != width or raw.error is not None:
            odd[k] = raw
    position = np.cumsum(keep) - 1  # data-row index of each kept line
    split = np.flatnonzero(keep & ~suspect)
    lines = (position[split], starts[split], ends[split], first_mark[split], marks)
    return PlainCsv(
        headers,
        text_encoding,
        buf,
        numbers[keep],
        lines,
        {int(position[k]): cells for k, cells in python.items()},
        {int(position[k]): raw for k, raw in odd.items()},
    )
