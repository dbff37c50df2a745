"""Rows -> records through the one converter; every row is a record or a rejected row."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from ctpse_core.convert import structure
from ctpse_core.domain.common import Record
from ctpse_core.errors import InputError, Problem
from ctpse_core.feeds.definition import FeedDefinition, feeds
from ctpse_core.feeds.read import read_rows

__all__ = ["LoadResult", "RejectedRow", "load_records", "row_to_data", "rows_to_records"]


@attrs.frozen
class RejectedRow:
    """A row that could not be used: where it was, what it said, and every reason."""

    file: str
    row: int
    raw: Mapping[str, str]
    problems: tuple[Problem, ...]


@attrs.frozen
class LoadResult:
    records: list[Record]
    rejected: list[RejectedRow]

    @property
    def rows(self) -> int:
        return len(self.records) + len(self.rejected)


def _put(target: dict[str, Any], path: str, value: str) -> None:
    parts = path.split(".")
    node: Any = target
    for part, nxt in itertools.pairwise(parts):
        key: Any = int(part) if part.isdigit() else part
        if isinstance(node, list):
            while len(node) <= key:
                node.append({} if not nxt.isdigit() else [])
            node = node[key]
        else:
            node = node.setdefault(key, [] if nxt.isdigit() else {})
    last = parts[-1]
    if isinstance(node, list):
        index = int(last)
        while len(node) <= index:
            node.append(None)
        node[index] = value
    else:
        node[last] = value


def _prune(value: Any) -> Any:
    """Drop blank leaves and nested records whose every field is blank."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [v for v in (_prune(v) for v in value) if v not in (None, "", [], {})]
    return value.strip() if isinstance(value, str) else value


_FIELD_CACHE: dict[tuple[int, tuple[str, ...]], dict[str, str]] = {}


def _fields(feed: FeedDefinition, headers: tuple[str, ...]) -> dict[str, str]:
    """Header -> field path for this feed and header row (computed once per file)."""
    key = (id(feed.columns), headers)
    found = _FIELD_CACHE.get(key)
    if found is None:
        found = {h: f for h in headers if h is not None and (f := feed.field_for(h)) is not None}
        if len(_FIELD_CACHE) > 256:
            _FIELD_CACHE.clear()
        _FIELD_CACHE[key] = found
    return found


def row_to_data(feed: FeedDefinition, raw: Mapping[str, str]) -> tuple[dict[str, Any], list[Problem]]:
    """Map a raw row to the record's field paths; unmapped headers are problems."""
    data: dict[str, Any] = {}
    problems: list[Problem] = []
    fields = _fields(feed, tuple(raw))
    for header, value in raw.items():
        cell_header: object = header  # csv readers give None for cells past the header
        if cell_header is None:
            problems.append(Problem(field="", reason="row has more cells than the header"))
            continue
        field = fields.get(header)
        if field is None:
            continue
        _put(data, field, value)
    return _prune(data), problems


def rows_to_records(
    feed: FeedDefinition, rows: Iterable[tuple[int, Mapping[str, str]]], file: str, file_hash: str | None = None
) -> LoadResult:
    records: list[Record] = []
    rejected: list[RejectedRow] = []
    for number, raw in rows:
        where = f"{file}:{number}"
        data, problems = row_to_data(feed, raw)
        data.setdefault("marking", str(feed.marking))
        data["provenance"] = {"source": feed.name, "file": file, "file_hash": file_hash, "row": number}
        if not problems:
            try:
                records.append(structure(data, feed.record_type, where=where))
                continue
            except InputError as exc:
                problems = list(exc.problems)
        located = tuple(p if p.where else p.located(where) for p in problems)
        rejected.append(RejectedRow(file=file, row=number, raw=dict(raw), problems=located))
    return LoadResult(records, rejected)


def load_records(feed_name: str, path: str | Path, columns: Mapping[str, str] | None = None) -> LoadResult:
    """Read ``path`` as feed ``feed_name``; every row comes back as a record or a rejected row."""
    feed = feeds().get(feed_name)
    if columns is not None:
        feed = feed.with_columns(columns)
    return rows_to_records(feed, read_rows(Path(path)), file=Path(path).name)


