"""A list from elsewhere on the command line: declared date formats, blank names, its own columns."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ctpse_core.cli import make_cli
from ctpse_core.reconcile import read_table
from ctpse_core.reconcile.listmap import list_mapping

# Obviously fictional people; the regional list writes dates month-first, the other YYYYMMDD.
REGIONAL = """ref,first,last,born,middle,ni
R1,Ada,Quillfeather,03/04/1981,J,QQ123456A
R2,Bramble,Examplefield,12/31/1975,K,QQ654321B
R3,,Sampleton,07/08/1990,L,QQ111111C
R4,Corin,Testwick,1958,M,QQ222222D
"""
NATIONAL = """id,given,family,dob,mid,nino
N1,Ada,Quillfeather,19810304,J,QQ123456A
N2,Bramble,Examplefield,19751231,K,QQ654321B
N3,Tamsin,Sampleton,19900708,L,QQ111111C
N4,Corin,Testwick,,M,QQ222222D
"""
MAPPING = """
[regional]
ref = "id"
first = "forenames"
last = "surname"
born = { field = "date_of_birth", date_format = "MM/DD/YYYY" }
middle = "middle_initial"
ni = { field = "ni_number", kind = "identifier" }

[national]
id = "id"
given = "forenames"
family = "surname"
dob = { field = "date_of_birth", date_format = "YYYYMMDD" }
mid = "middle_initial"
nino = { field = "ni_number", kind = "identifier" }
"""

@pytest.fixture(autouse=True)
def _cli_store(ctpse_cli_store: str) -> str:
    """Commands without --store run on a seeded store as its administrator (CTPSE_STORE, CTPSE_USER)."""
    return ctpse_cli_store



def _files(tmp_path: Path, regional: str = REGIONAL, mapping: str = MAPPING) -> tuple[Path, Path, Path]:
    paths = tmp_path / "r.csv", tmp_path / "n.csv", tmp_path / "map.toml"
    for path, text in zip(paths, (regional, NATIONAL, mapping), strict=True):
        path.write_text(text, encoding="utf-8")
    return paths


def run(*args: str) -> Result:
    return CliRunner().invoke(make_cli(), ["-q", *args])


def test_declared_date_formats_and_a_bare_year(tmp_path: Path) -> None:
    """MM/DD/YYYY and YYYYMMDD columns read as declared (3 April, not 4 March, and never swapped);
    a bare year is kept as the year of birth, not read as an Excel serial."""
    r, _n, _m = _files(tmp_path)
    mapping = list_mapping(tomllib.loads(MAPPING)["regional"], "map [regional]")
    table, rejected = read_table("regional", r, mapping)
    assert rejected == []
    born = dict(zip(table.ids, table.column("date_of_birth"), strict=True))
    assert str(born["R1"]) == "1981-03-04" and str(born["R2"]) == "1975-12-31"
    assert born["R4"] is None and table.column("birth_year")[3] == 1958
    assert table.column("middle_initial") == ["J", "K", "L", "M"]


def test_auto_refuses_a_column_mixing_day_first_and_month_first(tmp_path: Path) -> None:
    """date_format = "auto" decides per column; a column fitting only day-first in one row and only
    month-first in another is refused, exit 2, naming the file, the column and a row of each."""
    mixed = REGIONAL.replace("03/04/1981", "31/12/1981")
    r, n, m = _files(tmp_path, mixed, MAPPING.replace('"MM/DD/YYYY"', '"auto"'))
    out = run("reconcile", str(r), str(n), "--mapping", str(m))
    assert out.exit_code == 2, out.output
    assert "r.csv" in out.output and "'born'" in out.output and "row 2: 31/12/1981" in out.output
    assert "row 3: 12/31/1975" in out.output
    r, n, m = _files(tmp_path, REGIONAL, MAPPING.replace('"MM/DD/YYYY"', '"auto"'))
    out = run("reconcile", str(r), str(n), "--mapping", str(m), "--format", "json")
    assert out.exit_code == 0, out.output
    assert {(x["left"], x["right"]) for x in json.loads(out.stdout)["matches"]} >= {("R1", "N1"), ("R2", "N2")}


def test_blank_name_part_is_reconciled_and_reported_incomplete(tmp_path: Path) -> None:
    """A row with a blank forename is not rejected (exit 0): it is matched on its other evidence
    and listed as incomplete (data quality)."""
    r, n, m = _files(tmp_path)
    out = run("reconcile", str(r), str(n), "--mapping", str(m), "--format", "json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["incomplete"]["left"] == [{"id": "R3", "missing": ["forenames"]}]
    assert "R3" not in data["only_left"]


def test_own_columns_are_usable_and_a_dead_comparison_is_an_error(tmp_path: Path) -> None:
    """A column with no Nominal field is carried with the record and a comparison declared on it
    takes effect; a comparison on a column the lists lack is an error (exit 2), never ignored."""
    r, n, m = _files(tmp_path)
    config = tmp_path / "c.toml"
    config.write_text('[[reconcile.comparisons]]\nname = "ni"\nfield = "ni_number"\nkind = "code"\n', encoding="utf-8")
    out = run("reconcile", str(r), str(n), "--mapping", str(m), "--config", str(config), "--format", "json")
    assert out.exit_code == 0, out.output
    evidence = {e["comparison"]: e["level"] for e in json.loads(out.stdout)["matches"][0]["evidence"]}
    assert evidence["ni"] == "exact"
    config.write_text('[[reconcile.comparisons]]\nname = "ni"\nfield = "nino_typo"\nkind = "code"\n', encoding="utf-8")
    out = run("reconcile", str(r), str(n), "--mapping", str(m), "--config", str(config))
    assert out.exit_code == 2, out.output
    assert "comparison 'ni'" in out.output and "'nino_typo'" in out.output


def test_mapping_errors_name_the_table_the_user_wrote(tmp_path: Path) -> None:
    """A fault in the [regional] table is reported as [regional], not [left]."""
    r, n, m = _files(tmp_path, mapping=MAPPING.replace('last = "surname"', 'last = "surnme"'))
    out = run("reconcile", str(r), str(n), "--mapping", str(m))
    assert out.exit_code == 2, out.output
    assert "[regional]" in out.output and "[left]" not in out.output and "did you mean 'surname'" in out.output
