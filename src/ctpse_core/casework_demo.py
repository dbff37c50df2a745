"""The ``ctpse demo`` casework step: a synthetic region's plans, contacts, orders, pathways,
correspondence, staff and leave imported through their feeds, every casework list written,
and the lists checked against the generator's known answers."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

__all__ = ["run_demo_step", "write_lists"]


def write_lists(store: Any, out: Any, as_of: dt.date, user: str) -> dict[str, Any]:
    """Every casework list as of ``as_of`` in ``out`` (md, html, csv; json beside); returns
    what the checks against known answers need."""
    from ctpse_core.casework import Period, list_product
    from ctpse_core.correspondence.service import item_rows, log, response_times
    from ctpse_core.correspondence.service import load_rules as corr_rules
    from ctpse_core.engagement.service import (
        caseload,
        compliance_rows,
        due_rows,
        load_cases,
        load_policy,
        overdue_rows,
        schedule,
    )
    from ctpse_core.orders.service import horizon, pathway_rows, unmapped_rows
    from ctpse_core.quality.service import worklist
    from ctpse_core.reports import render

    policy = load_policy()
    previous = as_of.replace(day=1) - dt.timedelta(days=1)
    month = Period.month(previous.year, previous.month)
    products = {}
    with store.unit_of_work(user=user) as uow:
        load = load_cases(uow, as_of, policy, "demo")
        summary = {"as_of": as_of.isoformat()}
        overdue = overdue_rows(load)
        products["engagement-overdue"] = list_product("worklist", f"Contacts overdue as of {as_of}", overdue,
                                                      load.marking, {**summary, "count": len(overdue)})
        due = due_rows(load, policy.soon_days)
        products["engagement-due"] = list_product("worklist", f"Contacts due within {policy.soon_days} days", due,
                                                  load.marking, {**summary, "count": len(due)})
        for level in ("manager", "force", "region"):
            rows = compliance_rows(load, month, level)
            products[f"engagement-compliance-{level}"] = list_product(
                "worklist", f"Engagement compliance {month} by {level}", rows, load.marking, summary)
        flagged = [{"nominal_id": n, "manager": m, "reason": r} for n, m, r in load.flagged]
        products["engagement-caseload"] = list_product("worklist", "Caseload per nominal manager",
                                                       caseload(load, policy), load.marking,
                                                       {**summary, "flagged": flagged})
        rows, left, marking = schedule(uow, load, policy)
        products["engagement-schedule"] = list_product("worklist", f"Proposed contact schedule from {as_of}", rows,
                                                       marking, {**summary, "cannot_keep_up": left})
        lists, marking = horizon(uow, as_of)
        products["orders-horizon"] = list_product(
            "worklist", "Civil-order horizon (28 days)", lists["missed"] + lists["due"], marking,
            {**summary, "term_problems": lists["term_problems"], "release_unprepared": lists["release_unprepared"]})
        rows, marking = pathway_rows(uow, as_of, 14)
        products["pathways-due"] = list_product("worklist", "Pathway reviews due", rows, marking, summary)
        rows, marking = unmapped_rows(uow, as_of)
        products["pathways-unmapped"] = list_product("worklist", "Nominals with no pathway mapped", rows, marking,
                                                     summary)
        rules = corr_rules()
        items, marking = log(uow, "demo")
        days = dict(rules["working_days"])
        corr_overdue = item_rows(items, as_of, days, "overdue")
        products["correspondence-overdue"] = list_product("worklist", "Correspondence overdue", corr_overdue,
                                                          marking, summary)
        products["correspondence-due"] = list_product("worklist", "Correspondence due",
                                                      item_rows(items, as_of, days, "due"), marking, summary)
        products["correspondence-response-times"] = list_product(
            "worklist", "Response times per partner", response_times(items, None, days), marking, summary)
        rows, marking, _total = worklist(uow, as_of)
        products["data-quality"] = list_product("worklist", "Data-recording compliance", rows, marking, summary)
        uow.commit()
    out.mkdir(parents=True, exist_ok=True)
    for name, product in products.items():
        for fmt in ("md", "html", "csv"):
            (out / f"{name}.{fmt}").write_text(render(product, fmt), encoding="utf-8")
    missed = [r["order_id"] for r in lists["missed"]]
    return {
        "overdue": sorted(r["nominal_id"] for r in overdue),
        "missed_order_deadlines": sorted(missed),
        "release_unprepared": sorted(r["nominal_id"] for r in lists["release_unprepared"]),
        "correspondence_overdue": sorted(r["id"] for r in corr_overdue),
        "no_plan": sorted({n for n, _m, r in load.flagged if r == "no contact plan"}),
        "no_manager": sorted({n for n, _m, r in load.flagged if r == "no nominal manager"}),
        "lists": len(products),
    }


def _written_ids(folder: Any, files: list[tuple[str, str]]) -> set[str]:
    """Every record ID in the synthetic files (first column; prison-pathfinder IDs with their prefix)."""
    import csv

    ids: set[str] = set()
    for feed, name in files:
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle)
            next(rows, None)
            ids.update(("PP:" if feed == "prison-pathfinder" else "") + row[0] for row in rows if row)
    return ids


def run_demo_step(ctx: Any) -> list[str]:
    from ctpse_core.feeds.importer import import_feed
    from ctpse_core.synthetic.casework import AS_OF, FEED_FILES, write_casework

    folder = ctx.out / "casework"
    data = folder / "synthetic"
    write_casework(data, count=min(max(ctx.scale // 5, 50), 400), seed=ctx.seed, as_of=AS_OF)
    lines = []
    for feed, name in FEED_FILES:
        summary = import_feed(ctx.store, feed, data / name, user=ctx.user)
        lines.append(f"{feed}: {summary.stored} stored, {summary.unchanged} unchanged, {summary.rejected} rejected")
    found = write_lists(ctx.store, folder, AS_OF, ctx.user)
    truth = json.loads((data / "truth.json").read_text(encoding="utf-8"))
    checks = [k for k in ("overdue", "missed_order_deadlines", "release_unprepared", "correspondence_overdue",
                          "no_plan", "no_manager")]
    written = _written_ids(data, FEED_FILES)  # other demo steps share the store: compare only what this one wrote
    ours = {k: [i for i in found[k] if i in written] for k in checks}
    agree = [k for k in checks if ours[k] == truth[k]]
    lines.append(f"{found['lists']} lists as of {AS_OF:%d/%m/%Y} written to {folder} (md, html, csv)")
    lines.append(f"known answers matched: {len(agree)}/{len(checks)}"
                 + ("" if len(agree) == len(checks) else f" (differ: {', '.join(sorted(set(checks) - set(agree)))})"))
    return lines
