"""The numpy helpers agree with numpy's own ``unique``."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from ctpse_core.arrays import runs, sorted_unique


@given(st.lists(st.integers(-(2**62), 2**62)))
def test_sorted_unique_is_numpy_unique(values: list[int]) -> None:
    array = np.asarray(values, dtype=np.int64)
    assert sorted_unique(array).tolist() == np.unique(array).tolist()


@given(st.lists(st.integers(0, 6)))
def test_runs_are_numpy_unique_with_index_and_counts(values: list[int]) -> None:
    array = np.sort(np.asarray(values, dtype=np.int64))
    value, start, length = runs(array)
    expected = np.unique(array, return_index=True, return_counts=True)
    assert value.tolist() == expected[0].tolist()
    assert start.tolist() == expected[1].tolist()
    assert length.tolist() == expected[2].tolist()
    assert int(length.sum()) == len(values)
