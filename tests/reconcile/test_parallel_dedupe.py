"""The work shared with a second process (choosing the configuration, both de-duplications)
gives exactly what one process gives."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from ctpse_core.reconcile import read_table, reconcile
from ctpse_core.reconcile.config import ReconcileConfig
from ctpse_core.reconcile.engine import _Forked
from ctpse_core.reconcile.result import ReconciliationResult
from ctpse_core.synthetic.nominals import write_nominal_lists


def _everything(result: ReconciliationResult) -> list[Any]:
    return [
        [(m.left, m.right, m.probability, m.weight, m.basis, m.evidence) for m in result.matches],
        [(p.left, p.right, p.probability, p.reason, p.evidence) for p in result.possible_matches],
        result.only_left,
        result.only_right,
        result.duplicates_left,
        result.duplicates_right,
        result.discrepancies,
        result.identifier_conflicts,
        result.headcount,
        result.corrections,
        {k: v for k, v in result.stats.items() if k not in ("seconds", "cpu_seconds")},
    ]


def test_the_forked_work_gives_the_same_result(tmp_path: Path) -> None:
    write_nominal_lists(tmp_path, count=1500, seed=5)
    left, _ = read_table("regional", tmp_path / "regional.csv")
    right, _ = read_table("national", tmp_path / "national.csv")
    one = reconcile(left, right, ReconcileConfig(parallel_min_records=10**9))
    two = reconcile(left, right, ReconcileConfig(parallel_min_records=0))
    for stage in ("choose (second process)", "dedupe (second process)"):
        assert stage in two.stats["cpu_seconds"]
        assert stage not in one.stats["cpu_seconds"]
    assert one.duplicates_right  # the forked half had work to do
    assert _everything(one) == _everything(two)


def test_a_failed_second_process_is_redone_in_this_one() -> None:
    parent = os.getpid()

    def work() -> Any:
        if os.getpid() != parent:
            raise MemoryError("the fork ran out of memory")
        return np.arange(3, dtype=np.int64), {0: 0.5}, None

    cluster, weakest, _ = _Forked(work).result()
    assert cluster.tolist() == [0, 1, 2]
    assert weakest == {0: 0.5}


def test_the_second_process_result_is_used() -> None:
    parent = os.getpid()

    def work() -> Any:
        return np.asarray([os.getpid()], dtype=np.int64), {}, None

    forked = _Forked(work)
    (pid,), _, _ = forked.result()
    assert pid != parent
    assert forked.cpu >= 0.0


def test_the_cycle_collector_is_restored_after_a_run(tmp_path: Path) -> None:
    import gc

    write_nominal_lists(tmp_path, count=200, seed=2)
    left, _ = read_table("regional", tmp_path / "regional.csv")
    right, _ = read_table("national", tmp_path / "national.csv")
    seen: list[bool] = []
    assert gc.isenabled()
    reconcile(left, right, progress=lambda _stage: seen.append(gc.isenabled()))
    assert gc.isenabled()
    assert seen and not any(seen)  # paused during the run
    gc.disable()
    try:
        reconcile(left, right)
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()


def test_the_child_waits_for_what_the_parent_sends() -> None:
    def work(receive: Any) -> Any:
        before = os.getpid()
        return before, receive() * 2

    forked = _Forked(work, receives=True)
    forked.send(21)
    pid, doubled = forked.result()
    assert pid != os.getpid()
    assert doubled == 42


def test_a_failed_child_that_receives_is_redone_here_with_what_was_sent() -> None:
    parent = os.getpid()

    def work(receive: Any) -> Any:
        value = receive()
        if os.getpid() != parent:
            raise MemoryError("the fork ran out of memory")
        return value + 1

    forked = _Forked(work, receives=True)
    forked.send(1)
    assert forked.result() == 2

