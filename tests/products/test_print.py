"""Each HTML product opened in a real headless browser (Debian's ``chromium``), printed to
PDF, and the marking found at the top and bottom of every page (``pdftotext``).

``.ci/run`` installs both; elsewhere the test is skipped when they are missing (under
``CI=true`` it fails instead)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from tests.products.conftest import offered

HTML = [name for name, fmt in offered() if fmt == "html"]


def _tools() -> tuple[str, str, str]:
    found = (shutil.which("chromium"), shutil.which("pdftotext"), shutil.which("pdfinfo"))
    if not all(found):  # missing tools fail the test: the check is never skipped
        pytest.fail("chromium and pdftotext/pdfinfo are needed: install Debian's chromium and poppler-utils "
                    "packages (.ci/run installs them)", pytrace=False)
    return found  # type: ignore[return-value]


@pytest.mark.parametrize("name", HTML)
def test_printed_html_is_marked_on_every_page(built: dict[str, Any], name: str, tmp_path: Path) -> None:
    """Every printed page's first and last line of text is the marking."""
    from ctpse_core.products import render_product

    chromium, pdftotext, pdfinfo = _tools()
    report = built[name]
    marking = str(report.marking)
    page = tmp_path / f"{name}.html"
    page.write_text(str(render_product(name, report, "html")), encoding="utf-8")
    pdf = tmp_path / f"{name}.pdf"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-pdf-header-footer", f"--user-data-dir={tmp_path / 'profile'}", f"--print-to-pdf={pdf}",
         page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )
    info = subprocess.run([pdfinfo, str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 1
    for number in range(1, pages + 1):
        text = subprocess.run([pdftotext, "-layout", "-f", str(number), "-l", str(number), str(pdf), "-"],
                              check=True, capture_output=True, text=True).stdout
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines[0] == marking, f"{name} page {number} of {pages} starts {lines[0]!r}"
        assert lines[-1] == marking, f"{name} page {number} of {pages} ends {lines[-1]!r}"
