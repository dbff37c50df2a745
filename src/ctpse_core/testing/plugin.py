"""pytest plugin shipped with ctpse_core (entry point ``pytest11: ctpse_core``).

Fixtures:

``ctpse_postgres_url``
    A fresh, empty PostgreSQL database for one test (``ctpse_test_<random>``), dropped
    afterwards. The server is ``CTPSE_TEST_POSTGRES`` (default
    ``postgresql+psycopg://postgres@127.0.0.1:5432/test``). When the server cannot be reached
    the test fails if ``CI`` is set, and is skipped with the reason otherwise.
``ctpse_sqlite_url`` / ``ctpse_tinydb_url``
    A new store file in the test's temporary folder.
``ctpse_cli_store``
    For command-line tests: a new SQLite store in the test's folder whose administrators
    (cleared for everything) are :data:`~ctpse_core.testing.security.TEST_USERS`, set as
    ``CTPSE_STORE`` with ``CTPSE_USER=tester`` for the test; its URL.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

__all__ = ["POSTGRES_ENV", "postgres_admin_url"]

POSTGRES_ENV = "CTPSE_TEST_POSTGRES"
_DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_admin_url() -> str:
    """The URL of the PostgreSQL server tests make their databases on."""
    return os.environ.get(POSTGRES_ENV, _DEFAULT_POSTGRES)


def _conninfo(url: str, database: str | None = None) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def _admin(url: str) -> Any:
    import psycopg

    return psycopg.connect(_conninfo(url), autocommit=True, connect_timeout=5)


@pytest.fixture(scope="session")
def ctpse_postgres_server() -> str:
    """The admin URL of a reachable PostgreSQL server (fail under CI, skip locally)."""
    url = postgres_admin_url()
    try:
        with _admin(url) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        from ctpse_core.storage import redact

        reason = f"PostgreSQL server {redact(url)} unreachable ({exc}); set {POSTGRES_ENV}"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set: PostgreSQL tests must run)", pytrace=False)
        pytest.skip(f"{reason} (these tests fail instead when CI is set)")
    return url


@pytest.fixture(scope="session")
def _ctpse_postgres_databases(ctpse_postgres_server: str) -> Iterator[list[str]]:
    made: list[str] = []
    yield made
    with _admin(ctpse_postgres_server) as conn:
        for name in made:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def ctpse_postgres_url(
    ctpse_postgres_server: str, _ctpse_postgres_databases: list[str]
) -> Iterator[str]:
    """A fresh empty database for this test; its SQLAlchemy URL."""
    from sqlalchemy.engine import make_url

    name = f"ctpse_test_{secrets.token_hex(6)}"
    with _admin(ctpse_postgres_server) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    _ctpse_postgres_databases.append(name)
    url = make_url(ctpse_postgres_server).set(drivername="postgresql+psycopg", database=name)
    yield url.render_as_string(hide_password=False)
    with _admin(ctpse_postgres_server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _ctpse_postgres_databases.remove(name)


@pytest.fixture
def ctpse_sqlite_url(tmp_path: Path) -> str:
    """A new SQLite store file in the test's folder."""
    return f"sqlite:///{tmp_path / 'store.sqlite'}"


@pytest.fixture
def ctpse_tinydb_url(tmp_path: Path) -> str:
    """A new TinyDB store file in the test's folder."""
    return f"tinydb:///{tmp_path / 'store.json'}"


@pytest.fixture
def ctpse_cli_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A seeded SQLite store (TEST_USERS, all administrators) as CTPSE_STORE, CTPSE_USER=tester."""
    from ctpse_core.testing.security import TEST_USERS, seed_admin

    url = f"sqlite:///{tmp_path / 'cli-store.sqlite'}"
    seed_admin(url, *TEST_USERS)
    monkeypatch.setenv("CTPSE_STORE", url)
    monkeypatch.setenv("CTPSE_USER", "tester")
    return url
