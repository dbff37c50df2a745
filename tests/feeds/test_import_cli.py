"""``ctpse import``: feed list, summary table, rejects file, exit status, one-line errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.cli.import_cmd import REJECTED_EXIT


@pytest.fixture(autouse=True)
def _store(ctpse_cli_store: str) -> str:
    """Every command runs on a seeded store as its administrator (CTPSE_STORE, CTPSE_USER)."""
    return ctpse_cli_store


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(make_cli(), list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_list_shows_every_feed_and_format() -> None:
    """`ctpse import --list` shows the stable feed names with their titles, and the formats."""
    code, out, _ = _run("import", "--list")
    assert code == 0
    for name, title in [("national", "JCTPPH national nominal list"), ("regional", "CTP SE regional nominal list"),
                        ("prison-pathfinder", "Prison Pathfinder"), ("community-pathfinder", "Community Pathfinder"),
                        ("maesem", "MAESEM"), ("engagements", "Engagement"), ("nctpoc-tasking", "NCTPOC"),
                        ("staff", "Staff list"), ("leave", "Leave")]:
        line = next(line for line in out.splitlines() if line.startswith(name + " "))
        assert title in line
    assert "csv (.csv .tsv .txt)" in out and "jsonl" in out


def test_synthetic_regional_list_imports_clean(tmp_path: Path) -> None:
    """`ctpse synth nominals` then `ctpse import regional DIR/regional.csv`: zero rejects, exit 0."""
    assert _run("synth", "nominals", "--count", "300", "--out", str(tmp_path))[0] == 0
    code, out, _ = _run("--quiet", "import", "regional", str(tmp_path / "regional.csv"))
    assert code == 0, out
    assert re.search(r"rejected\s+0\n", out)
    code, out, _ = _run("--quiet", "import", "national", str(tmp_path / "national.csv"))
    assert code == 0 and re.search(r"rejected\s+0\n", out)


def test_rejects_give_exit_status_3_and_a_rejects_file(tmp_path: Path) -> None:
    """Any rejected row: the summary table, the rejects file named on stderr, exit status 3."""
    path = tmp_path / "regional.csv"
    path.write_text("record_id,surname,forenames,pnc_id\nRG1,A,B,\nRG2,C,D,01/12345X\n", encoding="utf-8")
    code, out, err = _run("import", "regional", str(path))
    assert code == REJECTED_EXIT == 3
    assert re.search(r"rows read\s+2\n", out) and re.search(r"stored \(new\)\s+1\n", out)
    assert re.search(r"rejected\s+1\n", out)
    assert str(tmp_path / "regional.rejects.csv") in err
    assert "pnc_id: '01/12345X' has check character X" in (tmp_path / "regional.rejects.csv").read_text("utf-8-sig")


def test_unreadable_file_is_one_line_error(tmp_path: Path) -> None:
    """A file in no supported encoding: a one-line error, no traceback, non-zero exit."""
    path = tmp_path / "regional.csv"
    path.write_bytes(b"record_id\n\x81\x8d\x90\xff\n")
    code, _, err = _run("import", "regional", str(path))
    assert code != 0
    assert "regional.csv is not valid utf-8 or windows-1252 text" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "nosuchfeed", "x.csv"], "unknown feed 'nosuchfeed'"),
        (["import", "regional"], "give FEED and FILE"),
    ],
)
def test_usage_errors(args: list[str], message: str, tmp_path: Path) -> None:
    """Unknown feeds and missing arguments are readable errors."""
    result = CliRunner().invoke(make_cli(), list(args))
    assert result.exit_code != 0
    assert message in result.output


def test_options_reach_the_pipeline(tmp_path: Path) -> None:
    """--mapping, --marking, --encoding and --rejects are applied."""
    mapping = tmp_path / "m.toml"
    mapping.write_text('[columns]\n"Ref" = "id"\n"Nom" = "surname"\n"Prénom" = "forenames"\n', encoding="utf-8")
    path = tmp_path / "partner.csv"
    path.write_bytes("Ref;Nom;Prénom\nX1;Dupont;Zoé\nX2;=1+1;\n".encode("latin-1"))
    rejects = tmp_path / "fix-me.csv"
    code, out, _ = _run("-q", "import", "national", str(path), "--mapping", str(mapping), "--marking", "SECRET",
                        "--encoding", "latin-1", "--rejects", str(rejects))
    assert code == 3
    assert "SECRET" in out and "iso8859-1" in out
    assert "Nom: '=1+1' looks like a spreadsheet formula" in rejects.read_text(encoding="utf-8-sig")


def test_lowering_the_marking_needs_the_override(tmp_path: Path) -> None:
    """`--marking OFFICIAL` on an OFFICIAL-SENSITIVE feed exits 2 with one line naming both
    markings and the flag; with --allow-lower-marking it imports and the summary says so."""
    path = tmp_path / "regional.csv"
    path.write_text("record_id,surname,forenames\nRG0000001,Madeup,Alfa\n", encoding="utf-8")
    code, out, err = _run("-q", "import", "regional", str(path), "--marking", "OFFICIAL")
    assert code == 2 and "stored" not in out
    assert err == (
        "error: --marking: OFFICIAL is lower than OFFICIAL-SENSITIVE, the marking of feed 'regional'; a product is "
        "marked at least as high as its source. Nothing was imported. If the originator has agreed to lower "
        "it, add --allow-lower-marking (the override is recorded in the audit log)\n"
    )
    code, out, _ = _run("-q", "import", "regional", str(path), "--marking", "OFFICIAL", "--allow-lower-marking")
    assert code == 0
    assert re.search(r"marking\s+OFFICIAL \(LOWERED from OFFICIAL-SENSITIVE by override\)\n", out)


def test_progress_bar_on_large_files_and_quiet(tmp_path: Path) -> None:
    """A large file shows the progress bar on stderr; --quiet silences it; small files never show it."""
    rows = "\n".join(f"RG{i:07d},Madeup,Alfa" for i in range(1, 2501))
    path = tmp_path / "regional.csv"
    path.write_text("record_id,surname,forenames\n" + rows + "\n", encoding="utf-8")
    code, _, err = _run("import", "regional", str(path), "--batch-size", "500")
    assert code == 0 and "importing" in err
    code, _, err = _run("--quiet", "import", "regional", str(path))
    assert code == 0 and "importing" not in err
    small = tmp_path / "small.csv"
    small.write_text("record_id,surname,forenames\nRG1,A,B\n", encoding="utf-8")
    assert "importing" not in _run("import", "regional", str(small))[2]
