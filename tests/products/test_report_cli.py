"""``ctpse report``: the list of products and formats, and writing one product."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ctpse_core.testing.products import USER


def _run(*args: str) -> Any:
    from ctpse_core.cli import make_cli

    return CliRunner().invoke(make_cli(), ["--user", USER, *args], catch_exceptions=False)


def test_list_shows_every_product_and_format_including_plugins() -> None:
    """--list names each built-in product with role, floor and formats, and the plugins' formats."""
    from tests.products.conftest import names

    from ctpse_core.products import products

    result = _run("report", "--list")
    assert result.exit_code == 0
    for name in names():  # the built-in products and those the casework and tasking plugins register
        spec = products().get(name)
        line = next(x for x in result.output.splitlines() if x.strip().startswith(f"{name} "))
        assert str(spec.floor) in line and ", ".join(spec.formats) in line and spec.role in line
    for fmt in ("xlsx", "docx", "pptx", "eml", "ics", "html", "txt"):
        assert f"  {fmt} " in result.output


def test_writes_a_product_owner_only(store_url: str, tmp_path: Path) -> None:
    """A SECRET workbook is written 0600 and says what it wrote; an eml folder holds one draft per party."""
    out = tmp_path / "grid.xlsx"
    result = _run("--store", store_url, "report", "regional-grid", "--format", "xlsx", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:2] == b"PK" and stat.S_IMODE(out.stat().st_mode) == 0o600
    folder = tmp_path / "notices"
    result = _run("--store", store_url, "report", "grid-amendment-notice", "--format", "eml", "--out", str(folder),
                  "--as-of", "26/03/2025")
    assert result.exit_code == 0, result.output
    assert len(list(folder.glob("*.eml"))) >= 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("report", "no-such-product"), "no-such-product"),
        (("report", "regional-grid", "--format", "pptx"), "offered as"),
        (("report", "regional-grid", "--format", "xlsx"), "--out"),
        (("report", "on-call-rota", "--as-of", "01/01/2020", "--format", "json"), "no stored rota covers"),
    ],
)
def test_mistakes_are_one_error_line_exit_2(store_url: str, args: tuple[str, ...], message: str) -> None:
    """An unknown product, a format not offered, a binary format without --out and a day
    without data are each an error line, exit 2, no traceback."""
    result = _run("--store", store_url, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_a_product_above_the_readers_clearance_is_refused_and_logged(store_url: str, tmp_path: Path) -> None:
    """No read up for products: a coordinator cleared to OFFICIAL-SENSITIVE asking for the SECRET
    regional grid gets one error line naming the clearance and the marking, exit 2, no file,
    and the refusal is in the audit log (checked on the floor before anything is read)."""
    from ctpse_core.domain.marking import Marking
    from ctpse_core.storage import open_store
    from ctpse_core.testing.security import add_user

    store = open_store(store_url)
    add_user(store, "os.reader", roles=["coordinator"], clearance=Marking.parse("OFFICIAL-SENSITIVE"))
    store.close()
    out = tmp_path / "grid.md"
    result = CliRunner().invoke(__import__("ctpse_core.cli", fromlist=["make_cli"]).make_cli(),
                                ["--user", "os.reader", "--store", store_url, "report", "regional-grid",
                                 "--format", "md", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "cleared to OFFICIAL-SENSITIVE" in result.output and "SECRET" in result.output
    assert "Traceback" not in result.output and not out.exists()
    store = open_store(store_url)
    refused = [e for e in store.audit_events() if e.action == "read refused"]
    store.close()
    assert [(e.user, e.record_id) for e in refused] == [("os.reader", "regional-grid")]
