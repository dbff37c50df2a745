"""benchmarks/rota_instances.py refuses what it cannot run, naming it, with exit status 2:
a missing instance file, a solver asked for by name that is not installed (never left out
silently), and a file that is not an instance, or not text (the reader's fault list, with
the file)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "rota_instances.py"

TINY = """SECTION_HORIZON
7

SECTION_SHIFTS
D,480,

SECTION_STAFF
A,D=7,3360,0,7,1,1,2

SECTION_DAYS_OFF

SECTION_SHIFT_ON_REQUESTS

SECTION_SHIFT_OFF_REQUESTS

SECTION_COVER
0,D,1,100,1
"""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args, "--limit", "1", "--seeds", "1"],
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_a_missing_instance_file_is_named(tmp_path: Path) -> None:
    got = _run(str(tmp_path / "Instance99.txt"))
    assert got.returncode == 2
    assert "no such instance file" in got.stderr and "Instance99.txt" in got.stderr
    assert "Traceback" not in got.stderr


def test_an_unknown_solver_is_refused_not_skipped(tmp_path: Path) -> None:
    path = tmp_path / "Tiny.txt"
    path.write_text(TINY, encoding="utf-8")
    got = _run(str(path), "--solvers", "builtin", "no_such_solver")
    assert got.returncode == 2
    assert "no_such_solver not installed" in got.stderr
    assert got.stdout == ""  # nothing was run


def test_a_file_that_is_not_an_instance_names_the_file_and_the_fault(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just some notes\n", encoding="utf-8")
    got = _run(str(path))
    assert got.returncode == 2
    assert got.stderr.startswith(f"error: {path}: ")
    assert "SECTION_" in got.stderr
    assert "Traceback" not in got.stderr


def test_a_file_that_is_not_text_is_refused_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "Instance99.txt"
    path.write_bytes(b"\xff\xfe\x00 not text")
    got = _run(str(path))
    assert got.returncode == 2
    assert got.stderr.startswith(f"error: {path}: ")
    assert "Traceback" not in got.stderr


def test_a_tiny_instance_runs_and_is_scored(tmp_path: Path) -> None:
    path = tmp_path / "Tiny.txt"
    path.write_text(TINY, encoding="utf-8")
    got = _run(str(path), "--solvers", "builtin")
    assert got.returncode == 0, got.stderr
    # one person, one slot needing one on day 0: the optimum covers it (objective 0)
    row = next(line for line in got.stdout.splitlines() if line.startswith("Tiny |"))
    assert row.split("|")[4].strip() == "0"
