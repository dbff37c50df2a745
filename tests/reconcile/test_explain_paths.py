"""The explanations' fast paths give exactly what their plain forms give."""

from __future__ import annotations

from pathlib import Path

from ctpse_core.reconcile import read_table, reconcile
from ctpse_core.reconcile.config import ReconcileConfig
from ctpse_core.synthetic.nominals import write_nominal_lists


def test_correction_rows_from_a_template_are_those_built_cell_by_cell(tmp_path: Path) -> None:
    """The correction set's rows (copied from a blank template, one memo look-up per cell) are
    exactly those built cell by cell in column order, on generated lists with every kind of row."""
    from ctpse_core.reconcile.explain import corrections

    write_nominal_lists(tmp_path, count=1500, seed=5)
    left, _ = read_table("regional", tmp_path / "regional.csv")
    right, _ = read_table("national", tmp_path / "national.csv")
    config = ReconcileConfig()
    result = reconcile(left, right, config)
    args = (
        left, right, result.matches, result.discrepancies, result.only_left, result.only_right,
        result.duplicates_right, config,
    )
    fast = corrections(*args)
    slow = corrections(*args, by_cell=True)
    assert fast == slow
    assert [list(row) for row in fast[1]] == [list(row) for row in slow[1]]  # the same column order
    assert (result.correction_headers, result.corrections, result.correction_ids) == fast[:3]
    actions = {row["Action"] for row in fast[1]}
    assert {"UPDATE", "ADD", "QUERY", "MERGE"} <= actions


def test_a_disputed_value_keeps_the_national_cell_on_both_paths(kit) -> None:  # type: ignore[no-untyped-def]
    """Two regional copies asking one national record for two statuses: the row (QUERY) keeps the
    national value, and a merged duplicate's row carries only its identifying cells, on both paths."""
    import datetime as dt

    from ctpse_core.reconcile.engine import _as_table
    from ctpse_core.reconcile.explain import corrections

    person = {"sex": "M", "nationality": "British"}
    born = dt.date(1971, 7, 7)
    left, right = kit.make_lists(
        [
            kit.nominal("regional", "R200", "Barnaby", "Quillfeather", born, status="custody", **person),
            kit.nominal("regional", "R201", "Barnaby", "Quillfeather", born, status="licence", **person),
        ],
        [
            kit.nominal("national", "N200", "Barnaby", "Quillfeather", born, status="community", **person),
            kit.nominal("national", "N201", "Barnaby", "Quillfeather", born, status="community", **person),
        ],
    )
    left, right = _as_table(left, "left"), _as_table(right, "right")
    config = ReconcileConfig()
    result = reconcile(left, right, config)
    args = (
        left, right, result.matches, result.discrepancies, result.only_left, result.only_right,
        result.duplicates_right, config,
    )
    fast, slow = corrections(*args), corrections(*args, by_cell=True)
    assert fast == slow
    n200 = next(row for row in fast[1] if row["JCTPPH Ref"] == "N200")
    assert n200["Action"] == "QUERY" and n200["Status"] == "community"
    n201 = next(row for row in fast[1] if row["JCTPPH Ref"] == "N201")
    assert n201["Action"] == "MERGE" and n201["Status"] == ""


def test_discrepancies_found_ahead_are_those_of_the_matches(tmp_path: Path) -> None:
    """The discrepancies looked for on the likely pairs before the clusters are known, then taken
    per match (a match that was not among them looked at afterwards), are exactly
    ``discrepancies()`` of the matches, in the same order."""
    import numpy as np

    from ctpse_core.reconcile.engine import _match_discrepancies
    from ctpse_core.reconcile.explain import discrepancies, pair_discrepancies

    write_nominal_lists(tmp_path, count=1500, seed=5)
    left, _ = read_table("regional", tmp_path / "regional.csv")
    right, _ = read_table("national", tmp_path / "national.csv")
    config = ReconcileConfig()
    result = reconcile(left, right, config)
    expected = discrepancies(left, right, result.matches, config.tolerances)
    assert result.discrepancies == expected
    assert len(expected) > 100
    # found ahead for every other match only: the rest are looked at afterwards
    lpos = {rid: k for k, rid in enumerate(left.ids)}
    rpos = {rid: k for k, rid in enumerate(right.ids)}
    mx = np.asarray([lpos[m.left] for m in result.matches], dtype=np.int64)
    my = np.asarray([rpos[m.right] for m in result.matches], dtype=np.int64)
    codes = mx * len(right) + my
    some = np.sort(codes[::2])
    xs, ys = some // len(right), some % len(right)
    pair_of, found = pair_discrepancies(left, right, xs.tolist(), ys.tolist(), config.tolerances)
    starts = np.searchsorted(pair_of, np.arange(len(some) + 1))
    taken = _match_discrepancies(left, right, mx, my, (some, starts, found), config)
    assert taken == expected
    assert _match_discrepancies(left, right, mx, my, (some[:0], starts[:1], []), config) == expected


def test_id_rank_sorts_as_the_ids_do() -> None:
    """Sorting by an ID's rank sorts by the ID, whether or not the list came in ID order."""
    import random

    from ctpse_core.reconcile.explain import id_rank

    rng = random.Random(3)
    for size in (0, 1, 2, 50, 400):
        ids = sorted({f"R{rng.randrange(10**6):07d}{rng.choice('ab')}" for _ in range(size)})
        for shuffled in (False, True):
            if shuffled:
                rng.shuffle(ids)
            rank = id_rank(ids).tolist()
            assert sorted(range(len(ids)), key=rank.__getitem__) == sorted(range(len(ids)), key=ids.__getitem__)
