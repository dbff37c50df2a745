"""The demo imports the synthetic regional and national lists into its store."""

from __future__ import annotations

from pathlib import Path

from ctpse_core.demo import DemoContext, run_demo, steps
from ctpse_core.storage.memory import MemoryStore


def test_demo_step_imports_both_lists(tmp_path: Path) -> None:
    """Step order 20 imports what step 10 wrote; the summaries balance and nothing is rejected."""
    assert steps().get("import-nominal-lists").order == 20
    store = MemoryStore()
    ctx = DemoContext(store=store, out=tmp_path, seed=3, scale=200)
    results = dict(run_demo(ctx))
    lines = results["Import the regional and national lists"]
    assert lines[0].startswith("regional: ") and lines[1].startswith("national: ")
    summaries = ctx.state["import_summaries"]
    assert all(s.balanced and s.rejected == 0 and s.stored > 0 for s in summaries.values())
    # the casework step (order 40) adds its own synthetic region, IDs CW... and PP:CW...
    lists = [k for k in store.data["nominals"] if not str(k).removeprefix("PP:").startswith("CW")]
    assert len(lists) == summaries["regional"].stored + summaries["national"].stored
