"""Fixtures for the casework tests (engagement, orders, correspondence, data quality)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from ctpse_core.storage import open_store
from ctpse_core.testing.security import TEST_USERS, seed_users


@pytest.fixture
def store() -> Iterator[Any]:
    """An in-memory store whose only records are its users (no principal, no unit of work)."""
    s = seed_users(open_store("memory://"), *TEST_USERS, "dc", "nm", "t", "analyst")
    yield s
    s.close()
