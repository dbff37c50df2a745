"""Compliance for many periods at once, with numpy: the same answer as
:func:`ctpse_core.engagement.rules.compliance` period by period, for a region's three years
of contacts in a fraction of a second.

Every deadline of every case is laid out in flat arrays: between consecutive points
(the plan start, then each counting contact) ``p < q`` with interval ``e``, the deadlines
``p + e, p + 2e, ...`` before ``q`` are missed, and the one ``q`` meets (``q - p <= e``, or
``q`` falls exactly on one) is met; after the last point, every deadline before the as-of day
is missed. Each deadline is placed in its period by binary search, and per case and period
"any deadline" and "any missed" are counted with ``bincount``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ctpse_core.casework import Period
from ctpse_core.engagement.rules import Case

__all__ = ["compliance_table"]

Ints = npt.NDArray[np.int64]


def _deadlines(starts: Ints, every: Ints, case_of: Ints, days: Ints, as_of: int) -> tuple[Ints, Ints, npt.NDArray[
        np.bool_]]:
    """(case, due day, met) for every deadline before ``as_of`` (days as proleptic ordinals)."""
    n = len(starts)
    keep = (days > starts[case_of]) & (days <= as_of)
    pc = np.concatenate([np.arange(n, dtype=np.int64), case_of[keep]])
    pd = np.concatenate([starts, days[keep]])
    order = np.lexsort((pd, pc))
    pc, pd = pc[order], pd[order]
    fresh = np.ones(len(pc), dtype=bool)
    fresh[1:] = (pc[1:] != pc[:-1]) | (pd[1:] != pd[:-1])
    pc, pd = pc[fresh], pd[fresh]
    last = np.ones(len(pc), dtype=bool)
    last[:-1] = pc[1:] != pc[:-1]
    q = np.empty_like(pd)
    q[:-1] = pd[1:]
    q[last] = as_of
    e = every[pc]
    gap = q - pd
    n_missed = np.where(last, (as_of - pd - 1) // e, (gap - 1) // e)
    n_missed = np.maximum(n_missed, 0)
    met = ~last & ((gap <= e) | (gap % e == 0))
    met_day = np.where(gap <= e, pd + e, q)
    total = int(n_missed.sum())
    seg = np.repeat(np.arange(len(pd)), n_missed)
    offsets = np.cumsum(n_missed) - n_missed
    m = np.arange(total, dtype=np.int64) - np.repeat(offsets, n_missed) + 1
    miss_case, miss_day = pc[seg], pd[seg] + m * e[seg]
    case = np.concatenate([miss_case, pc[met]])
    due = np.concatenate([miss_day, met_day[met]])
    ok = np.concatenate([np.zeros(total, dtype=bool), np.ones(int(met.sum()), dtype=bool)])
    return case, due, ok


def compliance_table(cases: Sequence[Case], periods: Sequence[Period], as_of: dt.date,
                     key: str = "manager") -> dict[str, list[tuple[int, int]]]:
    """``{group: [(compliant, required) for each period]}``, grouping cases by ``key``
    (``manager``, ``force`` or ``region``). Periods must be in order and not overlap."""
    for a, b in itertools.pairwise(periods):
        if b.first <= a.last:
            raise ValueError(f"periods overlap or are out of order: {a} then {b}")
    n, p = len(cases), len(periods)

    def epoch_days(values: list[dt.date]) -> Ints:  # proleptic ordinals: cheaper than datetime64 from objects
        return np.array([v.toordinal() for v in values], dtype=np.int64)

    starts = epoch_days([c.starts_on for c in cases])
    every = np.array([c.every for c in cases], dtype=np.int64)
    sizes = np.array([len(c.contact_days) for c in cases], dtype=np.int64)
    case_of = np.repeat(np.arange(n, dtype=np.int64), sizes)
    days = epoch_days([d for c in cases for d in c.contact_days])
    today = int(epoch_days([as_of])[0])
    case, due, met = _deadlines(starts, every, case_of, days, today)
    firsts = epoch_days([x.first for x in periods])
    lasts = np.minimum(epoch_days([x.last for x in periods]), today - 1)
    which = np.searchsorted(firsts, due, side="right") - 1
    inside = (which >= 0) & (due <= lasts[np.clip(which, 0, None)])
    slot = case[inside] * p + which[inside]
    required = np.bincount(slot, minlength=n * p) > 0
    missed = np.bincount(slot[~met[inside]], minlength=n * p) > 0
    names = ["region" if key == "region" else (getattr(c, key) or "(none)") for c in cases]
    groups = sorted(set(names))
    index = {g: i for i, g in enumerate(groups)}
    gid = np.repeat(np.fromiter((index[g] for g in names), dtype=np.int64, count=n), p)
    col = np.tile(np.arange(p, dtype=np.int64), n)
    cell = gid * p + col
    req = np.bincount(cell, weights=required, minlength=len(groups) * p).astype(np.int64).reshape(-1, p)
    good = np.bincount(cell, weights=required & ~missed, minlength=len(groups) * p).astype(np.int64).reshape(-1, p)
    return {g: [(int(good[i, j]), int(req[i, j])) for j in range(p)] for i, g in enumerate(groups)}
