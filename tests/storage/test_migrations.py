"""Schema migrations: new stores are initialised, old ones upgrade without losing data,
newer ones are refused with a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest
from sqlalchemy import create_engine, text

from ctpse_core import convert
from ctpse_core.errors import ConfigError
from ctpse_core.storage import open_store
from ctpse_core.storage.sql import SqlStore, alembic_config, head_revision
from ctpse_core.storage.sql_schema import metadata
from ctpse_core.testing.samples import nominals
from ctpse_core.testing.security import SYSTEM


def _make_revision_one(url: str) -> list[dict[str, object]]:
    """A store as the first schema revision made it, holding three nominals."""
    from alembic import command

    records = nominals(3, seed=2)
    engine = create_engine(url)
    rows = [
        {"c": "nominals", "i": r.id, "m": str(r.marking),
         "d": json.dumps(convert.unstructure(attrs.evolve(r, version=1)))}
        for r in records
    ]
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
        conn.execute(
            text("INSERT INTO records (collection, id, version, marking, data, updated_at) "
                 "VALUES (:c, :i, 1, :m, :d, '2024-01-01 00:00:00')"),
            rows,
        )
    engine.dispose()
    return [convert.unstructure(attrs.evolve(r, version=1)) for r in records]


def _upgrade_keeps_data(url: str) -> None:
    expected = _make_revision_one(url)
    store = open_store(url)
    try:
        assert store.schema_status().current == "0001"
        with pytest.raises(ConfigError, match="ctpse db upgrade"):
            store.unit_of_work(user=SYSTEM)
        assert store.upgrade().up_to_date
        with store.unit_of_work(user=SYSTEM) as uow:
            assert [convert.unstructure(r) for r in uow.nominals.list()] == expected
            uow.record_event("consultation", "nominals")
            uow.commit()
        assert len(store.audit_events()) == 1
    finally:
        store.close()


def _models_match_migrations(url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    open_store(url).close()
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert diff == []


def test_sqlite_store_at_first_revision_upgrades_without_loss(tmp_path: Path) -> None:
    """An SQLite store made at revision 0001 with records refuses work until upgraded, then
    upgrades to head keeping every record, and gains the audit log."""
    _upgrade_keeps_data(f"sqlite:///{tmp_path / 'old.sqlite'}")


@pytest.mark.postgres
def test_postgres_store_at_first_revision_upgrades_without_loss(ctpse_postgres_url: str) -> None:
    """The same upgrade on PostgreSQL."""
    _upgrade_keeps_data(ctpse_postgres_url)


def test_sqlite_migrations_match_the_tables(tmp_path: Path) -> None:
    """The tables the migrations make are exactly the tables the code uses."""
    _models_match_migrations(f"sqlite:///{tmp_path / 'm.sqlite'}")


@pytest.mark.postgres
def test_postgres_migrations_match_the_tables(ctpse_postgres_url: str) -> None:
    """The same check on PostgreSQL."""
    _models_match_migrations(ctpse_postgres_url)


def test_new_store_is_initialised_at_head(tmp_path: Path) -> None:
    """Opening a new SQLite file creates the schema at this code's head revision."""
    store = open_store(f"sqlite:///{tmp_path / 'new.sqlite'}")
    assert store.schema_status().current == head_revision()
    store.close()


def test_newer_sql_schema_is_refused(tmp_path: Path) -> None:
    """A store stamped with a revision this code does not know is refused, asking to upgrade
    ctpse_core."""
    url = f"sqlite:///{tmp_path / 'future.sqlite'}"
    open_store(url).close()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(ConfigError, match=r"'9999', newer than this ctpse_core.*upgrade ctpse"):
        SqlStore(url)


def test_newer_tinydb_schema_is_refused(tmp_path: Path) -> None:
    """A TinyDB file of a newer schema version is refused, asking to upgrade ctpse_core."""
    path = tmp_path / "future.json"
    path.write_text(json.dumps({"_ctpse_meta": {"schema": {"version": 99}}}))
    with pytest.raises(ConfigError, match=r"schema version 99, newer.*upgrade ctpse_core"):
        open_store(f"tinydb:///{path}")


def test_foreign_files_are_refused(tmp_path: Path) -> None:
    """A file that is not a ctpse store is refused rather than written over."""
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"people": {"1": {"name": "x"}}}))
    with pytest.raises(ConfigError, match="not made by ctpse"):
        open_store(f"tinydb:///{path}")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(ConfigError, match="not valid JSON"):
        open_store(f"tinydb:///{broken}")
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ConfigError, match="cannot open store"):
        open_store(f"sqlite:///{garbage}")
