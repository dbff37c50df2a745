"""Fixtures for the casework tests (engagement, orders, correspondence, data quality)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from ctpse_core.storage import open_store


@pytest.fixture
def store() -> Iterator[Any]:
    """An empty in-memory store."""
    s = open_store("memory://")
    yield s
    s.close()
