"""The casework demo step imports its synthetic region and its lists match the known answers."""

from __future__ import annotations

from pathlib import Path

from ctpse_core.casework_demo import run_demo_step
from ctpse_core.demo import DemoContext
from ctpse_core.storage import open_store
from ctpse_core.testing.security import seed_users


def test_demo_step_matches_known_answers(tmp_path: Path) -> None:
    """Overdue, missed order deadlines, unprepared releases, overdue correspondence, no plan and
    no manager all equal truth.json; each list is written in md, html and csv."""
    store = seed_users(open_store("memory://"), "demo")
    lines = run_demo_step(DemoContext(store=store, out=tmp_path, seed=5, scale=300))
    assert "known answers matched: 6/6" in lines
    assert all("0 rejected" in line for line in lines if ":" in line and "stored" in line)
    for fmt in ("md", "html", "csv"):
        assert (tmp_path / "casework" / f"engagement-overdue.{fmt}").exists()
        assert "OFFICIAL-SENSITIVE" in (tmp_path / "casework" / f"data-quality.{fmt}").read_text()
