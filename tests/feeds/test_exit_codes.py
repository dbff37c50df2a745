"""User mistakes are exit status 2 with one `error:` line naming the file (line or option) and the
reason, and docs/feeds.md states the same statuses the code gives."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.testing.security import seed_admin

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _cli_store(ctpse_cli_store: str) -> str:
    """Commands without a store of their own run on a seeded store as its administrator."""
    return ctpse_cli_store


def _run(*args: str, store: str | None = None) -> tuple[int, str, str]:
    if store is not None:
        seed_admin(store, "tester")  # a new store's administrator (CTPSE_USER=tester)
    where = [] if store is None else ["--store", store]
    result = CliRunner().invoke(make_cli(), [*where, *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _regional(tmp_path: Path) -> Path:
    path = tmp_path / "regional.csv"
    path.write_text("record_id,surname,forenames\nRG1,Testperson,Alfa\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "content",
    [gzip.compress(b'{"format": "ctpse-archive"}\n' * 50), b"\x7fELF\x02\x01\x01\x00\xd0\xcf\n", b"\xe9t\xe9\n"],
    ids=["gzip", "binary", "latin-1"],
)
def test_db_import_of_a_non_archive_is_one_line_exit_2(tmp_path: Path, content: bytes) -> None:
    """`ctpse db import` of a file that is not UTF-8 text (gzip, binary, Latin-1) exits 2 with one
    line naming the file, line 1 and the reason, and stores nothing."""
    path = tmp_path / "backup.jsonl"
    path.write_bytes(content)
    code, _, err = _run("db", "import", str(path), store=f"sqlite:///{tmp_path / 's.db'}")
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert f"{path}:1" in lines[0] and "not a ctpse archive" in lines[0] and "UTF-8" in lines[0]


def test_db_import_of_a_damaged_line_names_the_line(tmp_path: Path) -> None:
    """A bad byte on a later line of an archive names that line (the archive is damaged), exit 2."""
    store = f"sqlite:///{tmp_path / 's.db'}"
    assert _run("import", "regional", str(_regional(tmp_path)), store=store)[0] == 0
    archive = tmp_path / "backup.jsonl"
    assert _run("db", "export", str(archive), store=store)[0] == 0
    bad_line = len(archive.read_bytes().splitlines()) + 1  # after the records and the audit log
    archive.write_bytes(archive.read_bytes() + b'{"collection": "nominals", "record": {"id": "\xff"}}\n')
    code, _, err = _run("db", "import", str(archive), store=f"sqlite:///{tmp_path / 't.db'}")
    assert code == 2
    assert f"{archive}:{bad_line}" in err and "damaged" in err and len(err.strip().splitlines()) == 1


def test_unknown_marking_is_one_line_exit_2(tmp_path: Path) -> None:
    """`ctpse import --marking TOPSECRET` (not a classification) exits 2 with one line naming the
    option and the classifications there are; nothing is imported."""
    code, _, err = _run("import", "regional", str(_regional(tmp_path)), "--marking", "TOPSECRET")
    assert code == 2
    assert err.strip().splitlines() == [
        "error: --marking: 'TOPSECRET' is not a classification (use one of OFFICIAL, OFFICIAL-SENSITIVE, "
        "SECRET, TOP SECRET); nothing was imported"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[columns]\n"Ref" = \n', r"is not valid TOML \(.*line 2"),
        ('feed = "national"\n[columns]\n"Ref" = "id"\n', "is a mapping for feed 'national', not 'regional'"),
        ('[columns]\n"Ref" = "shoe_size"\n', "Nominal has no field 'shoe_size'"),
    ],
    ids=["toml", "other-feed", "field"],
)
def test_bad_mapping_file_is_one_line_exit_2(tmp_path: Path, text: str, expected: str) -> None:
    """A mapping file that is not TOML, is for another feed or names no field exits 2 with one line
    naming the mapping file and the reason."""
    mapping = tmp_path / "partner.toml"
    mapping.write_text(text, encoding="utf-8")
    code, _, err = _run("import", "regional", str(_regional(tmp_path)), "--mapping", str(mapping))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "partner.toml" in lines[0] and re.search(expected, lines[0]), lines


def _documented_statuses() -> list[tuple[int, str]]:
    """The rows of the exit-status table in docs/feeds.md."""
    text = (ROOT / "docs" / "feeds.md").read_text(encoding="utf-8")
    return [(int(code), when) for code, when in re.findall(r"^\| (\d+) \| (.+) \|$", text, flags=re.M)]


def _documented(phrase: str) -> int:
    found = [code for code, when in _documented_statuses() if phrase in when]
    assert len(found) == 1, f"docs/feeds.md's exit-status table names {phrase!r} {len(found)} times"
    return found[0]


def test_docs_and_code_agree_on_exit_statuses(tmp_path: Path) -> None:
    """The exit status docs/feeds.md gives for an unknown feed, an unknown format, a bad mapping
    file, a bad --marking, an unreadable file and rejected rows is the one `ctpse import` returns."""
    regional = _regional(tmp_path)
    mapping = tmp_path / "bad.toml"
    mapping.write_text("[columns\n", encoding="utf-8")
    binary = tmp_path / "regional2.csv"
    binary.write_bytes(b"\x00\x01\x02")
    rejected = tmp_path / "regional3.csv"
    rejected.write_text("record_id,surname,forenames,date_of_birth\nRG1,A,B,31/02/1990\n", encoding="utf-8")
    cases = {
        "an unknown feed": ("import", "no-such-feed", str(regional)),
        "unknown feed or format": ("import", "regional", str(regional), "--format", "docx"),
        "a bad mapping file": ("import", "regional", str(regional), "--mapping", str(mapping)),
        "a bad or lower `--marking`": ("import", "regional", str(regional), "--marking", "SECRETISH"),
        "a file that cannot be read at all": ("import", "regional", str(binary)),
        "some rows were rejected": ("import", "regional", str(rejected)),
        "every row was used": ("import", "regional", str(regional)),
    }
    for phrase, args in cases.items():
        assert _run(*args)[0] == _documented(phrase), phrase
