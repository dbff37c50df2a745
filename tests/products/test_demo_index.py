"""The ``ctpse demo`` products step: every product it can build in every installed format,
and ``index.html`` linking each file under the role the product serves."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from tests.products.conftest import SERVICE_PRODUCTS

from ctpse_core.testing.products import USER


class _Index(HTMLParser):
    """The role headings, and under each the files linked."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.roles: dict[str, list[str]] = {}
        self.heading: str | None = None
        self.in_h2 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h2":
            self.in_h2 = True
        if tag == "a" and self.heading is not None:
            self.roles[self.heading].append(str(dict(attrs)["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self.in_h2 = False

    def handle_data(self, data: str) -> None:
        if self.in_h2:
            self.heading = data.removeprefix("Products for ")
            self.roles[self.heading] = []


def test_demo_step_links_every_product_by_role(tmp_path: Path) -> None:
    """Run on the synthetic week, the step writes the casework, tasking and finance products
    with the rest; the index lists each under its role, and each linked workbook opens."""
    import openpyxl

    from ctpse_core.demo import DemoContext, steps
    from ctpse_core.products import products
    from ctpse_core.storage import open_store
    from ctpse_core.testing.products import fill_week

    store = fill_week(open_store("memory://"))
    lines = steps().get("products").run(DemoContext(store=store, out=tmp_path, user=USER))
    page = _Index()
    page.feed((tmp_path / "index.html").read_text(encoding="utf-8"))
    assert set(page.roles) >= {"NM coordinator", "CATO", "senior leadership"}
    for name in SERVICE_PRODUCTS:
        role = products().get(name).role
        assert f"products/{name}.xlsx" in page.roles[role], (name, role)
        assert any(line.startswith(f"{name} (") for line in lines), name
        book: Any = openpyxl.load_workbook(io.BytesIO((tmp_path / "products" / f"{name}.xlsx").read_bytes()))
        assert len(book.worksheets) >= 2
    assert "products/asset-requests-eml" in " ".join(page.roles["senior leadership"])
