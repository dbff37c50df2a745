"""Fixtures for the performance framework and meetings: a memory store."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ctpse_core.storage import open_store

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def store() -> Iterator[Any]:
    opened = open_store("memory://")
    yield opened
    opened.close()
