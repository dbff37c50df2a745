"""Fellegi-Sunter model: u from random pairs, m and the match prior by EM (no labels).

For comparison ``c`` at level ``l`` the weight is ``log2(m[c][l] / u[c][l])``: ``m`` is the
chance of that level among true matches, ``u`` among non-matches. ``u`` is estimated from
random pairs of records (almost all non-matches); ``m`` and the share of matches ``λ``
among candidate pairs come from expectation-maximisation over the candidate pairs'
comparison vectors, grouped into distinct patterns (so EM costs the same for 10k or 10M
pairs). Term-frequency adjustment (as in Splink): an exact agreement on a value of
relative frequency ``f`` weighs ``log2(m / f)`` instead of ``log2(m / u)``, so agreeing on
a frequent name is worth less than agreeing on a rare one.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt

from ctpse_core.reconcile.comparisons import MatchRule, PairBatch

__all__ = ["MatchModel", "comparison_levels", "estimate_u", "fit_em", "fit_prior", "score", "train"]

I8 = npt.NDArray[np.int8]
F64 = npt.NDArray[np.float64]


@attrs.define
class MatchModel:
    """Learned probabilities per comparison and level, and the prior share of matches."""

    names: list[str]
    labels: list[tuple[str, ...]]
    m: list[F64]
    u: list[F64]
    prior: float
    iterations: int = 0
    trained: list[bool] = attrs.Factory(list)

    def weights(self) -> list[F64]:
        return [np.log2(m / u) for m, u in zip(self.m, self.u, strict=True)]

    def prior_weight(self, prior: float | None = None) -> float:
        p = self.prior if prior is None else prior
        return float(np.log2(p / (1.0 - p)))

    def table(self) -> list[dict[str, object]]:
        """Rows (comparison, level, m, u, weight) for reports and docs."""
        rows: list[dict[str, object]] = []
        for name, labels, m, u, w in zip(
            self.names, self.labels, self.m, self.u, self.weights(), strict=True
        ):
            for level, label in enumerate(labels):
                rows.append(
                    {
                        "comparison": name,
                        "level": label,
                        "m": round(float(m[level]), 6),
                        "u": round(float(u[level]), 6),
                        "weight": round(float(w[level]), 3),
                    }
                )
        return rows


def comparison_levels(rules: Sequence[MatchRule], batch: PairBatch) -> I8:
    """The level matrix: one row per pair, one column per comparison."""
    out = np.empty((len(batch), len(rules)), dtype=np.int8)
    for k, rule in enumerate(rules):
        out[:, k] = rule.compute(batch)
    return out


def estimate_u(levels: I8, rules: Sequence[MatchRule]) -> list[F64]:
    """u-probabilities from the levels of random pairs (add-half smoothing, nulls excluded)."""
    u: list[F64] = []
    for k, rule in enumerate(rules):
        column = levels[:, k]
        counts = np.bincount(column[column >= 0].astype(np.int64), minlength=len(rule.levels))[
            : len(rule.levels)
        ]
        u.append((counts + 0.5) / (counts.sum() + 0.5 * len(rule.levels)))
    return u


def _patterns(levels: I8) -> tuple[I8, F64]:
    """The distinct rows of the level matrix and how often each occurs (rows as one integer)."""
    if levels.shape[1] == 0 or len(levels) == 0:
        uniq, counts = np.unique(levels, axis=0, return_counts=True)
        return uniq, counts.astype(np.float64)
    base = int(levels.max()) + 2  # levels run from -1 (missing)
    if base ** levels.shape[1] >= 2**62:
        uniq, counts = np.unique(levels, axis=0, return_counts=True)
        return uniq, counts.astype(np.float64)
    place = base ** np.arange(levels.shape[1], dtype=np.int64)
    code = np.zeros(len(levels), dtype=np.int64)
    for k in range(levels.shape[1]):  # column by column: no int64 copy of the whole matrix
        code += (levels[:, k].astype(np.int64) + 1) * place[k]
    codes, counts = np.unique(code, return_counts=True)
    rows = (codes[:, None] // place) % base - 1
    return rows.astype(np.int8), counts.astype(np.float64)


def _likelihoods(patterns: I8, probs: Sequence[F64]) -> F64:
    out = np.ones(len(patterns), dtype=np.float64)
    for k, p in enumerate(probs):
        column = patterns[:, k].astype(np.int64)
        out *= np.where(column >= 0, p[np.maximum(column, 0)], 1.0)
    return out


def _initial_m(n_levels: int) -> F64:
    raw = np.asarray(
        [0.05] + [0.05 * (k + 1) for k in range(n_levels - 2)] + [1.0], dtype=np.float64
    )
    if n_levels == 2:
        raw = np.asarray([0.1, 0.9])
    out: F64 = raw / raw.sum()
    return out


def fit_em(
    levels: I8,
    rules: Sequence[MatchRule],
    u: list[F64],
    iterations: int = 60,
    tolerance: float = 1e-6,
    prior: float = 0.5,
    exclude: frozenset[int] = frozenset(),
    start: Sequence[F64] | None = None,
) -> tuple[list[F64], float, int]:
    """m-probabilities (and the share of matches) by EM over candidate pairs, u held fixed.

    Comparisons in ``exclude`` (those the pairs were blocked on, which all agree) are left
    out, as Splink does, and keep their starting m.
    """
    m = (
        [np.asarray(x, dtype=np.float64) for x in start]
        if start is not None
        else [_initial_m(len(r.levels)) for r in rules]
    )
    keep = [k for k in range(len(rules)) if k not in exclude]
    if len(levels) == 0 or not keep:
        return m, prior, 0
    patterns, counts = _patterns(levels[:, keep])
    mk = [m[k] for k in keep]
    uk = [u[k] for k in keep]
    done = 0
    for done in range(1, iterations + 1):  # noqa: B007 - the count is reported
        lm, lu = _likelihoods(patterns, mk), _likelihoods(patterns, uk)
        g = prior * lm / (prior * lm + (1.0 - prior) * lu)
        weight = counts * g
        new_prior = min(max(float(weight.sum() / counts.sum()), 1e-9), 1 - 1e-9)
        new_m: list[F64] = []
        for col, k in enumerate(keep):
            n_levels = len(rules[k].levels)
            column = patterns[:, col].astype(np.int64)
            ok = column >= 0
            sums = np.bincount(column[ok], weights=weight[ok], minlength=n_levels)[:n_levels]
            total = sums.sum()
            alpha = max(1e-3, 1e-3 * total)  # a weak Dirichlet prior: no level is ever impossible
            fresh = (sums + alpha) / (total + alpha * n_levels) if total > 0 else mk[col]
            new_m.append(np.asarray(fresh, dtype=np.float64))
        change = max(
            abs(new_prior - prior),
            *(float(np.abs(a - b).max()) for a, b in zip(new_m, mk, strict=True)),
        )
        mk, prior = new_m, new_prior
        if change < tolerance:
            break
    for col, k in enumerate(keep):
        m[k] = mk[col]
    return m, prior, done


def train(
    levels: I8,
    rules: Sequence[MatchRule],
    u: list[F64],
    sessions: Sequence[tuple[npt.NDArray[np.bool_], frozenset[int]]],
    iterations: int = 60,
    tolerance: float = 1e-6,
    min_pairs: int = 30,
) -> MatchModel:
    """m per comparison: the mean over EM sessions (one per blocking rule) that trained it."""
    sums = [np.zeros(len(r.levels)) for r in rules]
    trained = [0] * len(rules)
    total_iterations = 0
    for mask, exclude in sessions:
        if int(mask.sum()) < min_pairs:
            continue
        chosen = levels[mask]
        m, _prior, its = fit_em(chosen, rules, u, iterations, tolerance, exclude=exclude)
        total_iterations += its
        present = np.asarray((chosen >= 0).any(axis=0), dtype=bool)
        for k in range(len(rules)):
            if k not in exclude and present[k]:
                sums[k] += m[k]
                trained[k] += 1
    m_final = [
        s / n if n else _initial_m(len(r.levels))
        for s, n, r in zip(sums, trained, rules, strict=True)
    ]
    return MatchModel(
        names=[r.name for r in rules],
        labels=[r.levels for r in rules],
        m=m_final,
        u=list(u),
        prior=0.5,
        iterations=total_iterations,
        trained=[n > 0 for n in trained],
    )


def fit_prior(
    bayes_weights: F64, total_pairs: int, iterations: int = 100, tolerance: float = 1e-9
) -> float:
    """The chance that two random records match, by EM over all ``total_pairs`` pairs.

    Pairs not among the candidates are taken as non-matches; ``bayes_weights`` are the
    candidates' match weights (log2 Bayes factors).
    """
    if total_pairs <= 0 or len(bayes_weights) == 0:
        return 1e-9
    factor = np.exp2(np.clip(bayes_weights, -60, 60))
    prior = min(len(bayes_weights), total_pairs) / total_pairs / 2
    scaled, posterior = np.empty_like(factor), np.empty_like(factor)  # reused by every iteration
    for _ in range(iterations):
        odds = prior / (1 - prior)
        np.multiply(factor, odds, out=scaled)
        np.add(scaled, 1, out=posterior)
        np.divide(scaled, posterior, out=posterior)  # factor * odds / (1 + factor * odds)
        new = min(max(float(posterior.sum()) / total_pairs, 1e-12), 0.5)
        if abs(new - prior) <= tolerance * max(prior, 1e-12):
            prior = new
            break
        prior = new
    return prior


def score(
    levels: I8,
    model: MatchModel,
    rules: Sequence[MatchRule],
    batch: PairBatch,
    tf_adjust: Sequence[str],
) -> tuple[F64, F64]:
    """(match weight per pair without the prior, per-comparison weights matrix)."""
    if len(levels) == 0:
        return np.zeros(0), np.zeros((0, len(rules)))
    weights = model.weights()
    per = np.zeros(levels.shape, dtype=np.float64)
    for k, rule in enumerate(rules):
        column = levels[:, k]
        # each level's weight, and 0 for a missing value (-1): one look-up of level + 1
        w = np.concatenate([[0.0], np.asarray(weights[k], dtype=np.float64)])[column.astype(np.intp) + 1]
        if rule.name in tf_adjust:
            freq = rule.frequency(batch, levels[:, k])
            if freq is not None:
                m = model.m[k][np.maximum(column, 0)]
                floor = 1.0 / max(len(batch.a) + len(batch.b), 1)
                adjusted = np.log2(m / np.maximum(np.nan_to_num(freq, nan=1.0), floor))
                w = np.where(np.isnan(freq) | (column < 0), w, adjusted)
        per[:, k] = w
    return per.sum(axis=1), per
