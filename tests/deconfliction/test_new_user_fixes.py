"""What a new user met walking through docs/deconfliction.md: `--allow` mistakes are input
errors, a missing grid version lists the published ones, a requests file given to `deconflict`
says so, and `grid plan --save` stores the file's teams and operations so the diff tells the
team leaders by name and the NCTPOC desk about national priorities."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.storage import open_store
from ctpse_core.synthetic.tasking import write_tasking_file
from ctpse_core.testing.security import SYSTEM, seed_admin


@pytest.fixture(autouse=True)
def _cli_store(ctpse_cli_store: str) -> str:
    """Commands without --store run on a seeded store as its administrator (CTPSE_STORE, CTPSE_USER)."""
    return ctpse_cli_store


MEMORY = "memory://"


def _run(url: str, *args: str) -> Any:
    if url == MEMORY:  # the seeded store of this test (fixture _cli_store)
        url = os.environ["CTPSE_STORE"]
    seed_admin(url, "cato")
    return CliRunner().invoke(make_cli(), ["--store", url, "--user", "cato", *args])


def test_bad_allow_is_an_input_error_naming_where(tmp_path: Path) -> None:
    """An unknown rule on --allow and a hard rule in the file's allow list: exit 2, one line
    each naming where it came from; nothing planned."""
    path = tmp_path / "tasking.json"
    write_tasking_file(path, 6, 1)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["allow"] = ["rest"]
    path.write_text(json.dumps(data), encoding="utf-8")
    result = _run(MEMORY, "grid", "plan", str(path), "--allow", "proximty")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("error: allow: cannot allow 'rest': it is a hard rule") and lines[0].endswith(
        f"@ {path}#allow"
    )
    assert lines[1].startswith("error: allow: cannot allow 'proximty': no such conflict rule (known: ")
    assert lines[1].endswith("@ --allow") and len(lines) == 2


def test_missing_grid_version_lists_the_published_ones(tmp_path: Path) -> None:
    """`grid diff 1 5` when versions 1 and 2 exist names them; with none, says none is published."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    seed_admin(url, "tester", "cato")
    assert _run(url, "db", "init").exit_code == 0  # grid diff only reads: it never creates a store
    none = _run(url, "grid", "diff", "1", "2", "--week", "24/03/2025")
    assert none.exit_code == 2 and "none is published yet" in none.stderr
    assert _run(url, "grid", "publish", "--week", "24/03/2025", "--force").exit_code == 0
    assert _run(url, "grid", "publish", "--week", "24/03/2025", "--force").exit_code == 0
    result = _run(url, "grid", "diff", "1", "5", "--week", "24/03/2025")
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: no grid version 5 for the week of 24/03/2025 (versions published: 1, 2)"


def test_requests_file_given_to_deconflict_says_what_it_is(tmp_path: Path) -> None:
    """`ctpse deconflict tasking.json` points the user to `ctpse grid plan` (exit 2)."""
    path = tmp_path / "tasking.json"
    write_tasking_file(path, 4, 1)
    result = _run(MEMORY, "deconflict", str(path))
    assert result.exit_code == 2
    assert "looks like a tasking requests file" in result.stderr and "ctpse grid plan" in result.stderr


def test_plan_save_stores_teams_and_operations_for_grid_and_diff(tmp_path: Path) -> None:
    """After `grid plan --save` the store has the file's teams and operations: the capacity rule
    runs on `deconflict --stored` (no warning) and the diff names each team leader and tells the
    NCTPOC desk when a national-priority operation's deployment moves."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    seed_admin(url, "tester", "cato")
    path = tmp_path / "tasking.json"
    write_tasking_file(path, 30, 1)
    saved = _run(url, "grid", "plan", str(path), "--save", "--format", "json")
    assert saved.exit_code == 0, saved.output
    assert "saved teams: 4 added" in saved.stderr and "saved operations: 6 added" in saved.stderr
    checked = _run(url, "deconflict", "--stored")
    assert checked.exit_code == 0 and "Warning" not in checked.stderr
    assert _run(url, "grid", "publish", "--week", "24/03/2025").exit_code == 0
    data = json.loads(path.read_text(encoding="utf-8"))
    national = {o["id"] for o in data["operations"] if o.get("national_priority")}
    moved = next(a for a in json.loads(saved.stdout)["assignments"]
                 if next(r for r in data["requests"] if r["id"] == a["request_id"])["operation_id"] in national)
    store = open_store(url)
    try:
        with store.unit_of_work(user=SYSTEM) as uow:
            d = uow.deployments.get(moved["deployment_id"])
            other = next(t for t in uow.teams.list() if t.id != d.team_id)
            uow.deployments.update(attrs.evolve(d, team_id=other.id))
            uow.commit()
    finally:
        store.close()
    assert _run(url, "grid", "publish", "--week", "24/03/2025").exit_code == 0
    changes = json.loads(_run(url, "grid", "diff", "1", "2", "--week", "24/03/2025", "--format", "json").stdout)
    (change,) = changes["changes"]
    assert change["deployment_id"] == moved["deployment_id"]
    assert "NCTPOC Mobilisation Desk" in change["tell"]
    assert f"Team leader {other.id} ({other.leader})" in change["tell"]
