"""A file cut short in the middle of its last row: that row is rejected with the reason, never
stored with its cut value and blank later cells."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.feeds.load import load_records
from ctpse_core.testing.security import SYSTEM, seed_admin

HEADER = "record_id,surname,forenames,nominal_manager,sex\r\n"
FULL = HEADER + "RG1,Testperson,Alfa,DC Cara Sample,M\r\nRG2,Sampleton,Bravo,DC Lou Invented,F\r\n"


def _load(tmp_path: Path, text: str) -> tuple[list[str], list[list[str]]]:
    path = tmp_path / "regional.csv"
    path.write_text(text, encoding="utf-8")
    result = load_records("regional", path)
    return [r.id for r in result.records], [r.reasons for r in result.rejected]


def test_last_row_cut_mid_cell_is_rejected_with_the_reason(tmp_path: Path) -> None:
    """A CSV that stops inside its last row (``DC Lou Inv``, then nothing) keeps the rows before it;
    the cut row is rejected saying the file stops in the middle of it, with the cell counts."""
    cut = FULL[: FULL.index("DC Lou") + len("DC Lou Inv")]
    stored, rejected = _load(tmp_path, cut)
    assert stored == ["RG1"]
    assert len(rejected) == 1
    (reason,) = rejected[0]
    assert reason.startswith("row ends early: the file stops in the middle of this row")
    assert "4 of the header's 5 cells" in reason


def test_last_row_cut_inside_a_quoted_cell_is_rejected(tmp_path: Path) -> None:
    """A file that ends inside a quoted cell (the closing quote lost) is cut short too."""
    cut = HEADER + 'RG1,Testperson,Alfa,DC Cara Sample,M\nRG2,Sampleton,Bravo,"DC Lou, Inv'
    stored, rejected = _load(tmp_path, cut)
    assert stored == ["RG1"]
    assert len(rejected) == 1 and "ends early" in rejected[0][0]


def test_complete_last_row_without_a_line_break_is_kept(tmp_path: Path) -> None:
    """A last row with every cell but no line break after it (many tools write files so) is
    stored, as is a short last row followed by a line break (missing trailing cells are blank)."""
    assert _load(tmp_path, FULL.rstrip("\r\n")) == (["RG1", "RG2"], [])
    assert _load(tmp_path, FULL + "RG3,Exampleby,Charlie\n") == (["RG1", "RG2", "RG3"], [])
    assert _load(tmp_path, FULL + '"RG3","Exampleby","Charlie","DC Cara Sample","M"') == (["RG1", "RG2", "RG3"], [])


def test_import_of_a_cut_file_exits_3_and_quarantines_the_row(tmp_path: Path) -> None:
    """`ctpse import` of a cut file stores the whole rows, rejects the cut one (exit 3) and writes
    it to the rejects file with its reason; nothing of the cut row is stored."""
    path = tmp_path / "regional.csv"
    path.write_text(FULL[: FULL.index("DC Lou") + len("DC Lou Inv")], encoding="utf-8")
    url = f"sqlite:///{tmp_path / 's.db'}"
    seed_admin(url)
    result = CliRunner().invoke(make_cli(), ["--store", url, "--user", "admin", "import", "regional", str(path)])
    assert result.exit_code == 3, result.output
    rejects = (tmp_path / "regional.rejects.csv").read_text(encoding="utf-8-sig")
    assert "RG2,Sampleton,Bravo,DC Lou Inv" in rejects and "ends early" in rejects
    from ctpse_core.storage import open_store

    store = open_store(url)
    try:
        with store.unit_of_work(user=SYSTEM) as uow:
            assert uow.nominals.find("RG2") is None and uow.nominals.find("RG1") is not None
    finally:
        store.close()
