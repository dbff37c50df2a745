"""The ``ctpse demo`` step for tasking and finance: a synthetic week's forecast, a bid, a signed
authorisation with one discrepancy, an amendment that changes the forecast, CT asset requests,
fast-time events with a missing acknowledgement, the commitments board and the three returns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs

__all__ = ["bid_and_authorisation", "run_demo_step", "store_asset_requests"]

#: The desk signs for every line as bid but the largest, which it cuts by a tenth.
CUT = Decimal("0.9")


def bid_and_authorisation(uow: Any, stored: Any, bid_id: str, week: dt.date, now: dt.datetime) -> Any:
    """Submit the week's bid from ``stored`` (ten days before ``now``) and record its signed
    authorisation (seven days before), the largest line cut to :data:`CUT` of the bid."""
    from ctpse_core.finance.publish import record_authorisation, submit_bid

    last = week + dt.timedelta(days=6)
    bid = submit_bid(uow, stored, bid_id, week, last, now=now - dt.timedelta(days=10))
    amounts = {x.operation_id: x.amount for x in bid.lines}
    if bid.lines:
        cut = max(bid.lines, key=lambda x: (x.amount, x.operation_id))
        amounts[cut.operation_id] = (cut.amount * CUT).quantize(Decimal("0.01"))
    record_authorisation(uow, bid_id, f"auth-{week.isoformat()}", "Supt A Example (NCTPOC)",
                         now - dt.timedelta(days=7), amounts)
    return bid


def store_asset_requests(uow: Any, requests: Any, now: dt.datetime) -> None:
    """Store CT asset requests made three days before ``now``: the first approved and deployed,
    the second declined with its reason, the third approved, the rest waiting."""
    from ctpse_core.tasking.assets import create_request, deploy, move

    for i, req in enumerate(requests):
        create_request(uow, req, at=now - dt.timedelta(days=3))
        if i == 0:
            move(uow, req.id, "approved", "priority operation", at=now - dt.timedelta(days=2))
            deploy(uow, req.id, "FOR-1", now - dt.timedelta(hours=20), now - dt.timedelta(hours=12),
                   at=now - dt.timedelta(hours=20), override_reason="synthetic week")
        elif i == 1:
            move(uow, req.id, "declined", "asset committed to a national priority", at=now - dt.timedelta(days=1))
        elif i == 2:
            move(uow, req.id, "approved", "", at=now - dt.timedelta(days=1))


def run_demo_step(ctx: Any) -> list[str]:
    from ctpse_core.deconfliction.grid import UnchangedGridError, publish
    from ctpse_core.domain.common import LONDON, time_text
    from ctpse_core.errors import InputError
    from ctpse_core.finance.products import reconciliation_product
    from ctpse_core.finance.publish import publish_amendment, reconcile_stored
    from ctpse_core.finance.service import difference_product, forecast_product, forecast_stored
    from ctpse_core.reports import render
    from ctpse_core.synthetic.deployments import SPRING_WEEK
    from ctpse_core.synthetic.tasking_week import synthetic_tasking_week
    from ctpse_core.tasking import returns
    from ctpse_core.tasking.assets import overdue
    from ctpse_core.tasking.commitments import board
    from ctpse_core.tasking.events import acknowledge, assess, disseminate, escalations, receive
    from ctpse_core.tasking.returns import SignificantIssue

    week = SPRING_WEEK
    last = week + dt.timedelta(days=6)
    now = dt.datetime.combine(week + dt.timedelta(days=2), dt.time(10), tzinfo=LONDON)  # Wednesday 10:00
    from ctpse_core.products.files import write_output

    out = ctx.out / "tasking"
    out.mkdir(mode=0o700, parents=True, exist_ok=True)  # everything in it is marked above OFFICIAL

    def save(name: str, product: Any, fmt: str = "md") -> None:  # owner-only above OFFICIAL
        write_output(out / name, render(product, fmt), product.marking)
    lines: list[str] = []
    with ctx.store.unit_of_work(user=ctx.user) as uow:
        # the week's planned deployments (not the ones this step deploys assets on, so a second
        # run on the same store builds the same synthetic week)
        deployments = [d for d in uow.deployments.list() if week <= d.start.astimezone(LONDON).date() <= last
                       and not (d.provenance is not None and d.provenance.source == "asset deployment")]
        ops = sorted({d.operation_id for d in deployments})
        named = sorted({s for d in deployments for s in d.staff_ids})
        data = synthetic_tasking_week(week, ops, named, seed=ctx.seed)
        known = {s.id for s in uow.staff.list()}
        for person in data.staff:
            if person.id not in known:
                uow.staff.add(person)
        # CT asset requests: two approved (one deployed), one declined, the rest waiting
        store_asset_requests(uow, [r for r in data.asset_requests if uow.asset_requests.find(r.id) is None], now)
        requests = list(uow.asset_requests.list())
        bid_id = f"bid-{week.isoformat()}"
        if uow.funding_bids.find(bid_id) is None:
            bid_and_authorisation(uow, forecast_stored(uow, week, last), bid_id, week, now)
        # an amendment: the busiest deployment runs two hours longer (once: a second run finds it published)
        target = max(deployments, key=lambda d: (d.officers, d.id)) if deployments else None
        if target is not None and target.provenance is not None and target.provenance.source == "amendment":
            lines.append(f"amendment {target.id} +2 h: already published")
        elif target is not None:
            stored = forecast_stored(uow, week, last)
            longer = attrs.evolve(target, end=target.end + dt.timedelta(hours=2), provenance=None)
            try:
                result = publish_amendment(uow, stored, longer, bid_id)
                note = f"published ({result.status})"
            except InputError:
                result = publish_amendment(uow, stored, longer, bid_id,
                                           override_reason="SIO: subject's movements changed (demo)")
                note = "refused past the authorisation, then published with an audited override"
            lines.append(f"amendment {target.id} +2 h: forecast £{result.difference.as_dict()['total_change']} "
                         f"({len(result.difference.added)} lines added, {len(result.difference.removed)} removed); "
                         f"{note}")
            save("amendment.md", difference_product(result.difference, f"Forecast change for {target.id}",
                                                    stored.marking))
        # the forecast and its reconciliation as they stand after the amendment
        stored = forecast_stored(uow, week, last)
        recon = reconcile_stored(uow, stored, bid_id)
        lines.insert(0, f"forecast {week:%d/%m/%Y} to {last:%d/%m/%Y}: £{stored.forecast.total_pence / 100:,.2f} "
                        f"for {len(stored.forecast)} duties")
        lines.insert(1, f"bid {bid_id}; authorisation with {sum(1 for x in recon if x.discrepancies)} line(s) "
                        f"showing a discrepancy: " + "; ".join(f"{x.operation_id} {x.discrepancies[0]}"
                                                              for x in recon if x.discrepancies)[:200])
        save("forecast.md", forecast_product(stored, ("operation", "rule")))
        save("reconciliation.md", reconciliation_product(bid_id, recon, stored.marking))
        lines.append(f"asset requests: {len(requests)}; overdue {len(overdue(requests, now))}")
        # fast-time events: disseminated to three, one never acknowledges
        for i, ev in enumerate(data.events):
            if uow.fast_time_events.find(ev.id) is not None:
                continue
            receive(uow, ev)
            if i < 2:
                assess(uow, ev.id, "substantial", "high" if i == 0 else "medium", "disseminate to partners",
                       at=ev.occurred_at + dt.timedelta(minutes=10))
                sent = ("CTPOR duty officer", "SIO Op EXAMPLE", "R&A duty analyst")
                disseminate(uow, ev.id, sent, at=ev.occurred_at + dt.timedelta(minutes=20))
                for who in sent[: 3 if i else 2]:
                    acknowledge(uow, ev.id, who, at=ev.occurred_at + dt.timedelta(minutes=25))
        waiting = escalations(uow.fast_time_events.list(), now)
        lines.append(f"fast-time events: {len(data.events)}; awaiting acknowledgement: "
                     + ("; ".join(f"{x.event_id} {x.recipient} ({x.waiting_minutes} min)" for x in waiting) or "none"))
        if uow.significant_issues.find(f"issue-{week.isoformat()}") is None:
            uow.significant_issues.add(SignificantIssue(
                id=f"issue-{week.isoformat()}", week_starting=week, entered_by=ctx.user, entered_at=now,
                text="Forensic asset demand above capacity this week (fictional)."))
        try:  # the amendment and the asset deployment on the regional grid (once)
            version = publish(uow, week, ctx.user)
            lines.append(f"grid version {version.number} published with the amendment and the asset deployment")
        except UnchangedGridError:
            pass
        board_product = board(uow, now, hours=8)
        products: list[Any] = [board_product, returns.weekly_secret_meeting_return(uow, week, now),
                    returns.national_weekly_tasking(uow, week, now), returns.dmm_brief(uow, now.date(), now)]
        uow.commit()
    for product in products:
        for fmt in ("md", "html", "json"):
            save(f"{product.kind}.{fmt}", product, fmt)
    free = board_product.data()["can_commit"]
    lines.append(f"commitments at {time_text(now)}: {len(free)} of {board_product.data()['staff']} could be "
                 "committed for 8 h")
    lines.append(f"weekly return, tasking document and DMM brief marked {products[1].marking}; written to {out}")
    return lines
