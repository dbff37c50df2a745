"""The CATO's tasking and finance products (CT asset requests, overtime forecast, funding bid,
funding reconciliation): registered through ``ctpse_register_products``, read back with
openpyxl, python-docx, ``email`` and ``csv``, and checked against the store's own figures."""

from __future__ import annotations

import csv
import datetime as dt
import email
import email.policy
import io
from decimal import Decimal
from typing import Any

import pytest
from tests.products.readback import build_audited as _build
from tests.products.readback import read
from tests.products.readback import sheet_rows as _sheet

from ctpse_core.domain.common import LONDON
from ctpse_core.synthetic.deployments import SPRING_WEEK
from ctpse_core.testing.products import BID_ID, FORMULA_OP, SCRIPT, USER

PRODUCTS = ("asset-requests", "overtime-forecast", "funding-bid", "funding-reconciliation")
TUESDAY = SPRING_WEEK + dt.timedelta(days=1)


def _xlsx(name: str, report: Any) -> bytes:
    from ctpse_core.products import render_product

    data = render_product(name, report, "xlsx")
    assert isinstance(data, bytes)
    return data


@pytest.mark.parametrize("name", PRODUCTS)
def test_every_format_reads_back_marked_as_its_inputs(product_store: Any, name: str) -> None:
    """Registered through the hook; each format parses with its real parser, marked at top and
    bottom of every sheet/page/message; the marking is the highest of the floor and the inputs."""
    from ctpse_core.domain.marking import highest
    from ctpse_core.products import products, render_product

    spec = products().get(name)
    assert "xlsx" in spec.formats
    report, _ = _build(product_store, name, None)
    with product_store.unit_of_work(user=USER) as uow:
        inputs = {"asset-requests": [r.marking for r in uow.asset_requests.list()],
                  "funding-bid": [b.marking for b in uow.funding_bids.list()]}.get(name)
    if inputs is not None:
        assert report.marking == highest([spec.floor, *inputs])
    for fmt in spec.formats:
        text = read(fmt, render_product(name, report, fmt), str(report.marking))
        assert "op-0000" in text or fmt == "eml", fmt


def test_asset_requests_as_at_the_as_of_day(product_store: Any) -> None:
    """The requests are shown as they stood at the end of the as-of day: on the Monday the
    deployed request was still approved and overdue; by Tuesday it is deployed, and the
    request still waiting past its deadline is the one overdue."""
    report, events = _build(product_store, "asset-requests", SPRING_WEEK)
    monday, _ = _sheet(_xlsx("asset-requests", report), "Requests")
    status = {r["Id"]: r["Status"] for r in monday}
    assert status["asset-req-001"] == "approved" and status["asset-req-002"] == "requested"
    overdue, _ = _sheet(_xlsx("asset-requests", report), "Overdue")
    assert [r["Id"] for r in overdue] == ["asset-req-001"]
    assert ("consultation", "asset_requests") in {(e.action, e.collection) for e in events}

    report, _ = _build(product_store, "asset-requests", TUESDAY)
    data = _xlsx("asset-requests", report)
    rows, ws = _sheet(data, "Requests")
    with product_store.unit_of_work(user=USER) as uow:
        stored = {r.id: r for r in uow.asset_requests.list()}
    now = dt.datetime.combine(TUESDAY + dt.timedelta(days=1), dt.time(0), tzinfo=LONDON)
    assert {r["Id"]: r["Status"] for r in rows} == {i: r.status for i, r in stored.items()}
    expected = sorted(i for i, r in stored.items() if r.status in ("requested", "approved") and r.deadline < now)
    overdue, _ = _sheet(data, "Overdue")
    assert sorted(r["Id"] for r in overdue) == expected == ["asset-req-004"]
    declined, _ = _sheet(data, "Declined")
    assert [(r["Id"], r["Why"]) for r in declined] == [("asset-req-002", "asset committed to a national priority")]
    deadline = next(r["Deadline"] for r in rows if r["Id"] == "asset-req-004")
    assert deadline == stored["asset-req-004"].deadline.astimezone(LONDON).replace(tzinfo=None)
    assert all(not str(c.value).startswith(("=", "@", "+")) for row in ws.iter_rows() for c in row if c.value)
    assert any(str(c.value) == f"'{FORMULA_OP}" for row in ws.iter_rows() for c in row)


def test_asset_requests_email_to_slt_lists_the_exceptions(product_store: Any) -> None:
    """One draft to SLT: the subject counts what is overdue and at risk; the body names them,
    and a hostile name in the HTML part is text."""
    from ctpse_core.products import render_product

    report, _ = _build(product_store, "asset-requests", TUESDAY)
    drafts = render_product("asset-requests", report, "eml")
    assert isinstance(drafts, dict) and len(drafts) == 1
    msg: Any = email.message_from_bytes(next(iter(drafts.values())), policy=email.policy.default)
    assert msg["To"] == "slt@example.invalid"
    assert "1 overdue" in str(msg["Subject"])
    body = msg.get_body(preferencelist=("plain",)).get_content()
    assert "asset-req-004" in body and "asset committed to a national priority" in body
    html = render_product("asset-requests", report, "html")
    assert isinstance(html, str) and SCRIPT not in html and "&lt;script&gt;" in html


def test_overtime_forecast_totals_agree_with_the_forecast(product_store: Any) -> None:
    """Lines and every breakdown sum to the forecast of the week's stored duties, money in
    pounds and pence; the CSV is every priced line."""
    from ctpse_core.finance.service import forecast_stored
    from ctpse_core.products import render_product

    report, events = _build(product_store, "overtime-forecast", TUESDAY)
    with product_store.unit_of_work(user=USER) as uow:
        stored = forecast_stored(uow, SPRING_WEEK, SPRING_WEEK + dt.timedelta(days=6))
    total = stored.forecast.total_pence
    data = _xlsx("overtime-forecast", report)
    lines, ws = _sheet(data, "Lines")
    assert len(lines) == len(list(stored.forecast.lines())) > 0
    assert round(sum(Decimal(str(r["Amount (£)"])) for r in lines) * 100) == total
    assert ws["K3"].number_format == "#,##0.00"
    for sheet in ("By operation", "By person", "By rule"):
        rows, _ = _sheet(data, sheet)
        assert round(sum(Decimal(str(r["Amount (£)"])) for r in rows) * 100) == total, sheet
    text = render_product("overtime-forecast", report, "csv")
    assert isinstance(text, str)
    assert len([r for r in csv.reader(io.StringIO(text)) if r and not r[0].startswith("#")]) == len(lines) + 1
    consulted = {e.collection for e in events if e.action == "consultation"}
    assert {"deployments", "rotas", "staff"} <= consulted


def test_funding_bid_and_reconciliation_show_the_cut_line(product_store: Any) -> None:
    """The bid's workbook holds its stored lines; the reconciliation shows the line the desk
    cut to nine tenths, with the discrepancy, and grades it past the authorisation."""
    import docx

    from ctpse_core.products import render_product

    with product_store.unit_of_work(user=USER) as uow:
        bid = uow.funding_bids.get(BID_ID)
    report, events = _build(product_store, "funding-bid", None)
    rows, _ = _sheet(_xlsx("funding-bid", report), "Bid")
    assert {(r["Operation id"], Decimal(str(r["Amount (£)"]))) for r in rows} == {
        (x.operation_id, x.amount) for x in bid.lines}
    doc = docx.Document(io.BytesIO(render_product("funding-bid", report, "docx")))
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert BID_ID in text and "Supt A Example (NCTPOC)" in text
    assert {"funding_bids", "authorisations"} <= {e.collection for e in events if e.action == "consultation"}

    recon, _ = _build(product_store, "funding-reconciliation", SPRING_WEEK + dt.timedelta(days=3))
    lines, _ = _sheet(_xlsx("funding-reconciliation", recon), "Reconciliation")
    largest = max(bid.lines, key=lambda x: (x.amount, x.operation_id))
    cut = next(r for r in lines if r["Operation id"] == largest.operation_id)
    assert Decimal(str(cut["Authorised (£)"])) == (largest.amount * Decimal("0.9")).quantize(Decimal("0.01"))
    assert Decimal(str(cut["Bid (£)"])) == largest.amount
    assert cut["Status"] == "block" and "authorised -£" in cut["Discrepancies"]
    others = [r for r in lines if r["Operation id"] != largest.operation_id]
    assert others and all(r["Authorised (£)"] == r["Bid (£)"] for r in others)
    position, _ = _sheet(_xlsx("funding-reconciliation", recon), "Budget position")
    assert sum(r["Authorised (£)"] for r in position) == pytest.approx(sum(r["Authorised (£)"] for r in lines))


def test_funding_bid_for_a_day_without_a_bid_is_an_error_line(store_url: str) -> None:
    """--as-of a day no bid covers: an ``error:`` line naming --as-of, exit status 2, no traceback."""
    from click.testing import CliRunner

    from ctpse_core.cli import make_cli

    url = store_url
    result = CliRunner().invoke(make_cli(), ["--user", USER, "--store", url, "report", "funding-bid", "--format",
                                             "json", "--as-of", "01/01/2020"])
    assert result.exit_code == 2
    assert "error:" in result.output and "--as-of" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(make_cli(), ["--user", USER, "--store", url, "report", "funding-bid", "--format",
                                             "md", "--as-of", "26/03/2025"])
    assert result.exit_code == 0 and BID_ID in result.output
