"""The generator's foreign lists: the command line and the Python API give the same links."""

from __future__ import annotations

import csv
import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.reconcile import read_table, reconcile
from ctpse_core.reconcile.listmap import list_mapping
from ctpse_core.synthetic.nominals import write_foreign_lists


@pytest.fixture(autouse=True)
def _cli_store(ctpse_cli_store: str) -> str:
    """Commands without --store run on a seeded store as its administrator (CTPSE_STORE, CTPSE_USER)."""
    return ctpse_cli_store



@pytest.fixture(scope="module")
def foreign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("foreign")
    write_foreign_lists(folder, count=400, seed=5)
    return folder


def test_foreign_lists_look_foreign(foreign: Path) -> None:
    """Month-first dates on one side, YYYYMMDD on the other, blank name parts, columns no nominal has."""
    a = list(csv.DictReader((foreign / "regional.csv").open(encoding="utf-8")))
    b = list(csv.DictReader((foreign / "national.csv").open(encoding="utf-8")))
    assert any(int(r["birth_date"][3:5]) > 12 for r in a if r["birth_date"])  # day second
    assert all(len(r["dob"]) in (0, 8) for r in b)
    assert any(not r["first_name"] for r in a) and any(r["ni_number"].startswith("QQ") for r in a)


def test_cli_and_python_give_the_same_links(foreign: Path) -> None:
    """ctpse reconcile with the mapping file and read_table + reconcile with the same mapping find
    exactly the same matches (exit 0: nothing rejected), with precision and recall >= 0.99."""
    out = CliRunner().invoke(make_cli(), [
        "-q", "reconcile", str(foreign / "regional.csv"), str(foreign / "national.csv"),
        "--mapping", str(foreign / "mapping.toml"), "--format", "json",
    ])
    assert out.exit_code == 0, out.output
    cli = {(m["left"], m["right"]) for m in json.loads(out.stdout)["matches"]}
    maps = tomllib.loads((foreign / "mapping.toml").read_text(encoding="utf-8"))
    left, _r1 = read_table("regional", foreign / "regional.csv", list_mapping(maps["regional"], "regional"))
    right, _r2 = read_table("national", foreign / "national.csv", list_mapping(maps["national"], "national"))
    python = {(m.left, m.right) for m in reconcile(left, right).matches}
    assert cli == python
    truth = {(r["id_a"], r["id_b"]) for r in csv.DictReader((foreign / "truth.csv").open(encoding="utf-8"))
             if r["relation"] == "match"}
    hits = len(cli & truth)
    assert hits / len(cli) >= 0.99 and hits / len(truth) >= 0.99, (hits / len(cli), hits / len(truth))
