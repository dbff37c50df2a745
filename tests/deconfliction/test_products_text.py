"""Every deconfliction product reads as text in md and html: no Python reprs, no raw UTC."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.testing.security import seed_admin

RAW = ("{'", "['", "Marking(", "datetime.")
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@pytest.fixture(autouse=True)
def _cli_store(ctpse_cli_store: str) -> str:
    """Commands without --store run on a seeded store as its administrator (CTPSE_STORE, CTPSE_USER)."""
    return ctpse_cli_store


def _run(runner: CliRunner, store: str, *args: str) -> str:
    result = runner.invoke(make_cli(), ["--store", store, *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_products_show_london_times_and_no_reprs(tmp_path: Path, fmt: str) -> None:
    """The conflicts report, allocation, grid and grid diff (synthetic week saved, grid
    published, requests planned and saved, grid published again) contain no Python dict/list
    or Marking reprs and no ISO timestamps; times are London wall-clock with GMT/BST, and the
    diff names the change, the deployment and who must be told."""
    runner = CliRunner()
    store = f"sqlite:///{tmp_path / 'store.db'}"
    seed_admin(store, "tester", "cato")
    week, tasking = tmp_path / "week.json", tmp_path / "tasking.json"
    _run(runner, store, "synth", "deployments", "--seed", "1", "--count", "40", "--out", str(week))
    _run(runner, store, "synth", "tasking", "--seed", "1", "--count", "20", "--out", str(tasking))
    outputs = {
        "deconflict": _run(runner, store, "deconflict", str(week), "--save", "--format", fmt),
        "publish": _run(runner, store, "grid", "publish", "--week", "24/03/2025", "--format", fmt),
        "plan": _run(runner, store, "grid", "plan", str(tasking), "--save", "--format", fmt),
    }
    outputs["publish2"] = _run(runner, store, "grid", "publish", "--week", "24/03/2025", "--format", fmt)
    outputs["diff"] = _run(runner, store, "grid", "diff", "1", "2", "--week", "24/03/2025", "--format", fmt)
    for name, text in outputs.items():
        for raw in RAW:
            assert raw not in text, f"{name} shows {raw!r}"
        assert not ISO.search(text), f"{name} shows a raw ISO time: {ISO.search(text)}"
    assert re.search(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d/\d\d/2025 \d\d:\d\d (GMT|BST)", outputs["deconflict"])
    assert re.search(r"\d\d/\d\d/2025 \d\d:\d\d (GMT|BST)", outputs["diff"])
    assert "added" in outputs["diff"]
    assert "Operations room" in outputs["diff"] or "CTPOR" in outputs["diff"] or "Team leader" in outputs["diff"]
