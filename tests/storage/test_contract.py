"""The storage contract suite, run against the four built-in stores."""

from __future__ import annotations

import pytest

from ctpse_core.testing.storage import PersistentStorageContract, StorageContract


class TestMemoryStore(StorageContract):
    @pytest.fixture
    def store_url(self) -> str:
        return "memory://"


class TestSqliteStore(PersistentStorageContract):
    @pytest.fixture
    def store_url(self, ctpse_sqlite_url: str) -> str:
        return ctpse_sqlite_url


class TestTinydbStore(PersistentStorageContract):
    @pytest.fixture
    def store_url(self, ctpse_tinydb_url: str) -> str:
        return ctpse_tinydb_url


@pytest.mark.postgres
class TestPostgresStore(PersistentStorageContract):
    @pytest.fixture
    def store_url(self, ctpse_postgres_url: str) -> str:
        return ctpse_postgres_url
