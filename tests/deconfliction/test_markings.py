"""Covert surveillance records are SECRET: the synthetic deployments, operations and tasking
requests carry the marking, and the conflict report, the grid and its diff are marked at
least SECRET and as high as anything in them."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.deconfliction.files import load_deployments, load_tasking
from ctpse_core.domain.marking import Classification
from ctpse_core.synthetic.deployments import synthetic_week
from ctpse_core.synthetic.tasking import synthetic_tasking, write_tasking_file
from ctpse_core.testing.security import seed_admin


@pytest.fixture(autouse=True)
def _cli_store(ctpse_cli_store: str) -> str:
    """Commands without --store run on a seeded store as its administrator (CTPSE_STORE, CTPSE_USER)."""
    return ctpse_cli_store


MEMORY = "memory://"


def _run(url: str, *args: str) -> Any:
    if url == MEMORY:  # the seeded store of this test (fixture _cli_store)
        url = os.environ["CTPSE_STORE"]
    seed_admin(url, "cato")
    result = CliRunner().invoke(make_cli(), ["--store", url, "--user", "cato", *args])
    assert result.exit_code == 0, result.output
    return result


def test_synthetic_surveillance_records_are_secret(tmp_path: Path) -> None:
    """Deployments and operations of the synthetic week, and the tasking file's requests and
    operations, are SECRET in memory and in the files written (teams and staff are not)."""
    week = synthetic_week(40, seed=2)
    assert {str(d.marking) for d in week.deployments()} == {"SECRET"}
    assert {str(o.marking) for o in week.operations} == {"SECRET"}
    tasking = synthetic_tasking(10, seed=2)
    assert {str(r.marking) for r in tasking.requests} == {"SECRET"}
    assert {str(o.marking) for o in tasking.operations or ()} == {"SECRET"}
    assert {t.marking.classification for t in tasking.teams or ()} == {Classification.OFFICIAL}
    out = tmp_path / "week.json"
    _run(MEMORY, "synth", "deployments", "--count", "30", "--out", str(out))
    assert {str(d.marking) for d in load_deployments(out)} == {"SECRET"}
    path = tmp_path / "tasking.json"
    write_tasking_file(path, 10, 2)
    again = load_tasking(path)
    assert {str(r.marking) for r in again.requests} == {"SECRET"}
    assert {str(o.marking) for o in again.operations or ()} == {"SECRET"}


def test_report_grid_and_diff_show_secret_and_carry_caveats(tmp_path: Path) -> None:
    """Saved synthetic deployments are stored SECRET; the conflict report and grid say SECRET;
    one deployment marked SECRET [UK EYES ONLY] raises the report, the next grid version and the
    diff to that marking."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    seed_admin(url, "tester", "cato")
    out = tmp_path / "week.json"
    _run(url, "synth", "deployments", "--count", "30", "--seed", "3", "--out", str(out))
    report = _run(url, "deconflict", str(out), "--save", "--format", "json")
    assert json.loads(report.stdout)["marking"] == "SECRET"
    grid = _run(url, "grid", "publish", "--week", "24/03/2025", "--format", "md")
    lines = grid.stdout.strip().splitlines()
    assert lines[0] == "**SECRET**" and lines[-1] == "**SECRET**"
    items = json.loads(out.read_text(encoding="utf-8"))
    items[0]["marking"] = "SECRET [UK EYES ONLY]"
    out.write_text(json.dumps(items), encoding="utf-8")
    report = _run(url, "deconflict", str(out), "--save", "--format", "json")
    assert json.loads(report.stdout)["marking"] == "SECRET [UK EYES ONLY]"
    grid2 = _run(url, "grid", "publish", "--week", "24/03/2025", "--format", "json")
    assert json.loads(grid2.stdout)["marking"] == "SECRET [UK EYES ONLY]"
    changes = _run(url, "grid", "diff", "1", "2", "--week", "24/03/2025", "--format", "json")
    assert json.loads(changes.stdout)["marking"] == "SECRET [UK EYES ONLY]"
    stored = _run(url, "deconflict", "--stored", "--format", "html")
    assert "SECRET [UK EYES ONLY]" in stored.stdout
