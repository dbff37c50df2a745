"""Column plans: a feed's mapping compiled once per header row, then applied to every row.

A :class:`ColumnPlan` knows, for one header row, which cell goes to which field path and
which partner header names each field, so that every problem is reported against the
column the coordinator sees (``DOB``), not only the field path (``date_of_birth``).
Blank cells are left out (the record's default applies); formula-like cells are refused.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import attrs

from ctpse_core.domain.common import required_columns
from ctpse_core.errors import ConfigError, Problem
from ctpse_core.feeds.definition import FeedDefinition, header_key
from ctpse_core.feeds.formats import Cell, RawRow, cell_text

__all__ = [
    "FORMULA_SUSPECTS",
    "REASONS_COLUMN",
    "ColumnPlan",
    "check_path",
    "compile_plan",
    "formula_problem",
    "is_formula",
    "parse_path",
    "raw_cells",
]

#: The column a rejects file adds; ignored when that file is imported again.
REASONS_COLUMN = "reasons"
_FORMULA_START = frozenset("=+-@\t\r")
# A leading + or - is harmless in a number or phone number: "+44 7700 900123", "-1.5", "-".
_SIGNED_NUMBER = re.compile(r"^[+-][\d\s().\-]*$")
_INDEX = re.compile(r"\[(\d+)\]")

Path_ = tuple[str | int, ...]


def is_formula(text: str) -> bool:
    """True when a spreadsheet would run ``text`` as a formula (CSV injection).

    Cells starting ``=``, ``@``, a tab or carriage return are formulas; cells starting
    ``+`` or ``-`` are too unless they are a plain signed number or phone number.
    """
    if not text or text[0] not in _FORMULA_START:
        return False
    if text[0] in "+-":
        return not _SIGNED_NUMBER.match(text)
    return True


def parse_path(path: str) -> Path_:
    """``"addresses.0.postcode"`` -> ``("addresses", 0, "postcode")``."""
    return tuple(int(p) if p.isdigit() else p for p in path.split("."))


def _unwrap(tp: Any) -> Any:
    args = typing.get_args(tp)
    if args and type(None) in args and len(args) == 2:
        return next(a for a in args if a is not type(None))
    return tp


@cache
def _hints(cls: type[Any]) -> dict[str, Any]:
    attrs.resolve_types(cls)
    return {f.name: f.type for f in attrs.fields(cls)}


def check_path(record_type: type[Any], path: str) -> None:
    """Raise :class:`ConfigError` unless ``path`` names a field (or list item) of the record."""
    tp: Any = record_type
    for part in parse_path(path):
        tp = _unwrap(tp)
        origin = typing.get_origin(tp)
        if isinstance(part, int):
            if origin not in (tuple, frozenset):
                raise ConfigError(f"field path {path!r}: {part} indexes something that is not a list")
            tp = typing.get_args(tp)[0]
        elif origin in (tuple, frozenset):
            raise ConfigError(f"field path {path!r}: {part!r} follows a list; give an item number (e.g. 0) first")
        elif isinstance(tp, type) and attrs.has(tp):
            hints = _hints(tp)
            if part not in hints:
                known = ", ".join(sorted(hints))
                raise ConfigError(f"field path {path!r}: {tp.__name__} has no field {part!r} (fields: {known})")
            tp = hints[part]
        else:
            raise ConfigError(f"field path {path!r}: {part!r} is inside a value that has no fields")


@attrs.frozen(kw_only=True)
class ColumnPlan:
    """The mapping of one header row: build a record's data from each row's cells."""

    feed: FeedDefinition
    headers: tuple[str, ...]
    #: (cell index, partner header, field, most characters) of each top-level field.
    flat: tuple[tuple[int, str, str, int], ...]
    nested: tuple[tuple[str, _Node], ...]
    ignored: tuple[str, ...]
    missing: tuple[str, ...]
    field_headers: Mapping[str, str]
    #: Defaults of top-level fields (nested ones live in their node).
    defaults: tuple[tuple[str, Any], ...]
    error: str | None = None
    #: One problem per field the record type needs a column for (its cells may be blank)
    #: that this header row lacks: every row of the file is refused with it (added by the
    #: row's reader beside the row's own problems; ``build`` leaves it out).
    absent: tuple[Problem, ...] = ()

    def column_for(self, field: str) -> str | None:
        """The partner header behind a converter field path (``addresses[0].postcode``)."""
        key = _INDEX.sub(r".\1", field).strip(".")
        while key:
            header = self.field_headers.get(key)
            if header is not None:
                return header
            key = key.rpartition(".")[0]
        return None

    def build(self, row: RawRow) -> tuple[dict[str, Any], list[Problem]]:
        """The row's data for the converter, and its problems (formulas, extra cells)."""
        problems: list[Problem] = []
        if row.error is not None:
            problems.append(Problem(field="", reason=f"row {row.error}"))
        if self.error is not None:
            problems.append(Problem(field="", reason=self.error))
        if row.extra and any(cell_text(c).strip() for c in row.extra):
            problems.append(
                Problem(
                    field="",
                    reason=f"row has {len(row.values) + len(row.extra)} cells but the header has "
                    f"{len(self.headers)} columns",
                )
            )
        values = row.values
        count = len(values)
        data: dict[str, Any] = {}
        for index, header, key, limit in self.flat:
            if index >= count:
                continue
            value = values[index]
            if value is None:
                continue
            if type(value) is str:
                text = value.strip()
                if not text:
                    continue
                first = value[0]
                if first in _SUSPECT and _formula(value):
                    problems.append(_formula_problem(header, value))
                    continue
                if len(text) > limit:
                    problems.append(_length_problem(header, key, text, limit))
                    continue
                data[key] = text
            else:
                data[key] = value
        for key, node in self.nested:
            filled = node.fill(values, count, problems)
            if filled is not None:
                data[key] = filled
        for key, value in self.defaults:
            if key not in data:
                data[key] = value
        return data, problems

    def converter_problem(self, problem: Problem) -> Problem:
        """Name the partner's column in a problem the converter reported by field path."""
        if not problem.field:
            return problem
        header = self.column_for(problem.field)
        if header is None:
            return attrs.evolve(problem, reason=f"{problem.reason} (no column in this feed maps to it)")
        reason = problem.reason
        if reason == "is required but missing":
            reason = (
                f"column is missing (needed for {problem.field})"
                if header in self.missing
                else f"is blank but required ({problem.field})"
            )
        elif problem.field != header:
            reason = f"{reason} ({problem.field})"
        return attrs.evolve(problem, field=header, reason=reason)


_SUSPECT = _FORMULA_START | {"'"}
#: First characters of a cell that may be a formula (:func:`formula_problem` decides); a cell
#: starting otherwise never is.
FORMULA_SUSPECTS = frozenset(_SUSPECT)


def _formula(value: str) -> bool:
    """A formula, or a formula a rejects file escaped with a leading apostrophe."""
    return is_formula(value) or (value[0] == "'" and is_formula(value[1:]))


def formula_problem(header: str, value: str) -> Problem | None:
    """The problem with a cell that a spreadsheet would run as a formula, or ``None``.

    For readers that check each distinct cell text once rather than each row.
    """
    if value and value[0] in _SUSPECT and _formula(value):
        return _formula_problem(header, value)
    return None


def length_problem(header: str, field: str, text: str, limit: int) -> Problem | None:
    """The problem with a cell longer than ``limit`` characters (stripped), or ``None``.

    For readers that check each distinct cell text once rather than each row."""
    if len(text) > limit and len(stripped := text.strip()) > limit:
        return _length_problem(header, field, stripped, limit)
    return None


def _length_problem(header: str, field: str, text: str, limit: int) -> Problem:
    return Problem(
        field=header,
        reason=f"is {len(text):,} characters long, more than the {limit:,} allowed for {field} "
        "(a mapping file's max_length or [max_lengths] sets the limit)",
    )


def _formula_problem(header: str, value: str) -> Problem:
    shown = value if len(value) <= 40 else value[:37] + "..."
    return Problem(field=header, reason=f"{shown!r} looks like a spreadsheet formula; formulas are not accepted")


class _Node:
    """A compiled nested field: a record (``location``) or a list (``addresses``, ``numbers``)
    whose leaves are columns. ``fill`` gives ``None`` when every cell under it is blank, so
    a blank address is no address rather than an address with blank fields."""

    __slots__ = ("children", "defaults", "is_list", "leaves")

    def __init__(self) -> None:
        #: (key, cell index, partner header, field path, most characters) of each leaf.
        self.leaves: list[tuple[str | int, int, str, str, int]] = []
        self.children: dict[str | int, _Node] = {}
        self.defaults: dict[str | int, Any] = {}
        self.is_list = False

    def child(self, key: str | int) -> _Node:
        node = self.children.get(key)
        if node is None:
            node = self.children[key] = _Node()
        return node

    def fill(self, values: Sequence[Cell], count: int, problems: list[Problem]) -> Any:
        out: dict[str | int, Any] = {}
        for key, index, header, path, limit in self.leaves:
            if index >= count:
                continue
            value = values[index]
            if value is None:
                continue
            if type(value) is str:
                text = value.strip()
                if not text:
                    continue
                if value[0] in _SUSPECT and _formula(value):
                    problems.append(_formula_problem(header, value))
                    continue
                if len(text) > limit:
                    problems.append(_length_problem(header, path, text, limit))
                    continue
                value = text
            out[key] = value
        for key, node in self.children.items():
            filled = node.fill(values, count, problems)
            if filled is not None:
                out[key] = filled
        if not out:
            return None
        for key, value in self.defaults.items():
            out.setdefault(key, value)
        if self.is_list:
            return [out[k] for k in sorted(out, key=int)]
        return out


def _tree(slots: Sequence[tuple[int, str, str, int]], defaults: Mapping[str, Any]) -> dict[str, _Node]:
    roots: dict[str, _Node] = {}
    for index, header, field_path, limit in slots:
        path = parse_path(field_path)
        node = roots.setdefault(str(path[0]), _Node())
        for part in path[1:-1]:
            node.is_list = isinstance(part, int)
            node = node.child(part)
        node.is_list = isinstance(path[-1], int)
        node.leaves.append((path[-1], index, header, field_path, limit))
    for text, value in defaults.items():
        path = parse_path(text)
        if len(path) < 2 or str(path[0]) not in roots:
            continue
        node = roots[str(path[0])]
        for part in path[1:-1]:
            node = node.child(part)
        node.defaults[path[-1]] = value
    return roots


def raw_cells(row: RawRow) -> dict[str, str]:
    """A row's cells as text by header (extra cells as ``(extra N)``), for rejects."""
    raw: dict[str, str] = {}
    for index, header in enumerate(row.headers):
        name = header if header not in raw else f"{header} ({index + 1})"
        raw[name] = cell_text(row.values[index]) if index < len(row.values) else ""
    for offset, value in enumerate(row.extra, start=1):
        raw[f"(extra {offset})"] = cell_text(value)
    return raw


def compile_plan(feed: FeedDefinition, headers: Sequence[str]) -> ColumnPlan:
    """Compile the feed's mapping against one header row."""
    headers = tuple(headers)
    by_key = {header_key(h): p for h, p in feed.columns.items()}
    expected: dict[str, str] = {}
    for header, path in feed.columns.items():
        expected.setdefault(path, header)
    flat: list[tuple[int, str, str, int]] = []
    nested: list[tuple[int, str, str, int]] = []
    ignored: list[str] = []
    seen: dict[str, str] = {}
    field_headers: dict[str, str] = {}
    error: str | None = None
    for index, header in enumerate(headers):
        key = header_key(header)
        field_path = by_key.get(key)
        if field_path is None:
            if header.strip() and key != REASONS_COLUMN:
                ignored.append(header)
            continue
        if field_path in seen:
            error = f"columns {seen[field_path]!r} and {header!r} both give {field_path}; remove one"
            continue
        seen[field_path] = header
        field_headers[field_path] = header
        slot = (index, header, field_path, feed.limit_for(field_path))
        if "." in field_path:
            nested.append(slot)
        else:
            flat.append(slot)
    for path, header in expected.items():
        field_headers.setdefault(path, header)
    missing = tuple(header for path, header in expected.items() if path not in seen)
    absent = tuple(
        Problem(field=expected[path], reason=f"column is missing (needed for {path})")
        if path in expected
        else Problem(field=path, reason="no column in this feed maps to it (a blank cell is allowed, no column is not)")
        for path in required_columns(feed.record_type)
        if path not in seen and path not in feed.defaults
    )
    return ColumnPlan(
        feed=feed,
        headers=headers,
        flat=tuple(flat),
        nested=tuple(_tree(nested, feed.defaults).items()),
        ignored=tuple(ignored),
        missing=missing,
        field_headers=field_headers,
        defaults=tuple((p, v) for p, v in feed.defaults.items() if "." not in p),
        error=error,
        absent=absent,
    )
