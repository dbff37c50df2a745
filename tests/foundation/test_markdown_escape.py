"""Markdown products escape markup from the data as the HTML ones do: ``<script>`` in a partner's
file is shown as text in a Markdown viewer, never run."""

from __future__ import annotations

from ctpse_core.domain.marking import Marking
from ctpse_core.reports import SimpleProduct, md_entities, render

HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


def test_generic_markdown_escapes_every_value() -> None:
    """Title, keys, values, list items and nested values of a product are escaped in Markdown
    (``&lt;script&gt;``), like HTML escapes them; the marking lines stay as they are."""
    product = SimpleProduct(
        "notes",
        f"Import of {HOSTILE}",
        {"file": HOSTILE, HOSTILE: 1, "items": [HOSTILE, "plain"], "nested": {"surname": HOSTILE}},
        marking=Marking.parse("OFFICIAL-SENSITIVE"),
    )
    md = render(product, "md")
    html = render(product, "html")
    for page in (md, html):
        assert "<script" not in page and "<img" not in page
        assert "&lt;script&gt;" in page
    assert md.count("&lt;script&gt;") == 5  # title, key, value, list item, nested value
    lines = md.strip().splitlines()
    assert lines[0] == lines[-1] == "**OFFICIAL-SENSITIVE**"
    assert "- plain" in md


def test_markdown_table_cells_keep_their_line_breaks_but_escape_the_items() -> None:
    """The grid's Markdown table joins a cell's entries with ``<br>`` (markup the template adds)
    while every entry is escaped; an empty cell is a dash."""
    data = {
        "version": 1, "days": ["Mon 24/03"], "published_by": "cato", "published_at_text": "Mon 24 Mar 2025 09:00 GMT",
        "teams": ["SV-ALPHA", "SV-BRAVO"],
        "grid": {"SV-ALPHA": {"Mon 24/03": [HOSTILE, "d2 op-1 06:00-14:00"]}, "SV-BRAVO": {"Mon 24/03": []}},
    }
    product = SimpleProduct("grid", "Grid", data, marking=Marking.parse("SECRET"))
    md = render(product, "md")
    row = next(line for line in md.splitlines() if line.startswith("| SV-ALPHA"))
    assert row == f"| SV-ALPHA | {md_entities(HOSTILE)}<br>d2 op-1 06:00-14:00 |"
    assert "| SV-BRAVO | - |" in md
    assert "<script" not in md


def test_md_entities_leaves_plain_text_as_written() -> None:
    """Plain text is unchanged; only ``&``, ``<`` and ``>`` become entities (quotes stay readable)."""
    assert md_entities("O'Brien \"Bravo\" 07:00-19:00 | x") == "O'Brien \"Bravo\" 07:00-19:00 | x"
    assert md_entities("a < b & c > d") == "a &lt; b &amp; c &gt; d"
    assert md_entities(None) is None
