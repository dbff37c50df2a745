"""``ctpse db`` commands and the default store."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.storage import open_store
from ctpse_core.storage.sql import head_revision
from ctpse_core.testing.samples import nominals


def _run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(make_cli(), list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_db_init_status_export_import(tmp_path: Path) -> None:
    """init creates the schema, status shows it and the counts, export then import into an
    empty TinyDB store moves every record."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    code, out = _run("--store", url, "db", "init")
    assert code == 0 and f"ready at schema {head_revision()}" in out
    store = open_store(url)
    with store.unit_of_work() as uow:
        uow.nominals.add_many(nominals(40))
        uow.commit()
    store.close()
    code, out = _run("--store", url, "db", "status")
    assert code == 0 and "up to date" in out and "nominals: 40" in out
    archive = tmp_path / "backup.jsonl"
    code, out = _run("--store", url, "db", "export", str(archive))
    assert code == 0 and "exported 40 records" in out
    target = f"tinydb:///{tmp_path / 'moved.json'}"
    code, out = _run("--store", target, "--user", "tester", "db", "import", str(archive))
    assert code == 0 and "imported 40 records" in out
    code, out = _run("--store", target, "db", "status")
    assert "nominals: 40" in out


def test_db_upgrade_reports_old_store(tmp_path: Path) -> None:
    """upgrade brings a revision-0001 store to head and says so; status first says it is
    needed."""
    from alembic import command
    from sqlalchemy import create_engine

    from ctpse_core.storage.sql import alembic_config

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
    engine.dispose()
    code, out = _run("--store", url, "db", "status")
    assert code == 0 and "needs `ctpse db upgrade`" in out
    code, out = _run("--store", url, "db", "upgrade")
    assert code == 0 and f"upgraded from schema 0001 to {head_revision()}" in out
    code, out = _run("--store", url, "db", "upgrade")
    assert "up to date" in out


def test_bad_store_is_one_line_error() -> None:
    """A bad --store gives one error line naming the URL with its password hidden."""
    code, out = _run("--store", "postgresql+psycopg://u:pw@127.0.0.1:1/x", "db", "status")
    assert code == 1
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1 and "u:***@127.0.0.1:1" in lines[0] and "pw@" not in lines[0]


def test_demo_uses_the_default_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no --store, `ctpse demo` runs on an SQLite file in the user's data folder, made
    with the current schema on first use."""
    monkeypatch.delenv("CTPSE_STORE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    code, out = _run("demo", "--out", str(tmp_path / "demo"))
    assert code == 0, out
    path = tmp_path / "data" / "ctpse" / "ctpse.sqlite"
    assert f"store: sqlite:///{path}" in out
    store = open_store(f"sqlite:///{path}")
    assert store.schema_status().up_to_date
    store.close()
