"""Fixtures for the performance framework and meetings: a memory store."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ctpse_core.storage import open_store
from ctpse_core.testing.security import seed_users

sys.path.insert(0, str(Path(__file__).parent))

#: The users these tests act as (stored in every test store: no principal, no unit of work).
ACTORS = ("kpi-tester", "closer", "chair")


@pytest.fixture
def store() -> Iterator[Any]:
    opened = seed_users(open_store("memory://"), *ACTORS)
    yield opened
    opened.close()
