"""A clerical review decision carries the protective marking of the lists it was made on: stored
with the decision, shown by `ctpse review list` and `review decisions`, and raising the marking
of any listing that shows it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ctpse_core.cli import make_cli
from ctpse_core.domain import Marking
from ctpse_core.errors import InputError
from ctpse_core.reconcile import record_decision, stored_decisions
from ctpse_core.storage import open_store
from ctpse_core.synthetic.nominals import write_nominal_lists
from ctpse_core.testing.security import SYSTEM, TEST_USERS, seed_admin, seed_users

SECRET_EYES = "SECRET [UK EYES ONLY]"


@pytest.fixture(autouse=True)
def _cli_store(ctpse_cli_store: str) -> str:
    """Commands without --store run on a seeded store as its administrator (CTPSE_STORE, CTPSE_USER)."""
    return ctpse_cli_store


@pytest.fixture(scope="module")
def lists(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lists")
    write_nominal_lists(folder, count=60, seed=12)
    return folder


def run(url: str, *args: str) -> Result:
    return CliRunner().invoke(make_cli(), ["--store", url, "--user", "dc.ada", "-q", *args])


def test_record_decision_keeps_the_marking_given() -> None:
    store = open_store("memory://")
    seed_users(store)
    with store.unit_of_work(user="dc.ada") as uow:
        record_decision(uow, "regional", "R1", "national", "N1", same=True, marking=SECRET_EYES)
        sensitive = Marking.parse("OFFICIAL-SENSITIVE")
        record_decision(uow, "regional", "R2", "national", "N2", same=False, marking=sensitive)
        record_decision(uow, "regional", "R3", "national", "N3", same=False)
        uow.commit()
    with store.unit_of_work(user=SYSTEM) as uow:
        found = {d.left_id: str(d.marking) for d in stored_decisions(uow)}
    assert found == {"R1": SECRET_EYES, "R2": "OFFICIAL-SENSITIVE", "R3": "OFFICIAL"}


def test_record_decision_refuses_a_marking_that_is_not_one() -> None:
    store = open_store("memory://")
    seed_users(store)
    with store.unit_of_work(user="dc.ada") as uow, pytest.raises(InputError) as caught:
        record_decision(uow, "regional", "R1", "national", "N1", same=True, marking="RESTRICTED")
    assert caught.value.problems[0].field == "marking" and "'RESTRICTED'" in str(caught.value)


def test_cli_decision_takes_the_highest_marking_of_the_two_lists(lists: Path, tmp_path: Path) -> None:
    """Decided on the stored lists (regional imported as SECRET [UK EYES ONLY], national
    OFFICIAL-SENSITIVE), the decision is SECRET [UK EYES ONLY]; `review list` of the
    OFFICIAL-SENSITIVE files then shows it in its marking column and is marked as high as it."""
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    seed_admin(url, *TEST_USERS)
    assert run(url, "import", "regional", str(lists / "regional.csv"), "--marking", SECRET_EYES).exit_code == 0
    assert run(url, "import", "national", str(lists / "national.csv")).exit_code == 0
    out = run(url, "review", "decide", "RG0000001", "JCT-0000002", "not-same", "--note", "different photo")
    assert out.exit_code == 0, out.output
    assert f"marked {SECRET_EYES}" in out.stdout
    store = open_store(url)
    try:
        with store.unit_of_work(user=SYSTEM) as uow:
            (decision,) = stored_decisions(uow)
    finally:
        store.close()
    assert decision.marking == Marking.parse(SECRET_EYES)

    files = (str(lists / "regional.csv"), str(lists / "national.csv"))
    out = run(url, "review", "list", "--all", *files)
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines[0] == lines[-1] == SECRET_EYES  # the files alone are OFFICIAL-SENSITIVE
    assert "marking" in lines[1].split()
    row = next(line for line in lines if line.startswith("RG0000001"))
    assert "not same" in row and SECRET_EYES in row and "different photo" in row

    out = run(url, "review", "decisions")
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines[0] == lines[-1] == SECRET_EYES
    assert "marking" in lines[1].split() and SECRET_EYES in lines[3]


def test_cli_decision_on_files_takes_their_marking(lists: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    seed_admin(url, *TEST_USERS)
    out = run(url, "review", "decide", "RG0000003", "JCT-0000004", "same", "--regional",
              str(lists / "regional.csv"), "--national", str(lists / "national.csv"))
    assert out.exit_code == 0, out.output
    assert "marked OFFICIAL-SENSITIVE" in out.stdout
    out = run(url, "review", "list", "--all", str(lists / "regional.csv"), str(lists / "national.csv"))
    lines = out.stdout.splitlines()
    assert lines[0] == lines[-1] == "OFFICIAL-SENSITIVE"
    row = next(line for line in lines if line.startswith("RG0000003") and "JCT-0000004" in line)
    assert "same" in row and "OFFICIAL-SENSITIVE" in row
