"""The reconciliation run: block, compare, learn, decide, cluster, assign, explain."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from ctpse_core.arrays import sorted_unique
from ctpse_core.domain.marking import highest
from ctpse_core.domain.nominal import Nominal
from ctpse_core.reconcile import model as fs
from ctpse_core.reconcile.auto import Choice, choose
from ctpse_core.reconcile.blocking import candidate_pairs
from ctpse_core.reconcile.columns import blocked_comparisons
from ctpse_core.reconcile.comparisons import MatchRule, PairBatch, column_rules, match_rules
from ctpse_core.reconcile.config import ReconcileConfig
from ctpse_core.reconcile.explain import corrections, headcount, id_rank, pair_discrepancies
from ctpse_core.reconcile.features import Encoded, Side, encode
from ctpse_core.reconcile.forked import Forked as _Forked
from ctpse_core.reconcile.result import (
    Discrepancy,
    DuplicateCluster,
    EvidenceRows,
    IdentifierConflict,
    MatchedPair,
    PossibleMatch,
    ReconciliationResult,
)
from ctpse_core.reconcile.review import ReviewDecision, latest
from ctpse_core.reconcile.table import NAME_FIELDS, NominalTable, table_from_nominals

__all__ = ["Progress", "choose_config", "reconcile"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Progress = Callable[[str], None]

#: Which comparisons a blocking key part makes agree (left out when training on that rule).
PART_COMPARISONS: dict[str, tuple[str, ...]] = {
    "pnc": ("pnc_id",),
    "cro": ("cro_number",),
    "prison": ("prison_number",),
    "name_token": ("forename", "surname"),
    "name_pair": ("forename", "surname"),
    "forename": ("forename",),
    "surname": ("surname",),
    "surname_phonetic": ("surname",),
    "dob": ("date_of_birth",),
    "dob_unordered": ("date_of_birth",),
    "year": ("date_of_birth",),
    "month": ("date_of_birth",),
    "day": ("date_of_birth",),
    "sex": ("sex",),
    "nationality": ("nationality",),
    "postcode": ("postcode",),
}
#: Candidate pairs compared at a time.
_SLICE = 1_000_000
STAGES = ("choose", "encode", "link", "explain ahead", "dedupe left", "dedupe right", "decide", "explain")


@attrs.define
class _Scored:
    i: I64
    j: I64
    levels: npt.NDArray[np.int8]
    per: npt.NDArray[np.floating[Any]]
    weight: F64
    probability: F64
    prior: float
    candidates: int
    per_rule: dict[str, int]
    skipped: dict[str, int]
    windowed: dict[str, int]
    #: Per blocking rule, which pairs it produced.
    masks: dict[str, npt.NDArray[np.bool_]] = attrs.Factory(dict)


def _as_table(items: NominalTable | Iterable[Nominal], default: str) -> NominalTable:
    if isinstance(items, NominalTable):
        return items
    records = list(items)
    source = default
    if records and records[0].provenance is not None:
        source = records[0].provenance.source
    return table_from_nominals(records, source)


def _active_rules(config: ReconcileConfig) -> list[MatchRule]:
    rules = [rule for name, rule in match_rules().items() if name not in config.disabled_rules]
    return rules + column_rules(config.comparisons, {r.name for r in rules}, config.disabled_rules)


def choose_config(
    left: NominalTable, right: NominalTable, config: ReconcileConfig
) -> tuple[ReconcileConfig, list[Choice]]:
    """The configuration with the comparisons and blocking rules chosen from the two lists
    (:mod:`ctpse_core.reconcile.auto`), and what was chosen and why."""

    def first_pass(enc: Encoded, cfg: ReconcileConfig, same: bool) -> tuple[I64, I64, F64, dict[str, Any]]:
        side_b = enc.left if same else enc.right
        scored = _link(enc, enc.left, side_b, _active_rules(cfg), cfg, same, [], None)[0]
        return scored.i, scored.j, scored.probability, scored.masks

    return choose(left, right, config, first_pass, set(match_rules().names()))


def _check_columns(config: ReconcileConfig, tables: tuple[NominalTable, NominalTable]) -> None:
    """A declared comparison or ``field:`` blocking part on a column a list lacks could never
    take effect: a :class:`ConfigError` naming it and the list, never silently ignored."""
    from ctpse_core.errors import ConfigError
    from ctpse_core.reconcile.config import field_of_part

    wanted = [(f"comparison {c.name!r}", c.field) for c in config.comparisons if c.name not in config.disabled_rules]
    wanted += [
        (f"blocking rule {rule.name!r}", path)
        for rule in config.blocking
        for path in filter(None, map(field_of_part, rule.keys))
    ]
    for what, path in wanted:
        for table in tables:
            if path not in table.columns and len(table):
                extras = f"; its own columns: {', '.join(table.extras)}" if table.extras else ""
                raise ConfigError(
                    f"{what}: the {table.source} list has no column {path!r}, so it could never take effect "
                    f"(map a column to it{extras})"
                )


def _random_pairs(n_a: int, n_b: int, count: int, seed: int, same: bool) -> tuple[I64, I64]:
    rng = np.random.default_rng(seed)
    total = n_a * n_b
    count = min(count, total)
    if count <= 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    i = rng.integers(0, n_a, count, dtype=np.int64)
    j = rng.integers(0, n_b, count, dtype=np.int64)
    if same:
        keep = i != j
        i, j = i[keep], j[keep]
    return i, j


def _extra_pairs(extra: Sequence[tuple[int, int]], i: I64, j: I64, n_b: int) -> tuple[I64, I64]:
    if not extra:
        return i, j
    codes = np.union1d(i * n_b + j, np.asarray([a * n_b + b for a, b in extra], dtype=np.int64))
    return codes // n_b, codes % n_b


@attrs.define
class _Prepared:
    """The part of a link that does not depend on the model: candidate pairs, their
    comparison levels (in slices, each with the cache its comparisons share) and u."""

    a: Side
    b: Side
    same: bool
    i: I64
    j: I64
    candidates: int
    report: Any
    masks: dict[str, npt.NDArray[np.bool_]]
    u: list[F64]
    batches: list[PairBatch]
    levels: npt.NDArray[np.int8]


def _prepare(
    enc: Encoded,
    a: Side,
    b: Side,
    rules: list[MatchRule],
    config: ReconcileConfig,
    same: bool,
    extra: Sequence[tuple[int, int]],
) -> _Prepared:
    i, j, report = candidate_pairs(
        a,
        b,
        enc.names,
        config.blocking,
        config.max_block_pairs,
        same=same,
        block_limit=config.block_limit,
        block_window=config.block_window,
    )
    candidates = len(i)
    masks = report.masks
    if extra:
        codes_before = i * len(b) + j
        i, j = _extra_pairs(extra, i, j, len(b))
        position = np.isin(i * len(b) + j, codes_before)
        masks = {name: _expand(mask, position) for name, mask in masks.items()}
    ri, rj = _random_pairs(len(a), len(b), config.u_sample, config.seed, same)
    u = fs.estimate_u(
        fs.comparison_levels(rules, PairBatch(a, b, ri, rj, enc.names, config.workers)), rules
    )
    # pairs are compared in slices: the name alignment expands each pair into its
    # name-variant pairs, and a slice bounds that working memory
    batches = [
        PairBatch(a, b, i[s : s + _SLICE], j[s : s + _SLICE], enc.names, config.workers)
        for s in range(0, max(len(i), 1), _SLICE)
    ]
    levels = np.concatenate([fs.comparison_levels(rules, bt) for bt in batches])
    return _Prepared(a, b, same, i, j, candidates, report, masks, u, batches, levels)


def _link(
    enc: Encoded,
    a: Side,
    b: Side,
    rules: list[MatchRule],
    config: ReconcileConfig,
    same: bool,
    extra: Sequence[tuple[int, int]],
    base: fs.MatchModel | None,
) -> tuple[_Scored, fs.MatchModel]:
    return _finish(_prepare(enc, a, b, rules, config, same, extra), rules, config, base)


def _finish(
    prep: _Prepared, rules: list[MatchRule], config: ReconcileConfig, base: fs.MatchModel | None
) -> tuple[_Scored, fs.MatchModel]:
    """EM over the prepared pairs (with ``base``'s m where it was trained), scores, prior."""
    a, b, same, i, j, levels, masks = prep.a, prep.b, prep.same, prep.i, prep.j, prep.levels, prep.masks
    index = {r.name: k for k, r in enumerate(rules)}
    sessions = [
        (
            masks[rule.name],
            frozenset(
                index[c]
                for part in rule.keys
                for c in PART_COMPARISONS.get(part, ()) + blocked_comparisons(part, rules)
                if c in index
            ),
        )
        for rule in config.blocking
        if rule.name in masks
    ]
    trained = fs.train(levels, rules, prep.u, sessions, config.em_iterations, config.em_tolerance)
    if base is not None:  # m is a property of the people, shared across lists; u is not
        m = [bm if bt else tm for bm, bt, tm in zip(base.m, base.trained, trained.m, strict=True)]
        trained = attrs.evolve(
            trained,
            m=m,
            trained=[x or y for x, y in zip(base.trained, trained.trained, strict=True)],
        )
    # per-comparison weights are kept as float32 (evidence is shown to 3 decimals); each
    # pair's total is summed in float64
    weight = np.zeros(len(i), dtype=np.float64)
    per = np.zeros((len(i), len(rules)), dtype=np.float32)
    for s, bt in zip(range(0, max(len(i), 1), _SLICE), prep.batches, strict=True):
        w, per_slice = fs.score(levels[s : s + _SLICE], trained, rules, bt, config.tf_adjust)
        weight[s : s + _SLICE], per[s : s + _SLICE] = w, per_slice
    prep.batches = []  # their caches (name alignments) are not needed again
    total_pairs = len(a) * (len(a) - 1) // 2 if same else len(a) * len(b)
    prior = fs.fit_prior(weight, total_pairs)
    trained.prior = prior
    logit = weight + trained.prior_weight(prior)
    probability = 1.0 / (1.0 + np.exp2(-np.clip(logit, -60, 60)))
    report = prep.report
    scored = _Scored(
        i=i,
        j=j,
        levels=levels,
        per=per,
        weight=logit,
        probability=probability,
        prior=prior,
        candidates=prep.candidates,
        per_rule=dict(report.per_rule),
        skipped=dict(report.skipped_blocks),
        windowed=dict(report.windowed_blocks),
        masks=masks,
    )
    return scored, trained


_Dedupe = tuple[I64, dict[int, float], _Scored]


def _dedupe(
    enc: Encoded,
    side: Side,
    rules: list[MatchRule],
    config: ReconcileConfig,
    decided: dict[tuple[int, int], bool],
    model: fs.MatchModel,
) -> _Dedupe:
    """One list linked with itself and reduced to its duplicate clusters: the cluster of each
    record, each cluster's weakest link, and the scored pairs' counts (no per-pair arrays)."""
    prep = _prepare(enc, side, side, rules, config, True, list(decided))
    return _dedupe_finish(prep, rules, config, decided, model)


def _dedupe_finish(
    prep: _Prepared,
    rules: list[MatchRule],
    config: ReconcileConfig,
    decided: dict[tuple[int, int], bool],
    model: fs.MatchModel,
) -> _Dedupe:
    """The model-dependent half of :func:`_dedupe`: EM, scores, clusters."""
    scored, _ = _finish(prep, rules, config, model)
    veto = _cannot_link(prep.a, scored, rules, config.dedupe_cannot_link)
    cluster, weakest = _clusters(len(prep.a), scored, config.dedupe_threshold, decided, veto)
    return cluster, weakest, _slim(scored)


def _slim(scored: _Scored) -> _Scored:
    """The scored pairs without their per-pair arrays (only the counts stay, for stats)."""
    empty = np.zeros(0, dtype=np.int64)
    return attrs.evolve(
        scored,
        i=empty,
        j=empty,
        levels=np.zeros((0, scored.levels.shape[1]), dtype=np.int8),
        masks={},
        per=np.zeros((0, scored.per.shape[1]), dtype=np.float32),
        weight=np.zeros(0),
        probability=np.zeros(0),
    )


def _expand(mask: npt.NDArray[np.bool_], position: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    out = np.zeros(len(position), dtype=bool)
    out[np.flatnonzero(position)] = mask
    return out


def _evidence(
    rules: list[MatchRule], levels: npt.NDArray[np.int8], per: npt.NDArray[np.floating[Any]], k: int
) -> EvidenceRows:
    """A reference to row ``k`` of the comparison matrices (Evidence is built when read)."""
    return EvidenceRows(*_labels(rules), levels, per, k)


def _labels(rules: list[MatchRule]) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """The comparisons' names and level labels, one pair of tuples shared by a run's evidence."""
    return tuple(r.name for r in rules), tuple(r.levels for r in rules)


def _cannot_link(
    side: Side, scored: _Scored, rules: list[MatchRule], kinds: tuple[str, ...]
) -> npt.NDArray[np.bool_] | None:
    """Pairs of one list that are never joined as duplicates by score alone.

    ``identifiers``: a PNC ID, CRO number or prison number present on both and different.
    ``forename``: forenames that disagree outright on every name variant — two people who
    share a surname, a date of birth and an address (twins, relatives) otherwise score as
    one, because Fellegi-Sunter adds the agreeing fields as if they were independent."""
    if not kinds:
        return None
    i, j = scored.i, scored.j
    veto = np.zeros(len(i), dtype=bool)
    for codes in (side.pnc, side.cro, side.prison) if "identifiers" in kinds else ():
        a, b = codes[i], codes[j]
        veto |= (a >= 0) & (b >= 0) & (a != b)
    names = [k for k, r in enumerate(rules) if r.name == "forename"]
    if names and "forename" in kinds:
        veto |= scored.levels[:, names[0]] == 0  # NAME_LEVELS[0] == "different"; -1 is missing
    return veto


def _clusters(
    n: int,
    scored: _Scored,
    threshold: float,
    decided: dict[tuple[int, int], bool],
    veto: npt.NDArray[np.bool_] | None = None,
) -> tuple[I64, dict[int, float]]:
    """Cluster id (smallest member index) per record, and each cluster's weakest accepted link.

    Pairs marked in ``veto`` are not accepted on their score (a reviewer's "same" still joins them)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    accept = scored.probability >= threshold
    if veto is not None:
        accept &= ~veto
    a, b, p = scored.i[accept], scored.j[accept], scored.probability[accept]
    if decided:
        refused = [pair for pair, same in decided.items() if not same]
        if refused:
            codes = a * max(n, 1) + b
            gone = np.isin(codes, np.asarray([x * n + y for x, y in refused], dtype=np.int64))
            a, b, p = a[~gone], b[~gone], p[~gone]
        agreed = [pair for pair, same in decided.items() if same]
        if agreed:
            a = np.concatenate([a, np.asarray([x for x, _ in agreed], dtype=np.int64)])
            b = np.concatenate([b, np.asarray([y for _, y in agreed], dtype=np.int64)])
            p = np.concatenate([p, np.ones(len(agreed))])
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    _count, label = connected_components(graph, directed=False)
    # the cluster id is its smallest member: the first record of each component label
    first = np.full(int(label.max(initial=-1)) + 1, n, dtype=np.int64)
    np.minimum.at(first, label, np.arange(n, dtype=np.int64))
    cluster = first[label]
    weakest: dict[int, float] = {}
    if len(a):
        roots = cluster[a]
        low = np.full(n, 1.0)
        np.minimum.at(low, roots, p)
        weakest = {int(r): float(low[r]) for r in sorted_unique(roots)}
    return cluster, weakest


def _decisions_by_index(
    decisions: Iterable[ReviewDecision],
    sources: tuple[str, str],
    tables: tuple[NominalTable, NominalTable],
) -> dict[str, dict[tuple[int, int], bool]]:
    """Decisions mapped to record indexes for the cross link and each dedupe."""
    out: dict[str, dict[tuple[int, int], bool]] = {"link": {}, "left": {}, "right": {}}
    found = latest(decisions)
    if not found:  # no ID dictionaries of a million entries for nothing
        return out
    pos = [{rid: k for k, rid in enumerate(t.ids)} for t in tables]
    for d in found.values():
        ends = [(d.left_source, d.left_id), (d.right_source, d.right_id)]
        sides = []
        for source, rid in ends:
            side = 0 if source == sources[0] else 1 if source == sources[1] else -1
            if side < 0 or rid not in pos[side]:
                break
            sides.append((side, pos[side][rid]))
        if len(sides) != 2:
            continue
        (s1, x1), (s2, x2) = sides
        if s1 != s2:
            left, right = (x1, x2) if s1 == 0 else (x2, x1)
            out["link"][(left, right)] = d.same
        else:
            out["left" if s1 == 0 else "right"][(min(x1, x2), max(x1, x2))] = d.same
    return out


def reconcile(
    left: NominalTable | Iterable[Nominal],
    right: NominalTable | Iterable[Nominal],
    config: ReconcileConfig | None = None,
    decisions: Iterable[ReviewDecision] = (),
    progress: Progress | None = None,
) -> ReconciliationResult:
    """Reconcile two nominal lists (the regional list on the left, the national on the right).

    Python's cycle collector is paused for the run: the run makes millions of small objects
    (matched pairs, discrepancies, correction rows) that hold no reference cycles, and the
    collector's passes over them cost about a tenth of the run at 100k records each (decide
    and explain stages: 4.4 s of CPU with it, 3.1 s without). It is restored afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _reconcile(left, right, config, decisions, progress)
    finally:
        if was_enabled:
            gc.enable()


def _reconcile(
    left: NominalTable | Iterable[Nominal],
    right: NominalTable | Iterable[Nominal],
    config: ReconcileConfig | None,
    decisions: Iterable[ReviewDecision],
    progress: Progress | None,
) -> ReconciliationResult:
    config = config or ReconcileConfig()
    step = progress or (lambda _stage: None)
    timings: dict[str, float] = {}
    cpu_timings: dict[str, float] = {}
    clock, cpu_clock = time.perf_counter(), time.process_time()

    def lap(name: str) -> None:
        nonlocal clock, cpu_clock
        now, cpu_now = time.perf_counter(), time.process_time()
        timings[name] = round(now - clock, 3)
        cpu_timings[name] = round(cpu_now - cpu_clock, 3)
        clock, cpu_clock = now, cpu_now
        step(name)

    lt, rt = _as_table(left, "left"), _as_table(right, "right")
    if lt.source == rt.source:
        rt = attrs.evolve(rt, source=f"{rt.source} (right)")
    _check_columns(config, (lt, rt))
    # on a large run the work is shared with a second process (a fork): the configuration is
    # chosen there while this one encodes the lists, and both lists' de-duplications run there,
    # their candidate pairs and comparisons while this one links (only their EM needs the link's
    # model, sent over once trained); what comes back is small (a configuration; clusters)
    parallel = (
        config.workers > 1 and hasattr(os, "fork") and min(len(lt), len(rt)) >= config.parallel_min_records
    )
    if parallel:
        given = config
        chooser = _Forked(lambda: choose_config(lt, rt, given))
        try:
            enc = encode(lt, rt)
            decided = _decisions_by_index(decisions, (lt.source, rt.source), (lt, rt))
        except BaseException:
            chooser.cancel()
            raise
        lap("encode")
        config, chosen = chooser.result()
        cpu_timings["choose (second process)"] = round(chooser.cpu, 3)
        lap("choose")
    else:
        config, chosen = choose_config(lt, rt, config)
        lap("choose")
        enc = encode(lt, rt)
        decided = _decisions_by_index(decisions, (lt.source, rt.source), (lt, rt))
        lap("encode")
    rules = _active_rules(config)

    def both_dedupes(receive: Callable[[], fs.MatchModel]) -> tuple[_Dedupe, _Dedupe]:
        prep_l = _prepare(enc, enc.left, enc.left, rules, config, True, list(decided["left"]))
        prep_r = _prepare(enc, enc.right, enc.right, rules, config, True, list(decided["right"]))
        base = receive()
        done_l = _dedupe_finish(prep_l, rules, config, decided["left"], base)
        del prep_l
        return done_l, _dedupe_finish(prep_r, rules, config, decided["right"], base)

    deduper = _Forked(both_dedupes, receives=True) if parallel else None
    try:
        link, model = _link(enc, enc.left, enc.right, rules, config, False, list(decided["link"]), None)
    except BaseException:
        if deduper is not None:
            deduper.cancel()
        raise
    lap("link")
    # each dedupe is reduced to its clusters at once (its pair matrices are not needed again)
    if deduper is not None:
        deduper.send(model)
    # the discrepancies of the pairs likely to be matched, while the second process finishes
    ahead = _ahead(lt, rt, rules, config, link)
    lap("explain ahead")
    if deduper is not None:
        (cl, weak_l, dl), (cr, weak_r, dr) = deduper.result()
        cpu_timings["dedupe (second process)"] = round(deduper.cpu, 3)
        lap("dedupe left")
        lap("dedupe right")
    else:
        cl, weak_l, dl = _dedupe(enc, enc.left, rules, config, decided["left"], model)
        lap("dedupe left")
        cr, weak_r, dr = _dedupe(enc, enc.right, rules, config, decided["right"], model)
        lap("dedupe right")
    outcome = _decide(enc, rules, config, link, model, cl, cr, decided["link"])
    lap("decide")
    matches, possibles, conflicts, mx, my, px, py = outcome
    in_possible_l, only_left = _unlisted(lt.ids, mx, px)
    in_possible_r, only_right = _unlisted(rt.ids, my, py)
    dup_l = _cluster_list("left", lt, cl, weak_l)
    dup_r = _cluster_list("right", rt, cr, weak_r)
    found_discrepancies = _match_discrepancies(lt, rt, mx, my, ahead, config)
    rows = headcount(lt, rt, matches, cl.tolist(), cr.tolist(), in_possible_l, in_possible_r, positions=(mx, my))
    headers, fixes, fixes_about, fixes_fields = corrections(
        lt, rt, matches, found_discrepancies, only_left, only_right, dup_r, config
    )
    lap("explain")
    stats: dict[str, Any] = {
        "candidate_pairs": {
            "link": link.candidates,
            "dedupe_left": dl.candidates,
            "dedupe_right": dr.candidates,
        },
        "candidate_pairs_by_rule": link.per_rule,
        "skipped_blocks": {
            "link": link.skipped,
            "dedupe_left": dl.skipped,
            "dedupe_right": dr.skipped,
        },
        "windowed_blocks": {
            "link": link.windowed,
            "dedupe_left": dl.windowed,
            "dedupe_right": dr.windowed,
        },
        "full_comparison_pairs": len(lt) * len(rt),
        "prior_link": link.prior,
        "prior_dedupe_left": dl.prior,
        "prior_dedupe_right": dr.prior,
        "em_iterations": model.iterations,
        "configuration": [f"{c.part} {c.name}: {c.why}" for c in chosen],
        "seconds": timings,
        # this process's CPU time per stage (on a shared machine the wall clock also waits)
        "cpu_seconds": cpu_timings,
        "thresholds": {
            "match": config.match_threshold,
            "review": config.review_threshold,
            "dedupe": config.dedupe_threshold,
        },
    }
    return ReconciliationResult(
        left_source=lt.source,
        right_source=rt.source,
        left_count=len(lt),
        right_count=len(rt),
        matches=matches,
        possible_matches=possibles,
        only_left=only_left,
        only_right=only_right,
        duplicates_left=dup_l,
        duplicates_right=dup_r,
        discrepancies=found_discrepancies,
        identifier_conflicts=conflicts,
        headcount=rows,
        corrections=fixes,
        correction_headers=headers,
        correction_ids=fixes_about,
        correction_fields=fixes_fields,
        stats=stats,
        model=model.table(),
        marking=highest([lt.marking, rt.marking]),
        incomplete={"left": _incomplete(lt), "right": _incomplete(rt)},
    )


_Ahead = tuple[I64, I64, list[Discrepancy]]


def _ahead(
    lt: NominalTable, rt: NominalTable, rules: list[MatchRule], config: ReconcileConfig, link: _Scored
) -> _Ahead:
    """The discrepancies of the link's pairs that may be matched (at or above the match threshold,
    or agreeing on an identifier), before the clusters are known: their codes, where each pair's
    discrepancies start, and the discrepancies in (pair, field) order."""
    likely = link.probability >= config.match_threshold
    ident = [k for k, r in enumerate(rules) if r.identifier]
    if ident:
        top = np.asarray([len(rules[c].levels) - 1 for c in ident], dtype=np.int8)
        likely |= (link.levels[:, ident] == top).any(axis=1)
    pos = np.flatnonzero(likely)
    xs, ys = link.i[pos], link.j[pos]
    pair_of, found = pair_discrepancies(lt, rt, xs.tolist(), ys.tolist(), config.tolerances)
    starts = np.searchsorted(pair_of, np.arange(len(pos) + 1, dtype=np.int64))
    return xs * max(len(rt), 1) + ys, starts, found


def _match_discrepancies(
    lt: NominalTable, rt: NominalTable, mx: I64, my: I64, ahead: _Ahead, config: ReconcileConfig
) -> list[Discrepancy]:
    """The discrepancies of the matches (positions ``mx``, ``my``) in match order, taken from
    those found ahead; a match that was not among them (added by a cluster or a reviewer) is
    looked at now. The same as :func:`~ctpse_core.reconcile.explain.discrepancies` of the matches."""
    codes, starts, found = ahead
    want = mx * max(len(rt), 1) + my
    at = np.minimum(np.searchsorted(codes, want), max(len(codes) - 1, 0))
    hit = codes[at] == want if len(codes) else np.zeros(len(want), dtype=bool)
    miss = np.flatnonzero(~hit)
    pair_m, found_m = pair_discrepancies(lt, rt, mx[miss].tolist(), my[miss].tolist(), config.tolerances)
    starts_m = np.searchsorted(pair_m, np.arange(len(miss) + 1, dtype=np.int64)) + len(found)
    first = np.empty(len(want), dtype=np.int64)
    end = np.empty(len(want), dtype=np.int64)
    first[hit], end[hit] = starts[at[hit]], starts[at[hit] + 1]
    first[miss], end[miss] = starts_m[:-1], starts_m[1:]
    length = end - first
    # each match's run of discrepancies, one after the other, as indexes into both lists
    index = np.arange(int(length.sum()), dtype=np.int64) + np.repeat(first - (np.cumsum(length) - length), length)
    pool = found + found_m
    return list(map(pool.__getitem__, index.tolist()))


def _unlisted(ids: list[str], matched: I64, possible: I64) -> tuple[set[int], list[str]]:
    """The positions of records in a possible match but in no match, and the IDs of the
    records in neither (in order)."""
    listed = np.zeros(len(ids), dtype=bool)
    listed[matched] = True
    pending = {k for k in possible.tolist() if not listed[k]}
    listed[possible] = True
    return pending, [ids[k] for k in np.flatnonzero(~listed).tolist()]


def _incomplete(table: NominalTable) -> list[dict[str, Any]]:
    """Records with a blank name part, or a value blanked as unreadable (``invalid = "blank"``):
    reconciled on their other evidence, reported (data quality)."""
    blank = {f: table.column(f) for f in NAME_FIELDS}
    # only the records with a blank name part or an unreadable value are looked at row by row
    position = {rid: k for k, rid in enumerate(table.ids)} if table.invalid else {}
    rows = {position[rid] for rid in table.invalid if rid in position}
    for column in blank.values():
        empty = {v for v in dict.fromkeys(column) if v is None or v == ""}
        if empty:
            hit = np.fromiter(map(empty.__contains__, column), dtype=bool, count=len(column))
            rows.update(np.flatnonzero(hit).tolist())
    out: list[dict[str, Any]] = []
    for k in sorted(rows):
        rid = table.ids[k]
        missing = [f for f, column in blank.items() if column[k] is None or column[k] == ""]
        missing += [f"{f} (unreadable)" for f in table.invalid.get(rid, ())]
        if missing:
            out.append({"id": rid, "missing": missing})
    return out


def _cluster_list(
    side: str, table: NominalTable, cluster: I64, weakest: dict[int, float]
) -> list[DuplicateCluster]:
    sizes = np.bincount(cluster, minlength=len(cluster))
    members = np.flatnonzero(sizes[cluster] > 1)
    groups: dict[int, list[str]] = {}
    for k in members.tolist():
        groups.setdefault(int(cluster[k]), []).append(table.ids[k])
    found = [
        DuplicateCluster(side=side, ids=tuple(sorted(ids)), probability=weakest.get(root, 1.0))
        for root, ids in groups.items()
    ]
    found.sort(key=lambda c: c.ids[0])
    return found


def _decide(
    enc: Encoded,
    rules: list[MatchRule],
    config: ReconcileConfig,
    link: _Scored,
    model: fs.MatchModel,
    cl: I64,
    cr: I64,
    decided: dict[tuple[int, int], bool],
) -> tuple[list[MatchedPair], list[PossibleMatch], list[IdentifierConflict], I64, I64, I64, I64]:
    """Matches (with each match's left and right record positions), possible matches, conflicts,
    and the possible matches' left and right record positions."""
    lt, rt = enc.left.table, enc.right.table
    n_right = len(enc.right)
    names = [r.name for r in rules]
    ident = [k for k, r in enumerate(rules) if r.identifier]
    evidence_cols = [names.index(c) for c in ("forename", "surname", "date_of_birth") if c in names]
    p = link.probability
    n = len(p)
    codes = link.i * n_right + link.j  # sorted: candidate_pairs returns them in order
    top = np.asarray([len(rules[c].levels) - 1 for c in ident], dtype=np.int8)
    agree = link.levels[:, ident] == top if ident else np.zeros((n, 0), dtype=bool)
    any_ident = agree.any(axis=1)
    decided_pos: dict[int, bool] = {}
    if decided:
        for (a, b), same in decided.items():
            at = int(np.searchsorted(codes, a * n_right + b))
            if at < n and int(codes[at]) == a * n_right + b:
                decided_pos[at] = same
    reviewed = np.zeros(n, dtype=bool)
    reviewed[list(decided_pos)] = True
    against = link.per[:, evidence_cols].sum(axis=1) if evidence_cols else np.zeros(n)
    conflict = any_ident & (against < config.conflict_weight) & ~reviewed
    by_ident = any_ident & ~conflict & ~reviewed
    by_score = (p >= config.match_threshold) & ~any_ident & ~reviewed
    conflicts = [
        IdentifierConflict(
            left=lt.ids[int(link.i[k])],
            right=rt.ids[int(link.j[k])],
            identifiers=tuple(names[ident[c]] for c in np.flatnonzero(agree[k])),
            conflicting=tuple(names[c] for c in evidence_cols if link.per[k, c] < 0),
        )
        for k in np.flatnonzero(conflict).tolist()
    ]
    # rank: a reviewer's "same" 2, an identifier 1.5, else the probability
    rank = np.where(by_ident, 1.5, p)
    accepted_pos = by_ident | by_score
    for k, same in decided_pos.items():
        rank[k] = 2.0
        accepted_pos[k] = same
    basis = np.full(n, "", dtype=object)
    basis[by_ident] = "identifier"
    basis[by_score] = "probabilistic"
    for k, same in decided_pos.items():
        basis[k] = "review" if same else "rejected"
    # cluster pairs: the best accepted pair between each left and right duplicate cluster
    pos = np.flatnonzero(accepted_pos)
    ca, cb = cl[link.i[pos]], cr[link.j[pos]]
    order = np.lexsort((pos, -rank[pos], cb, ca))
    pos, ca, cb = pos[order], ca[order], cb[order]
    head = np.ones(len(pos), dtype=bool)
    head[1:] = (ca[1:] != ca[:-1]) | (cb[1:] != cb[:-1])
    # by rank, then the two IDs (each ID's place in its list's sorted order: the same order)
    rank_l, rank_r = id_rank(lt.ids), id_rank(rt.ids)
    by = np.lexsort((rank_r[cb[head]], rank_l[ca[head]], -rank[pos[head]]))
    best_pos, best_a, best_b = pos[head][by], ca[head][by], cb[head][by]
    keep = np.ones(len(best_pos), dtype=bool)
    possibles: list[PossibleMatch] = []
    possible_rows: list[int] = []  # each possible match's scored row
    if config.one_to_one and len(best_pos):
        # one-to-one, greedily in that order: only pairs that share a cluster with another
        # pair can lose (to an earlier one), so only they are walked through
        count_a = np.bincount(best_a, minlength=len(cl))
        count_b = np.bincount(best_b, minlength=len(cr))
        contested = np.flatnonzero((count_a[best_a] > 1) | (count_b[best_b] > 1))
        used_l: set[int] = set()
        used_r: set[int] = set()
        for t, k, a, b in zip(
            contested.tolist(),
            best_pos[contested].tolist(),
            best_a[contested].tolist(),
            best_b[contested].tolist(),
            strict=True,
        ):
            if a in used_l or b in used_r:
                keep[t] = False
                possibles.append(_possible(lt, rt, rules, link, k, "competes with a stronger match"))
                possible_rows.append(k)
                continue
            used_l.add(a)
            used_r.add(b)
    accepted = (best_a[keep], best_b[keep], best_pos[keep])
    matches, mx, my = _expand_clusters(
        enc, rules, config, link, model, cl, cr, accepted, decided, basis, (rank_l, rank_r)
    )
    # a flagged pair whose two records are both matched (to each other or not) is left out
    matched_l = np.zeros(len(enc.left), dtype=bool)
    matched_r = np.zeros(len(enc.right), dtype=bool)
    matched_l[mx], matched_r[my] = True, True
    flagged = ((p >= config.review_threshold) | conflict) & ~by_ident & ~by_score & ~reviewed
    flagged &= ~(matched_l[link.i] & matched_r[link.j])
    for k in np.flatnonzero(flagged).tolist():
        reason = "identifier conflict" if conflict[k] else "between the review and match thresholds"
        possibles.append(_possible(lt, rt, rules, link, k, reason))
        possible_rows.append(k)
    possibles.sort(key=lambda q: (-q.probability, q.left, q.right))
    conflicts.sort(key=lambda c: (c.left, c.right))
    rows = np.asarray(possible_rows, dtype=np.int64)
    return matches, possibles, conflicts, mx, my, link.i[rows], link.j[rows]


def _expand_clusters(
    enc: Encoded,
    rules: list[MatchRule],
    config: ReconcileConfig,
    link: _Scored,
    model: fs.MatchModel,
    cl: I64,
    cr: I64,
    accepted: tuple[I64, I64, I64],
    decided: dict[tuple[int, int], bool],
    basis: npt.NDArray[np.object_],
    ranks: tuple[I64, I64],
) -> tuple[list[MatchedPair], I64, I64]:
    """Every member of an accepted left cluster matches every member of its right cluster
    (the matches, and their left and right record positions). ``accepted``: the left and right
    cluster and the scored row of each accepted cluster pair."""
    lt, rt = enc.left.table, enc.right.table
    n_right = len(enc.right)
    size_l, size_r = np.bincount(cl, minlength=len(cl)), np.bincount(cr, minlength=len(cr))
    members_l: dict[int, list[int]] = {}
    members_r: dict[int, list[int]] = {}
    for x in np.flatnonzero(size_l[cl] > 1).tolist():
        members_l.setdefault(int(cl[x]), []).append(x)
    for y in np.flatnonzero(size_r[cr] > 1).tolist():
        members_r.setdefault(int(cr[y]), []).append(y)
    acc_a, acc_b, picked = accepted
    # a pair of two clusters of one record each is its own scored pair (the most, at once);
    # the others expand to every pair of their members (order does not matter: the matches
    # are put in ID order below, and each carries its own row)
    alone = (size_l[acc_a] <= 1) & (size_r[acc_b] <= 1)
    xs: list[int] = link.i[picked[alone]].tolist()
    ys: list[int] = link.j[picked[alone]].tolist()
    source: list[int] = picked[alone].tolist()
    several = ~alone
    for a, b, k in zip(acc_a[several].tolist(), acc_b[several].tolist(), picked[several].tolist(), strict=True):
        for x in members_l.get(a, [a]):
            for y in members_r.get(b, [b]):
                if decided.get((x, y)) is False:
                    continue
                xs.append(x)
                ys.append(y)
                source.append(k)
    codes = link.i * n_right + link.j
    want = np.asarray(xs, dtype=np.int64) * n_right + np.asarray(ys, dtype=np.int64)
    at = np.minimum(np.searchsorted(codes, want), max(len(codes) - 1, 0))
    found = (codes[at] == want) if len(codes) else np.zeros(len(want), dtype=bool)
    missing = np.flatnonzero(~found)
    extra_levels = extra_per = None
    if len(missing):
        mi = np.asarray(xs, dtype=np.int64)[missing]
        mj = np.asarray(ys, dtype=np.int64)[missing]
        batch = PairBatch(enc.left, enc.right, mi, mj, enc.names, config.workers)
        extra_levels = fs.comparison_levels(rules, batch)
        _w, extra_per = fs.score(extra_levels, model, rules, batch, config.tf_adjust)
    extra_row = np.full(len(want), -1, dtype=np.int64)
    extra_row[missing] = np.arange(len(missing))
    labels = _labels(rules)
    # per match, the scored row its probability and weight come from (its own pair's, or for
    # a pair added by a cluster, the accepted pair's), taken out of numpy at once
    row = np.where(found, at, np.asarray(source, dtype=np.int64))
    probability, weight = link.probability[row].tolist(), link.weight[row].tolist()
    how = [str(b) or "probabilistic" for b in basis[at].tolist()] if len(codes) else [""] * len(xs)
    found_list, at_list, extra_list = found.tolist(), at.tolist(), extra_row.tolist()
    left_ids, right_ids = [lt.ids[x] for x in xs], [rt.ids[y] for y in ys]
    xa, ya = np.asarray(xs, dtype=np.int64), np.asarray(ys, dtype=np.int64)
    # in (left ID, right ID) order: each ID's place in its list's sorted order sorts the same
    order = np.lexsort((ranks[1][ya], ranks[0][xa]))
    in_order = order.tolist()
    mx, my = xa[order], ya[order]
    # positional arguments (left, right, probability, weight, basis, source): a million of these
    names, level_labels = labels
    link_levels, link_per = link.levels, link.per
    matches = [
        MatchedPair(
            left_ids[t], right_ids[t], probability[t], weight[t], how[t],
            EvidenceRows(names, level_labels, link_levels, link_per, at_list[t]),
        )
        if found_list[t]
        else MatchedPair(
            left_ids[t], right_ids[t], probability[t], weight[t], "duplicate of a matched record",
            EvidenceRows(names, level_labels, extra_levels, extra_per, extra_list[t]),
        )
        for t in in_order
    ]
    return matches, mx, my


def _possible(
    lt: NominalTable, rt: NominalTable, rules: list[MatchRule], link: _Scored, k: int, reason: str
) -> PossibleMatch:
    return PossibleMatch(
        left=lt.ids[int(link.i[k])],
        right=rt.ids[int(link.j[k])],
        probability=float(link.probability[k]),
        weight=float(link.weight[k]),
        reason=reason,
        source=_evidence(rules, link.levels, link.per, k),
    )
