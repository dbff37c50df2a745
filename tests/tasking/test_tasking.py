"""CT asset requests, fast-time events, the commitments board and the weekly returns."""

from __future__ import annotations

import datetime as dt

import pytest

from ctpse_core.domain.common import LONDON
from ctpse_core.domain.finance import FastTimeEvent
from ctpse_core.domain.marking import Marking
from ctpse_core.domain.staff import Leave, Staff
from ctpse_core.domain.surveillance import COVERT, AssetRequest, Deployment
from ctpse_core.errors import InputError
from ctpse_core.storage import open_store
from ctpse_core.tasking import returns
from ctpse_core.tasking.assets import at_risk, create_request, deploy, move, overdue, slt_summary, transition
from ctpse_core.tasking.commitments import board
from ctpse_core.tasking.events import acknowledge, assess, disseminate, escalations, receive, set_stage
from ctpse_core.testing.security import seed_users

NOW = dt.datetime(2026, 3, 4, 10, tzinfo=LONDON)
WEEK = dt.date(2026, 3, 2)


def _req(ident: str = "ar-1", hours: float = 30, kind: str = "forensic") -> AssetRequest:
    return AssetRequest(id=ident, kind=kind, operation_id="op-1", requested_by="DI Example",
                        objectives=("Examine the fictional premises",), deadline=NOW + dt.timedelta(hours=hours),
                        requesting_unit="CTP East", asset_home="Example Hub", marking=COVERT)


def test_complete_before_deployed_is_refused() -> None:
    """An approved request cannot be completed before it is deployed; the error says what may follow."""
    approved = transition(_req(), "approved", "cato", NOW)
    with pytest.raises(InputError, match=r"cannot go from approved to complete; .* deployed"):
        transition(approved, "complete", "cato", NOW)
    with pytest.raises(InputError, match="cannot go from requested to deployed"):
        transition(_req(), "deployed", "cato", NOW)


def test_final_states_and_reasons() -> None:
    """Declined is final; declining or cancelling needs a reason; each step keeps who, when and why."""
    with pytest.raises(InputError, match="needs a reason"):
        transition(_req(), "declined", "cato", NOW)
    declined = transition(_req(), "declined", "cato", NOW, "no capacity")
    assert declined.history[-1].by == "cato" and declined.history[-1].why == "no capacity"
    with pytest.raises(InputError, match="nothing \\(it is final\\)"):
        transition(declined, "approved", "cato", NOW)


def test_deadline_clock_overdue_and_at_risk() -> None:
    """Past its deadline and not deployed is overdue; within 48 h is at risk; deployed is neither."""
    late, soon, later = _req("a", -1), _req("b", 47), _req("c", 49)
    deployed = transition(transition(_req("d", -5), "approved", "x", NOW), "deployed", "x", NOW)
    items = [late, soon, later, deployed]
    assert [r.id for r in overdue(items, NOW)] == ["a"]
    assert [r.id for r in at_risk(items, NOW)] == ["b"]
    summary = slt_summary(items, WEEK, NOW)
    assert summary["by_status"] == {"deployed": 1, "requested": 3}
    assert [x["status"] for x in summary["moved_this_week"]] == ["approved", "deployed"]


def test_an_asset_cannot_be_in_two_places() -> None:
    """Deploying an asset already deployed at an overlapping time breaks the team double-booking
    rule: refused without an override reason, stored with one (audited)."""
    store = seed_users(open_store("memory://"), "cato")
    with store.unit_of_work(user="cato") as uow:
        for ident in ("ar-1", "ar-2"):
            create_request(uow, _req(ident), at=NOW)
            move(uow, ident, "approved", at=NOW)
        deploy(uow, "ar-1", "FOR-1", NOW, NOW + dt.timedelta(hours=8))
        with pytest.raises(InputError, match="team-double-booking"):
            deploy(uow, "ar-2", "FOR-1", NOW + dt.timedelta(hours=2), NOW + dt.timedelta(hours=6))
        _r, _d, conflicts = deploy(uow, "ar-2", "FOR-1", NOW + dt.timedelta(hours=2), NOW + dt.timedelta(hours=6),
                                   override_reason="SIO accepts the delay")
        assert conflicts
        uow.commit()
    assert [e.detail for e in store.audit_events() if e.action == "override"] == [
        "asset deployed despite conflict: SIO accepts the delay"]


def test_unknown_asset_kind_is_refused() -> None:
    """A kind that is not configured is an input error listing the configured kinds."""
    store = seed_users(open_store("memory://"), "cato")
    with store.unit_of_work(user="cato") as uow, pytest.raises(InputError, match="forensic, media-viewing"):
        create_request(uow, _req(kind="dog"))


def test_events_not_acknowledged_within_n_minutes_are_escalated() -> None:
    """Sent to three at 10:00, two acknowledge: at 10:29 nobody is listed, at 10:30 the third is."""
    store = seed_users(open_store("memory://"), "cato")
    with store.unit_of_work(user="cato") as uow:
        receive(uow, FastTimeEvent(id="ev-1", title="Briefing (fictional)", occurred_at=NOW, source="CTP East",
                                   marking=COVERT))
        assess(uow, "ev-1", "substantial", "high", "disseminate", at=NOW)
        disseminate(uow, "ev-1", ("a", "b", "c"), at=NOW)
        acknowledge(uow, "ev-1", "a", at=NOW)
        acknowledge(uow, "ev-1", "b", at=NOW)
        with pytest.raises(InputError, match="cannot go back"):
            set_stage(uow, "ev-1", "received")
        with pytest.raises(InputError, match="was not sent"):
            acknowledge(uow, "ev-1", "z")
        event = uow.fast_time_events.get("ev-1")
        uow.commit()
    assert escalations([event], NOW + dt.timedelta(minutes=29)) == []
    assert [x.recipient for x in escalations([event], NOW + dt.timedelta(minutes=30))] == ["c"]
    assert event.stage == "disseminated" and event.assessed_by == "cato"


def _board_store():  # type: ignore[no-untyped-def]
    store = seed_users(open_store("memory://"), "cato")
    with store.unit_of_work(user="cato") as uow:
        for sid, quals in (("s1", {"SV"}), ("s2", {"SV"}), ("s3", set()), ("s4", {"SV"})):
            uow.staff.add(Staff(id=sid, forenames="Sam", surname=f"Example {sid}", rank="DC",
                                qualifications=frozenset(quals)))
        uow.deployments.add(Deployment(id="d1", operation_id="op-1", team_id="SV-A", staff_ids=("s1",),
                                       start=NOW - dt.timedelta(hours=2), end=NOW + dt.timedelta(hours=2),
                                       marking=COVERT))
        uow.deployments.add(Deployment(id="d2", operation_id="op-1", team_id="SV-A", staff_ids=("s2",),
                                       start=NOW - dt.timedelta(hours=10), end=NOW - dt.timedelta(hours=4),
                                       marking=COVERT))
        uow.leave.add(Leave(id="l1", staff_id="s4", first_day=NOW.date(), last_day=NOW.date()))
        uow.commit()
    return store


def test_commitments_board_says_who_is_free_qualified_and_rested() -> None:
    """s1 is deployed, s2 came off duty 4 h ago (not rested), s3 is not qualified, s4 is on leave:
    nobody can be committed for SV; without the qualification s3 can. What each would break is said."""
    store = _board_store()
    with store.unit_of_work(user="cato") as uow:
        product = board(uow, NOW, hours=8, qualification="SV")
        rows = {r["staff_id"]: r for r in product.data()["board"]}
        assert product.data()["can_commit"] == []
        assert rows["s1"]["free"] is False and "person-double-booking" in rows["s1"]["would_break"]
        assert rows["s2"]["rested"] is False and "rest" in rows["s2"]["would_break"]
        assert rows["s3"]["qualified"] is False
        assert "leave" in rows["s4"]["now"]
        assert board(uow, NOW, hours=8).data()["can_commit"] == ["s3"]
        assert product.marking == COVERT


def test_unknown_qualification_on_the_board_is_an_input_error() -> None:
    """A misspelt qualification is refused with the known ones rather than showing nobody."""
    store = _board_store()
    with store.unit_of_work(user="cato") as uow, pytest.raises(InputError):
        board(uow, NOW, qualification="SVV")


def test_weekly_return_keeps_each_items_marking_and_carries_the_highest() -> None:
    """A UK EYES ONLY event makes its section and the whole return SECRET [UK EYES ONLY]; other
    sections keep their own marking; the data() shape has sections of rows."""
    store = _board_store()
    with store.unit_of_work(user="cato") as uow:
        receive(uow, FastTimeEvent(id="ev-1", title="Briefing", occurred_at=NOW, source="x",
                                   marking=Marking.parse("SECRET [UK EYES ONLY]")))
        create_request(uow, _req(), at=NOW)
        ret = returns.weekly_secret_meeting_return(uow, WEEK, NOW)
        dmm = returns.dmm_brief(uow, NOW.date(), NOW)
    assert str(ret.marking) == "SECRET [UK EYES ONLY]"
    data = ret.data()
    sections = {s["key"]: s for s in data["sections"]}
    assert sections["fast_time_events"]["marking"] == "SECRET [UK EYES ONLY]"
    assert sections["asset_requests"]["marking"] == "SECRET"
    assert sections["deployments"]["rows"][0]["marking"] == "SECRET"
    assert data["summary"]["deployments"] == 2
    assert {s["key"] for s in dmm.data()["sections"]} >= {"escalations", "assets_flagged"}


def test_agenda_source_lists_events_and_missing_acknowledgements() -> None:
    """The `fast-time-events` agenda source names the event received since the last meeting and
    the recipient who has not acknowledged it by the end of the day."""
    from ctpse_core.meetings.agenda import agenda_sources

    store = seed_users(open_store("memory://"), "cato")
    with store.unit_of_work(user="cato") as uow:
        receive(uow, FastTimeEvent(id="ev-1", title="Briefing", occurred_at=NOW, source="x", marking=COVERT))
        disseminate(uow, "ev-1", ("a", "b"), at=NOW)
        acknowledge(uow, "ev-1", "a", at=NOW)
        items = agenda_sources().get("fast-time-events")(uow, NOW.date() - dt.timedelta(days=7), NOW.date(), 7)
    assert [(i.section, i.ref, i.owner) for i in items] == [
        ("Fast-time events", "ev-1", ""), ("Fast-time events not acknowledged", "ev-1", "b")]


def test_return_csv_has_every_sections_columns() -> None:
    """The CSV of a return has one header holding every section's columns, so rows of later
    sections keep their values."""
    from ctpse_core.reports import render

    store = _board_store()
    with store.unit_of_work(user="cato") as uow:
        create_request(uow, _req(), at=NOW)
        text = render(returns.weekly_secret_meeting_return(uow, WEEK, NOW), "csv")
    header = text.splitlines()[1].split(",")
    assert header[0] == "section" and {"team", "kind", "deadline"} <= set(header)
    assert any(line.startswith("asset_requests,") and "forensic" in line for line in text.splitlines())
