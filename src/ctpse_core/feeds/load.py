"""Rows -> records through the one converter; every row is a record or a rejected row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from ctpse_core.convert import structure
from ctpse_core.domain.common import Provenance, Record, utcnow
from ctpse_core.domain.marking import Marking
from ctpse_core.errors import InputError, Problem
from ctpse_core.feeds.definition import FeedDefinition, feeds
from ctpse_core.feeds.formats import Cell, RawRow, ReadOptions, open_table
from ctpse_core.feeds.plan import ColumnPlan, compile_plan, raw_cells

__all__ = ["LoadResult", "RejectedRow", "RowConverter", "load_records", "row_to_data", "rows_to_records"]


@attrs.frozen
class RejectedRow:
    """A row that could not be used: where it was, what it said, and every reason.

    Each problem's ``field`` is the partner's column header where one is to blame.
    """

    file: str
    row: int
    raw: Mapping[str, str]
    problems: tuple[Problem, ...]

    @property
    def reasons(self) -> list[str]:
        """One line per problem, without the location (``DOB: '31/02/1990' is not a valid date``)."""
        return [f"{p.field}: {p.reason}" if p.field else p.reason for p in self.problems]


@attrs.frozen
class LoadResult:
    records: list[Record]
    rejected: list[RejectedRow]

    @property
    def rows(self) -> int:
        return len(self.records) + len(self.rejected)


class RowConverter:
    """Turns one file's raw rows into records or rejected rows.

    The column plan is compiled once per header row; each record carries provenance
    (feed, file, hash, row, received at) and the feed's marking (or ``marking``).
    A second row with a record ID already seen in this file is rejected as a
    duplicate of the first, never merged.
    """

    def __init__(
        self,
        feed: FeedDefinition,
        file: str,
        file_hash: str | None = None,
        *,
        received_at: dt.datetime | None = None,
        marking: Marking | None = None,
    ) -> None:
        self.feed = feed
        self.file = file
        self.file_hash = file_hash
        self.received_at = received_at or utcnow()
        self.marking = marking or feed.marking
        self.plans: dict[tuple[str, ...], ColumnPlan] = {}
        self._last: tuple[tuple[str, ...], ColumnPlan] | None = None
        self.seen: dict[str, tuple[int, int]] = {}

    def plan(self, headers: tuple[str, ...]) -> ColumnPlan:
        last = self._last
        if last is not None and last[0] is headers:
            return last[1]
        found = self.plans.get(headers)
        if found is None:
            found = self.plans[headers] = compile_plan(self.feed, headers)
        self._last = (headers, found)
        return found

    def convert(self, row: RawRow) -> Record | RejectedRow:
        plan = self.plan(row.headers)
        where = f"{self.file}:{row.number}"
        data, problems = plan.build(row)
        if not problems:
            id_field = self.feed.id_field
            partner_id = data.get(id_field)
            if partner_id is not None and self.feed.id_prefix:
                data[id_field] = f"{self.feed.id_prefix}{partner_id}"
            data["marking"] = self.marking
            data["provenance"] = Provenance(
                source=self.feed.name,
                file=self.file,
                file_hash=self.file_hash,
                row=row.number,
                received_at=self.received_at,
            )
            try:
                record = structure(data, self.feed.record_type, where=where)
            except InputError as exc:
                problems = [plan.converter_problem(p) for p in exc.problems]
            except (ArithmeticError, RecursionError) as exc:
                problems = [Problem(field="", reason=f"a value is out of range ({exc})")]
            else:
                if not plan.absent:
                    duplicate = self._duplicate(record.id, row, plan)
                    if duplicate is None:
                        return record
                    problems = [duplicate]
        problems = [*problems, *plan.absent]
        located = tuple(p.located(where) if not p.where.startswith(where) else p for p in problems)
        return RejectedRow(file=self.file, row=row.number, raw=raw_cells(row), problems=located)

    def _duplicate(self, record_id: str, row: RawRow, plan: ColumnPlan) -> Problem | None:
        fingerprint = hash(row.values)
        first = self.seen.get(record_id)
        if first is None:
            self.seen[record_id] = (row.number, fingerprint)
            return None
        column = plan.column_for(self.feed.id_field) or self.feed.id_field
        if first[1] == fingerprint:
            return Problem(field=column, reason=f"duplicate of row {first[0]} (the same values again)")
        return Problem(
            field=column,
            reason=f"duplicate of row {first[0]}: record ID {record_id!r} is used twice in this file "
            "with different values; keep one row",
        )


def row_to_data(feed: FeedDefinition, raw: Mapping[str, str]) -> tuple[dict[str, Any], list[Problem]]:
    """Map a raw row (header -> cell) to the record's field paths; problems name the column."""
    row = _raw_row(0, raw)
    plan = compile_plan(feed, row.headers)
    data, problems = plan.build(row)
    return data, [*problems, *plan.absent]


def _raw_row(number: int, raw: Mapping[Any, Any]) -> RawRow:
    headers: list[str] = []
    values: list[Cell] = []
    extra: list[Cell] = []
    for key, value in raw.items():
        if key is None:  # csv.DictReader puts surplus cells under None
            extra.extend(value if isinstance(value, list) else [value])
        else:
            headers.append(str(key))
            values.append(value)
    return RawRow(number, tuple(headers), tuple(values), tuple(extra))


def rows_to_records(
    feed: FeedDefinition,
    rows: Iterable[RawRow | tuple[int, Mapping[str, Any]]],
    file: str,
    file_hash: str | None = None,
) -> LoadResult:
    """Convert every row: each becomes a record or a :class:`RejectedRow` (nothing is lost)."""
    converter = RowConverter(feed, file, file_hash)
    records: list[Record] = []
    rejected: list[RejectedRow] = []
    for item in rows:
        row = item if isinstance(item, RawRow) else _raw_row(item[0], item[1])
        result = converter.convert(row)
        if isinstance(result, RejectedRow):
            rejected.append(result)
        else:
            records.append(result)
    return LoadResult(records, rejected)


def load_records(
    feed_name: str,
    path: str | Path,
    columns: Mapping[str, str] | None = None,
    *,
    fmt: str | None = None,
    encoding: str | None = None,
) -> LoadResult:
    """Read ``path`` (any registered format) as feed ``feed_name``; every row comes back as
    a record (ID: the feed's prefix + the partner's ID) or a rejected row. Nothing is stored."""
    feed = feeds().get(feed_name)
    if columns is not None:
        feed = feed.with_columns(columns)
    table = open_table(path, fmt, ReadOptions(encoding=encoding))
    try:
        return rows_to_records(feed, table.rows, file=Path(path).name, file_hash=table.file_hash)
    finally:
        table.close()
