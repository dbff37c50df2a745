"""The correction set speaks the receiving list's language: its values, its dates, only what changes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.synthetic.nominals import write_nominal_lists


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



def test_corrections_use_the_national_vocabulary_and_only_changed_fields(tmp_path: Path) -> None:
    """The national list writes Male, Custody, Tier 1 and 09-Apr-1988: so does the correction set
    (never the regional M, custody, 1); an UPDATE row keeps the record's identifying cells and
    the changed fields only, and its reason says what changes from what."""
    write_nominal_lists(tmp_path, count=400, seed=7)
    target = tmp_path / "corrections.csv"
    out = CliRunner().invoke(make_cli(), ["-q", "reconcile", str(tmp_path / "regional.csv"),
                                          str(tmp_path / "national.csv"), "--corrections", str(target)])
    assert out.exit_code == 0, out.output
    lines = target.read_text(encoding="utf-8").splitlines()[1:-1]  # the marking lines
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    updates = [r for r in rows if r["Action"] == "UPDATE"]
    assert updates and rows
    for row in rows:
        assert row["Gender"] in ("", "Male", "Female")
        assert row["Tier"] in ("", "Tier 1", "Tier 2", "Tier 3", "Tier 4")
        assert row["Status"] == "" or row["Status"][0].isupper()
    status = [r for r in updates if r["Status"]]
    assert status and all("Status" not in r["Reason"] or "->" in r["Reason"] for r in status)
    for row in updates:
        assert row["JCTPPH Ref"] and row["Surname"]
        changed = {part.split(" ")[0] for part in row["Reason"].split(": ", 1)[1].split("; ")}
        assert row["Establishment"] == "" or "establishment" in changed
        assert row["Owning Force"] == ""  # force is never corrected: not an authoritative field
