"""What the reconciliation writes: safe CSV cells, marked files, UK dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from ctpse_core.domain.marking import Marking
from ctpse_core.reconcile import reconcile
from ctpse_core.reconcile.result import ReconciliationResult
from ctpse_core.reports import SimpleProduct, render

FORMULA_MANAGER = '=HYPERLINK("http://example.invalid","x")'


@pytest.fixture
def result(kit: Any) -> ReconciliationResult:
    """A pair whose regional nominal manager is a formula (the regional list is authoritative)."""
    extra_left = [kit.nominal("regional", "RX1", "Wendolyn", "Formulaby", dt.date(1981, 2, 3), sex="F",
                              nominal_manager=FORMULA_MANAGER)]
    extra_right = [kit.nominal("national", "NX1", "Wendolyn", "FORMULABY", dt.date(1981, 2, 3), sex="F",
                               nominal_manager="DS Plainname")]
    found = reconcile(*kit.make_lists(extra_left, extra_right))
    found.marking = Marking.parse("OFFICIAL-SENSITIVE [UK EYES ONLY, PERSONAL]")
    return found


def test_csv_products_escape_formula_cells() -> None:
    """Every --format csv cell a spreadsheet would run is written with a leading apostrophe;
    signed numbers and phone numbers are left alone."""
    rows = [{"a": "=1+1", "b": "@SUM(A1)", "c": "\tx", "d": "-2+3", "e": "+44 7700 900123", "f": -4, "g": "ok"}]
    text = render(SimpleProduct("t", "T", {}, rows=rows), "csv")
    import csv
    import io

    cells = list(csv.reader(io.StringIO(text)))[2]
    assert cells == ["'=1+1", "'@SUM(A1)", "'\tx", "'-2+3", "+44 7700 900123", "-4", "ok"]


def test_correction_set_escapes_formulas_and_is_marked_top_and_bottom(result: ReconciliationResult) -> None:
    """The file for JCTPPH carries its marking as the first and last line (one CSV cell, quoted
    because the caveats hold a comma) and no cell starts a formula."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(result.correction_csv())))
    marking = "# OFFICIAL-SENSITIVE [PERSONAL, UK EYES ONLY]"
    assert rows[0] == [marking] and rows[-1] == [marking]
    assert rows[1][0] == "JCTPPH Ref" and rows[1][-2:] == ["Action", "Reason"]
    cells = [c for row in rows[1:-1] for c in row]
    assert f"'{FORMULA_MANAGER}" in cells
    assert not [c for c in cells if c[:1] in ("=", "@", "\t", "\r")]


def test_correction_set_reads_back_as_the_national_list(result: ReconciliationResult, tmp_path: Path) -> None:
    """The marking lines do not break the national list's format: the feed reader skips them."""
    from ctpse_core.feeds import load_records

    path = tmp_path / "corrections.csv"
    path.write_text(result.correction_csv(), encoding="utf-8")
    loaded = load_records("national", path)
    ids = {r.id for r in loaded.records}
    assert "N007" in ids  # the status correction (custody on the regional list)
    # every row is read except the one holding the (escaped) formula, which the reader refuses
    assert len(ids) == len(result.corrections) - 1
    assert [r.raw["JCTPPH Ref"] for r in loaded.rejected] == ["NX1"]
