"""The numpy helpers agree with numpy's own ``unique``."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from ctpse_core.arrays import runs, sorted_unique, stable_argsort, unique_inverse


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


@given(st.lists(st.one_of(st.integers(0, 6), st.integers(-(2**62), 2**62), st.integers(2**59, 2**62))))
def test_unique_inverse_and_stable_argsort_are_numpy(values: list[int]) -> None:
    """By one sort when values and positions fit in 63 bits, else numpy's own (negative or large)."""
    array = np.asarray(values, dtype=np.int64)
    uniq, inverse = unique_inverse(array)
    expected = np.unique(array, return_inverse=True)
    assert uniq.tolist() == expected[0].tolist()
    assert inverse.tolist() == expected[1].tolist()
    assert stable_argsort(array).tolist() == np.argsort(array, kind="stable").tolist()


@given(st.lists(st.integers(-1, 40), max_size=300), st.integers(0, 2**20))
def test_stable_argsort_of_wide_values_is_numpy(small: list[int], low: int) -> None:
    """Values wider than 63 bits less a position: equal high bits, full values out of order
    (and -1, a missing key)."""
    array = (np.asarray(small, dtype=np.int64) << np.int64(56)) | np.int64(low) ^ np.arange(len(small), dtype=np.int64)
    assert stable_argsort(array).tolist() == np.argsort(array, kind="stable").tolist()
