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

from ctpse_core.errors import ConfigError, Problem
from ctpse_core.feeds.definition import FeedDefinition, header_key
from ctpse_core.feeds.formats import Cell, RawRow, cell_text

__all__ = [
    "REASONS_COLUMN",
    "ColumnPlan",
    "check_path",
    "compile_plan",
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


@attrs.frozen
class _Slot:
    index: int
    header: str
    path: Path_


@attrs.frozen(kw_only=True)
class ColumnPlan:
    """The mapping of one header row: build a record's data from each row's cells."""

    feed: FeedDefinition
    headers: tuple[str, ...]
    flat: tuple[tuple[int, str, str], ...]
    nested: tuple[_Slot, ...]
    ignored: tuple[str, ...]
    missing: tuple[str, ...]
    field_headers: Mapping[str, str]
    defaults: tuple[tuple[Path_, Any], ...]
    error: str | None = None

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
        for index, header, key in self.flat:
            if index >= count:
                continue
            value = _clean(values[index], header, problems)
            if value is not None:
                data[key] = value
        if self.nested:
            tree: dict[Any, Any] = {}
            for slot in self.nested:
                if slot.index >= count:
                    continue
                value = _clean(values[slot.index], slot.header, problems)
                if value is not None:
                    _put(tree, slot.path, value)
            for path, value in self.defaults:
                if len(path) > 1:
                    _default(tree, path, value)
            for key, node in tree.items():
                data[key] = _lists(node)
        for path, value in self.defaults:
            if len(path) == 1 and path[0] not in data:
                data[path[0]] = value  # type: ignore[index]
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
                f"column is missing from the file (needed for {problem.field})"
                if header in self.missing
                else f"is blank but required ({problem.field})"
            )
        elif problem.field != header:
            reason = f"{reason} ({problem.field})"
        return attrs.evolve(problem, field=header, reason=reason)


def _clean(value: Cell, header: str, problems: list[Problem]) -> Cell:
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        first = value[0]
        if (first in _FORMULA_START and is_formula(value)) or (first == "'" and is_formula(value[1:])):
            shown = value if len(value) <= 40 else value[:37] + "..."
            problems.append(
                Problem(field=header, reason=f"{shown!r} looks like a spreadsheet formula; formulas are not accepted")
            )
            return None
        return text
    return value


def _put(tree: dict[Any, Any], path: Path_, value: Any) -> None:
    node = tree
    for part in path[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[path[-1]] = value


def _default(tree: dict[Any, Any], path: Path_, value: Any) -> None:
    """Set a nested default only inside an item the row has data for."""
    node: Any = tree
    for part in path[:-1]:
        if not isinstance(node, dict) or part not in node:
            return
        node = node[part]
    if isinstance(node, dict) and path[-1] not in node:
        node[path[-1]] = value


def _lists(node: Any) -> Any:
    """Turn dicts keyed by list positions into lists, in position order."""
    if not isinstance(node, dict):
        return node
    if node and all(isinstance(k, int) for k in node):
        return [_lists(node[k]) for k in sorted(node)]
    return {k: _lists(v) for k, v in node.items()}


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
    flat: list[tuple[int, str, str]] = []
    nested: list[_Slot] = []
    ignored: list[str] = []
    seen: dict[str, str] = {}
    field_headers: dict[str, str] = {}
    error: str | None = None
    for index, header in enumerate(headers):
        key = header_key(header)
        path = by_key.get(key)
        if path is None:
            if header.strip() and key != REASONS_COLUMN:
                ignored.append(header)
            continue
        if path in seen:
            error = f"columns {seen[path]!r} and {header!r} both give {path}; remove one"
            continue
        seen[path] = header
        field_headers[path] = header
        parts = parse_path(path)
        if len(parts) == 1:
            flat.append((index, header, path))
        else:
            nested.append(_Slot(index, header, parts))
    for path, header in expected.items():
        field_headers.setdefault(path, header)
    missing = tuple(header for path, header in expected.items() if path not in seen)
    return ColumnPlan(
        feed=feed,
        headers=headers,
        flat=tuple(flat),
        nested=tuple(nested),
        ignored=tuple(ignored),
        missing=missing,
        field_headers=field_headers,
        defaults=tuple((parse_path(p), v) for p, v in feed.defaults.items()),
        error=error,
    )
