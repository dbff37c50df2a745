"""Nominals with a blank name part (only a surname, only a forename) through `ctpse import`:
stored with the part blank, reconciled as missing (not as a mismatch), reported incomplete.
The name columns themselves stay required: a file without one refuses every row."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.cli.import_cmd import REJECTED_EXIT
from ctpse_core.domain.nominal import Nominal
from ctpse_core.quality.service import worklist
from ctpse_core.storage import open_store
from ctpse_core.testing.security import SYSTEM

SURNAMES = ("Examplesson", "Fictionova", "Madeupova", "Testington", "Placeholt", "Dummett", "Mockridge", "Fakenby")
BORN = dt.date(1950, 1, 1)
FORENAMES = ("Arnold", "Zoltana", "Irina", "Cedric", "Wilhelmina", "Osgood", "Priya", "Bartholomew")


def _people(count: int = 40) -> list[tuple[str, str, dt.date, str]]:
    """Fictional people: (surname, forename, date of birth, sex), every one different."""
    return [
        (SURNAMES[k % 8], FORENAMES[(k * 3 + k // 8) % 8], BORN + dt.timedelta(days=397 * k), "MF"[k % 2])
        for k in range(count)
    ]


def _lists() -> tuple[str, str]:
    """The regional list has person 0 with only a surname and person 1 with only a forename (and a
    blank row); the national list has everyone in full."""
    regional = ["record_id,surname,forenames,date_of_birth,sex,status"]
    national = ["JCTPPH Ref,Surname,Forename(s),DOB,Gender,Status"]
    for k, (surname, forename, born, sex) in enumerate(_people()):
        regional.append(f"RG{k},{'' if k == 1 else surname},{'' if k == 0 else forename},"
                        f"{born:%d/%m/%Y},{sex},licence")
        national.append(f"JCT-{k},{surname.upper()},{forename},{born:%d-%b-%Y},{'Male' if sex == 'M' else 'Female'},"
                        "Licence")
        if k == 2:
            regional.append(",,,,,")
    return "\n".join(regional) + "\n", "\n".join(national) + "\n"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(make_cli(), list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _stored(url: str) -> dict[str, Nominal]:
    with open_store(url).unit_of_work(user=SYSTEM) as uow:
        return {n.id: n for n in uow.repository("nominals").list()}


@pytest.fixture()
def imported(ctpse_cli_store: str, tmp_path: Path) -> str:
    for feed, text in zip(("regional", "national"), _lists(), strict=True):
        path = tmp_path / f"{feed}.csv"
        path.write_text(text, encoding="utf-8")
        code, out, err = _run("-q", "import", feed, str(path))
        assert code == 0, out + err
    return ctpse_cli_store


def test_blank_name_parts_are_stored_blank(imported: str) -> None:
    """Only a surname, or only a forename: stored (exit 0, nothing rejected) with the other part blank."""
    stored = _stored(imported)
    assert (stored["RG0"].surname, stored["RG0"].forenames) == ("Examplesson", "")
    assert (stored["RG1"].surname, stored["RG1"].forenames) == ("", "Cedric")
    assert stored["RG0"].full_name == "Examplesson" and stored["RG1"].full_name == "Cedric"
    assert len(stored) == 80  # the blank row is not a record


def test_stored_blank_parts_reconcile_as_missing_not_as_mismatch(imported: str) -> None:
    """`reconcile --stored`: each person with a blank part still matches the national record on the
    other evidence, no name discrepancy is raised for the blank part, and the record is listed
    as incomplete."""
    code, out, err = _run("reconcile", "--stored", "--format", "json")
    assert code == 0, out + err
    data = json.loads(out)
    pairs = {(m["left"], m["right"]) for m in data["matches"]}
    assert pairs == {(f"RG{k}", f"JCT-{k}") for k in range(40)}
    evidence = {(m["left"], e["comparison"]): e["level"] for m in data["matches"] for e in m["evidence"]}
    assert evidence[("RG0", "forename")] == evidence[("RG1", "surname")] == "not compared (missing)"
    assert evidence[("RG0", "surname")] == evidence[("RG1", "forename")] == "exact"
    blank_parts = {(d["left"], d["field"]) for d in data["discrepancies"] if d["field"] in ("forenames", "surname")}
    assert ("RG0", "forenames") not in blank_parts and ("RG1", "surname") not in blank_parts
    assert {(r["id"], tuple(r["missing"])) for r in data["incomplete"]["left"]} == {
        ("RG0", ("forenames",)),
        ("RG1", ("surname",)),
    }


def test_data_quality_reports_the_blank_part(imported: str) -> None:
    """Data quality lists an active nominal with a blank name part as incomplete."""
    with open_store(imported).unit_of_work(user=SYSTEM) as uow:
        rows, _marking, _checked = worklist(uow, dt.date.today())
    details: dict[str, str] = {}
    for r in rows:
        if r["check"] == "incomplete":
            details[r["nominal_id"]] = details.get(r["nominal_id"], "") + "; " + r["detail"]
    assert "no forenames" in details["RG0"] and "no surname" in details["RG1"]
    assert "forenames" not in details["RG2"] and "surname" not in details["RG2"]


def test_a_missing_name_column_still_refuses_every_row(ctpse_cli_store: str, tmp_path: Path) -> None:
    """A blank cell is allowed, a missing column is not: without the forenames column every row is
    refused naming the column (exit 3), and nothing is stored."""
    path = tmp_path / "regional.csv"
    path.write_text("record_id,surname,date_of_birth\nRG1,Examplesson,14/03/1981\nRG2,Other,01/01/1970\n",
                    encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    code, _out, _err = _run("-q", "import", "regional", str(path), "--rejects", str(rejects))
    assert code == REJECTED_EXIT
    text = rejects.read_text(encoding="utf-8-sig")
    assert text.count("forenames: column is missing (needed for forenames)") == 2
    assert _stored(ctpse_cli_store) == {}
