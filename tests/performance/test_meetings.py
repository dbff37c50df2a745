"""Agendas built from what is open, the action log and the chase lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kpi_kit import USER, add, at

from ctpse_core.domain import Action, ActionStatus, CivilOrder, Contact, Meeting, OrderType, Pathway
from ctpse_core.domain.engagement import PathwayPlan, PathwayStatus
from ctpse_core.errors import InputError
from ctpse_core.meetings import (
    add_action,
    add_minute,
    build_agenda,
    chase,
    close_action,
    meeting_type,
    record_meeting,
    reopen_action,
)
from ctpse_core.storage import open_store
from ctpse_core.testing.security import seed_users

D = dt.date
DAY = D(2026, 6, 10)


def test_agenda_sections_from_what_is_open(store: Any) -> None:
    """Standing items first; an overdue action, one due before the next meeting, an order review
    inside the horizon and an overdue contact each appear once; a closed action does not."""
    add(store, "actions",
        Action(id="A1", description="overdue", owner="X", due_on=D(2026, 6, 1)),
        Action(id="A2", description="due soon", owner="Y", due_on=D(2026, 6, 20)),
        Action(id="A3", description="done", owner="Y", due_on=D(2026, 6, 2), status=ActionStatus.DONE,
               completed_on=D(2026, 6, 1)),
        Action(id="A4", description="far off", owner="Y", due_on=D(2026, 12, 1)))
    add(store, "civil_orders", CivilOrder(id="O1", nominal_id="N1", order_type=OrderType.TPIM,
                                          made_on=D(2025, 7, 1), review_on=D(2026, 6, 30)))
    add(store, "contacts", Contact(id="C1", nominal_id="N1", manager="M", planned_at=at(D(2026, 6, 5))))
    with store.unit_of_work(user=USER) as uow:
        agenda = build_agenda(uow, meeting_type("nm-ttcg"), DAY)
    sections = [(i.section, i.ref) for i in agenda.items]
    assert sections[:3] == [("Standing items", "")] * 3
    assert ("Overdue actions", "A1") in sections and ("Actions due", "A2") in sections
    assert not any(ref in ("A3", "A4") for _s, ref in sections)
    assert ("Order deadlines ahead", "O1") in sections
    assert any(s == "Overdue contacts" and i.owner == "M" for i, (s, _r) in zip(agenda.items, sections, strict=True))
    assert agenda.since == DAY - dt.timedelta(days=28)


@settings(max_examples=25)
@given(
    dues=st.lists(st.tuples(st.integers(-60, 60), st.sampled_from(list(ActionStatus))), max_size=15),
    last_meeting=st.one_of(st.none(), st.integers(1, 40)),
    reviews=st.lists(st.integers(-60, 60), max_size=6),
    pathway_reviews=st.lists(st.tuples(st.integers(-60, 60), st.sampled_from(list(PathwayStatus))), max_size=6),
)
def test_agenda_equals_brute_force_query(dues: list[tuple[int, ActionStatus]], last_meeting: int | None,
                                         reviews: list[int], pathway_reviews: list[tuple[int, PathwayStatus]]) -> None:
    """The action, order and pathway lines of an agenda are exactly those a plain query of the store
    gives for the same day: open actions due before the day (overdue) or within the horizon (due);
    order and live pathway review dates after the last meeting and before the day (passed) or
    within the horizon (ahead)."""
    kind = meeting_type("nm-ttcg")
    store = seed_users(open_store("memory://"), USER)
    actions = [Action(id=f"A{i}", description="x", owner="X", due_on=DAY + dt.timedelta(days=d), status=s,
                      completed_on=DAY if s is ActionStatus.DONE else None) for i, (d, s) in enumerate(dues)]
    orders = [CivilOrder(id=f"O{i}", nominal_id="N1", order_type=OrderType.TPIM,
                         review_on=DAY + dt.timedelta(days=d)) for i, d in enumerate(reviews)]
    plans = [PathwayPlan(id=f"P{i}", nominal_id="N1", pathway=Pathway.ACCOMMODATION, partner="Probation",
                         status=status, review_on=DAY + dt.timedelta(days=d))
             for i, (d, status) in enumerate(pathway_reviews)]
    add(store, "actions", *actions)
    add(store, "civil_orders", *orders)
    add(store, "pathway_plans", *plans)
    if last_meeting is not None:
        add(store, "meetings", Meeting(id="M0", title="t", chair="c", kind=kind.key,
                                       held_at=at(DAY - dt.timedelta(days=last_meeting))))
    since = DAY - dt.timedelta(days=last_meeting if last_meeting is not None else kind.cadence_days)
    horizon = DAY + dt.timedelta(days=kind.horizon_days)
    with store.unit_of_work(user=USER) as uow:
        agenda = build_agenda(uow, kind, DAY)
    got = {(i.section, i.ref) for i in agenda.items if i.ref}
    expected = {("Overdue actions", a.id) for a in actions if a.status is ActionStatus.OPEN and a.due_on < DAY}
    expected |= {("Actions due", a.id) for a in actions if a.status is ActionStatus.OPEN and DAY <= a.due_on <= horizon}
    expected |= {("Order deadlines passed since the last meeting", o.id) for o in orders
                 if o.review_on is not None and since < o.review_on < DAY}
    expected |= {("Order deadlines ahead", o.id) for o in orders
                 if o.review_on is not None and DAY <= o.review_on <= horizon}
    live = [p for p in plans if p.status not in (PathwayStatus.MET, PathwayStatus.NOT_NEEDED)]
    expected |= {("Pathway reviews passed since the last meeting", p.id) for p in live
                 if p.review_on is not None and since < p.review_on < DAY}
    expected |= {("Pathway reviews ahead", p.id) for p in live
                 if p.review_on is not None and DAY <= p.review_on <= horizon}
    assert got == expected
    assert agenda.since == since


def test_action_log_close_reopen_and_history(store: Any) -> None:
    """Closing records who and when; reopening needs a reason and is kept in history and the audit log;
    closing a closed action is refused."""
    add(store, "meetings", Meeting(id="MTG-1", title="NM TTCG", chair="DCI Imaginary", held_at=at(D(2026, 5, 1))))
    with store.unit_of_work(user=USER) as uow:
        action = add_action(uow, description="Chase OMU", owner="DS Testperson", due_on=D(2026, 5, 20), by=USER,
                            meeting_id="MTG-1")
        uow.commit()
    assert action.chair == "DCI Imaginary" and action.id == "ACT-0001"
    with store.unit_of_work(user="closer") as uow:
        closed = close_action(uow, action.id, by="closer", on=D(2026, 5, 19), note="done")
        uow.commit()
    assert (closed.status, closed.completed_on, closed.closed_by) == (ActionStatus.DONE, D(2026, 5, 19), "closer")
    with store.unit_of_work(user=USER) as uow, pytest.raises(InputError, match="not open"):
        close_action(uow, action.id, by=USER, on=D(2026, 5, 21))
    with store.unit_of_work(user=USER) as uow, pytest.raises(InputError, match="say why"):
        reopen_action(uow, action.id, by=USER, reason=" ")
    with store.unit_of_work(user="chair") as uow:
        reopened = reopen_action(uow, action.id, by="chair", reason="address not confirmed", due_on=D(2026, 6, 1))
        uow.commit()
    assert reopened.status is ActionStatus.OPEN and reopened.completed_on is None and reopened.due_on == D(2026, 6, 1)
    assert [h.what for h in reopened.history] == ["opened", "closed", "reopened"]
    assert reopened.history[-1].note == "address not confirmed"
    events = [e for e in store.audit_events() if e.collection == "actions" and e.record_id == action.id]
    assert [e.action for e in events] == ["collection", "alteration", "alteration"]
    assert "address not confirmed" in events[-1].detail


def test_chase_lists_by_owner_and_by_chair(store: Any) -> None:
    """Only open actions past their date; grouped per owner and per chair, most overdue first."""
    add(store, "actions",
        Action(id="A1", description="a", owner="X", chair="C1", due_on=D(2026, 6, 1)),
        Action(id="A2", description="b", owner="X", chair="C2", due_on=D(2026, 5, 1)),
        Action(id="A3", description="c", owner="Y", due_on=D(2026, 6, 5)),
        Action(id="A4", description="d", owner="Y", chair="C1", due_on=D(2026, 6, 30)),
        Action(id="A5", description="e", owner="Y", chair="C1", due_on=D(2026, 5, 1), status=ActionStatus.DONE,
               completed_on=D(2026, 5, 3)))
    with store.unit_of_work(user=USER) as uow:
        lists = chase(uow, DAY)
    assert {k: [a.id for a in v] for k, v in lists.by_owner.items()} == {"X": ["A2", "A1"], "Y": ["A3"]}
    assert {k: [a.id for a in v] for k, v in lists.by_chair.items()} == {"(no chair)": ["A3"], "C1": ["A1"],
                                                                          "C2": ["A2"]}
    assert lists.data()["by_owner"]["X"][0]["days_overdue"] == 40


def test_minutes_against_the_recorded_agenda(store: Any) -> None:
    """A meeting recorded on its agenda takes minutes against item numbers that exist."""
    with store.unit_of_work(user=USER) as uow:
        agenda = build_agenda(uow, meeting_type("regional-tasking"), DAY)
        meeting = record_meeting(uow, agenda, held_at=at(DAY))
        uow.commit()
    assert meeting.agenda[0].startswith("1. [Standing items]")
    with store.unit_of_work(user=USER) as uow:
        add_minute(uow, meeting.id, item=2, note="Agreed", by=USER)
        with pytest.raises(InputError, match="agenda items 1 to 3"):
            add_minute(uow, meeting.id, item=9, note="x", by=USER)
        uow.commit()
    with store.unit_of_work(user=USER) as uow:
        stored = uow.repository("meetings").get(meeting.id)
    assert [(m.item, m.note) for m in stored.minutes] == [(2, "Agreed")]
