"""The fast engine finds exactly the conflicts the brute-force oracle finds."""

from __future__ import annotations

import datetime as dt
import random

import attrs
from deconfliction_strategies import CAPACITIES, deployments, random_deployments
from hypothesis import given
from hypothesis import strategies as st

from ctpse_core.deconfliction import DeploymentFrame, Settings, find_conflicts
from ctpse_core.deconfliction.index import DeconflictionIndex
from ctpse_core.deconfliction.oracle import brute_force
from ctpse_core.deconfliction.rules import builtin_rules
from ctpse_core.domain.surveillance import Deployment


def _fast(ds: list[Deployment], settings: Settings) -> set[tuple[str, tuple[str, ...]]]:
    frame = DeploymentFrame.from_deployments(ds, CAPACITIES)
    return find_conflicts(frame, builtin_rules(), settings).keys()


@given(deployments(), st.sampled_from([0.0, 150.0, 250.0]), st.sampled_from([0.0, 8.0, 11.0]))
def test_engine_matches_oracle(ds: list[Deployment], buffer: float, rest: float) -> None:
    """Every rule's conflict set equals the brute-force set, pair for pair."""
    settings = Settings(buffer_m=buffer, rest_hours=rest)
    assert _fast(ds, settings) == brute_force(ds, CAPACITIES, settings)


def test_engine_matches_oracle_on_two_thousand_seeded_cases() -> None:
    """Thousands of random cases in every run (Hypothesis runs fewer under CI): all agree."""
    rng = random.Random(20251026)
    per_rule: dict[str, int] = {}
    for case in range(2000):
        ds = random_deployments(rng)
        settings = Settings(buffer_m=rng.choice([0.0, 150.0, 250.0]), rest_hours=rng.choice([0.0, 8.0, 11.0]))
        want = brute_force(ds, CAPACITIES, settings)
        assert _fast(ds, settings) == want, f"case {case}"
        for rule, _ids in want:
            per_rule[rule] = per_rule.get(rule, 0) + 1
    # dense enough that every built-in rule fires many times
    assert set(per_rule) == {r.name for r in builtin_rules()} and min(per_rule.values()) > 100, per_rule


def test_check_matches_oracle_on_a_thousand_seeded_cases() -> None:
    """check() of a new or amended deployment against the stored ones, a thousand seeded cases."""
    rng = random.Random(20250330)
    found = 0
    for case in range(1000):
        ds = random_deployments(rng)
        if not ds:
            continue
        stored, new = ds[:-1], ds[-1]
        if stored and rng.random() < 0.5:
            old = rng.choice(stored)
            new = attrs.evolve(old, start=new.start, end=new.end, location=new.location, status=new.status)
        index = DeconflictionIndex.build(stored, CAPACITIES, builtin_rules())
        got = {(c.rule, c.deployment_ids) for c in index.check(new).conflicts}
        after = [d for d in stored if d.id != new.id] + [new]
        assert got == {k for k in brute_force(after, CAPACITIES) if new.id in k[1]}, f"case {case}"
        found += len(got)
    assert found > 1_000


@given(deployments(max_size=30), st.data())
def test_check_matches_oracle(ds: list[Deployment], data: st.DataObject) -> None:
    """check() of a new or amended deployment reports exactly the oracle's conflicts with it."""
    if not ds:
        return
    stored, new = ds[:-1], ds[-1]
    if stored and data.draw(st.booleans()):
        old = data.draw(st.sampled_from(stored))
        new = attrs.evolve(
            old, start=new.start, end=new.end, location=new.location, status=new.status
        )
    index = DeconflictionIndex.build(stored, CAPACITIES, builtin_rules())
    got = {(c.rule, c.deployment_ids) for c in index.check(new).conflicts}
    after = [d for d in stored if d.id != new.id] + [new]
    want = {k for k in brute_force(after, CAPACITIES) if new.id in k[1]}
    assert got == want


@given(deployments(max_size=25))
def test_every_conflict_is_explained(ds: list[Deployment]) -> None:
    """Each conflict names its rule, its deployments, a window, a reason and a severity."""
    frame = DeploymentFrame.from_deployments(ds, CAPACITIES)
    conflicts = find_conflicts(frame, builtin_rules()).conflicts()
    ids = {d.id for d in ds}
    for c in conflicts:
        assert set(c.deployment_ids) <= ids and c.why and c.severity
        assert c.start.utcoffset() == dt.timedelta(0)
        if c.rule != "rest":
            assert c.start < c.end
