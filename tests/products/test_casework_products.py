"""The casework products (engagement tracker and compliance, civil orders horizon): built
from the synthetic region through ``ctpse_register_products``, read back with openpyxl,
python-docx and ``csv``, and checked against the generator's known answers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from tests.products.readback import build_audited as _build
from tests.products.readback import read
from tests.products.readback import sheet_rows as _sheet

from ctpse_core.synthetic.casework import AS_OF
from ctpse_core.testing.products import USER

CASEWORK = ("engagement-tracker", "civil-orders-horizon")


@pytest.fixture(scope="module")
def truth(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The generator's known answers for the region ``fill_week`` imports (same count and seed)."""
    import inspect

    from ctpse_core.synthetic.casework import write_casework
    from ctpse_core.testing.products import fill_week

    params = inspect.signature(fill_week).parameters
    folder = tmp_path_factory.mktemp("casework")
    write_casework(folder, count=params["casework"].default, seed=params["seed"].default, as_of=AS_OF)
    return dict(json.loads((folder / "truth.json").read_text(encoding="utf-8")))


def _ours(ids: list[str]) -> list[str]:
    """Only the casework region's nominals (``fill_week`` also imports reconciliation lists)."""
    return sorted(i for i in ids if i.removeprefix("PP:").startswith("CW"))


@pytest.mark.parametrize("name", CASEWORK)
def test_registered_through_the_hook_with_every_format(name: str) -> None:
    """The products come from the registry (the casework plugin's hook) and offer XLSX."""
    from ctpse_core.products import NM, products

    spec = products().get(name)
    assert spec.role == NM and "xlsx" in spec.formats and str(spec.floor) == "OFFICIAL-SENSITIVE [PERSONAL]"


@pytest.mark.parametrize("name", CASEWORK)
def test_every_format_reads_back_marked(product_store: Any, name: str) -> None:
    """Each format parses with its real parser and is marked at top and bottom of every sheet/page."""
    from ctpse_core.domain.marking import highest
    from ctpse_core.products import products, render_product

    report, _ = _build(product_store, name, AS_OF)
    assert highest([report.marking, report.floor]) == report.marking
    for fmt in products().get(name).formats:
        text = read(fmt, render_product(name, report, fmt), str(report.marking))
        assert "Tier" in text or "Order type" in text or fmt == "json", fmt


def test_engagement_tracker_overdue_matches_the_known_answers(product_store: Any, truth: dict[str, Any]) -> None:
    """As of the generator's day, the workbook's overdue nominals are exactly those it left
    overdue, with dates as real dates and compliance as a percentage."""
    from ctpse_core.products import render_product

    report, events = _build(product_store, "engagement-tracker", AS_OF)
    data = render_product("engagement-tracker", report, "xlsx")
    assert isinstance(data, bytes)
    tracker = _sheet(data, "Tracker")[0]
    overdue = [r["Nominal id"] for r in tracker if r["State"] == "overdue"]
    assert _ours(overdue) == _ours(truth["overdue"]) and overdue
    for row in tracker:
        assert isinstance(row["Next due"], dt.datetime)
        late = (dt.datetime.combine(AS_OF, dt.time(0)) - row["Next due"]).days
        assert row["Days overdue"] == max(0, late)
        assert (row["State"] == "overdue") == (late > 0)
    flagged = _sheet(data, "Flagged")[0]
    assert _ours([r["Nominal id"] for r in flagged if r["Reason"] == "no contact plan"]) == _ours(truth["no_plan"])
    region = _sheet(data, "Compliance by region")[0]
    assert len(region) == 1 and region[0]["Period"] == "2026-02-01..2026-02-28"
    assert region[0]["Compliance"] == pytest.approx(region[0]["Compliant"] / region[0]["Required"], abs=1e-3)
    consulted = {e.collection for e in events if e.action == "consultation"}
    assert {"nominals", "contact_plans", "contacts"} <= consulted
    from ctpse_core.casework import marking_of
    from ctpse_core.domain.marking import highest

    with product_store.unit_of_work(user=USER) as uow:
        inputs = marking_of(uow.nominals.list(), uow.contact_plans.list(), uow.contacts.list())
    assert report.marking == highest([report.floor, inputs])


def test_engagement_tracker_defaults_to_the_latest_contact_day(product_store: Any) -> None:
    """Without --as-of the tracker is as of the day of the latest completed contact, and the
    same store gives the same bytes."""
    from ctpse_core.domain.common import london
    from ctpse_core.products import render_product

    with product_store.unit_of_work(user=USER) as uow:
        latest = max(london(c.done_at).date() for c in uow.contacts.list() if c.done_at is not None)
    report, _ = _build(product_store, "engagement-tracker", None)
    assert report.as_of == latest
    again, _ = _build(product_store, "engagement-tracker", None)
    assert render_product("engagement-tracker", report, "xlsx") == render_product("engagement-tracker", again, "xlsx")


def test_orders_horizon_matches_the_known_answers(product_store: Any, truth: dict[str, Any]) -> None:
    """Missed order deadlines and releases unprepared are those the generator planted; each
    deadline names its legal source; the CSV is the deadlines table."""
    from ctpse_core.products import render_product

    report, events = _build(product_store, "civil-orders-horizon", AS_OF)
    data = render_product("civil-orders-horizon", report, "xlsx")
    assert isinstance(data, bytes)
    deadlines = _sheet(data, "Deadlines")[0]
    missed = sorted(r["Order id"] for r in deadlines if r["State"] == "missed")
    assert missed == sorted(truth["missed_order_deadlines"]) and missed
    due = [r for r in deadlines if r["State"] == "due"]
    assert due and all(0 <= r["Days from as-of"] <= 28 for r in due)
    assert all(r["Legal source"] for r in deadlines)
    release = _sheet(data, "Release unprepared")[0]
    assert _ours([r["Nominal id"] for r in release]) == _ours(truth["release_unprepared"])
    assert all("no" in (r["Order considered"], r["Pathway mapped"]) for r in release)
    text = render_product("civil-orders-horizon", report, "csv")
    assert isinstance(text, str)
    rows = [r for r in csv.reader(io.StringIO(text)) if r and not r[0].startswith("#")]
    assert sorted(r[0] for r in rows[1:] if r[6] == "missed") == missed
    consulted = {e.collection for e in events if e.action == "consultation"}
    assert {"civil_orders", "nominals", "pathway_plans"} <= consulted


def test_orders_horizon_docx_names_the_legal_source(product_store: Any) -> None:
    """The Word horizon holds every deadline row with the statute its rule cites."""
    import docx

    from ctpse_core.products import render_product

    report, _ = _build(product_store, "civil-orders-horizon", AS_OF)
    doc = docx.Document(io.BytesIO(render_product("civil-orders-horizon", report, "docx")))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert any("Counter-Terrorism Act 2008" in c for c in cells)
    assert sum(1 for c in cells if c == "missed") == sum(1 for r in report.primary().rows if r["state"] == "missed")


def test_report_cli_as_of_changes_the_horizon(tmp_path: Path, store_url: str) -> None:
    """``ctpse report civil-orders-horizon --as-of`` moves the horizon: a later day, more missed."""
    from click.testing import CliRunner

    from ctpse_core.cli import make_cli

    url = store_url
    counts = []
    for day in ("16/03/2026", "16/03/2027"):
        out = tmp_path / f"horizon-{day.replace('/', '')}.json"
        result = CliRunner().invoke(make_cli(), ["--user", USER, "--store", url, "report", "civil-orders-horizon",
                                                 "--format", "json", "--out", str(out), "--as-of", day])
        assert result.exit_code == 0, result.output
        data = json.loads(out.read_text(encoding="utf-8"))
        assert data["marking"] == "OFFICIAL-SENSITIVE [PERSONAL]"
        table = data["sections"][1]["blocks"][0]
        counts.append(sum(1 for r in table["rows"] if r["state"] == "missed"))
    assert counts[1] > counts[0]
