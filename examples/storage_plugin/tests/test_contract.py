"""The ctpse storage contract suite, run against this third-party backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from ctpse_jsondir import JsonDirStore

from ctpse_core.storage import Store
from ctpse_core.testing.storage import PersistentStorageContract


class TestJsonDirStore(PersistentStorageContract):
    def open(self, url: str) -> Store:
        return JsonDirStore(url)

    @pytest.fixture
    def store_url(self, tmp_path: Path) -> str:
        return f"jsondir:///{tmp_path / 'store'}"
