"""The wrong file, or a file that cannot be finished, is refused before anything is stored."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.errors import ConfigError, CtpseError, InputError
from ctpse_core.feeds.importer import import_feed
from ctpse_core.storage import Store
from ctpse_core.testing.security import SYSTEM


def _stored(store: Store) -> int:
    with store.unit_of_work(user=SYSTEM) as uow:
        return uow.nominals.count() + uow.quarantined_rows.count()


def _regional(tmp_path: Path, samples: dict[str, tuple[list[str], list[list[str]]]]) -> Path:
    headers, rows = samples["regional"]
    path = tmp_path / "regional.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(",".join(headers) + "\n")
        for row in rows:
            handle.write(",".join(f'"{c}"' for c in row) + "\n")
    return path


def test_workbook_renamed_to_csv(tmp_path: Path, store: Store) -> None:
    """An XLSX saved with a .csv name is named as a workbook, with what to do."""
    path = tmp_path / "regional.csv"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(CtpseError, match=r"regional.csv is an Excel workbook .*--format xlsx"):
        import_feed(store, "regional", path, user=SYSTEM)
    assert _stored(store) == 0


def test_unwritable_rejects_file_refused_first(
    tmp_path: Path, store: Store, samples: dict[str, tuple[list[str], list[list[str]]]]
) -> None:
    """A rejects file that cannot be written is reported before the import, and nothing is stored."""
    path = _regional(tmp_path, samples)
    with pytest.raises(ConfigError, match=r"cannot write the rejects file .*Nothing was imported"):
        import_feed(store, "regional", path, rejects=tmp_path / "no-such-folder" / "rejects.csv", user=SYSTEM)
    assert _stored(store) == 0


def test_file_of_another_feed_is_refused_whole(
    tmp_path: Path, store: Store, samples: dict[str, tuple[list[str], list[list[str]]]]
) -> None:
    """A file none of whose columns belong to the feed gets one file-level error, not a reject per row."""
    headers, rows = samples["leave"]
    path = tmp_path / "leave.csv"
    path.write_text(",".join(headers) + "\n" + "\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        import_feed(store, "regional", path, user=SYSTEM)
    (line,) = info.value.lines()
    assert "none of its columns belong to feed 'regional'" in line and "Staff No" in line
    assert line.endswith("@ leave.csv")
    assert _stored(store) == 0
    assert not (tmp_path / "leave.rejects.csv").exists()


def test_empty_file_is_an_error_on_the_command_line(tmp_path: Path) -> None:
    """A header-only file imports nothing and says so with a non-zero exit."""
    path = tmp_path / "regional.csv"
    path.write_text("record_id,surname,forenames\n", encoding="utf-8")
    result = CliRunner().invoke(make_cli(), ["--store", "memory://", "import", "regional", str(path)])
    assert result.exit_code == 2
    assert "regional.csv has no data rows; nothing was imported" in result.output
