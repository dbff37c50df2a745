"""The allocation example script runs and prints its plan and re-plan."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_allocate_week_example_runs() -> None:
    """examples/allocate_week.py exits 0 and prints the allocation, reasons and the re-plan."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "allocate_week.py")], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "allocated " in result.stdout and "of 40; coverage" in result.stdout
    assert "re-plan:" in result.stdout and "pinned" in result.stdout
