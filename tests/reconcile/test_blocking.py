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


@settings(max_examples=40, deadline=None)
@given(st.lists(person, min_size=1, max_size=12), st.lists(person, min_size=1, max_size=12))
def test_windows_wider_than_every_block_give_every_pair(
    left: list[dict[str, Any]], right: list[dict[str, Any]]
) -> None:
    """Windowing every block (limit 1) with a window wider than any block changes nothing."""
    enc = encode(_table("L", left), _table("R", right))
    for a, b, same in ((enc.left, enc.right, False), (enc.left, enc.left, True)):
        full = candidate_pairs(a, b, enc.names, DEFAULT_BLOCKING, max_block=10**9, same=same)
        wide = candidate_pairs(
            a, b, enc.names, DEFAULT_BLOCKING, max_block=10**9, same=same, block_limit=1, block_window=60
        )
        assert full[0].tolist() == wide[0].tolist() and full[1].tolist() == wide[1].tolist()
        assert wide[2].per_rule == full[2].per_rule


@settings(max_examples=40, deadline=None)
@given(
    st.lists(person, min_size=1, max_size=12),
    st.lists(person, min_size=1, max_size=12),
    st.integers(1, 20),
    st.integers(2, 5),
)
def test_windowed_pairs_are_blocked_pairs(
    left: list[dict[str, Any]], right: list[dict[str, Any]], limit: int, window: int
) -> None:
    """Narrow windows only leave pairs out: every windowed candidate shares a rule's key."""
    enc = encode(_table("L", left), _table("R", right))
    for a, b, same in ((enc.left, enc.right, False), (enc.left, enc.left, True)):
        i, j, report = candidate_pairs(a, b, enc.names, DEFAULT_BLOCKING, 10**9, same, limit, window)
        found = set(zip(i.tolist(), j.tolist(), strict=True))
        full = candidate_pairs(a, b, enc.names, DEFAULT_BLOCKING, 10**9, same)
        assert found <= set(zip(full[0].tolist(), full[1].tolist(), strict=True))
        assert all(not same or x < y for x, y in found)
        if not report.windowed_blocks:
            assert len(found) == len(full[0])


def test_a_large_block_is_windowed_and_keeps_the_people_who_agree() -> None:
    """40 people share a surname and a DOB on both lists: 1,600 pairs, of which 40 are the same person.

    Sorted by names inside the block, each person sits beside their own record on the other
    list, so a window of 4 finds all 40 with a fraction of the pairs."""
    forenames = [f"Zed{chr(97 + k // 26)}{chr(97 + k % 26)}x" for k in range(40)]
    people = [
        {"forenames": f, "surname": "Sampleton", "date_of_birth": dt.date(1980, 1, 1)} for f in forenames
    ]
    shuffled = people[7:] + people[:7]
    enc = encode(_table("L", people), _table("R", shuffled))
    rule = (BlockingRule(name="surname-dob", keys=("name_token", "dob")),)
    i, j, report = candidate_pairs(enc.left, enc.right, enc.names, rule, 10**9, block_limit=100, block_window=4)
    pairs = set(zip(i.tolist(), j.tolist(), strict=True))
    assert {(k, (k - 7) % 40) for k in range(40)} <= pairs
    assert len(pairs) < 40 * 6  # at most 3 neighbours each way, against 1,600 in the full block
    assert report.windowed_blocks["surname-dob"] >= 1  # the surname block (forename blocks are small)
    _i, _j, everything = candidate_pairs(enc.left, enc.right, enc.names, rule, 10**9)
    assert everything.candidates == 40 * 40 and not everything.windowed_blocks
