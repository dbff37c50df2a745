"""docs/feeds.md documents every registered feed and each of its default headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctpse_core.feeds.definition import feeds

DOC = Path(__file__).resolve().parents[2] / "docs" / "feeds.md"


@pytest.mark.parametrize("name", feeds().names())
def test_feed_and_headers_documented(name: str) -> None:
    """Each feed has a section, and every header of its default mapping is in its table."""
    text = DOC.read_text(encoding="utf-8")
    assert f"### `{name}`" in text
    section = text.split(f"### `{name}`", 1)[1].split("\n### ", 1)[0]
    feed = feeds().get(name)
    for header, path in feed.columns.items():
        assert f"| `{header}` | `{path}` |" in section
