"""Plain-text layout of report sections (email bodies, slide notes)."""

from __future__ import annotations

from collections.abc import Iterable

from ctpse_core.reports.document import Chart, Facts, Paragraph, Section, Table

__all__ = ["sections_text"]


def sections_text(sections: Iterable[Section]) -> list[str]:
    """Lines: each heading underlined, paragraphs, ``label: value`` facts, one line per
    table row (``Column: value; ...``), charts as their numbers."""
    from ctpse_core.reports import cell_text

    lines: list[str] = []
    for section in sections:
        lines += [section.heading, "-" * len(section.heading)]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                lines += [block.text, ""]
            elif isinstance(block, Facts):
                if block.title:
                    lines.append(block.title)
                lines += [f"{k}: {cell_text(v)}" for k, v in block.items] + [""]
            elif isinstance(block, Chart):
                lines.append(block.title)
                for name, values in block.series:
                    pairs = ", ".join(f"{c} {v:g}" for c, v in zip(block.categories, values, strict=True))
                    lines.append(f"{name}: {pairs}")
                lines.append("")
            elif isinstance(block, Table):
                if block.title:
                    lines.append(block.title)
                for row in block.rows:
                    lines.append("- " + "; ".join(
                        f"{c.heading}: {cell_text(row.get(c.key), c.kind)}" for c in block.columns
                    ))
                if not block.rows:
                    lines.append("(none)")
                lines.append("")
    return lines
