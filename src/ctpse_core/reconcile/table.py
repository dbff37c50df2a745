"""Nominal lists as columns: built from records, from stored lists, or straight from a file.

Every value goes through the one converter (:mod:`ctpse_core.convert`), so a column read
from a file holds exactly what :func:`ctpse_core.feeds.load_records` would have put in the
record. The file path is the fast one: each distinct cell text of a column is converted
once (partner lists repeat the same dates, statuses and names thousands of times), and no
record objects are built.
"""

from __future__ import annotations

import csv
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import attrs

from ctpse_core.convert import converter, problems_from
from ctpse_core.domain.marking import Marking, highest
from ctpse_core.domain.nominal import Nominal
from ctpse_core.errors import Problem
from ctpse_core.feeds.load import RejectedRow

__all__ = ["FIELDS", "NominalTable", "read_table", "table_from_nominals"]

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


@attrs.define
class NominalTable:
    """One list: record IDs in order and a column (list of values, ``None`` when blank) per field."""

    source: str
    ids: list[str]
    columns: dict[str, list[Any]]
    marking: Marking = attrs.Factory(Marking)
    #: The partner's header for each field path (to write corrections in its own format).
    headers: dict[str, str] = attrs.Factory(dict)

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
    return NominalTable(
        source=source,
        ids=[r.id for r in items],
        columns={path: [_get(r, path) for r in items] for path in fields},
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


def _converter_for(path: str) -> Callable[[str], tuple[Any, str | None]]:
    typ, field, required = _field_info(path)
    cache_: dict[str, tuple[Any, str | None]] = {}
    inner = typ
    args = typing.get_args(typ)
    if type(None) in args and len(args) == 2:  # blanks are handled here: use the inner type's hook
        inner = next(a for a in args if a is not type(None))
    hook = converter.get_structure_hook(inner)  # the converter's own hook, looked up once

    def structure(value: str, cls: Any) -> Any:
        return hook(value, inner)

    def convert(text: str) -> tuple[Any, str | None]:
        found = cache_.get(text)
        if found is not None:
            return found
        value: Any = None
        reason: str | None = None
        stripped = text.strip()
        if not stripped:
            reason = "is required but missing" if required else None
            value = field.default if isinstance(field.default, tuple) else None
        else:
            try:
                value = structure(stripped, typ)
                if field.validator is not None:
                    field.validator(None, field, value)
            except Exception as exc:
                problems = problems_from(exc)
                reason = problems[0].reason if problems else str(exc)
                value = None
        if isinstance(value, tuple) and not value:
            value = ()
        result = (value, reason)
        cache_[text] = result
        return result

    return convert


def read_table(
    feed_name: str, path: str | Path, columns: Mapping[str, str] | None = None
) -> tuple[NominalTable, list[RejectedRow]]:
    """Read a nominal list file of feed ``feed_name`` into a table; bad rows are rejected rows.

    The values are those :func:`ctpse_core.feeds.load_records` gives (same converter).
    """
    from ctpse_core.domain.common import valid_id
    from ctpse_core.feeds import feeds

    feed = feeds().get(feed_name)
    if columns is not None:
        feed = feed.with_columns(columns)
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None) or []
        raw_rows = [
            (n, row) for n, row in enumerate(reader, start=2) if any(c.strip() for c in row)
        ]
    mapped: dict[str, int] = {}
    headers: dict[str, str] = {}
    for index, name in enumerate(header):
        field = feed.field_for(name)
        if field is not None:
            mapped[field] = index
            headers[field] = name
    id_index = mapped.get(feed.id_field)
    width = len(header)
    problems_by_row: dict[int, list[Problem]] = {}
    where = path.name

    def fault(row_number: int, field: str, reason: str) -> None:
        problems_by_row.setdefault(row_number, []).append(
            Problem(field=field, reason=reason).located(f"{where}:{row_number}")
        )

    numbers = [n for n, _row in raw_rows]
    for number, row in raw_rows:
        if len(row) > width:
            fault(number, "", "row has more cells than the header")
    # columns of cell text (short rows padded), each distinct text converted once; the row
    # lists are released as soon as the columns exist, and each column once converted
    padded = [row if len(row) >= width else row + [""] * (width - len(row)) for _n, row in raw_rows]
    raw_rows.clear()
    cells: list[tuple[str, ...] | None] = list(zip(*padded, strict=False)) if padded else []
    del padded
    count = len(numbers)
    id_cells = cells[id_index] if id_index is not None and cells else None
    ids = [c.strip() for c in id_cells] if id_cells is not None else [""] * count
    for number, text in zip(numbers, ids, strict=True):
        if not text:
            fault(number, feed.id_field, "is required but missing")
            continue
        try:
            valid_id(None, None, text)  # type: ignore[arg-type]
        except ValueError as exc:
            fault(number, feed.id_field, str(exc))
    cols: dict[str, list[Any]] = {}
    nested_present: dict[str, list[bool]] = {}
    for field in FIELDS:
        found_index = mapped.get(field)
        if found_index is None:
            _typ, _f, required = _field_info(field)
            if required and not field.startswith("addresses."):
                for number in numbers:
                    fault(number, field, "is required but missing")
            cols[field] = [None] * count
            continue
        convert = _converter_for(field)
        texts = cells[found_index] or () if cells else ()
        converted = {text: convert(text) for text in set(texts)}
        values: list[Any] = [converted[text][0] for text in texts]
        bad = {t for t, (_v, reason) in converted.items() if reason is not None}
        if bad and not (field.startswith("addresses.") and all(
                "required" in str(converted[t][1]) for t in bad)):
            for number, text in zip(numbers, texts, strict=True):
                if text in bad:
                    fault(number, field, str(converted[text][1]))
        cols[field] = values
        if cells:
            cells[found_index] = None  # converted: let the text go
        if field.startswith("addresses."):
            prefix = field.rsplit(".", 1)[0]
            flags = nested_present.setdefault(prefix, [False] * count)
            for k, v in enumerate(values):
                if v is not None:
                    flags[k] = True
    for prefix, flags in nested_present.items():  # a partial address needs its required line
        line = cols.get(f"{prefix}.line1", [None] * count)
        for k, present in enumerate(flags):
            if present and line[k] is None:
                fault(numbers[k], f"{prefix}.line1", "is required but missing")
    cells.clear()
    keep = [k for k, number in enumerate(numbers) if number not in problems_by_row]
    rejected = [
        RejectedRow(file=where, row=number, raw=raw, problems=tuple(problems_by_row[number]))
        for number, raw in _raw_rows(path, header, problems_by_row)
    ]
    table = NominalTable(
        source=feed_name,
        ids=[ids[k] for k in keep],
        columns={f: [v[k] for k in keep] for f, v in cols.items()},
        marking=feed.marking,
        headers=headers,
    )
    return table, rejected


def _raw_rows(
    path: Path, header: list[str], wanted: Mapping[int, object]
) -> list[tuple[int, dict[str, str]]]:
    """The raw cells of the rejected rows (read again: they are few, the file may be large)."""
    if not wanted:
        return []
    found: list[tuple[int, dict[str, str]]] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        for number, row in enumerate(reader, start=2):
            if number in wanted:
                found.append((number, dict(zip(header, row, strict=False))))
    return found
