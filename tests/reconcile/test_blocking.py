"""Blocking: the candidate pairs are exactly the pairs sharing a key of some rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ctpse_core.reconcile.blocking import _rule_keys, candidate_pairs
from ctpse_core.reconcile.config import DEFAULT_BLOCKING, BlockingRule
from ctpse_core.reconcile.features import encode
from ctpse_core.reconcile.table import NominalTable

FORENAMES = ["Ada", "Ben", "Cara", "Mohammed", "Muhammad"]
SURNAMES = ["Smith", "Khan", "Jones", "Sampleton"]

person = st.fixed_dictionaries(
    {
        "forenames": st.sampled_from(FORENAMES),
        "surname": st.sampled_from(SURNAMES),
        "aliases": st.sampled_from([(), ("Ada Khan",), ("Sam Jones", "Ben Smith")]),
        "date_of_birth": st.one_of(st.none(), st.dates(dt.date(1980, 1, 1), dt.date(1980, 3, 3))),
        "sex": st.sampled_from([None, "M", "F"]),
        "nationality": st.sampled_from([None, "British"]),
        "pnc_id": st.sampled_from([None, "P1", "P2"]),
        "addresses.0.postcode": st.sampled_from([None, "ZZ1 1AA"]),
    }
)


def _table(source: str, people: list[dict[str, Any]]) -> NominalTable:
    fields = list(people[0])
    return NominalTable(
        source=source,
        ids=[f"{source}{k}" for k in range(len(people))],
        columns={f: [p[f] for p in people] for f in fields},
    )


def _brute(rule: BlockingRule, a: Any, b: Any, names: Any, same: bool) -> set[tuple[int, int]]:
    """Every pair sharing one of the rule's keys (and lacking the fields it asks for)."""
    def key_sets(side: Any) -> list[set[int]]:
        rec, key = _rule_keys(rule, side, names)
        out: list[set[int]] = [set() for _ in range(len(side))]
        for r, k in zip(rec.tolist(), key.tolist(), strict=True):
            out[r].add(k)
        return out

    ka, kb = key_sets(a), key_sets(b)
    lacking = {
        "dob": lambda s: s.dob <= 0,
        "pnc": lambda s: s.pnc < 0,
    }
    pairs = set()
    for i in range(len(a)):
        for j in range(len(b)):
            if same and i >= j:
                continue
            if not ka[i] & kb[j]:
                continue
            if all(lacking[f](a)[i] or lacking[f](b)[j] for f in rule.only_if_missing):
                pairs.add((i, j))
    return pairs


@settings(max_examples=40, deadline=None)
@given(st.lists(person, min_size=1, max_size=12), st.lists(person, min_size=1, max_size=12))
def test_candidates_are_the_union_of_rule_pairs(left: list[dict[str, Any]], right: list[dict[str, Any]]) -> None:
    """For the cross link and each dedupe, candidates, per-rule masks and credits match brute force."""
    enc = encode(_table("L", left), _table("R", right))
    for a, b, same in ((enc.left, enc.right, False), (enc.left, enc.left, True)):
        i, j, report = candidate_pairs(a, b, enc.names, DEFAULT_BLOCKING, max_block=10**9, same=same)
        found = list(zip(i.tolist(), j.tolist(), strict=True))
        assert found == sorted(set(found))  # sorted and unique
        expected: set[tuple[int, int]] = set()
        for rule in DEFAULT_BLOCKING:
            rule_pairs = _brute(rule, a, b, enc.names, same)
            got = {p for p, hit in zip(found, report.masks[rule.name].tolist(), strict=True) if hit}
            assert got == rule_pairs, rule.name
            assert report.per_rule[rule.name] == len(rule_pairs - expected)
            expected |= rule_pairs
        assert set(found) == expected and report.candidates == len(expected)


def test_a_block_larger_than_the_limit_is_skipped_and_counted() -> None:
    """Six people sharing one DOB and name form a 6 x 6 block: skipped at a limit of 35 pairs."""
    people = [{"forenames": "Ada", "surname": "Smith", "date_of_birth": dt.date(1980, 1, 1)}] * 6
    enc = encode(_table("L", people), _table("R", people))
    rule = (BlockingRule(name="name-dob", keys=("name_token", "dob_unordered")),)
    i, _j, report = candidate_pairs(enc.left, enc.right, enc.names, rule, max_block=35)
    assert len(i) == 0 and report.skipped_blocks == {"name-dob": 2}  # the forename and surname blocks
    i, _j, report = candidate_pairs(enc.left, enc.right, enc.names, rule, max_block=36)
    assert len(i) == 36 and not report.skipped_blocks
