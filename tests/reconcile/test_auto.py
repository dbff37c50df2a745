"""Comparisons and blocking chosen from the lists themselves; the user's rules add to them or replace them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.reconcile import BlockingRule, NominalTable, ReconcileConfig, reconcile
from ctpse_core.reconcile.engine import choose_config

FORENAMES = ["Ash", "Birch", "Cedar", "Dune", "Elm", "Fern", "Gale", "Heath", "Iris", "Juniper"]
SURNAMES = ["Quillby", "Rookwood", "Sallowmere", "Thistlecombe", "Umberfold"]

@pytest.fixture(autouse=True)
def _cli_store(ctpse_cli_store: str) -> str:
    """Commands without --store run on a seeded store as its administrator (CTPSE_STORE, CTPSE_USER)."""
    return ctpse_cli_store



def _lists() -> tuple[NominalTable, NominalTable]:
    """50 fictional people with no date of birth, a reference number and a town of their own;
    a third have their forename mistyped on the right."""
    people = [(f, s) for s in SURNAMES for f in FORENAMES]
    refs = [f"QX{k:04d}7" for k in range(len(people))]
    towns = [f"Testford {k % 7}" for k in range(len(people))]
    left = NominalTable(
        source="regional",
        ids=[f"R{k}" for k in range(len(people))],
        columns={"forenames": [f for f, _s in people], "surname": [s for _f, s in people],
                 "ref_no": refs, "home_town": towns},
    )
    right = NominalTable(
        source="national",
        ids=[f"N{k}" for k in range(len(people))],
        columns={"forenames": [f + "xq" if k % 3 == 0 else f for k, (f, _s) in enumerate(people)],
                 "surname": [s.upper() for _f, s in people], "ref_no": refs, "home_town": towns},
    )
    return left, right


def test_a_list_without_dates_of_birth_is_linked_from_its_columns() -> None:
    """The built-in rules all need a DOB (or sex and nationality) and link none of these people;
    with nothing declared, the engine compares and blocks on the lists' own columns and links all."""
    left, right = _lists()
    assert reconcile(left, right, ReconcileConfig(replace=True)).matches == []
    result = reconcile(left, right)
    assert sorted((m.left, m.right) for m in result.matches) == sorted((f"R{k}", f"N{k}") for k in range(50))
    evidence = {e.comparison for e in result.matches[0].evidence}
    assert {"ref_no", "home_town"} <= evidence
    assert any(line.startswith("blocking ref_no") for line in result.stats["configuration"])


def test_kinds_are_measured_and_user_rules_are_added_or_replace() -> None:
    """A reference number is a code, a town with few values a category; a user's blocking rule is
    added to those chosen, and with replace = true it is the only one."""
    left, right = _lists()
    config, _why = choose_config(left, right, ReconcileConfig())
    kinds = {c.field: c.kind for c in config.comparisons}
    assert kinds == {"ref_no": "code", "home_town": "category"}
    mine = BlockingRule(name="mine", keys=("surname",))
    added, _why = choose_config(left, right, ReconcileConfig(blocking=(mine,)))
    assert mine in added.blocking and len(added.blocking) > 1
    only, _why = choose_config(left, right, ReconcileConfig(blocking=(mine,), replace=True))
    assert only.blocking == (mine,)


def test_explain_config_prints_what_was_chosen_and_why(tmp_path: Path) -> None:
    """ctpse reconcile --explain-config names the comparisons, the fields' measured agreement and
    each blocking rule with its pairs, and reconciles nothing."""
    (tmp_path / "r.csv").write_text("ref,first,last,nino\nR1,Ada,Quillfeather,QQ1\nR2,Ben,Rookwood,QQ2\n",
                                    encoding="utf-8")
    (tmp_path / "n.csv").write_text("id,given,family,nino\nN1,Ada,Quillfeather,QQ1\nN2,Ben,Rookwood,QQ2\n",
                                    encoding="utf-8")
    (tmp_path / "m.toml").write_text(
        '[regional]\nref = "id"\nfirst = "forenames"\nlast = "surname"\nnino = "ni_number"\n'
        '[national]\nid = "id"\ngiven = "forenames"\nfamily = "surname"\nnino = "ni_number"\n',
        encoding="utf-8",
    )
    out = CliRunner().invoke(make_cli(), ["-q", "reconcile", str(tmp_path / "r.csv"),
                                          str(tmp_path / "n.csv"), "--mapping", str(tmp_path / "m.toml"),
                                          "--explain-config"])
    assert out.exit_code == 0, out.output
    assert "Comparisons:" in out.output and "ni_number:" in out.output
    assert "Blocking rules chosen:" in out.output and "pairs" in out.output
    assert "matches" not in out.output.lower().split("fields")[0]
