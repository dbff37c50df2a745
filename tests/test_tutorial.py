"""The tutorial (docs/tutorial.md) cannot rot: every command it shows is read from the page and
run, in order, in one shell in an empty folder, and each must succeed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "tutorial.md"


def commands() -> list[str]:
    """The ``$ `` lines of the page's ``console`` blocks, in order."""
    blocks = re.findall(r"^```console\n(.*?)^```", PAGE.read_text(encoding="utf-8"), flags=re.S | re.M)
    return [line[2:] for block in blocks for line in block.splitlines() if line.startswith("$ ")]


def test_the_tutorial_covers_both_roles() -> None:
    """The page walks the NM coordinator's week and the CATO's, with the commands of each step."""
    text = PAGE.read_text(encoding="utf-8")
    for heading in ("## NM coordinator", "### Monday", "### Tuesday", "### Wednesday", "### Thursday",
                    "### Friday", "## CATO", "### De-conflict the week", "### Publish the grid, then an amendment",
                    "### The on-call rota", "### The week's products"):
        assert f"\n{heading}" in text, heading
    used = {c.split()[1] for c in commands() if c.startswith("ctpse ")}
    assert {"import", "reconcile", "engagement", "orders", "data-quality", "kpi", "meeting", "actions",
            "deconflict", "grid", "rota", "overtime", "bids", "report"} <= used


def test_every_tutorial_command_runs(tmp_path: Path) -> None:
    """All the page's commands, in one bash session (so its ``export`` holds), in an empty folder;
    each exits 0 (``set -e``), and the week's files are there at the end."""
    lines = commands()
    assert len(lines) > 40
    script = "set -euo pipefail\n" + "".join(f"echo '>>> {i}'\n{line}\n" for i, line in enumerate(lines))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CTPSE_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["CTPSE_QUIET"] = "1"
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=1200, check=False)
    ran = re.findall(r"^>>> (\d+)$", done.stdout, flags=re.M)
    last = lines[int(ran[-1])] if ran else "(none)"
    assert done.returncode == 0, f"`{last}` failed (exit {done.returncode}):\n{done.stderr[-3000:]}"
    assert len(ran) == len(lines)
    assert "Traceback" not in done.stderr
    for name in ("week.sqlite", "corrections.csv", "dashboard.html", "rota.json", "grid.html",
                 "weekly-return.docx", "headcount.xlsx"):
        assert (tmp_path / name).is_file(), name
    assert list((tmp_path / "amendment-notices").glob("*.eml"))
    assert list((tmp_path / "rota-feeds").rglob("*.ics"))
    assert "audit log verified: " in done.stdout
