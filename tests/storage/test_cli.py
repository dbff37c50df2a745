"""``ctpse db`` commands and the default store."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.storage import open_store
from ctpse_core.storage.sql import head_revision
from ctpse_core.testing.samples import nominals
from ctpse_core.testing.security import SYSTEM


def _run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    env = {"CTPSE_USER": "tester", **(env or {})}
    result = CliRunner().invoke(make_cli(), list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_db_init_status_export_import(tmp_path: Path) -> None:
    """init creates the schema, status shows it and the counts, export then import into an
    empty TinyDB store moves every record."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    code, out = _run("--store", url, "db", "init")
    assert code == 0 and f"ready at schema {head_revision()}" in out
    code, out = _run("--store", url, "users", "list")
    assert code == 2 and "'tester' is not a user of this store" in out
    code, out = _run("--store", url, "users", "add", "tester")
    assert code == 0 and "added first user and administrator tester" in out
    store = open_store(url)
    with store.unit_of_work(user=SYSTEM) as uow:
        uow.nominals.add_many(nominals(40))
        uow.commit()
    store.close()
    code, out = _run("--store", url, "db", "status")
    assert code == 0 and "up to date" in out and "nominals: 40" in out
    archive = tmp_path / "backup.jsonl"
    code, out = _run("--store", url, "db", "export", str(archive))
    assert code == 0 and "exported 41 records" in out and "users: 1" in out
    target = f"tinydb:///{tmp_path / 'moved.json'}"
    code, out = _run("--store", target, "--user", "tester", "db", "import", str(archive))
    assert code == 0 and "imported 41 records" in out
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


def _run_split(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    env = {"CTPSE_USER": "tester", **(env or {})}
    result = CliRunner().invoke(make_cli(), list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("scheme", ["sqlite", "tinydb"])
@pytest.mark.parametrize("command", [["db", "status"], ["db", "export", "out.jsonl"], ["db", "upgrade"]])
def test_read_only_commands_never_create_a_store(tmp_path: Path, scheme: str, command: list[str]) -> None:
    """`db status` (and export, upgrade) on a mistyped path says no store exists there and
    how to make one, exits 2 and creates neither the file nor its folder."""
    path = tmp_path / "typo" / "ctpse.sqlte"
    url = f"{scheme}:///{path}"
    code, out, err = _run_split("--store", url, *command)
    assert code == 2 and out == ""
    assert err == (f"error: no store exists at '{url}'; check the URL (--store or CTPSE_STORE), "
                   f"or make a new store there with `ctpse --store {url} db init`\n")
    assert not path.exists() and not path.parent.exists()


_READ_ONLY = {
    "reconcile --stored": ["reconcile", "--stored"],
    "deconflict --stored": ["deconflict", "--stored"],
    "grid diff": ["grid", "diff", "1", "2", "--week", "24/03/2025"],
    "review list": ["review", "list", "{lists}/regional.csv", "{lists}/national.csv"],
    "review decisions": ["review", "decisions"],
}


@pytest.fixture(scope="module")
def small_lists(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ctpse_core.synthetic.nominals import write_nominal_lists

    folder = tmp_path_factory.mktemp("lists")
    write_nominal_lists(folder, count=40, seed=2)
    return folder


@pytest.mark.parametrize("scheme", ["sqlite", "tinydb"])
@pytest.mark.parametrize("command", list(_READ_ONLY), ids=list(_READ_ONLY))
def test_other_read_only_commands_never_create_a_store(
    tmp_path: Path, small_lists: Path, scheme: str, command: str
) -> None:
    """Reconciling or de-conflicting what is stored, comparing grid versions and listing review
    decisions only read the store: on a mistyped path they say no store exists there (exit 2, as
    `db status` does) and create neither the file nor its folder."""
    path = tmp_path / "typo" / "ctpse.sqlte"
    url = f"{scheme}:///{path}"
    args = [a.replace("{lists}", str(small_lists)) for a in _READ_ONLY[command]]
    code, _, err = _run_split("--store", url, "-q", *args)
    assert code == 2, err
    assert err.startswith(f"error: no store exists at '{url}'; check the URL (--store or CTPSE_STORE)")
    assert not path.exists() and not path.parent.exists()


@pytest.mark.postgres
def test_status_of_an_empty_postgres_database_creates_nothing(ctpse_postgres_url: str) -> None:
    """On a PostgreSQL database without a ctpse schema, status says there is no store (the
    password hidden) and leaves the database without tables."""
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.engine import make_url

    url = make_url(ctpse_postgres_url).set(password="secret").render_as_string(hide_password=False)
    code, _, err = _run_split("--store", url, "db", "status")
    assert code == 2 and "no store exists at" in err and "db init" in err
    assert "secret" not in err
    engine = create_engine(ctpse_postgres_url)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def test_status_of_an_existing_store_still_works(tmp_path: Path) -> None:
    """A store made by `db init` is found by status (and nothing else changes)."""
    url = f"tinydb:///{tmp_path / 'store.json'}"
    assert _run_split("--store", url, "db", "init")[0] == 0
    code, out, _ = _run_split("--store", url, "db", "status")
    assert code == 0 and "up to date" in out


@pytest.mark.parametrize(("args", "env"), [(["--store", ""], {}), (["--store", "  "], {}),
                                           ([], {"CTPSE_STORE": ""})])
def test_an_empty_store_url_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str],
                                       env: dict[str, str]) -> None:
    """`--store ''` or CTPSE_STORE='' is a usage error (exit 2), never the default store."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    code, _, err = _run_split(*args, "db", "init", env=env)
    assert code == 2
    assert "the store URL is empty" in err and "CTPSE_STORE" in err
    assert not (tmp_path / "data" / "ctpse" / "ctpse.sqlite").exists()


def test_library_refuses_an_empty_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """open_store('') and a blank CTPSE_STORE are configuration errors, not the default."""
    from ctpse_core.errors import ConfigError

    with pytest.raises(ConfigError, match="empty"):
        open_store("")
    monkeypatch.setenv("CTPSE_STORE", " ")
    with pytest.raises(ConfigError, match="CTPSE_STORE is empty"):
        open_store()


def test_db_import_reports_every_bad_line_and_writes_nothing(tmp_path: Path) -> None:
    """`db import` of an archive with two bad lines among good ones prints both (line,
    collection and ID, field, reason), exits 2, and leaves the target store empty."""
    import json

    url = f"sqlite:///{tmp_path / 'target.sqlite'}"
    archive = tmp_path / "backup.jsonl"
    rows = [{"id": f"N{i}", "forenames": "Alfa", "surname": "Madeup"} for i in range(1, 5)]
    rows[1]["date_of_birth"] = "31/02/1990"
    rows[3]["risk_tier"] = "9"
    lines = [json.dumps({"format": "ctpse-archive", "format_version": 1})]
    lines += [json.dumps({"collection": "nominals", "record": r}) for r in rows]
    archive.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _run_split("--store", url, "db", "init")[0] == 0
    code, _, err = _run_split("--store", url, "db", "import", str(archive), "--batch", "1")
    assert code == 2
    errors = err.splitlines()
    assert errors[0].startswith("error: date_of_birth: ") and errors[0].endswith(f"@ {archive}:3 (nominals N2)")
    assert errors[1].startswith("error: risk_tier: ") and errors[1].endswith(f"@ {archive}:5 (nominals N4)")
    assert errors[2] == f"2 problem(s) in {archive}; nothing was imported"
    code, out, _ = _run_split("--store", url, "db", "status")
    assert code == 0 and "nominals" not in out


@pytest.mark.parametrize("where", ["missing/out.jsonl", "missing/deeper/out.jsonl", "afile/out.jsonl"])
def test_export_into_a_missing_folder_is_exit_2_and_makes_no_folder(tmp_path: Path, where: str) -> None:
    """`db export` to a file inside a folder that does not exist (or is a file) says so on one
    line, exits 2, and neither creates the folder nor leaves a partial file."""
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    assert _run("--store", url, "db", "init")[0] == 0
    (tmp_path / "afile").write_text("not a folder", encoding="utf-8")
    target = tmp_path / where
    code, out, err = _run_split("--store", url, "db", "export", str(target))
    assert code == 2 and out == ""
    why = "is a file, not a folder" if where.startswith("afile") else "does not exist"
    assert err == (f"error: cannot write {target}: {target.parent} {why}; "
                   "create the folder first, or give a file in an existing folder\n")
    assert not (tmp_path / "missing").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "s.sqlite"]
