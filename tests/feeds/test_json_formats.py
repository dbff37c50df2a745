"""JSON and JSON lines: objects become rows; what cannot be a row is reported, not dropped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ctpse_core.feeds.formats import FeedFileError, ReadOptions
from ctpse_core.feeds.importer import import_feed
from ctpse_core.feeds.text import read_json, read_jsonl
from ctpse_core.testing.security import SYSTEM


def test_nested_objects_flatten_to_dotted_headers(tmp_path: Path) -> None:
    """Nested objects give dotted headers, lists of values a '; ' joined cell."""
    path = tmp_path / "x.json"
    path.write_text(json.dumps([{"id": "A", "address": {"town": "Notown"}, "aliases": ["X Y", "Z"]}]))
    row = next(read_json(path, ReadOptions()).rows)
    assert dict(zip(row.headers, row.values, strict=True)) == {"id": "A", "address.town": "Notown", "aliases": "X Y; Z"}


def test_json_must_be_a_list(tmp_path: Path, store: Any) -> None:
    """A JSON object at the top level is a clear file error."""
    path = tmp_path / "national.json"
    path.write_text('{"JCTPPH Ref": "JCT-1"}', encoding="utf-8")
    with pytest.raises(FeedFileError, match="must hold a JSON list of objects"):
        import_feed(store, "national", path, user=SYSTEM)


def test_invalid_json_names_line_and_column(tmp_path: Path, store: Any) -> None:
    """Broken JSON is refused with its line and column."""
    path = tmp_path / "national.json"
    path.write_text('[{"JCTPPH Ref": "JCT-1",}\n]', encoding="utf-8")
    with pytest.raises(FeedFileError, match=r"not valid JSON \(line 1, column"):
        import_feed(store, "national", path, user=SYSTEM)


def test_non_object_items_are_quarantined(tmp_path: Path, store: Any) -> None:
    """List items that are not objects are rejected rows with a reason; objects are stored."""
    path = tmp_path / "national.json"
    items = [{"JCTPPH Ref": "JCT-1", "Surname": "A", "Forename(s)": "B"}, 42, ["x"]]
    path.write_text(json.dumps(items), encoding="utf-8")
    summary = import_feed(store, "national", path, user=SYSTEM)
    assert (summary.rows_read, summary.stored, summary.rejected) == (3, 1, 2)
    text = (tmp_path / "national.rejects.csv").read_text(encoding="utf-8-sig")
    assert "row is a single value, not an object" in text and "row is a list" in text


def test_bad_json_line_is_quarantined_and_others_stored(tmp_path: Path, store: Any) -> None:
    """In JSON lines a broken line is one rejected row; blank lines are skipped."""
    path = tmp_path / "national.jsonl"
    good = json.dumps({"JCTPPH Ref": "JCT-1", "Surname": "A", "Forename(s)": "B"})
    path.write_text(f"{good}\n\n{{not json\n", encoding="utf-8")
    summary = import_feed(store, "national", path, user=SYSTEM)
    assert (summary.rows_read, summary.stored, summary.rejected, summary.blank_rows) == (2, 1, 1, 1)
    rows = list(read_jsonl(path, ReadOptions()).rows)
    assert rows[1].number == 3 and rows[1].error is not None


def test_typed_json_values_go_through_the_converter(tmp_path: Path, store: Any) -> None:
    """Numbers and booleans arrive typed; a number where text is expected is still readable."""
    path = tmp_path / "tasks.json"
    item = {"NCTPOC Ref": "NT-1", "Operation": "OP-X", "Requesting SIO": "DCI Pretend", "Start": "03/03/2025 07:00",
            "End": "03/03/2025 09:00", "Officers Required": 4, "Latitude": 51.5, "Longitude": -0.1}
    path.write_text(json.dumps([item, {**item, "NCTPOC Ref": "NT-2", "Officers Required": 2.5}]), encoding="utf-8")
    summary = import_feed(store, "nctpoc-tasking", path, user=SYSTEM)
    assert (summary.stored, summary.rejected) == (1, 1)
    assert "Officers Required: 2.5 is not a whole number" in (tmp_path / "tasks.rejects.csv").read_text("utf-8-sig")
