"""Further columns take part in matching through configuration: comparisons and ``field:`` blocking."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ctpse_core.errors import ConfigError
from ctpse_core.reconcile import BlockingRule, NominalTable, ReconcileConfig, load_config, reconcile
from ctpse_core.reconcile.comparisons import CodeComparison, PairBatch, TextComparison
from ctpse_core.reconcile.config import ColumnComparison
from ctpse_core.reconcile.features import encode
from ctpse_core.reconcile.normalise import plain

FORENAMES = ["Ash", "Birch", "Cedar", "Dune", "Elm", "Fern", "Gale", "Heath", "Iris", "Juniper"]
SURNAMES = ["Quillby", "Rookwood", "Sallowmere", "Thistlecombe", "Umberfold"]


def _lists() -> tuple[NominalTable, NominalTable]:
    """50 fictional people, no dates of birth, each with a partner reference; five mistyped on the right."""
    people = [(f, s) for s in SURNAMES for f in FORENAMES]
    refs = [f"QX-{k:03d}7" for k in range(len(people))]
    right_refs = [r if k % 10 != 3 else r[:-2] + r[-1] + r[-2] for k, r in enumerate(refs)]  # swap two digits
    left = NominalTable(
        source="regional",
        ids=[f"R{k}" for k in range(len(people))],
        columns={
            "forenames": [f for f, _s in people],
            "surname": [s for _f, s in people],
            "partner_ref": refs,
        },
    )
    right = NominalTable(
        source="national",
        ids=[f"N{k}" for k in range(len(people))],
        columns={
            "forenames": [f.upper() for f, _s in people],
            "surname": [s.upper() for _f, s in people],
            "partner_ref": [r.lower().replace("-", " ") for r in right_refs],
        },
    )
    return left, right


def test_a_declared_code_column_blocks_and_matches() -> None:
    """Records with no DOB are never compared by the built-in rules alone; a field: rule and a code
    comparison link them (and the rules chosen from the lists do too, see test_auto)."""
    left, right = _lists()
    assert reconcile(left, right, ReconcileConfig(replace=True)).matches == []
    config = ReconcileConfig(
        replace=True,
        blocking=(
            BlockingRule(name="ref", keys=("field:partner_ref",)),
            BlockingRule(name="names", keys=("name_pair",)),
        ),
        comparisons=(ColumnComparison(name="partner_ref", field="partner_ref", kind="code"),),
    )
    result = reconcile(left, right, config)
    assert sorted((m.left, m.right) for m in result.matches) == sorted(
        (f"R{k}", f"N{k}") for k in range(50)
    )
    levels = {m.left: next(e.level for e in m.evidence if e.comparison == "partner_ref") for m in result.matches}
    assert levels["R1"] == "exact" and levels["R3"] == "one character differs or two swapped"
    assert result.stats["candidate_pairs_by_rule"]["ref"] == 45  # the five mistyped come from the names


def test_text_comparison_levels() -> None:
    """Case, spacing and punctuation never matter; a typo is close; another street is different."""
    ours = ["12 Solly Place", "12 Solly Place", "12 Solly Place", None]
    theirs = ["12 SOLLY-PLACE.", "12 Solly Plaec", "9 Rookwood Road", "1 Any Street"]
    left = NominalTable(source="a", ids=["a1", "a2", "a3", "a4"], columns={"addresses.0.line1": ours})
    right = NominalTable(source="b", ids=["b1", "b2", "b3", "b4"], columns={"addresses.0.line1": theirs})
    enc = encode(left, right)
    idx = np.arange(4, dtype=np.int64)
    batch = PairBatch(enc.left, enc.right, idx, idx, enc.names)
    rule = TextComparison(name="address", field="addresses.0.line1")
    levels = [rule.levels[k] if k >= 0 else None for k in rule.compute(batch)]
    assert levels == ["exact", "close", "different", None]
    code = CodeComparison(name="ref", field="addresses.0.line1")
    assert code.compute(batch).tolist() == [2, 1, 0, -1]
    assert plain("Zoë O'Brien-Smith 12") == "zoeobriensmith12"


def test_comparisons_load_from_toml(tmp_path: Path) -> None:
    """[[reconcile.comparisons]] tables become column comparisons; mistakes name the file."""
    path = tmp_path / "reconcile.toml"
    path.write_text(
        "[[reconcile.comparisons]]\nname = 'ref'\nfield = 'partner_ref'\nkind = 'code'\nidentifier = true\n"
        "[[reconcile.comparisons]]\nname = 'town'\nfield = 'addresses.0.town'\n",
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.comparisons == (
        ColumnComparison(name="ref", field="partner_ref", kind="code", identifier=True),
        ColumnComparison(name="town", field="addresses.0.town", kind="text"),
    )
    bad = tmp_path / "bad.toml"
    bad.write_text("[[comparisons]]\nname = 'town'\nfield = 'addresses.0.town'\nkind = 'fuzzy'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.toml.*fuzzy"):
        load_config(bad)
    with pytest.raises(ConfigError, match="only a code comparison"):
        load_config(None, {"comparisons": [{"name": "t", "field": "x", "identifier": True}]})


def test_a_declared_comparison_may_not_shadow_a_registered_rule() -> None:
    """Declaring 'surname' again is refused rather than silently counted twice."""
    left, right = _lists()
    config = ReconcileConfig(comparisons=(ColumnComparison(name="surname", field="surname"),))
    with pytest.raises(ConfigError, match="'surname' is declared twice"):
        reconcile(left, right, config)


def test_an_empty_field_part_is_an_unknown_key_part() -> None:
    """'field:' without a column path is refused, pointing at field:PATH."""
    blocking = [{"name": "odd", "keys": ["field:"]}]
    with pytest.raises(ConfigError, match=r"blocking.*'field:'.*field:PATH"):
        load_config(None, {"blocking": blocking})
    assert load_config(None, {"blocking": [{"name": "ok", "keys": ["field:partner_ref"]}]}).blocking[0].name == "ok"
