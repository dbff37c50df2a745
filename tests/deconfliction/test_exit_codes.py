"""``ctpse deconflict`` exit codes and file-encoding errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli


@pytest.fixture(autouse=True)
def _cli_store(ctpse_cli_store: str) -> str:
    """Commands without --store run on a seeded store as its administrator (CTPSE_STORE, CTPSE_USER)."""
    return ctpse_cli_store


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    """A deployments file that does not exist exits 2 (like other commands), naming it."""
    result = CliRunner().invoke(make_cli(), ["deconflict", str(tmp_path / "nosuch.json")])
    assert result.exit_code == 2
    assert "nosuch.json" in result.output


def test_non_utf8_file_names_the_file_and_says_save_as_utf8(tmp_path: Path) -> None:
    """A Windows-1252 file is an input error (exit 2) in one line naming the file and asking for UTF-8, no traceback."""
    bad = tmp_path / "week1252.json"
    bad.write_bytes('[{"id": "dep-1", "notes": "caf\u00e9"}]'.encode("cp1252"))
    result = CliRunner().invoke(make_cli(), ["deconflict", str(bad)])
    assert result.exit_code == 2
    assert "week1252.json" in result.output and "UTF-8" in result.output
    assert "Traceback" not in result.output and "codec" not in result.output
