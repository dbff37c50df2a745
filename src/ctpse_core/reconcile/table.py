"""Nominal lists as columns: built from records, from stored lists, or straight from a file.

Every value goes through the one converter (:mod:`ctpse_core.convert`), so a column read
from a file holds exactly what :func:`ctpse_core.feeds.load_records` would have put in the
record. The file path is the fast one. The file is opened through the feeds layer
(:func:`~ctpse_core.feeds.formats.open_table`: encoding detection, sniffed delimiter,
JSON, JSON lines, and XLSX through its plugin) and mapped with the feed's column plan;
cells are interned per column as the rows stream in, so a million rows keep one string
per *distinct* cell (partner lists repeat the same dates, statuses and names thousands of
times), each distinct cell is checked for formulas and converted once, and no record
objects are built. A CSV file without quotes is split and interned with numpy on its bytes
(:mod:`ctpse_core.feeds.plaincsv`, no string per cell at all), any other CSV file is read
in blocks of rows; identifiers in their usual form are converted many at a time
(:mod:`ctpse_core.domain.bulk`). Each way gives what reading row by row gives.
"""

from __future__ import annotations

import itertools
import operator
import typing
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from ctpse_core.convert import converter, problems_from
from ctpse_core.domain.bulk import BULK
from ctpse_core.domain.marking import Marking, highest
from ctpse_core.domain.nominal import Nominal
from ctpse_core.errors import Problem
from ctpse_core.feeds.definition import FeedDefinition
from ctpse_core.feeds.formats import Cell, FeedFileError, RawRow, ReadOptions, format_for, open_table
from ctpse_core.feeds.load import RejectedRow
from ctpse_core.feeds.plaincsv import PlainCsv, read_plain_csv
from ctpse_core.feeds.plan import FORMULA_SUSPECTS, ColumnPlan, compile_plan, formula_problem, length_problem, raw_cells
from ctpse_core.feeds.text import RowBlock, read_csv, read_csv_blocks
from ctpse_core.parsing import PartialDate, column_date_format, read_date
from ctpse_core.reconcile.listmap import ListMapping

__all__ = ["BIRTH_YEAR", "FIELDS", "NAME_FIELDS", "NominalTable", "read_table", "table_from_nominals"]

#: Field paths a table keeps (top-level Nominal fields and the first address).
FIELDS: tuple[str, ...] = (
    "forenames",
    "surname",
    "aliases",
    "date_of_birth",
    "sex",
    "nationality",
    "pnc_id",
    "cro_number",
    "prison_number",
    "status",
    "risk_tier",
    "category",
    "nominal_manager",
    "establishment",
    "force",
    "region",
    "orders",
    "addresses.0.line1",
    "addresses.0.town",
    "addresses.0.postcode",
)
#: Fields whose values are written back to a list in its own vocabulary (corrections).
_SCALAR_FIELDS = ("date_of_birth", "sex", "nationality", "status", "risk_tier", "category", "force", "region")
#: Column of the year of birth of records whose date of birth is only a year (a partial date).
BIRTH_YEAR = "birth_year"
#: Name parts a record may lack: it is still read and reconciled on its other evidence.
NAME_FIELDS = ("forenames", "surname")


@attrs.define
class NominalTable:
    """One list: record IDs in order and a column (list of values, ``None`` when blank) per field."""

    source: str
    ids: list[str]
    columns: dict[str, list[Any]]
    marking: Marking = attrs.Factory(Marking)
    #: The partner's header for each field path (to write corrections in its own format).
    headers: dict[str, str] = attrs.Factory(dict)
    #: Headers of the file that no field is read from, and the feed's headers the file lacks.
    unused_columns: tuple[str, ...] = ()
    missing_columns: tuple[str, ...] = ()
    #: Columns of the list's own (no Nominal field), and the kinds declared for columns.
    extras: tuple[str, ...] = ()
    kinds: dict[str, str] = attrs.Factory(dict)
    #: The date format each date column was read in (``auto`` resolved).
    date_formats: dict[str, str] = attrs.Factory(dict)
    #: Record ID -> fields whose unreadable values were blanked (``invalid = "blank"``).
    invalid: dict[str, tuple[str, ...]] = attrs.Factory(dict)
    #: The list's own vocabulary: per field, each value as the file most often writes it
    #: (``Male`` for ``M``, ``Tier 1`` for ``1``), and the strftime format of its dates.
    written: dict[str, dict[Any, str]] = attrs.Factory(dict)
    date_style: dict[str, str] = attrs.Factory(dict)

    def __len__(self) -> int:
        return len(self.ids)

    def column(self, path: str) -> list[Any]:
        found = self.columns.get(path)
        return found if found is not None else [None] * len(self.ids)

    def value(self, path: str, index: int) -> Any:
        return self.column(path)[index]

    def row(self, index: int) -> dict[str, Any]:
        return {path: self.column(path)[index] for path in self.columns}


def _get(obj: Any, path: str) -> Any:
    node = obj
    for part in path.split("."):
        if node is None:
            return None
        if part.isdigit():
            index = int(part)
            node = node[index] if index < len(node) else None
        else:
            node = getattr(node, part, None)
    if isinstance(node, tuple) and not node:
        return ()
    return node


def table_from_nominals(
    records: Iterable[Nominal], source: str, fields: Sequence[str] = FIELDS
) -> NominalTable:
    """A table from records already built (e.g. a stored list or ``load_records``)."""
    items = list(records)
    markings = [r.marking for r in items]
    columns = {path: [_get(r, path) for r in items] for path in fields}
    for path in NAME_FIELDS:  # a blank name part is missing, as read from a file
        if path in columns:
            columns[path] = [value or None for value in columns[path]]
    return NominalTable(
        source=source,
        ids=[r.id for r in items],
        columns=columns,
        marking=highest(markings) if markings else Marking(),
    )


@cache
def _field_info(path: str) -> tuple[Any, Any, bool]:
    """(type, attrs field, required) of a field path of Nominal."""
    cls: Any = Nominal
    parts = [p for p in path.split(".") if not p.isdigit()]
    field: Any = None
    typ: Any = None
    for part in parts:
        hints = typing.get_type_hints(cls)
        field = attrs.fields_dict(cls)[part]
        typ = hints[part]
        origin = typing.get_origin(typ)
        if origin is tuple:
            inner = typing.get_args(typ)[0]
            if attrs.has(inner):
                cls = inner
                continue
        cls = typ
    required = field.default is attrs.NOTHING
    return typ, field, required


def _unwrap(typ: Any) -> Any:
    args = typing.get_args(typ)
    if type(None) in args and len(args) == 2:  # blanks are handled here: use the inner type's hook
        return next(a for a in args if a is not type(None))
    return typ


Converted = tuple[Any, str | None]


def _converter_for(path: str, default: Any = attrs.NOTHING, prefix: str = "") -> Callable[[Any], Converted]:
    """Cell -> (value, reason or None) for a field path, as the one converter would give it.

    A blank cell takes the feed's default when it has one; ``prefix`` is prepended to a
    record ID (the feed's ``id_prefix``).
    """
    typ, field, required = _field_info(path)
    inner = _unwrap(typ)
    hook = converter.get_structure_hook(inner)  # the converter's own hook, looked up once
    empty = field.default if isinstance(field.default, tuple) else None
    validator = field.validator
    made_by = getattr(hook, "normaliser", None)
    if made_by is not None and getattr(validator, "normaliser", None) is made_by:
        validator = None  # the hook wrote the canonical form with the very function the validator checks

    def convert(cell: Any) -> Converted:
        if type(cell) is str:
            cell = cell.strip()
        if cell is None or cell == "":
            if default is attrs.NOTHING:
                return empty, ("is required but missing" if required else None)
            cell = default
        elif prefix:
            cell = f"{prefix}{cell}"
        try:
            value = hook(cell, inner)
            if validator is not None:
                validator(None, field, value)
        except Exception as exc:
            problems = problems_from(exc)
            return None, (problems[0].reason if problems else str(exc))
        if isinstance(value, tuple) and not value:
            value = ()
        return value, None

    if inner is str and validator is None and not prefix:
        return _plain(convert)
    return convert


def _plain(convert: Callable[[Any], Converted]) -> Callable[[Any], Converted]:
    """Mark a converter whose value for a non-blank text cell is the cell stripped: a column
    of them is converted in one pass (blank and formula-like cells still go through it)."""
    convert.plain = True  # type: ignore[attr-defined]
    return convert


def _date_converter(path: str, fmt: str) -> Callable[[Any], Converted]:
    """Cell -> (date, PartialDate or None, reason) in a declared date format."""
    validator = _field_info(path)[1].validator if path in FIELDS else None

    def convert(cell: Any) -> Converted:
        if type(cell) is str:
            cell = cell.strip()
        if cell is None or cell == "":
            return None, None
        try:
            value = read_date(cell, fmt)
            if validator is not None and not isinstance(value, PartialDate):
                validator(None, _field_info(path)[1], value)
        except Exception as exc:
            problems = problems_from(exc)
            return None, (problems[0].reason if problems else str(exc))
        return value, None

    return convert


_BAD: Any = object()


def _lenient(convert: Callable[[Any], Converted]) -> Callable[[Any], Converted]:
    """A converter whose unreadable values become a marker (blanked, reported), not a rejection."""

    def lenient(cell: Any) -> Converted:
        value, reason = convert(cell)
        if reason is not None and not _is_blank(cell):
            return _BAD, None
        return value, reason

    return lenient


@_plain
def _text_converter(cell: Any) -> Converted:
    """A column of the list's own: its text (stripped), ``None`` when blank."""
    if cell is None:
        return None, None
    text = str(cell).strip()
    return (text or None), None


#: Rows gathered before their cells are interned column by column.
_CHUNK = 16_384
#: Read CSV files row by row, as other formats are (the tests compare the two paths).
_ROW_BY_ROW = False
#: Read plain CSV files (no quotes) through the block reader too (the tests compare the paths).
_NO_PLAIN = False
_ADDRESS = "addresses.0."
I64 = npt.NDArray[np.int64]


class _Intern(dict[Any, int]):
    """Cell -> code, in order of first appearance."""

    def __missing__(self, key: Any) -> int:
        code = self[key] = len(self)
        return code


def _key(cell: Cell) -> Any:
    """Typed cells (JSON, XLSX) keep their type in the key: ``1``, ``1.0`` and ``True`` differ."""
    return cell if cell is None or type(cell) is str else (type(cell), cell)


def _cell(key: Any) -> Any:
    return key[1] if type(key) is tuple else key


class _Columns:
    """Rows streamed in, kept as one code per cell and the distinct cells per column."""

    def __init__(self, feed: FeedDefinition, paths: Sequence[str], typed: bool) -> None:
        self.feed = feed
        self.paths = tuple(paths)
        self.typed = typed
        self.interns = [_Intern() for _ in self.paths]
        self.codes = [array("q") for _ in self.paths]
        self.numbers = array("q")
        self.plan_of = array("l")
        self.plans: list[ColumnPlan] = []
        self.problems: dict[int, list[Problem]] = {}
        self._known: dict[tuple[str, ...], tuple[int, Callable[[Sequence[Cell]], Sequence[Cell]], list[int]]] = {}
        self._chunk: list[Sequence[Cell]] = []
        self._headers: tuple[str, ...] | None = None
        self._plan = -1
        self._pick: Callable[[Sequence[Cell]], Sequence[Cell]] = tuple
        self._width = 0
        self._made: dict[tuple[Any, int], Problem | None] = {}
        self._where: list[int] = []
        #: Distinct cells of each column in code order, when read as a whole (plain CSV) rather than interned.
        self.distinct: list[list[Any] | None] = [None] * len(self.paths)

    def keys(self, slot: int) -> list[Any]:
        """The column's distinct cells, in the order of their codes."""
        found = self.distinct[slot]
        return list(self.interns[slot]) if found is None else found

    def _switch(self, headers: tuple[str, ...]) -> None:
        found = self._known.get(headers)
        if found is None:
            plan = compile_plan(self.feed, headers)
            present = {p: h for p, h in plan.field_headers.items() if h not in plan.missing}
            # a field without a column reads the padding cell (None) after the last column
            where = [headers.index(present[p]) if p in present else len(headers) for p in self.paths]
            pick: Callable[[Sequence[Cell]], Sequence[Cell]] = (
                itemgetter(*where) if len(where) > 1 else (lambda row: (row[where[0]],))
            )
            found = self._known[headers] = (len(self.plans), pick, where)
            self.plans.append(plan)
        self._headers = headers
        self._plan, self._pick, self._where = found
        self._width = len(headers)

    def add(self, row: RawRow) -> None:
        if row.headers is not self._headers:
            self._switch(row.headers)
        position = len(self.numbers)
        self.numbers.append(row.number)
        self.plan_of.append(self._plan)
        plan = self.plans[self._plan]
        if row.error is not None or row.extra or plan.error is not None or plan.absent:
            # row-level faults, worded by the feeds layer (cell faults are checked per column)
            row_faults = [p for p in plan.build(row)[1] if not p.field] + list(plan.absent)
            if row_faults:
                self.problems[position] = row_faults
        values = row.values
        short = self._width + 1 - len(values)
        self._chunk.append(self._pick((*values, *((None,) * short)) if short > 1 else (*values, None)))
        if len(self._chunk) >= _CHUNK:
            self.flush()

    def _row_faults(self, start: int, numbers: Sequence[int], odd: Mapping[int, RawRow]) -> None:
        """Row-level faults of rows ``start`` on (``odd`` by index from ``start``), worded as add() words them."""
        plan = self.plans[self._plan]
        if plan.error is not None or plan.absent:  # every row is refused
            headers = plan.headers
            odd = {k: odd.get(k) or RawRow(int(n), headers, ()) for k, n in enumerate(numbers)}
        for k, row in odd.items():
            row_faults = [p for p in plan.build(row)[1] if not p.field] + list(plan.absent)
            if row_faults:
                self.problems[start + k] = row_faults

    def add_plain(self, plain: PlainCsv) -> None:
        """A plain CSV file's rows, its columns interned by :mod:`ctpse_core.feeds.plaincsv`."""
        self.flush()
        count = len(plain)
        if not count:
            return
        self._switch(plain.headers)
        start = len(self.numbers)
        self.numbers.frombytes(plain.numbers.astype(np.int64).tobytes())
        self.plan_of.extend(itertools.repeat(self._plan, count))
        self._row_faults(start, plain.numbers.tolist(), plain.odd)
        for slot, at in enumerate(self._where):  # a plain file is read on its own: the columns are empty
            keys, codes = plain.column(at)
            self.distinct[slot] = keys
            self.codes[slot] = array("q", codes.astype(np.int64).tobytes())

    def add_block(self, block: RowBlock) -> None:
        """A block of CSV rows, each as wide as its header: interned column by column."""
        self.flush()
        if block.headers is not self._headers:
            self._switch(block.headers)
        start = len(self.numbers)
        count = len(block.rows)
        self.numbers.extend(block.numbers)
        self.plan_of.extend(itertools.repeat(self._plan, count))
        self._row_faults(start, block.numbers, block.odd)
        if not count:
            return
        cells = list(zip(*block.rows, strict=True))
        blank: tuple[None, ...] | None = None
        for slot, at in enumerate(self._where):
            if at < len(cells):
                column: Sequence[Cell] = cells[at]
            else:  # no column for this field: every cell is blank
                column = blank = blank or (None,) * count
            intern = self.interns[slot]
            fresh = list(itertools.filterfalse(intern.__contains__, dict.fromkeys(column)))
            if fresh:
                intern.update(zip(fresh, itertools.count(len(intern))))
            found = map(intern.__getitem__, column)
            self.codes[slot].frombytes(np.fromiter(found, dtype=np.int64, count=count).tobytes())

    def flush(self) -> None:
        if not self._chunk:
            return
        count = len(self._chunk)
        for column, intern, codes in zip(zip(*self._chunk, strict=True), self.interns, self.codes, strict=True):
            found = map(intern.__getitem__, map(_key, column) if self.typed else column)
            codes.frombytes(np.fromiter(found, dtype=np.int64, count=count).tobytes())
        self._chunk.clear()

    def __len__(self) -> int:
        return len(self.numbers)

    def fault(self, positions: Iterable[int], make: Callable[[ColumnPlan], Problem | None], tag: Any = None) -> None:
        """Record the problem ``make`` words (with the row's own plan) on each row position."""
        for position in positions:
            plan_no = self.plan_of[position]
            cached = self._made.get((tag, plan_no), _UNSET)
            if cached is _UNSET:
                cached = self._made[(tag, plan_no)] = make(self.plans[plan_no])
            if isinstance(cached, Problem):
                self.problems.setdefault(position, []).append(cached)


_UNSET: Any = object()


def _worded(problem: Problem) -> Callable[[ColumnPlan], Problem | None]:
    """A converter problem, worded with the partner's column by a row's plan."""
    return lambda plan: plan.converter_problem(problem)


def _formula(path: str, cell: str) -> Callable[[ColumnPlan], Problem | None]:
    return lambda plan: formula_problem(plan.column_for(path) or path, cell)


def _too_long(path: str, cell: str, limit: int) -> Callable[[ColumnPlan], Problem | None]:
    return lambda plan: length_problem(plan.column_for(path) or path, path, cell, limit)


def _converter_path(path: str) -> str:
    return path.replace(".0.", "[0].")


def _is_blank(key: Any) -> bool:
    return key is None or (type(key) is str and not key.strip())


def _convert_column(
    columns: _Columns,
    slot: int,
    convert: Callable[[Any], Converted],
    report_missing: bool = True,
    bulk: Callable[[Sequence[str]], list[str | None]] | None = None,
) -> tuple[list[Any], I64, npt.NDArray[np.bool_]]:
    """(value per distinct cell, code per row, blank per distinct cell); faults go on the rows.

    ``bulk`` settles many cells at once (:mod:`ctpse_core.domain.bulk`), giving ``None`` for
    the cells it leaves to ``convert``."""
    path = columns.paths[slot]
    keys = columns.keys(slot)
    columns.interns[slot], columns.distinct[slot] = _Intern(), None  # converted: let the cells go
    codes = np.frombuffer(columns.codes[slot], dtype=np.int64) if keys else np.zeros(len(columns), np.int64)
    makers: dict[int, Callable[[ColumnPlan], Problem | None]] = {}
    if getattr(convert, "plain", False) and not columns.typed:
        # text cells: the value is the cell stripped; only blank and formula-like cells need more
        values: list[Any] = [None if key is None else key.strip() for key in keys]
        blank = np.fromiter((not v for v in values), dtype=bool, count=len(keys))
        todo = [k for k, key in enumerate(keys) if blank[k] or key[0] in FORMULA_SUSPECTS]
    else:
        values = [None] * len(keys)
        texts = keys if columns.typed else [key or "" for key in keys]
        if columns.typed:
            blank = np.fromiter(map(_is_blank, keys), dtype=bool, count=len(keys))
        else:
            blank = np.fromiter(map(operator.not_, map(str.strip, texts)), dtype=bool, count=len(keys))
        todo = range(len(keys))  # type: ignore[assignment]
        if bulk is not None and not columns.typed:
            # values in the identifier's usual form settled together; the rest (and every bad one) one by one
            settled = bulk(texts)
            values = settled
            todo = np.flatnonzero(np.fromiter(map(operator.not_, settled), dtype=bool, count=len(keys))).tolist()
    # a cell over the feed's length limit rejects its row, as load_records rejects it
    limit = columns.feed.limit_for(path)
    texts_only = keys if not columns.typed else [key for key in keys if type(key) is str]
    if max(map(len, filter(None, texts_only)), default=0) > limit:
        for k, key in enumerate(keys):
            if type(key) is str and length_problem("", path, key, limit) is not None:
                values[k] = None
                makers[k] = _too_long(path, key, limit)
    for k in todo:
        if k in makers:
            continue
        cell = _cell(keys[k])
        if type(cell) is str and formula_problem("", cell) is not None:
            values[k] = None
            makers[k] = _formula(path, cell)
            continue
        value, reason = convert(cell)
        values[k] = value
        if reason is not None and (report_missing or not blank[k]):
            makers[k] = _worded(Problem(field=_converter_path(path), reason=reason))
    if makers:
        bad = np.zeros(len(keys), dtype=bool)
        bad[list(makers)] = True
        for row in np.flatnonzero(bad[codes]).tolist():
            k = int(codes[row])
            columns.fault((row,), makers[k], (path, k))
    return values, codes, blank


def _read(
    path: Path, feed: FeedDefinition, fmt: str | None, options: ReadOptions, extras: Sequence[str] = ()
) -> _Columns:
    reader = format_for(path, fmt)
    columns = _Columns(feed, ("id", *FIELDS, *extras), typed=reader.name != "csv")
    if reader.read is read_csv and not _ROW_BY_ROW:
        if not path.is_file():
            raise FeedFileError(path, f"{path} does not exist or is not a file")
        plain = read_plain_csv(path, options) if not _NO_PLAIN else None
        if plain is not None:
            columns.add_plain(plain)
            return columns
        for block in read_csv_blocks(path, options):
            columns.add_block(block)
        return columns
    table = open_table(path, fmt, options)
    try:
        for row in table.rows:
            columns.add(row)
        columns.flush()
    finally:
        table.close()
    return columns


def read_table(
    feed_name: str,
    path: str | Path,
    columns: Mapping[str, str] | ListMapping | None = None,
    *,
    fmt: str | None = None,
    encoding: str | None = None,
) -> tuple[NominalTable, list[RejectedRow]]:
    """Read a nominal list file (any feed format) of feed ``feed_name`` into a table.

    ``columns`` replaces the feed's mapping: ``header = field`` lines, or a
    :class:`~ctpse_core.reconcile.listmap.ListMapping` (from
    :func:`~ctpse_core.reconcile.listmap.list_mapping`) with each column's date format and
    kind and the list's own columns, which the table carries under their names. A record
    with a blank forename or surname is kept (reconciled on its other evidence and reported
    as incomplete); a date of birth that is only a year goes to the ``birth_year`` column.
    Other bad rows come back as rejected rows, each problem naming file, row and the
    partner's column, as :func:`ctpse_core.feeds.load_records` would reject them (formula
    cells, bad values, missing required fields, a record ID used twice). A file that cannot
    be read, or holds no rows, raises :class:`~ctpse_core.feeds.formats.FeedFileError`; a
    date column declared ``auto`` that mixes day-first and month-first values raises an
    :class:`~ctpse_core.errors.InputError` naming a row of each.
    """
    from ctpse_core.feeds import feeds

    feed = feeds().get(feed_name)
    spec = columns if isinstance(columns, ListMapping) else None
    if isinstance(columns, ListMapping):
        feed = feed.with_columns(columns.columns)
    elif columns is not None:
        feed = feed.with_columns(columns)
    extras = spec.extras if spec is not None else ()
    path = Path(path)
    cols = _read(path, feed, fmt, ReadOptions(encoding=encoding), extras)
    count = len(cols)
    if not count:
        raise FeedFileError(path, f"{path.name} has no rows to reconcile (it is empty or has only a header)")
    values: dict[str, list[Any]] = {}
    codes: dict[str, I64] = {}
    blanks: dict[str, npt.NDArray[np.bool_]] = {}
    formats: dict[str, str] = {}
    blanked: dict[int, list[str]] = {}
    written: dict[str, dict[Any, str]] = {}
    date_style: dict[str, str] = {}
    for slot, field in enumerate(cols.paths):
        declared = spec.date_formats.get(field) if spec is not None else None
        if declared is not None:
            formats[field] = _resolve_format(cols, slot, declared, path)
            convert = _date_converter(field, formats[field])
        elif field == "id":
            convert = _converter_for("id", prefix=feed.id_prefix)
        elif field in extras:
            convert = _text_converter
        else:
            convert = _converter_for(field, feed.defaults.get(field, attrs.NOTHING))
        if spec is not None and field in spec.blank_invalid:
            convert = _lenient(convert)
        keep_going = field.startswith(_ADDRESS) or field in NAME_FIELDS
        keys = cols.keys(slot)
        bulk = BULK.get(field) if field not in formats and not (field == "id" and feed.id_prefix) else None
        values[field], codes[field], blanks[field] = _convert_column(cols, slot, convert, not keep_going, bulk)
        if field in _SCALAR_FIELDS:
            written[field], style = _vocabulary(keys, values[field], codes[field])
            if style is not None:
                date_style[field] = style
        lenient = spec is not None and field in spec.blank_invalid
        bad = [k for k, v in enumerate(values[field]) if v is _BAD] if lenient else []
        if bad:
            for row in np.flatnonzero(np.isin(codes[field], bad)).tolist():
                blanked.setdefault(row, []).append(field)
            values[field] = [None if v is _BAD else v for v in values[field]]
    years = [v.year if isinstance(v, PartialDate) else None for v in values["date_of_birth"]]
    if any(y is not None for y in years):
        values["date_of_birth"] = [None if isinstance(v, PartialDate) else v for v in values["date_of_birth"]]
        values[BIRTH_YEAR], codes[BIRTH_YEAR] = years, codes["date_of_birth"]
    _check_addresses(cols, feed, values, codes, blanks, count)
    _check_duplicate_ids(cols, feed, values["id"], codes)
    refused = np.zeros(count, dtype=bool)
    refused[list(cols.problems)] = True
    keep = np.flatnonzero(~refused)
    numbers = np.frombuffer(cols.numbers, dtype=np.int64)
    rejected_at = {int(numbers[k]): problems for k, problems in cols.problems.items()}
    where = path.name
    rejected = [
        RejectedRow(
            file=where,
            row=number,
            raw=raw,
            problems=tuple(p.located(f"{where}:{number}") for p in rejected_at[number]),
        )
        for number, raw in _raw_rows(path, fmt, ReadOptions(encoding=encoding), rejected_at)
    ]
    first = cols.plans[0]
    every_id = values.pop("id")
    kept = set(keep.tolist())
    table_ids = {k: every_id[int(codes["id"][k])] for k in blanked}
    table = NominalTable(
        source=feed_name,
        ids=_take(every_id, codes["id"], keep),
        columns={f: _take(v, codes[f], keep) for f, v in values.items()},
        marking=feed.marking,
        headers={p: h for p, h in first.field_headers.items() if h not in first.missing},
        unused_columns=first.ignored,
        missing_columns=first.missing,
        extras=tuple(extras),
        kinds=dict(spec.kinds) if spec is not None else {},
        date_formats=formats,
        invalid={table_ids[k]: tuple(f) for k, f in blanked.items() if k in kept},
        written=written,
        date_style=date_style,
    )
    return table, rejected


def _resolve_format(cols: _Columns, slot: int, declared: str, path: Path) -> str:
    """The column's date format; ``auto`` decided from its distinct values, a column that mixes
    day-first and month-first values refused naming a row of each."""
    if declared != "auto":
        return declared
    from ctpse_core.errors import InputError

    keys = cols.keys(slot)
    fmt, day_first, month_first = column_date_format(_cell(k) for k in keys)
    if fmt != "mixed":
        return fmt
    codes = np.frombuffer(cols.codes[slot], dtype=np.int64)
    index = {str(_cell(k)).strip(): n for n, k in enumerate(keys)}

    def row_of(text: str | None) -> int:
        return int(cols.numbers[int(np.flatnonzero(codes == index[str(text)])[0])])

    header = cols.plans[0].column_for(cols.paths[slot]) or cols.paths[slot]
    reason = (
        f"{path.name}: column {header!r} has dates that fit only day-first (row {row_of(day_first)}: "
        f"{day_first}) and dates that fit only month-first (row {row_of(month_first)}: {month_first}); "
        "fix the rows or declare the column's date_format"
    )
    raise InputError([Problem(field="", reason=reason)], reason)


#: Date formats a list's own dates are recognised in (for writing corrections back to it).
_STYLES = ("%d-%b-%Y", "%d/%m/%Y", "%Y-%m-%d", "%m/%d/%Y", "%Y%m%d", "%d %b %Y", "%d %B %Y", "%d.%m.%Y")


def _vocabulary(keys: list[Any], values: list[Any], codes: I64) -> tuple[dict[Any, str], str | None]:
    """Each value as the list most often writes it, and the strftime format of its dates."""
    import datetime as dt

    counts = np.bincount(codes, minlength=len(keys)) if len(codes) else np.zeros(len(keys), np.int64)
    best: dict[Any, tuple[int, str]] = {}
    styles: dict[str, int] = {}
    for k, (key, value) in enumerate(zip(keys, values, strict=True)):
        if value is None or isinstance(value, tuple | list) or value is _BAD:
            continue
        raw = str(_cell(key)).strip()
        count = int(counts[k])
        if raw and count > best.get(value, (0, ""))[0]:
            best[value] = (count, raw)
        if isinstance(value, dt.date) and type(_cell(key)) is str:
            for candidate in _STYLES:
                if value.strftime(candidate).lower() == raw.lower():
                    styles[candidate] = styles.get(candidate, 0) + count
                    break
    chosen = max(styles, key=lambda k: styles[k]) if styles else None
    return {v: raw for v, (_n, raw) in best.items()}, chosen


def _take(distinct: list[Any], codes: I64, keep: I64) -> list[Any]:
    """Each kept row's value (one object per distinct value, shared by its rows)."""
    values = np.fromiter(distinct, dtype=object, count=len(distinct))  # tuples stay single objects
    picked: list[Any] = values[codes if len(keep) == len(codes) else codes[keep]].tolist()
    return picked


def _check_addresses(
    cols: _Columns,
    feed: FeedDefinition,
    values: dict[str, list[Any]],
    codes: dict[str, I64],
    blanks: dict[str, npt.NDArray[np.bool_]],
    count: int,
) -> None:
    """An address is there when any of its cells is; then its required line must be too."""
    fields = [f for f in values if f.startswith(_ADDRESS)]
    present = np.zeros(count, dtype=bool)
    for field in fields:
        present |= ~blanks[field][codes[field]]
    for field in fields:
        default = feed.defaults.get(field, attrs.NOTHING)
        empty = present & blanks[field][codes[field]]
        if default is not attrs.NOTHING:  # a default fills a blank cell of an address that is there
            filled, _reason = _converter_for(field)(default)
            values[field].append(filled)
            codes[field] = np.where(empty, len(values[field]) - 1, codes[field])
            continue
        _typ, _f, required = _field_info(field)
        if required and empty.any():
            problem = Problem(field=_converter_path(field), reason="is required but missing")
            cols.fault(np.flatnonzero(empty).tolist(), _worded(problem), (field, "required"))


def _check_duplicate_ids(cols: _Columns, feed: FeedDefinition, ids: list[Any], codes: dict[str, I64]) -> None:
    """A second usable row with an ID already seen is rejected, as the feed loader does."""
    id_codes = codes["id"]
    usable = np.ones(len(cols), dtype=bool)
    usable[list(cols.problems)] = False
    # each distinct value's first cell stands for it (cells that differ only in spaces are one ID)
    first_of = dict(zip(reversed(ids), range(len(ids) - 1, -1, -1), strict=True))
    by_value = np.fromiter(map(first_of.__getitem__, ids), dtype=np.int64, count=len(ids))
    as_value = by_value[id_codes] if ids else id_codes
    rows = np.flatnonzero(usable)
    _u, first_at = np.unique(as_value[rows], return_index=True)
    if len(first_at) == len(rows):
        return
    first_row = dict(zip(as_value[rows[first_at]].tolist(), rows[first_at].tolist(), strict=True))
    others = np.setdiff1d(rows, rows[first_at], assume_unique=True)
    cells = np.stack([c for f, c in codes.items() if f != "id"] + [id_codes], axis=1)
    for k in others.tolist():
        first = first_row[int(as_value[k])]
        number = cols.numbers[first]
        if np.array_equal(cells[k], cells[first]):
            reason = f"duplicate of row {number} (the same values again)"
        else:
            reason = (
                f"duplicate of row {number}: record ID {ids[id_codes[k]]!r} is used twice in this file "
                "with different values; keep one row"
            )
        header = cols.plans[cols.plan_of[k]].column_for(feed.id_field) or feed.id_field
        cols.problems.setdefault(k, []).append(Problem(field=header, reason=reason))


def _raw_rows(
    path: Path, fmt: str | None, options: ReadOptions, wanted: Mapping[int, object]
) -> Iterator[tuple[int, dict[str, str]]]:
    """The raw cells of the rejected rows (read again: they are few, the file may be large)."""
    if not wanted:
        return
    table = open_table(path, fmt, options)
    try:
        for row in table.rows:
            if row.number in wanted:
                yield row.number, raw_cells(row)
    finally:
        table.close()
