"""Products are safe to open: escaped, formulas neutralised, the same bytes for the same
input, owner-only above OFFICIAL, and templates overridable by plugins."""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from tests.products.conftest import FORMULA_OP, FORMULA_PERSON, SCRIPT, USER, offered


def test_html_shows_a_script_named_team_leader_as_text(built: dict[str, Any]) -> None:
    """A team leader called <script> is escaped in the HTML and in every email draft."""
    from ctpse_core.products import render_product

    report = built["conflict-notices"]
    html = render_product("conflict-notices", report, "html")
    assert isinstance(html, str)
    assert SCRIPT not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    drafts = render_product("conflict-notices", report, "eml")
    assert isinstance(drafts, dict)
    import email
    import email.policy

    htmls = [email.message_from_bytes(d, policy=email.policy.default).get_body(("html",)).get_content()  # type: ignore[union-attr]
             for d in drafts.values()]
    assert all("<script>" not in h for h in htmls)
    assert any("&lt;script&gt;" in h for h in htmls)


def test_markdown_escapes_what_markdown_or_html_would_act_on(built: dict[str, Any]) -> None:
    """A <script> value is backslash-escaped in Markdown and cannot start a line."""
    from ctpse_core.products import render_product
    from ctpse_core.reports import md_escape

    text = render_product("conflict-notices", built["conflict-notices"], "md")
    assert isinstance(text, str)
    assert "<script>" not in text and md_escape(SCRIPT) in text
    assert md_escape("a|b\n# c*d_e") == "a\\|b \\# c\\*d\\_e"


def _xlsx_cells(data: bytes) -> list[Any]:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


@pytest.mark.parametrize(("name", "planted"), [("regional-grid", FORMULA_OP), ("on-call-rota", FORMULA_PERSON),
                                              ("asset-requests", FORMULA_OP)])
def test_formula_like_cells_are_neutralised_in_csv_and_xlsx(built: dict[str, Any], name: str, planted: str) -> None:
    """Planted =HYPERLINK/@SUM names arrive as text with a leading apostrophe, never a formula."""
    from ctpse_core.products import render_product

    report = built[name]
    xlsx = render_product(name, report, "xlsx")
    assert isinstance(xlsx, bytes)
    cells = _xlsx_cells(xlsx)
    assert all(c.data_type != "f" for c in cells)
    assert any(c.value == f"'{planted}" for c in cells)
    rows = list(csv.reader(io.StringIO(str(render_product(name, report, "csv")))))
    values = [v for r in rows for v in r]
    assert f"'{planted}" in values and planted not in values


def test_every_formula_start_is_neutralised() -> None:
    """=, +, -, @, tab and CR at the start of a cell are escaped in CSV and XLSX alike."""
    from ctpse_core.reports import render_bytes, render_output
    from ctpse_core.reports.document import Report, Section, Table

    bad = ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"]
    report = Report(kind="t", title="t", sections=[Section("s", [Table("T", ["v"], [{"v": b} for b in bad])])])
    rows = list(csv.reader(io.StringIO(render_bytes(report, "csv").decode(), newline="")))
    assert [r[0] for r in rows[2:-1]] == [f"'{b}".replace("\r", "\n") for b in bad]  # CR: a quoted line break
    xlsx = render_output(report, "xlsx")
    assert isinstance(xlsx, bytes)
    values = [c.value for c in _xlsx_cells(xlsx)]
    assert all(f"'{b}" in values for b in bad)


@pytest.mark.parametrize(("name", "fmt"), offered(), ids=[f"{n}.{f}" for n, f in offered()])
def test_same_store_gives_the_same_bytes(product_store: Any, name: str, fmt: str) -> None:
    """Built twice from the same store (some time apart), every format gives identical bytes."""
    from ctpse_core.products import build, render_product

    outs = []
    for _ in range(2):
        with product_store.unit_of_work(user=USER) as uow:
            outs.append(render_product(name, build(name, uow, None), fmt))
    assert outs[0] == outs[1]


def test_office_files_carry_fixed_dates(built: dict[str, Any]) -> None:
    """Zip entries and core properties carry the product's stamp, not the clock."""
    import zipfile

    from ctpse_core.products import render_product

    report = built["grid-amendment-notice"]
    data = render_product("grid-amendment-notice", report, "docx")
    assert isinstance(data, bytes)
    stamp = report.stamp
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        times = {i.date_time[:5] for i in z.infolist()}
        core = z.read("docProps/core.xml").decode()
    assert times == {(stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute)}
    assert stamp.strftime("%Y-%m-%dT%H:%M:%SZ") in core


def test_products_above_official_are_written_owner_only(built: dict[str, Any], tmp_path: Path) -> None:
    """A SECRET product file is 0600 and a folder of drafts 0700; an OFFICIAL one follows the umask."""
    from ctpse_core.domain.marking import Marking
    from ctpse_core.products import render_product, write

    report = built["regional-grid"]
    (path,) = write(tmp_path / "grid.html", render_product("regional-grid", report, "html"), report.marking)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    notices = built["conflict-notices"]
    files = write(tmp_path / "drafts", render_product("conflict-notices", notices, "eml"), notices.marking)
    assert stat.S_IMODE((tmp_path / "drafts").stat().st_mode) == 0o700
    assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}
    old = os.umask(0o022)
    try:
        (plain,) = write(tmp_path / "plain.txt", "x", Marking())
    finally:
        os.umask(old)
    assert stat.S_IMODE(plain.stat().st_mode) == 0o644


def test_a_plugin_template_overrides_a_product_page(built: dict[str, Any], fresh_plugins: None,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The example plugin's regional-grid.html.j2 adds its masthead; blocked, the built-in page is back."""
    from ctpse_core.plugin import reset
    from ctpse_core.products import render_product

    report = built["regional-grid"]
    with_plugin = str(render_product("regional-grid", report, "html"))
    assert "Example Constabulary" in with_plugin and with_plugin.count(str(report.marking)) >= 2
    monkeypatch.setenv("CTPSE_BLOCK_PLUGINS", "example")
    reset()
    without = str(render_product("regional-grid", report, "html"))
    assert "Example Constabulary" not in without
