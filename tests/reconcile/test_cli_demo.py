"""The reconcile command's JSON and the demo step's files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.demo import DemoContext, run_demo
from ctpse_core.storage import open_store
from ctpse_core.synthetic.nominals import write_nominal_lists
from ctpse_core.testing.security import SYSTEM, seed_users


@pytest.fixture(autouse=True)
def _cli_store(ctpse_cli_store: str) -> str:
    """Commands without --store run on a seeded store as its administrator (CTPSE_STORE, CTPSE_USER),
    which holds the (fictional) agreement with JCTPPH the correction set goes under."""
    from ctpse_core.reconcile.disclosure import ensure_hub_agreement
    from ctpse_core.storage import open_store as _open

    store = _open(ctpse_cli_store)
    ensure_hub_agreement(store, "tester")
    store.close()
    return ctpse_cli_store


def test_reconcile_json_is_one_object_with_the_keys(tmp_path: Path) -> None:
    """`ctpse reconcile --format json` prints one object referencing records by their own IDs."""
    write_nominal_lists(tmp_path, count=200, seed=4)
    out = CliRunner().invoke(
        make_cli(),
        [
            "-q",
            "reconcile",
            str(tmp_path / "regional.csv"),
            str(tmp_path / "national.csv"),
            "--format",
            "json",
            "--corrections",
            str(tmp_path / "fix.csv"),
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    for key in (
        "matches",
        "possible_matches",
        "only_left",
        "only_right",
        "duplicates",
        "discrepancies",
        "headcount",
    ):
        assert key in data
    assert data["matches"][0]["left"].startswith("RG") and data["matches"][0]["right"].startswith(
        "JCT-"
    )
    lines = (tmp_path / "fix.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == lines[-1] == "# OFFICIAL-SENSITIVE"  # the national list's marking
    header = lines[1]
    assert header.startswith("JCTPPH Ref,Surname,Forename(s)") and header.endswith("Action,Reason")


def test_missing_file_argument_is_a_clear_error(tmp_path: Path) -> None:
    """Without files or --stored the command explains what it needs (no traceback)."""
    out = CliRunner().invoke(make_cli(), ["-q", "reconcile"])
    assert out.exit_code != 0 and "REGIONAL and NATIONAL" in out.output


def test_demo_writes_the_reconciliation(tmp_path: Path) -> None:
    """The demo reconciles the synthetic lists and writes md, html, json and the correction set."""
    ctx = DemoContext(store=open_store("memory://"), out=tmp_path, scale=300)
    results = dict(run_demo(ctx))
    assert any(
        "matched pairs" in line for line in results["Reconcile regional against national list"]
    )
    folder = tmp_path / "reconciliation"
    for name in (
        "reconciliation.md",
        "reconciliation.html",
        "reconciliation.json",
        "corrections-for-jctpph.csv",
    ):
        assert (folder / name).stat().st_size > 0


def test_mapping_file_reads_renamed_headers(tmp_path: Path) -> None:
    """A partner file with other headers is read through --mapping (TOML, [left] table)."""
    write_nominal_lists(tmp_path, count=150, seed=6)
    text = (tmp_path / "regional.csv").read_text(encoding="utf-8")
    renamed = tmp_path / "renamed.csv"
    renamed.write_text(text.replace("record_id,surname,forenames", "Ref,Family Name,Given Names", 1),
                       encoding="utf-8")
    mapping = tmp_path / "map.toml"
    mapping.write_text('[left]\nRef = "id"\n"Family Name" = "surname"\n"Given Names" = "forenames"\n'
                       'date_of_birth = "date_of_birth"\npnc_id = "pnc_id"\n', encoding="utf-8")
    out = CliRunner().invoke(make_cli(), ["-q", "reconcile", str(renamed),
                                          str(tmp_path / "national.csv"), "--mapping", str(mapping),
                                          "--format", "json"])
    assert out.exit_code == 0, out.output
    assert len(json.loads(out.stdout)["matches"]) > 100


def test_stored_lists_are_reconciled(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """--stored reconciles the stored nominals of each feed."""
    import ctpse_core.storage
    from ctpse_core.feeds import load_records

    write_nominal_lists(tmp_path, count=150, seed=8)
    shared = open_store("memory://")
    seed_users(shared)
    shared.close = lambda: None  # type: ignore[method-assign]
    with shared.unit_of_work(user=SYSTEM) as uow:
        for feed in ("regional", "national"):
            uow.nominals.add_many(load_records(feed, tmp_path / f"{feed}.csv").records)
        uow.commit()
    monkeypatch.setattr(ctpse_core.storage, "open_store", lambda url=None, **_: shared)
    out = CliRunner().invoke(make_cli(), ["-q", "reconcile", "--stored", "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["left_source"] == "regional" and len(data["matches"]) > 100
