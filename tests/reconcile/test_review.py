"""Clerical review decisions are stored and honoured by later runs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.reconcile import ReconcileConfig, reconcile, record_decision, stored_decisions
from ctpse_core.storage import open_store
from ctpse_core.testing.security import SYSTEM, seed_users


@pytest.fixture(autouse=True)
def _cli_store(ctpse_cli_store: str) -> str:
    """Commands without --store run on a seeded store as its administrator (CTPSE_STORE, CTPSE_USER)."""
    return ctpse_cli_store


def _possible_lists(kit) -> tuple[list, list]:  # type: ignore[no-untyped-def,type-arg]
    return kit.make_lists(
        [
            kit.nominal(
                "regional",
                "R901",
                "Quentin",
                "Bramblefeather",
                dt.date(1970, 3, 3),
                sex="M",
                nationality="British",
            )
        ],
        [
            kit.nominal(
                "national",
                "N901",
                "Quentin",
                "Bramblefeather",
                dt.date(1974, 3, 3),
                sex="F",
                nationality="Irish",
            )
        ],
    )


CONFIG = ReconcileConfig()


def test_same_decision_turns_a_possible_match_into_a_match(kit) -> None:  # type: ignore[no-untyped-def]
    """After a reviewer says "same person", the pair is matched (basis review) on every run."""
    store = open_store("memory://")
    seed_users(store)
    with store.unit_of_work(user="dc.ada") as uow:
        record_decision(
            uow, "regional", "R901", "national", "N901", same=True, note="custody photo"
        )
        uow.commit()
    with store.unit_of_work(user=SYSTEM) as uow:
        decisions = stored_decisions(uow)
    assert decisions[0].reviewer == "dc.ada" and decisions[0].note == "custody photo"
    result = reconcile(*_possible_lists(kit), CONFIG, decisions=decisions)
    match = next(m for m in result.matches if m.left == "R901")
    assert match.right == "N901" and match.basis == "review"
    assert not any(p.left == "R901" for p in result.possible_matches)


def test_not_same_decision_separates_a_matching_pair(kit) -> None:  # type: ignore[no-untyped-def]
    """A "not the same" decision keeps even a strong pair apart."""
    store = open_store("memory://")
    seed_users(store)
    with store.unit_of_work(user="dc.ben") as uow:
        record_decision(uow, "national", "N000", "regional", "R000", same=False)  # either order
        uow.commit()
    with store.unit_of_work(user=SYSTEM) as uow:
        decisions = stored_decisions(uow)
    result = reconcile(*kit.make_lists(), decisions=decisions)
    assert ("R000", "N000") not in {(m.left, m.right) for m in result.matches}


def test_review_cli_records_a_decision_used_by_reconcile(tmp_path: Path, kit, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`ctpse review decide` stores the decision; `ctpse reconcile` then honours it."""
    import ctpse_core.storage
    from ctpse_core.synthetic.nominals import write_nominal_lists

    shared = open_store("memory://")  # one store for every command of this test
    seed_users(shared)
    shared.close = lambda: None  # type: ignore[method-assign]
    monkeypatch.setattr(ctpse_core.storage, "open_store", lambda url=None, **_: shared)

    write_nominal_lists(tmp_path, count=300, seed=5)
    url = f"memory://{tmp_path.name}"
    runner = CliRunner()
    cli = make_cli()
    out = runner.invoke(
        cli,
        [
            "--store",
            url,
            "-q",
            "reconcile",
            str(tmp_path / "regional.csv"),
            str(tmp_path / "national.csv"),
            "--format",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    left_id, right_id = data["only_left"][0], data["only_right"][0]
    decided = runner.invoke(
        cli,
        [
            "--store",
            url,
            "--user",
            "dc.cara",
            "review",
            "decide",
            left_id,
            right_id,
            "--same",
            "--note",
            "confirmed",
            "--regional",
            str(tmp_path / "regional.csv"),
            "--national",
            str(tmp_path / "national.csv"),
        ],
    )
    assert decided.exit_code == 0, decided.output
    again = runner.invoke(
        cli,
        [
            "--store",
            url,
            "-q",
            "reconcile",
            str(tmp_path / "regional.csv"),
            str(tmp_path / "national.csv"),
            "--format",
            "json",
        ],
    )
    pairs = {(m["left"], m["right"], m["basis"]) for m in json.loads(again.stdout)["matches"]}
    assert (left_id, right_id, "review") in pairs
