"""Comparisons and blocking chosen from the column mapping alone (``ctpse reconcile --explain-config``).

A coordinator declares the columns; the engine does the rest:

* **Comparisons.** Every mapped column that is identity evidence takes part. Names, the
  date of birth, sex, nationality, the PNC/CRO/prison numbers and the postcode have their
  built-in comparisons; every other column (an address line, a town, a list's own columns)
  gets a comparison suited to its kind, declared in the mapping (``kind``) or measured from
  its values: few distinct values -> ``category`` (same / different), mostly letters ->
  ``text`` (Jaro-Winkler levels), otherwise ``code`` (exact / one character off). Their
  agreement weights are adjusted by term frequency. Management attributes (status, tier,
  category, manager, establishment, force, region, orders) describe how a person is
  managed, which is what the reconciliation checks; they are never match evidence.
* **Blocking.** Candidate rules are the built-in rules and, for each compared column, the
  column alone and with the names, the year of birth or the postcode, and with each other
  compared column. Each rule's candidate pairs are counted from the key frequencies of the
  two lists (on a sample of up to ``SAMPLE`` records of each at scale, windowed blocks
  counted as windows); a rule above ``PAIRS_PER_RECORD`` pairs per record is refused as
  unbounded. A first, sampled pass with every bounded rule scores its candidate pairs (EM
  as always); how often true matches agree on each field's key (blanks count as
  disagreeing) is the agreement of those pairs weighted by their match probability, over
  the pairs found by rules that do not use the field (pairs blocked on a field agree on it
  by construction, as Splink leaves such comparisons out of training); then,
  under the Fellegi-Sunter assumption that fields err independently, the recall of any
  set of rules is exact over the agreement patterns. Rules are taken greedily by expected
  new matches per candidate pair (as in dedupe's learned blocking, which covers labelled
  pairs greedily, and Splink's counting of comparisons per rule), while a rule is still
  expected to find ``MIN_NEW_MATCHES`` more true matches (its recall gain times the size of
  the smaller list) and the total stays under ``TOTAL_PAIRS_PER_RECORD`` pairs per record.
  A bounded rule on a strong identifier alone (PNC ID, CRO and prison number, a column
  declared ``identifier``) is always kept: records sharing an identifier must be compared
  to report identifier conflicts.
* The user's ``[[reconcile.comparisons]]`` and ``[[reconcile.blocking]]`` are added to what
  is chosen, or replace it with ``replace = true``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from ctpse_core.reconcile.config import DEFAULT_BLOCKING, BlockingRule, ColumnComparison, ReconcileConfig
from ctpse_core.reconcile.normalise import plain
from ctpse_core.reconcile.table import FIELDS, NominalTable

__all__ = ["MANAGEMENT_FIELDS", "Choice", "choose"]

#: Fields that say how a person is managed (checked as discrepancies, never match evidence).
MANAGEMENT_FIELDS = (
    "status", "risk_tier", "category", "nominal_manager", "establishment", "force", "region", "orders",
)
#: Fields with built-in comparisons and key parts.
BUILT_IN_FIELDS = (
    "forenames", "surname", "aliases", "date_of_birth", "birth_year", "sex", "nationality",
    "pnc_id", "cro_number", "prison_number", "addresses.0.postcode",
)
_NAMES = {"addresses.0.line1": "address", "addresses.0.town": "town"}
_KIND_OF = {
    "name": "text", "text": "text", "date": "code", "identifier": "code", "code": "code",
    "postcode": "code", "category": "category",
}
#: Records per list sampled for counting pairs and the first EM pass.
SAMPLE = 20_000
#: A rule with more candidate pairs than this per record is unbounded.
PAIRS_PER_RECORD = 10.0
#: All chosen rules together stay under this many pairs per record.
TOTAL_PAIRS_PER_RECORD = 20.0
#: A rule must be expected to find at least this many more true matches to be taken.
MIN_NEW_MATCHES = 0.5
#: No field's key is taken to agree on more true matches than this (typos happen everywhere).
MAX_AGREEMENT = 0.995

I64 = npt.NDArray[np.int64]
Bool = npt.NDArray[np.bool_]


@attrs.frozen
class Choice:
    """One thing the engine chose (or refused), and why: for ``--explain-config``."""

    part: str  # "comparison", "blocking", "field", "refused"
    name: str
    why: str


def _present(table: NominalTable, path: str) -> list[Any]:
    return [v for v in table.column(path) if v is not None and v != "" and v != ()]


def _measured_kind(values: Sequence[Any]) -> tuple[str, str]:
    """(kind, why) of a column from a sample of its values."""
    texts = [plain(str(v)) for v in values[:5000]]
    texts = [t for t in texts if t]
    if not texts:
        return "text", "no values"
    distinct = len(set(texts))
    share = distinct / len(texts)
    letters = sum(c.isalpha() for t in texts for c in t) / max(sum(map(len, texts)), 1)
    detail = f"{distinct:,} distinct in {len(texts):,} values, {letters:.0%} letters"
    if distinct <= 30 or share < 0.001:
        return "category", f"{detail}: few distinct values"
    if letters > 0.5:
        return "text", f"{detail}: mostly letters"
    return "code", f"{detail}: mostly digits"


def _comparisons(
    lt: NominalTable, rt: NominalTable, config: ReconcileConfig, taken: set[str]
) -> tuple[list[ColumnComparison], list[Choice]]:
    declared = {c.field for c in config.comparisons}
    kinds = {**lt.kinds, **rt.kinds}
    own = [p for t in (lt, rt) for p in t.columns if p not in FIELDS and p not in BUILT_IN_FIELDS]
    paths = [p for p in (*FIELDS, *lt.extras, *rt.extras, *own) if p not in BUILT_IN_FIELDS]
    out: list[ColumnComparison] = []
    why: list[Choice] = []
    for path in dict.fromkeys(paths):
        if path in MANAGEMENT_FIELDS or path in declared:
            continue
        left, right = _present(lt, path), _present(rt, path)
        if not left or not right:
            continue
        kind_declared = kinds.get(path)
        if kind_declared is not None:
            kind, reason = _KIND_OF[kind_declared], f"declared {kind_declared}"
        else:
            kind, reason = _measured_kind(left[:2500] + right[:2500])
        name = _NAMES.get(path, path)
        if name in taken:
            name = f"column_{name}"
        taken.add(name)
        out.append(
            ColumnComparison(name=name, field=path, kind=kind, identifier=kind_declared == "identifier")
        )
        filled = f"{len(left) / max(len(lt), 1):.0%} / {len(right) / max(len(rt), 1):.0%} filled"
        why.append(Choice("comparison", name, f"{path}: {kind} ({reason}; {filled})"))
    return out, why


# --- blocking -----------------------------------------------------------------------------

#: Agreement "fields" of the recall model behind each built-in key part.
_PART_FIELDS: dict[str, tuple[str, ...]] = {
    "pnc": ("pnc",), "cro": ("cro",), "prison": ("prison",), "sex": ("sex",),
    "nationality": ("nationality",), "postcode": ("postcode",), "forename": ("forename",),
    "surname": ("surname",), "surname_phonetic": ("surname",), "name_pair": ("forename", "surname"),
    "name_token": ("forename", "surname"), "dob": ("year", "month", "day"),
    "dob_unordered": ("year", "month", "day"), "year": ("year",), "month": ("month",), "day": ("day",),
}


def _fields_of(part: str) -> tuple[str, ...]:
    from ctpse_core.reconcile.config import field_of_part

    path = field_of_part(part)
    return (f"field:{path}",) if path is not None else _PART_FIELDS.get(part, (part,))


def _candidates(columns: Sequence[str]) -> list[BlockingRule]:
    rules = list(DEFAULT_BLOCKING)
    rules.append(BlockingRule(name="names-postcode", keys=("name_pair", "postcode")))
    rules.append(BlockingRule(name="names-year", keys=("name_pair", "year")))
    rules.append(BlockingRule(name="names", keys=("name_pair",)))
    for path in columns:
        part = f"field:{path}"
        rules.append(BlockingRule(name=path, keys=(part,)))
        for other, label in (("name_pair", "names"), ("surname_phonetic", "surname"), ("forename", "forename"),
                             ("year", "year"), ("postcode", "postcode"), ("dob_unordered", "dob")):
            rules.append(BlockingRule(name=f"{label}-{path}", keys=(other, part)))
    for a, b in itertools.combinations(columns, 2):
        rules.append(BlockingRule(name=f"{a}-{b}", keys=(f"field:{a}", f"field:{b}")))
    return rules


def _sample(table: NominalTable, size: int, seed: int) -> tuple[NominalTable, float]:
    """Up to ``size`` records of a table, and the scale back to the whole table."""
    n = len(table)
    if n <= size:
        return table, 1.0
    keep = np.sort(np.random.default_rng(seed).choice(n, size, replace=False)).tolist()
    columns = {f: [col[k] for k in keep] for f, col in table.columns.items()}
    sub = attrs.evolve(table, ids=[table.ids[k] for k in keep], columns=columns)
    return sub, n / size


def _pair_counts(lkey: I64, rkey: I64, scale: float, config: ReconcileConfig) -> float:
    """Candidate pairs of a rule from its key counts (``scale``: left sample to the whole left list),
    blocks above ``block_limit`` counted as windows, blocks above ``max_block_pairs`` as skipped."""
    lu, lc = np.unique(lkey, return_counts=True)
    ru, rc = np.unique(rkey, return_counts=True)
    _c, il, ir = np.intersect1d(lu, ru, assume_unique=True, return_indices=True)
    cl, cr = lc[il] * scale, rc[ir].astype(np.float64)
    full = cl * cr
    windowed = np.minimum(full, (cl + cr) * config.block_window)
    pairs = np.where(full <= config.block_limit, full, np.where(full <= config.max_block_pairs, windowed, 0.0))
    return float(pairs.sum())


def _field_keys(side: Any, names: Any, field: str) -> I64:
    """The key a field's agreement is judged on (``-1`` when blank)."""
    from ctpse_core.reconcile.columns import column_keys
    from ctpse_core.reconcile.config import field_of_part

    path = field_of_part(field)
    if path is not None:
        return column_keys(side, path)[1]
    if field in ("forename", "surname"):
        ids = getattr(side, field).astype(np.int64)
        return np.where(ids >= 0, names.skeleton.astype(np.int64)[np.maximum(ids, 0)], -1)
    dob = side.dob.astype(np.int64)
    if field == "year":
        return np.where(dob > 0, dob // 10000, -1)
    if field in ("month", "day"):
        part = dob // 100 % 100 if field == "month" else dob % 100
        return np.where(dob % 10000 > 0, part, -1)
    return np.asarray(getattr(side, field), dtype=np.int64)


def _agreement(
    enc: Any, same: bool, fields: Sequence[str], rules: Sequence[BlockingRule], found: tuple[Any, ...]
) -> dict[str, float]:
    """P(a true match agrees on each field's key), from the first pass: the agreement of its
    candidate pairs weighted by their match probability, over the pairs some rule that does not
    use the field found (pairs blocked on a field agree on it by construction)."""
    i, j, probability, masks = found
    side_b = enc.left if same else enc.right
    out: dict[str, float] = {}
    for field in fields:
        other = np.zeros(len(i), dtype=bool)
        for rule in rules:
            mask = masks.get(rule.name)
            if mask is not None and all(field not in _fields_of(p) for p in rule.keys):
                other |= mask
        if probability[other].sum() < 5.0:  # too few: every pair (biased towards agreeing)
            other[:] = True
        weight = probability[other]
        if weight.sum() <= 0.0:
            continue
        ka, kb = _field_keys(enc.left, enc.names, field), _field_keys(side_b, enc.names, field)
        x, y = ka[i[other]], kb[j[other]]
        agree = (x >= 0) & (x == y)
        # a weak Beta(1, 1) prior, and no field is ever taken as perfectly reliable
        share = float(((weight * agree).sum() + 1.0) / (weight.sum() + 2.0))
        out[field] = min(share, MAX_AGREEMENT)
    return out


def _fires(rule: BlockingRule, fields: list[str], patterns: Bool, windowed: bool) -> Bool:
    fire = np.ones(len(patterns), dtype=bool)
    index = {f: k for k, f in enumerate(fields)}
    for part in rule.keys:
        if part == "name_token":
            fire &= patterns[:, index["forename"]] | patterns[:, index["surname"]]
        else:
            for f in _fields_of(part):
                fire &= patterns[:, index[f]] if f in index else False
    if windowed:  # a windowed block keeps records close in names together
        fire &= patterns[:, index["forename"]] & patterns[:, index["surname"]]
    return fire


def _completeness(side: Any, table: NominalTable, columns: Sequence[str]) -> dict[str, float]:
    from ctpse_core.reconcile.columns import column_keys

    def share(mask: Any) -> float:
        return float(np.mean(mask)) if len(mask) else 0.0

    dob = side.dob
    out = {
        "forename": share(side.forename >= 0), "surname": share(side.surname >= 0),
        "year": share(dob > 0), "month": share(dob % 10000 > 0), "day": share(dob % 10000 > 0),
        "pnc": share(side.pnc >= 0), "cro": share(side.cro >= 0), "prison": share(side.prison >= 0),
        "sex": share(side.sex >= 0), "nationality": share(side.nationality >= 0),
        "postcode": share(side.postcode >= 0),
    }
    for path in columns:
        out[f"field:{path}"] = share(column_keys(side, path)[1] >= 0)
    return out


def _blocking(
    lt: NominalTable,
    rt: NominalTable,
    config: ReconcileConfig,
    compared: dict[str, str],
    link: Callable[..., Any],
) -> tuple[list[BlockingRule], list[Choice]]:
    from ctpse_core.reconcile.blocking import _rule_keys
    from ctpse_core.reconcile.features import encode

    same = rt is lt or not len(rt)
    sample, scale = _sample(lt, SAMPLE, config.seed)
    other = sample if same else rt
    enc = encode(sample, other)
    if same:
        scale *= scale
    n = max(len(lt), len(other))
    comp_l = _completeness(enc.left, sample, list(compared))
    comp_r = _completeness(enc.right, other, list(compared))
    completeness = {f: comp_l[f] * comp_r.get(f, 0.0) for f in comp_l}
    why: list[Choice] = []
    bounded: list[tuple[BlockingRule, float, bool]] = []
    for rule in _candidates(list(compared)):
        if any(completeness.get(f, 0.0) <= 0.0 for part in rule.keys for f in _fields_of(part)
               if part != "name_token"):
            continue
        _lrec, lkey = _rule_keys(rule, enc.left, enc.names)
        _rrec, rkey = _rule_keys(rule, enc.right, enc.names)
        if rule.only_if_missing:
            bounded.append((rule, 0.0, False))
            continue
        pairs = _pair_counts(lkey, rkey, scale, config)
        if same:
            pairs /= 2
        full = _pair_counts(lkey, rkey, scale, attrs.evolve(config, block_limit=config.max_block_pairs))
        if pairs > PAIRS_PER_RECORD * n or pairs == 0:
            if pairs:
                why.append(Choice("refused", rule.name, f"{' + '.join(rule.keys)}: about {pairs:,.0f} pairs "
                                  f"({pairs / n:.1f} per record) is unbounded"))
            continue
        bounded.append((rule, pairs, full > 2 * pairs))
    seed_rules = tuple(r for r, _p, _w in bounded) or DEFAULT_BLOCKING
    seed_config = attrs.evolve(config, blocking=seed_rules, u_sample=min(config.u_sample, 30_000))
    fields = sorted({f for r in seed_rules for part in r.keys for f in _fields_of(part)})
    agree = _agreement(enc, same, fields, seed_rules, link(enc, seed_config, same))
    for f in fields:
        if f in agree:
            why.append(Choice("field", f, f"true matches agree on its key {agree[f]:.1%} of the time "
                              f"(both filled {completeness.get(f, 0.0):.0%})"))
        else:
            why.append(Choice("field", f, "no likely match to measure it on; counted as agreeing half the time"))
            agree[f] = 0.5
    grid = np.asarray(list(itertools.product((False, True), repeat=len(fields))), dtype=bool).reshape(-1, len(fields))
    a = np.asarray([agree[f] for f in fields])
    prob = np.prod(np.where(grid, a, 1.0 - a), axis=1) if len(fields) else np.ones(1)
    covered = np.zeros(len(grid), dtype=bool)
    chosen: list[BlockingRule] = []
    total = 0.0
    expected = min(len(lt), len(other)) if not same else len(lt)  # matches at most: ranks rules
    pool = [(r, p, _fires(r, fields, grid, w)) for r, p, w in bounded if not r.only_if_missing]
    while pool:
        gains = [float(prob[fire & ~covered].sum()) for _r, _p, fire in pool]
        best = max(range(len(pool)), key=lambda k: (gains[k] * expected / (pool[k][1] + 1.0), -k))
        rule, pairs, fire = pool.pop(best)
        gain = gains[best]
        if gain * expected < MIN_NEW_MATCHES:
            if gain > 0:
                why.append(Choice("refused", rule.name, f"adds {gain:.6f} recall ({gain * expected:.2f} matches)"))
            continue
        if total + pairs > TOTAL_PAIRS_PER_RECORD * n:
            why.append(Choice("refused", rule.name, "over the pair budget"))
            continue
        covered |= fire
        total += pairs
        chosen.append(rule)
        why.append(Choice("blocking", rule.name, f"{' + '.join(rule.keys)}: about {pairs:,.0f} pairs, "
                          f"recall {float(prob[covered].sum()):.4f} after it (+{gain:.4f})"))
    identifiers = {"pnc", "cro", "prison"} | {f"field:{c.field}" for c in config.comparisons if c.identifier}
    for rule, pairs, _w in bounded:
        if rule not in chosen and len(rule.keys) == 1 and rule.keys[0] in identifiers:
            chosen.append(rule)
            why.append(Choice("blocking", rule.name, f"{rule.keys[0]}: about {pairs:,.0f} pairs; records sharing an "
                              "identifier are always compared (to report identifier conflicts)"))
    for rule, _p, _w in bounded:
        if rule.only_if_missing:
            chosen.append(rule)
            why.append(Choice("blocking", rule.name, f"{' + '.join(rule.keys)} among records lacking "
                              f"{', '.join(rule.only_if_missing)} (a safety net)"))
    return chosen or list(DEFAULT_BLOCKING), why


def choose(
    lt: NominalTable, rt: NominalTable, config: ReconcileConfig, link: Callable[..., Any], taken: set[str]
) -> tuple[ReconcileConfig, list[Choice]]:
    """The configuration with comparisons and blocking chosen from the lists (unless ``replace``).

    ``link(encoded, config)`` runs a first pass and returns its model; ``taken`` are the
    registered match rules' names.
    """
    if config.replace:
        return config, [Choice("comparison", "-", "replace = true: only the configured rules")]
    other = lt if not len(rt) else rt
    found, why = _comparisons(lt, other, config, set(taken) | {c.name for c in config.comparisons})
    comparisons = (*config.comparisons, *found)
    compared = {c.field: c.name for c in comparisons}
    with_comparisons = attrs.evolve(config, comparisons=comparisons)
    rules, block_why = _blocking(lt, rt, with_comparisons, compared, link)
    user = [] if config.blocking == DEFAULT_BLOCKING else list(config.blocking)
    names = {r.name for r in rules}
    for rule in user:
        if rule.name not in names:
            rules.append(rule)
            block_why.append(Choice("blocking", rule.name, "from the configuration"))
    tf = tuple(dict.fromkeys((*config.tf_adjust, *(c.name for c in found if c.kind != "code"))))
    chosen = attrs.evolve(with_comparisons, blocking=tuple(rules), tf_adjust=tf)
    return chosen, why + block_why
