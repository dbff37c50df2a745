"""Ctrl-C during a deconflict or grid command exits 130 with one line (what was kept), never a
traceback; ``ctpse deconflict --fail-on-hard`` exits 1 when a hard rule is broken."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

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


def _interrupt(*_a: object, **_k: object) -> Any:
    raise KeyboardInterrupt


def _week(tmp_path: Path, overlapping: bool) -> Path:
    second = ("25/03/2025 12:00", "25/03/2025 20:00") if overlapping else ("26/03/2025 12:00", "26/03/2025 20:00")
    items = [
        {"id": "d1", "operation_id": "op-a", "team_id": "SV-ALPHA", "start": "25/03/2025 09:00",
         "end": "25/03/2025 17:00"},
        {"id": "d2", "operation_id": "op-b", "team_id": "SV-ALPHA", "start": second[0], "end": second[1]},
    ]
    path = tmp_path / "week.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(make_cli(), list(args))


@pytest.mark.parametrize(
    ("target", "args", "line"),
    [
        ("ctpse_core.deconfliction.engine.deconflict", ["deconflict", "{week}", "--save"], "nothing was saved"),
        ("ctpse_core.deconfliction.grid.publish", ["grid", "publish", "--week", "25/03/2025"],
         "no grid version was published"),
        ("ctpse_core.deconfliction.grid.get_version", ["grid", "diff", "1", "2", "--week", "25/03/2025"],
         "nothing was changed"),
        ("ctpse_core.deconfliction.allocation.allocate", ["grid", "plan", "{tasking}", "--save"],
         "nothing was planned or saved"),
        ("ctpse_core.synthetic.deployments.write_deployments_file",
         ["synth", "deployments", "--out", "{out}"], "the file may be incomplete; run the command again"),
    ],
)
def test_ctrl_c_exits_130_with_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str,
                                        args: list[str], line: str) -> None:
    """Ctrl-C inside each command: status 130, exactly one line on standard error, nothing stored."""
    module, name = target.rsplit(".", 1)
    monkeypatch.setattr(__import__(module, fromlist=[name]), name, _interrupt)
    tasking = tmp_path / "tasking.json"
    write_tasking_file(tasking, 6, 1)
    url = f"sqlite:///{tmp_path / 's.db'}"
    seed_admin(url, "tester", "cato")
    open_store(url).close()  # an empty store: read-only commands (grid diff) never create one
    filled = [a.format(week=_week(tmp_path, True), tasking=tasking, out=tmp_path / "out.json") for a in args]
    result = _invoke("--store", url, *filled)
    assert result.exit_code == 130, result.output
    assert result.stderr.splitlines() == [f"interrupted: {line}"]
    assert result.stdout == ""
    store = open_store(url)
    try:
        with store.unit_of_work(user=SYSTEM) as uow:
            assert uow.deployments.count() == 0 and uow.grid_versions.count() == 0
    finally:
        store.close()


def test_ctrl_c_after_saving_says_what_was_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Interrupted while printing the report after --save: the line says the deployments were saved."""
    monkeypatch.setattr("ctpse_core.reports.render", _interrupt)
    url = f"sqlite:///{tmp_path / 's.db'}"
    seed_admin(url, "tester", "cato")
    result = _invoke("--store", url, "deconflict", str(_week(tmp_path, True)), "--save")
    assert result.exit_code == 130
    assert result.stderr.splitlines()[-1] == "interrupted: the deployments were saved; the report was not printed"
    store = open_store(url)
    try:
        with store.unit_of_work(user=SYSTEM) as uow:
            assert uow.deployments.count() == 2
    finally:
        store.close()


def test_real_sigint_in_a_process_exits_130_without_traceback(tmp_path: Path) -> None:
    """A real SIGINT delivered while `ctpse deconflict` runs: exit status 130, one line, no traceback."""
    week = _week(tmp_path, True)
    script = (
        "import os, signal, time\n"
        "import ctpse_core.deconfliction.engine as engine\n"
        "def slow(*a, **k):\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    time.sleep(5)\n"
        "engine.deconflict = slow\n"
        "from ctpse_core.cli import main\n"
        "main()\n"
    )
    env = {**os.environ, "CTPSE_USER": "cato"}
    done = subprocess.run(
        [sys.executable, "-c", script, "deconflict", str(week)],
        capture_output=True, text=True, timeout=60, env=env, check=False,
    )
    assert done.returncode == 130, done.stderr
    assert done.stderr.splitlines() == ["interrupted: nothing was saved"]


@pytest.mark.parametrize(("overlapping", "flag", "code"), [(True, True, 1), (False, True, 0), (True, False, 0)])
def test_fail_on_hard(tmp_path: Path, overlapping: bool, flag: bool, code: int) -> None:
    """--fail-on-hard exits 1 (after printing the report) only when a hard conflict is found."""
    args = ["deconflict", str(_week(tmp_path, overlapping)), "--format", "json"]
    result = _invoke(*args, *(["--fail-on-hard"] if flag else []))
    assert result.exit_code == code, result.output
    data = json.loads(result.stdout)
    assert any(c["hard"] for c in data["conflicts"]) == overlapping
    assert ("break a hard rule" in result.stderr) == (code == 1)


def test_help_documents_fail_on_hard_and_exit_codes() -> None:
    """`ctpse deconflict --help` explains --fail-on-hard and the exit statuses."""
    result = _invoke("deconflict", "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "--fail-on-hard" in text and "Exit with status 1 when any hard-rule conflict" in text
    assert "130 after Ctrl-C" in text
