"""Text encodings and delimiters: read correctly, or refused with a clear error, never mangled."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import pytest

from ctpse_core.errors import ConfigError, CtpseError, UnknownName
from ctpse_core.feeds.formats import FeedFileError
from ctpse_core.feeds.importer import import_feed
from ctpse_core.feeds.text import COMMON_ENCODINGS, detect_text, sniff_delimiter
from ctpse_core.testing.security import SYSTEM

TEXT = "JCTPPH Ref,Surname,Forename(s)\nJCT-1,Cafébury,Zoë\nJCT-2,O\u2019Madeup,Renée\n"


def _names(store: Any) -> set[tuple[str, str]]:
    with store.unit_of_work(user=SYSTEM) as uow:
        return {(n.surname, n.forenames) for n in uow.repository("nominals").list()}


@pytest.mark.parametrize(
    ("encoding", "prefix", "reported"),
    [
        ("utf-8", b"", "utf-8 (detected)"),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig (detected)"),
        ("windows-1252", b"", "windows-1252 (detected)"),
        ("utf-16", b"", "utf-16 (detected)"),
    ],
)
def test_encodings_are_detected_and_read_correctly(
    encoding: str, prefix: bytes, reported: str, tmp_path: Path, store: Any
) -> None:
    """UTF-8, UTF-8 with BOM, Windows-1252 and UTF-16 (with BOM) give the same accented names."""
    path = tmp_path / "national.csv"
    path.write_bytes(prefix + TEXT.encode(encoding))
    summary = import_feed(store, "national", path, user=SYSTEM)
    assert summary.stored == 2
    assert summary.encoding == reported
    assert _names(store) == {("Cafébury", "Zoë"), ("O\u2019Madeup", "Renée")}


def test_stated_encoding_is_used(tmp_path: Path, store: Any) -> None:
    """--encoding latin-1 reads a Latin-1 file exactly and is reported as stated, not detected."""
    path = tmp_path / "national.csv"
    path.write_bytes("JCTPPH Ref,Surname,Forename(s)\nJCT-1,Cafébury,Zoë\n".encode("latin-1"))
    summary = import_feed(store, "national", path, encoding="latin-1", user=SYSTEM)
    assert summary.encoding == "iso8859-1"
    assert _names(store) == {("Cafébury", "Zoë")}


def test_wrong_stated_encoding_is_a_clear_error(tmp_path: Path, store: Any) -> None:
    """A Windows-1252 file declared as UTF-8 is refused naming the file, line and byte."""
    path = tmp_path / "national.csv"
    path.write_bytes(TEXT.encode("windows-1252"))
    with pytest.raises(FeedFileError) as info:
        import_feed(store, "national", path, encoding="utf-8", user=SYSTEM)
    message = str(info.value)
    assert "national.csv is not valid utf-8 text at line 2" in message
    with store.unit_of_work(user=SYSTEM) as uow:
        assert uow.repository("nominals").count() == 0


def test_bytes_valid_in_no_supported_encoding_are_refused(tmp_path: Path, store: Any) -> None:
    """Bytes that are neither UTF-8 nor Windows-1252 (0x81 is undefined there) are an error."""
    path = tmp_path / "national.csv"
    path.write_bytes(b"JCTPPH Ref,Surname,Forename(s)\nJCT-1,Caf\x81,Zo\xeb\n")
    with pytest.raises(FeedFileError, match=r"not valid utf-8 or windows-1252 text \(first bad byte at line 2"):
        import_feed(store, "national", path, user=SYSTEM)


def test_nul_bytes_mean_not_a_text_file(tmp_path: Path, store: Any) -> None:
    """A binary file (NUL bytes, no UTF-16 mark) is refused as not text."""
    path = tmp_path / "national.csv"
    path.write_bytes("JCTPPH Ref,Surname\n".encode("utf-16-le"))
    with pytest.raises(FeedFileError, match="NUL bytes"):
        import_feed(store, "national", path, user=SYSTEM)


def test_unknown_encoding_name_is_a_user_error_naming_the_file(tmp_path: Path, store: Any) -> None:
    """An encoding name Python does not know is a one-line input error naming the file and option."""
    path = tmp_path / "national.csv"
    path.write_text(TEXT, encoding="utf-8")
    with pytest.raises(UnknownName, match="unknown text encoding 'klingon'") as caught:
        import_feed(store, "national", path, encoding="klingon", user=SYSTEM)
    assert caught.value.lines() == [
        "national.csv: encoding: unknown text encoding 'klingon' (known: " + ", ".join(COMMON_ENCODINGS) + ")"
    ]


def test_stated_utf16_on_a_utf8_file_names_the_file(tmp_path: Path, store: Any) -> None:
    """A UTF-16 codec that cannot even start (no byte-order mark) is reported like any wrong encoding."""
    path = tmp_path / "national.csv"
    path.write_text(TEXT, encoding="utf-8")
    with pytest.raises(FeedFileError, match=r"national\.csv is not valid utf-16 text at line 1, byte 1"):
        import_feed(store, "national", path, encoding="utf-16", user=SYSTEM)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(delimiter: str, tmp_path: Path, store: Any) -> None:
    """Comma, semicolon, tab and bar separated files all read, even with '; ' inside cells."""
    rows = [["JCTPPH Ref", "Surname", "Forename(s)", "Alias Names"], ["JCT-1", "A", "B", "C D; E F"]]
    path = tmp_path / "national.csv"
    import csv

    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    summary = import_feed(store, "national", path, user=SYSTEM)
    assert summary.stored == 1
    with store.unit_of_work(user=SYSTEM) as uow:
        assert uow.repository("nominals").get("JCT-1").aliases == ("C D", "E F")


def test_sniffer_prefers_consistent_columns() -> None:
    """Semicolons inside comma-separated cells do not fool the sniffer."""
    sample = "a,b,c\n1,x; y,2\n3,p; q; r,4\n"
    assert sniff_delimiter(sample) == ","
    assert sniff_delimiter("only one column\nvalue\n") == ","


def test_detect_text_hashes_and_counts(tmp_path: Path) -> None:
    """One pass gives the SHA-256 of the bytes and the line count."""
    import hashlib

    path = tmp_path / "x.csv"
    data = b"a,b\n1,2\n"
    path.write_bytes(data)
    info = detect_text(path)
    assert info.sha256 == hashlib.sha256(data).hexdigest() and info.lines == 2 and info.detected


def test_missing_file_is_a_clear_error(tmp_path: Path, store: Any) -> None:
    """A file that does not exist is a CtpseError naming it."""
    with pytest.raises(CtpseError, match="does not exist"):
        import_feed(store, "national", tmp_path / "nope.csv", user=SYSTEM)


def test_unknown_suffix_is_a_config_error(tmp_path: Path, store: Any) -> None:
    """A file no format claims is refused with the known suffixes listed."""
    path = tmp_path / "list.pdf"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"no feed format reads '\.pdf'"):
        import_feed(store, "national", path, user=SYSTEM)


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_json_encodings_detected_or_refused(suffix: str, tmp_path: Path, store: Any) -> None:
    """JSON and JSON lines in Windows-1252 read correctly; bytes valid in no encoding are refused."""
    item = '{"JCTPPH Ref": "JCT-1", "Surname": "Cafébury", "Forename(s)": "Zoë"}'
    text = item + "\n" if suffix == ".jsonl" else f"[{item}]"
    path = tmp_path / f"national{suffix}"
    path.write_bytes(text.encode("windows-1252"))
    summary = import_feed(store, "national", path, user=SYSTEM)
    assert summary.stored == 1 and summary.encoding == "windows-1252 (detected)"
    assert _names(store) == {("Cafébury", "Zoë")}
    path.write_bytes(text.encode("windows-1252").replace("é".encode("windows-1252"), b"\x81"))
    with pytest.raises(FeedFileError, match="not valid utf-8 or windows-1252"):
        import_feed(store, "national", path, user=SYSTEM)


@pytest.mark.parametrize(("name", "text"), [("national.csv", TEXT), ("national.json", "[]")])
def test_a_sheet_named_for_a_text_file_is_refused(name: str, text: str, tmp_path: Path, store: Any) -> None:
    """--sheet only means something for workbooks; on a text file it is an error, not ignored."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FeedFileError, match=r"--sheet 'Nominals' is for workbooks, but national\.(csv|json)"):
        import_feed(store, "national", path, sheet="Nominals", user=SYSTEM)
