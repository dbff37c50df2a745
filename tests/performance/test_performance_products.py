"""The performance and meetings products (``ctpse report``): every format each offers, read back
with the real parser (Word, Excel, PowerPoint, HTML, email, CSV, JSON, Markdown), marked, with content."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from kpi_kit import USER, add
from tests.products.readback import read

from ctpse_core.domain import ActionStatus, Marking
from ctpse_core.performance.reports import performance_products
from ctpse_core.products import build, render_product
from ctpse_core.storage import open_store
from ctpse_core.synthetic.meetings import synthetic_meetings
from ctpse_core.testing.security import seed_users

AS_OF = dt.date(2026, 6, 30)
OFFERED = [(name, fmt) for name, spec in performance_products() for fmt in spec.formats]


@pytest.fixture(scope="module")
def built() -> Iterator[dict[str, Any]]:
    store = seed_users(open_store("memory://"), USER)
    meetings, actions = synthetic_meetings(AS_OF, seed=3)
    overdue = next(i for i, a in enumerate(actions) if a.status is ActionStatus.OPEN and a.due_on < AS_OF)
    actions[overdue] = attrs.evolve(actions[overdue], marking=Marking.parse("SECRET"))
    add(store, "meetings", *meetings)
    add(store, "actions", *actions)
    with store.unit_of_work(user=USER) as uow:
        yield {name: build(name, uow, AS_OF) for name, _spec in performance_products()}
    store.close()


@pytest.mark.parametrize(("name", "fmt"), OFFERED, ids=[f"{n}.{f}" for n, f in OFFERED])
def test_reads_back_marked_with_content(built: dict[str, Any], name: str, fmt: str) -> None:
    """Each product parses in each of its formats, is marked everywhere the reader checks, and
    shows its first row (or, for email, its first recipient group)."""
    from ctpse_core.reports import cell_text, md_escape

    report = built[name]
    text = read(fmt, render_product(name, report, fmt), str(report.marking))
    if fmt == "eml":
        probe = report.notices[0].group
    else:
        table = report.primary()
        col = next(c for c in table.columns if c.kind == "text")
        value = table.rows[0].get(col.key)
        probe = str(value) if fmt == "csv" else cell_text(value, col.kind)
        probe = md_escape(probe) if fmt == "md" else probe
    assert probe and probe in text


def test_marking_is_the_highest_counted(built: dict[str, Any]) -> None:
    """A SECRET action makes every product that counts or lists it SECRET; the floor holds otherwise."""
    assert str(built["performance-dashboard"].marking) == "SECRET"
    assert str(built["nm-ttcg-agenda"].marking) == "SECRET"
    assert str(built["action-chase-lists"].marking) == "SECRET"
    floor = Marking.parse("OFFICIAL-SENSITIVE").classification
    assert built["national-performance-return"].marking.classification >= floor


def test_chase_lists_one_notice_per_owner_and_per_chair(built: dict[str, Any]) -> None:
    """The chase product holds a notice for each owner with overdue actions and for each chair."""
    report = built["action-chase-lists"]
    owners = {r["owner"] for r in report.primary().rows}
    chairs = {r["chair"] or "(no chair)" for r in report.primary().rows}
    groups = {n.group for n in report.notices}
    assert groups == {f"owner {o}" for o in owners} | {f"chair {c}" for c in chairs}


def test_markdown_sections_are_headings_not_escaped_text(built: dict[str, Any]) -> None:
    """Report Markdown keeps its own headings and tables (only values are escaped)."""
    text = render_product("performance-dashboard", built["performance-dashboard"], "md")
    assert isinstance(text, str)
    assert "\n## Summary\n" in text and "\n| Code | Title |" in text and "\\#\\#" not in text
