"""Each built-in KPI metric on a small hand-made case whose answer is obvious, and snapshots."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs
from kpi_kit import USER, add, at

from ctpse_core.domain import (
    Action,
    ActionStatus,
    Correspondence,
    Marking,
    Nominal,
    Provenance,
    RiskTier,
)
from ctpse_core.domain.nominal import NominalStatus
from ctpse_core.performance import (
    KpiDefinition,
    MetricContext,
    compute_kpis,
    explain_snapshot,
    metrics,
    period_of,
    reproduce,
)

MARCH = period_of("month", dt.date(2026, 3, 1))
D = dt.date


def figures(store: Any, metric: str, level: str = "region", as_of: dt.date = D(2026, 3, 31),
            params: dict[str, Any] | None = None) -> dict[str, float | None]:
    with store.unit_of_work(user=USER) as uow:
        ctx = MetricContext(uow=uow, period=MARCH, level=level, params=params or {}, as_of=as_of)
        result = metrics().get(metric).compute(ctx)
    return {scope: None if f.value is None else round(f.value, 2) for scope, f in result.figures.items()}


def actions() -> list[Action]:
    return [
        Action(id="A1", description="on time", owner="X", due_on=D(2026, 3, 10), status=ActionStatus.DONE,
               completed_on=D(2026, 3, 9)),
        Action(id="A2", description="late", owner="X", due_on=D(2026, 3, 15), status=ActionStatus.DONE,
               completed_on=D(2026, 3, 20)),
        Action(id="A3", description="missed", owner="Y", due_on=D(2026, 3, 20)),
        Action(id="A4", description="cancelled", owner="Y", due_on=D(2026, 3, 25), status=ActionStatus.CANCELLED),
        Action(id="A5", description="next month", owner="Y", due_on=D(2026, 4, 5)),
    ]


def test_actions_closed_on_time(store: Any) -> None:
    """Of the three live actions due in March one was closed on time: 33.33 %; by owner X 1/2, Y 0/1.
    Mid-month only what was due by then counts, and a closure after the as-of date has not happened yet."""
    add(store, "actions", *actions())
    assert figures(store, "actions-closed-on-time") == {"region": 33.33}
    assert figures(store, "actions-closed-on-time", "manager") == {"region": 33.33, "X": 50.0, "Y": 0.0}
    assert figures(store, "actions-closed-on-time", as_of=D(2026, 3, 18)) == {"region": 50.0}


def test_actions_overdue(store: Any) -> None:
    """At the end of March only A3 is open past its date; on 18 March it is A2 (closed on the 20th)."""
    add(store, "actions", *actions())
    assert figures(store, "actions-overdue", "manager") == {"region": 1.0, "Y": 1.0}
    assert figures(store, "actions-overdue", "manager", as_of=D(2026, 3, 18)) == {"region": 1.0, "X": 1.0}


def nominals() -> list[Nominal]:
    def nominal(ident: str, source: str, received: dt.date, **kw: Any) -> Nominal:
        return Nominal(id=ident, forenames="Ada", surname="Example", force="Exampleshire",
                       provenance=Provenance(source=source, received_at=at(received)), **kw)

    return [
        nominal("N1", "regional", D(2026, 3, 1), nominal_manager="M", risk_tier=RiskTier("1"),
                status=NominalStatus("community")),
        nominal("N2", "regional", D(2025, 11, 1), nominal_manager="M", status=NominalStatus("community")),
        nominal("J1", "national", D(2025, 1, 1)),
    ]


def test_data_completeness_and_stale_records(store: Any) -> None:
    """N2 lacks a risk tier (50 % complete) and was last received 150 days before 31 March (stale);
    the national list's own record counts for neither."""
    add(store, "nominals", *nominals())
    assert figures(store, "data-completeness", "manager") == {"region": 50.0, "M": 50.0}
    assert figures(store, "stale-records", params={"days": 90}) == {"region": 1.0}
    assert figures(store, "stale-records", params={"days": 200}) == {"region": 0.0}


def test_reconciliation_open_counts_what_reconcile_finds(store: Any, tmp_path: Path) -> None:
    """The metric counts exactly the discrepancies, duplicates, identifier conflicts and possible
    matches that reconciling the stored lists gives."""
    from ctpse_core.feeds.importer import import_feed
    from ctpse_core.reconcile import reconcile
    from ctpse_core.reconcile.stored import stored_tables
    from ctpse_core.synthetic.nominals import write_nominal_lists

    write_nominal_lists(tmp_path, count=150, seed=3)
    for feed in ("regional", "national"):
        import_feed(store, feed, tmp_path / f"{feed}.csv", user=USER)
    with store.unit_of_work(user=USER) as uow:
        result = reconcile(*stored_tables(uow))
    expected = (len(result.discrepancies) + len(result.duplicates_left) + len(result.duplicates_right)
                + len(result.identifier_conflicts) + len(result.possible_matches))
    assert expected > 0
    assert figures(store, "reconciliation-open") == {"region": float(expected)}


def _kpi(**kw: Any) -> KpiDefinition:
    base: dict[str, Any] = {"name": "closed", "title": "Actions closed on time", "metric": "actions-closed-on-time",
                            "target": 90, "tolerance": 10, "period": "month", "level": "region"}
    return KpiDefinition(**{**base, **kw})


def test_snapshot_reproduces_after_the_data_changed(store: Any) -> None:
    """A stored figure keeps its value, reproduces from its evidence and says the data changed since,
    while re-running gives the new figure; re-computing unchanged data stores no second snapshot."""
    add(store, "actions", *actions())
    with store.unit_of_work(user=USER) as uow:
        board = compute_kpis(uow, [_kpi()], D(2026, 3, 31), history=2, user=USER)
        compute_kpis(uow, [_kpi()], D(2026, 3, 31), history=2, user=USER)
        uow.commit()
    line = board.lines[0]
    assert (line.scope, round(line.value or 0, 2), line.rag) == ("region", 33.33, "red")
    with store.unit_of_work(user=USER) as uow:
        assert uow.repository("kpi_snapshots").count() == 1
        late = uow.repository("actions").get("A3")
        uow.repository("actions").update(attrs.evolve(late, status=ActionStatus.DONE, completed_on=D(2026, 3, 19)))
        uow.commit()
    with store.unit_of_work(user=USER) as uow:
        info = explain_snapshot(uow, line.snapshot)
        snapshot = uow.repository("kpi_snapshots").get(line.snapshot)
    assert round(info["value"], 2) == 33.33 and round(reproduce(snapshot) or 0, 2) == 33.33
    assert info["data_changed_since"] is True
    assert round(info["value_now"], 2) == 66.67
    assert info["definition"]["target"] == 90
    assert {e["item"] for e in info["evidence"]} == {"A1", "A2", "A3"}


def test_board_is_marked_with_the_highest_input(store: Any) -> None:
    """A SECRET action counted in a figure makes the whole board SECRET."""
    secret = attrs.evolve(actions()[0], marking=Marking.parse("SECRET"))
    add(store, "actions", secret, *actions()[1:])
    with store.unit_of_work(user=USER) as uow:
        board = compute_kpis(uow, [_kpi()], D(2026, 3, 31), save=False)
    assert str(board.marking) == "SECRET"


def test_compute_is_audited(store: Any) -> None:
    """Computing KPIs records a consultation in the same unit of work."""
    add(store, "actions", *actions())
    with store.unit_of_work(user=USER) as uow:
        compute_kpis(uow, [_kpi()], D(2026, 3, 31), save=False)
        uow.commit()
    assert any(e.action == "consultation" and e.collection == "kpi_snapshots" for e in store.audit_events())


def test_correspondence_on_time_uses_the_working_day_clock(store: Any) -> None:
    """A MAC enquiry with no deadline of its own, received Thu 19 Mar 2026: due Thu 26 Mar (5 working
    days, the weekend skipped); answered on the 26th is on time, on the 27th late; an outgoing item
    is not counted."""
    from ctpse_core.domain.engagement import CorrespondenceKind, Direction

    def item(ident: str, answered: dt.date, direction: Direction = Direction.INCOMING) -> Correspondence:
        return Correspondence(id=ident, partner="MAC", subject="enquiry", received_at=at(D(2026, 3, 19)),
                              kind=CorrespondenceKind.MAC_ENQUIRY, responded_at=at(answered), direction=direction)

    add(store, "correspondence", item("M1", D(2026, 3, 26)), item("M2", D(2026, 3, 27)),
        item("M3", D(2026, 3, 30), Direction.OUTGOING))
    assert figures(store, "correspondence-on-time") == {"region": 50.0}
