"""Fixtures for the rota tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from rota_strategies import small_problem

from ctpse_core.rota.model import RotaProblem

DATA = Path(__file__).parent / "data"


@pytest.fixture
def problem() -> RotaProblem:
    return small_problem()


@pytest.fixture
def data_dir() -> Path:
    return DATA
