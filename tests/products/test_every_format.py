"""Every built-in product rendered in every format it offers, read back with the real parser."""

from __future__ import annotations

from typing import Any

import pytest
from tests.products.conftest import offered
from tests.products.readback import read


def _probe(report: Any, fmt: str) -> str:
    """A piece of content the product must show in this format."""
    from ctpse_core.reports import cell_text

    if fmt == "ics":
        return report.events[0].summary
    if fmt == "eml":
        return report.notices[0].group
    table = report.primary()
    if table is not None and table.rows:
        col = next(c for c in table.columns if c.kind == "text")
        value = table.rows[0].get(col.key)
        return str(value) if fmt == "csv" else cell_text(value, col.kind)
    return report.sections[1].heading


@pytest.mark.parametrize(("name", "fmt"), offered(), ids=[f"{n}.{f}" for n, f in offered()])
def test_product_reads_back_marked_with_its_content(built: dict[str, Any], name: str, fmt: str) -> None:
    """The product parses in its format, carries its marking at top and bottom of every
    page/sheet/slide/message/event and in its metadata, and holds its content."""
    from ctpse_core.products import render_product

    report = built[name]
    output = render_product(name, report, fmt)
    marking = str(report.marking)
    text = read(fmt, output, marking)
    probe = _probe(report, fmt)
    if fmt == "md":
        from ctpse_core.reports import md_escape

        probe = md_escape(probe)
        heading = report.sections[0].heading
        assert f"\n## {md_escape(heading)}\n" in output  # laid out once: a real heading, not escaped twice
        assert "\\\\" not in output
    assert probe and probe in text, (probe, text[:500])
    if fmt not in ("ics", "eml", "csv"):  # CSV is the bare table (the national list's format)
        assert report.title.split(",")[0] in text


def test_every_built_in_product_has_content(built: dict[str, Any]) -> None:
    """No stubs: every product built from the synthetic week holds real rows or notices."""
    for name, report in built.items():
        assert report.sections, name
        has_rows = any(t.rows for t in report.tables())
        assert has_rows or report.notices or name == "leadership-briefing", name
    assert len(built["grid-amendment-notice"].notices) >= 2
    assert built["on-call-rota"].events
    briefing = built["leadership-briefing"]
    assert {s.heading for s in briefing.sections} >= {"Regional grid", "Deconfliction", "On-call cover",
                                                     "Nominal headcount"}
