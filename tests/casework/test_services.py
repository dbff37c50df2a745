"""Services over a unit of work: consultations audited, outputs marked, figures for KPIs,
and compliance equal to a brute-force recomputation from the stored plans and contacts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from casework_cases import AS_OF, at, contact, nominal, plan
from hypothesis import given
from hypothesis import strategies as st

from ctpse_core.casework import Period
from ctpse_core.domain import (
    CivilOrder,
    Correspondence,
    CorrespondenceKind,
    Direction,
    Marking,
    OrderType,
    PathwayPlan,
)
from ctpse_core.domain.common import Provenance
from ctpse_core.engagement.service import contacts_overdue, engagement_compliance, record_contact
from ctpse_core.errors import InputError
from ctpse_core.storage import open_store
from ctpse_core.testing.security import SYSTEM, seed_users

D = dt.timedelta(days=1)
SECRET = Marking.parse("SECRET")


def _fill(store: Any, nominals: list[Any], plans: list[Any], contacts: list[Any]) -> None:
    with store.unit_of_work(user="t") as uow:
        uow.nominals.add_many(nominals)
        uow.contact_plans.add_many(plans)
        uow.contacts.add_many(contacts)
        uow.commit()


def test_compliance_figure_audits_and_marks(store: Any) -> None:
    """Compliance reads three collections (three consultation events) and is marked with the
    highest marking read (a SECRET contact makes it SECRET)."""
    _fill(store, [nominal("N1"), nominal("N2", manager="NM2")],
          [plan("N1", 14, dt.date(2026, 1, 1)), plan("N2", 14, dt.date(2026, 1, 1), manager="NM2")],
          [contact("N1", dt.date(2026, 1, 10), marking=SECRET), contact("N1", dt.date(2026, 1, 20)),
           contact("N1", dt.date(2026, 2, 2)), contact("N1", dt.date(2026, 2, 14)), contact("N1", dt.date(2026, 2, 25)),
           contact("N2", dt.date(2026, 1, 10), manager="NM2")])
    with store.unit_of_work(user="analyst") as uow:
        figure = engagement_compliance(uow, AS_OF, Period.month(2026, 2))
        events = [(e.action, e.collection, e.user) for e in uow.events]
        uow.commit()
    assert (figure.numerator, figure.denominator) == (1, 2)
    assert figure.groups == {"NM1": (1, 1), "NM2": (0, 1)}
    assert figure.marking == SECRET
    assert events == [("consultation", c, "analyst") for c in ("nominals", "contact_plans", "contacts")]
    assert len([e for e in store.audit_events() if e.action == "consultation"]) == 3


def test_overdue_figure(store: Any) -> None:
    """One of two nominals is overdue as of 16 Mar (due 10 Mar)."""
    _fill(store, [nominal("N1"), nominal("N2")],
          [plan("N1", 14, dt.date(2026, 2, 24)), plan("N2", 14, dt.date(2026, 3, 10))], [])
    with store.unit_of_work(user=SYSTEM) as uow:
        figure = contacts_overdue(uow, AS_OF)
    assert (figure.numerator, figure.denominator) == (1, 2)


def test_record_contact_audited_and_checked(store: Any) -> None:
    """Recording a contact stores it with a collection event; an unknown nominal is an input error."""
    _fill(store, [nominal("N1")], [], [])
    with store.unit_of_work(user="dc") as uow:
        record_contact(uow, contact("N1", AS_OF))
        uow.commit()
    assert [e.action for e in store.audit_events()][-1] == "collection"
    with store.unit_of_work(user="dc") as uow:
        try:
            record_contact(uow, contact("NOPE", AS_OF))
        except InputError as exc:
            assert "no nominal 'NOPE'" in str(exc)
        else:
            raise AssertionError("unknown nominal accepted")


def _brute_force(store: Any, first: dt.date, last: dt.date, as_of: dt.date) -> dict[str, tuple[int, int]]:
    """Day by day from each plan's start: a miss is a day when `every` days have passed since the
    last counting contact (or the start) and none came that day. Independent of the rules module."""
    with store.unit_of_work(user=SYSTEM) as uow:
        plans = {p.nominal_id: p for p in uow.contact_plans.list()}
        contacts = list(uow.contacts.list())
    out: dict[str, list[int]] = {}
    for nid, p in plans.items():
        days = {c.done_at.date() for c in contacts if c.nominal_id == nid and c.done_at}
        since = p.starts_on
        required = missed = False
        day = p.starts_on + D
        end = min(last, as_of - D)
        while day <= end:
            gone = (day - since).days
            if day in days:
                k = -(-gone // p.every_days)  # the deadline this contact falls before
                if (k == 1 or gone % p.every_days == 0) and first <= since + D * (k * p.every_days) <= end:
                    required = True
                since = day
            elif gone % p.every_days == 0 and day >= first:
                required = missed = True
            day += D
        if required:
            tally = out.setdefault(p.manager, [0, 0])
            tally[1] += 1
            tally[0] += int(not missed)
    return {k: (v[0], v[1]) for k, v in sorted(out.items())}


@given(
    st.lists(
        st.tuples(st.sampled_from(["NM1", "NM2", "NM3"]), st.integers(3, 30), st.integers(0, 40),
                  st.lists(st.integers(0, 120), max_size=12)),
        min_size=1, max_size=8,
    ),
    st.integers(0, 100),
    st.integers(1, 60),
)
def test_compliance_equals_brute_force(people: list[tuple[str, int, int, list[int]]], offset: int,
                                       length: int) -> None:
    """Compliance per manager from the service equals the brute-force day-by-day count over the
    same stored plans and contacts, for any period and as-of day."""
    store = seed_users(open_store("memory://"), "dc", "nm", "t", "analyst")
    base = dt.date(2025, 11, 1)
    nominals, plans, contacts = [], [], []
    for i, (manager, every, start, days) in enumerate(people):
        nid = f"N{i}"
        nominals.append(nominal(nid, manager=manager, tier=None))
        plans.append(plan(nid, every, base + D * start, manager=manager))
        contacts.extend(contact(nid, base + D * d, manager=manager, n=k) for k, d in enumerate(days))
    _fill(store, nominals, plans, contacts)
    first = base + D * offset
    period = Period(first, first + D * length)
    as_of = base + D * 130
    with store.unit_of_work(user=SYSTEM) as uow:
        figure = engagement_compliance(uow, as_of, period)
    assert figure.groups == _brute_force(store, period.first, period.last, as_of)


def _probation_agreement(store: Any, **changes: Any) -> None:
    from ctpse_core.security.agreements import Agreement, add_agreement

    terms: dict[str, Any] = {
        "id": "ISA-PROB", "partner": "Probation", "purposes": ["correspondence"],
        "lawful_basis": "DPA 2018 s.35 (fictional)", "fields": {"nominals": ["surname", "date_of_birth"]},
        "highest_marking": Marking.parse("OFFICIAL-SENSITIVE"), "review_date": AS_OF + dt.timedelta(days=90),
        "expiry_date": AS_OF + dt.timedelta(days=365),
    }
    add_agreement(store, SYSTEM, Agreement(**{**terms, **changes}))


def test_correspondence_on_time_and_disclosure(store: Any) -> None:
    """Two MAC enquiries due in March (5 working days): one answered in time, one late -> 1/2.
    Logging an outgoing item with personal data is a disclosure of the nominals it names under
    the live agreement with its partner: one entry per nominal naming partner, agreement, fields."""
    from ctpse_core.correspondence.service import correspondence_on_time, record_item

    _fill(store, [nominal("N1")], [], [])
    _probation_agreement(store)
    items = [
        Correspondence(id="M1", partner="MAC Example", subject="q1", received_at=at(dt.date(2026, 3, 2)),
                       kind=CorrespondenceKind.MAC_ENQUIRY, responded_at=at(dt.date(2026, 3, 9))),
        Correspondence(id="M2", partner="MAC Example", subject="q2", received_at=at(dt.date(2026, 3, 2)),
                       kind=CorrespondenceKind.MAC_ENQUIRY, responded_at=at(dt.date(2026, 3, 10))),
    ]
    with store.unit_of_work(user="nm") as uow:
        for item in items:
            record_item(uow, item)
        record_item(uow, Correspondence(id="OUT1", partner="Probation", subject="update",
                                        received_at=at(AS_OF), direction=Direction.OUTGOING,
                                        personal_data=True, nominal_ids=("N1",)),
                    fields=["surname"], recipient_person="duty officer", today=AS_OF)
        uow.commit()
    sent = [e for e in store.audit_events() if e.action == "disclosure"]
    assert [(e.collection, e.record_id, e.recipient_org, e.recipient_person, e.agreement, e.fields)
            for e in sent] == [("nominals", "N1", "Probation", "duty officer", "ISA-PROB", ("surname",))]
    assert "OUT1" in sent[0].detail
    with store.unit_of_work(user=SYSTEM) as uow:
        figure = correspondence_on_time(uow, AS_OF, Period.month(2026, 3))
    assert (figure.numerator, figure.denominator) == (1, 2)


def test_outgoing_personal_data_outside_an_agreement_is_refused_and_the_refusal_logged(store: Any) -> None:
    """No agreement with the partner, a field outside the allow-list, an expired agreement: each
    refused with the reason; the item is not stored, the refusal stays in the log."""
    from ctpse_core.correspondence.service import record_item
    from ctpse_core.security.agreements import REFUSED, DisclosureRefused

    _fill(store, [nominal("N1")], [], [])
    _probation_agreement(store)
    _probation_agreement(store, id="ISA-OLD", partner="Old Partner", expiry_date=AS_OF - dt.timedelta(days=1))

    def send(ident: str, partner: str, fields: list[str], agreement: str | None = None) -> str:
        item = Correspondence(id=ident, partner=partner, subject="s", received_at=at(AS_OF),
                              direction=Direction.OUTGOING, personal_data=True, nominal_ids=("N1",))
        with store.unit_of_work(user="nm") as uow:
            try:
                record_item(uow, item, fields=fields, agreement=agreement, today=AS_OF)
            except DisclosureRefused as exc:
                return str(exc)
            raise AssertionError("disclosure outside an agreement was not refused")

    assert "no live information-sharing agreement with Anyone for 'correspondence'" in send("O1", "Anyone", [])
    assert "field(s) cro_number of nominals are not in agreement ISA-PROB's allow-list" in send(
        "O2", "Probation", ["cro_number"])
    assert "agreement ISA-OLD with Old Partner expired on" in send("O3", "Old Partner", [], agreement="ISA-OLD")
    with store.unit_of_work(user=SYSTEM) as uow:
        assert [uow.correspondence.find(i) for i in ("O1", "O2", "O3")] == [None, None, None]
    refusals = [e for e in store.audit_events() if e.action == REFUSED]
    assert [(e.recipient_org, e.record_id) for e in refusals] == [("Anyone", "N1"), ("Probation", "N1"),
                                                                  ("Old Partner", "N1")]
    assert not [e for e in store.audit_events() if e.action == "disclosure"]


def test_refused_by_the_access_hook_nothing_is_stored(store: Any, monkeypatch: Any) -> None:
    """When the access decision hook refuses the item, it is an input error and nothing is stored."""
    import pytest

    from ctpse_core.correspondence import service

    class Refuse:
        class hook:
            @staticmethod
            def ctpse_access_decision(**_kw: Any) -> bool:
                return False

    _fill(store, [nominal("N1")], [], [])
    monkeypatch.setattr("ctpse_core.plugin.get_plugin_manager", lambda: Refuse)
    with store.unit_of_work(user="nm") as uow, pytest.raises(InputError, match="refused by the access rules"):
        service.record_item(uow, Correspondence(id="OUT2", partner="Anyone", subject="s", received_at=at(AS_OF),
                                                direction=Direction.OUTGOING, personal_data=True,
                                                nominal_ids=("N1",)))
    monkeypatch.undo()
    with store.unit_of_work(user=SYSTEM) as uow:
        assert uow.correspondence.find("OUT2") is None
    assert not [e for e in store.audit_events() if e.operation == "disclosure"]


def test_horizon_release_unprepared_and_order_figure(store: Any) -> None:
    """N1 released in 20 days with no order and no pathway is listed; N2 with both is not.
    A notification last made 11 Mar 2025 missed its 11 Mar 2026 re-notification: 0/1 met."""
    from ctpse_core.orders.service import horizon, order_deadlines_met

    with store.unit_of_work(user=SYSTEM) as uow:
        uow.nominals.add(nominal("N1", "custody", release_on=AS_OF + 20 * D))
        uow.nominals.add(nominal("N2", "custody", release_on=AS_OF + 20 * D))
        uow.civil_orders.add(CivilOrder(id="O2", nominal_id="N2", order_type=OrderType.NOTIFICATION,
                                        starts_on=dt.date(2020, 1, 6), last_notified_on=dt.date(2025, 3, 11)))
        uow.pathway_plans.add(PathwayPlan(id="P2", nominal_id="N2", pathway="accommodation",  # type: ignore[arg-type]
                                          partner="Housing"))
        uow.commit()
    with store.unit_of_work(user=SYSTEM) as uow:
        lists, _marking = horizon(uow, AS_OF)
        figure = order_deadlines_met(uow, AS_OF, Period.month(2026, 3))
    assert [r["nominal_id"] for r in lists["release_unprepared"]] == ["N1"]
    assert [r["what"] for r in lists["missed"]] == ["annual re-notification"]
    assert (figure.numerator, figure.denominator) == (0, 1)


def test_data_quality_checks(store: Any) -> None:
    """Stale and from an old feed (received 100 days ago), incomplete (no tier), duplicate PNC with no
    review decision,
    and the national reference list left out."""
    from ctpse_core.quality.service import data_quality, worklist

    old = Provenance(source="regional", received_at=at(AS_OF - 100 * D))
    with store.unit_of_work(user=SYSTEM) as uow:
        uow.nominals.add(nominal("N1"))
        uow.nominals.add(nominal("N2", tier=None))
        uow.nominals.add(nominal("N3", pnc_id="2001/0012345H"))  # type: ignore[arg-type]
        uow.nominals.add(nominal("N4", pnc_id="2001/0012345H"))  # type: ignore[arg-type]
        uow.nominals.add(nominal("N5").__class__(**{**_fields(nominal("N5")), "provenance": old}))
        uow.nominals.add(nominal("J1").__class__(**{**_fields(nominal("J1")),
                                                    "provenance": Provenance(source="national")}))
        uow.contact_plans.add_many(plan(n, 14, dt.date(2026, 1, 1)) for n in ("N1", "N2", "N3", "N4", "N5"))
        uow.pathway_plans.add_many(PathwayPlan(id=f"P{n}", nominal_id=n, pathway="health",  # type: ignore[arg-type]
                                               partner="NHS", review_on=AS_OF) for n in ("N1", "N2", "N3", "N4", "N5"))
        uow.commit()
    with store.unit_of_work(user=SYSTEM) as uow:
        rows, _marking, checked = worklist(uow, AS_OF)
        figure = data_quality(uow, AS_OF)
    found = {(r["nominal_id"], r["check"]) for r in rows}
    assert found == {("N2", "incomplete"), ("N4", "duplicate"), ("N5", "stale"), ("N5", "old feed")}
    assert checked == 5 and (figure.numerator, figure.denominator) == (2, 5)


def _fields(record: Any) -> dict[str, Any]:
    import attrs

    return attrs.asdict(record, recurse=False)


def test_data_quality_lists_possible_matches_open_from_reconciliation(store: Any) -> None:
    """A regional record that reconciliation finds only a *possible* match for on the national
    list (same name, another date of birth) is a duplicate fault until a reviewer decides; the
    worklist then carries the national list's marking, and the matching is audited."""
    from ctpse_core.domain.marking import Marking
    from ctpse_core.quality.service import worklist
    from ctpse_core.reconcile.review import record_decision

    first = ["Ada", "Bram", "Cleo", "Dov", "Esme", "Fitz", "Gert", "Hal", "Ines", "Jory", "Kit", "Lum"]
    last = ["Fictionby", "Madeupson", "Notreal", "Imaginary", "Pretendly", "Synthwick"]
    national = Provenance(source="national", received_at=at(AS_OF - D))
    with store.unit_of_work(user=SYSTEM) as uow:
        for i, fore in enumerate(first):
            born = dt.date(1970 + i, 1 + i, 1 + i)
            uow.nominals.add(nominal(f"N{i}").__class__(**{
                **_fields(nominal(f"N{i}")), "forenames": fore, "surname": last[i % 6], "date_of_birth": born}))
            uow.nominals.add(nominal(f"J{i}").__class__(**{
                **_fields(nominal(f"J{i}")), "forenames": fore, "surname": last[i % 6], "provenance": national,
                "marking": Marking.parse("SECRET"),
                "date_of_birth": dt.date(1991, 9, 9) if i == 3 else born}))
        uow.commit()
    with store.unit_of_work(user=SYSTEM) as uow:
        rows, marking, checked = worklist(uow, AS_OF)
        uow.commit()
    open_rows = [r for r in rows if r["check"] == "duplicate"]
    assert [(r["nominal_id"], r["detail"].split(" (")[0]) for r in open_rows] == [
        ("N3", "possible match with national J3")]
    assert "open from reconciliation" in open_rows[0]["detail"]
    assert checked == 12 and str(marking).startswith("SECRET")
    events = [e for e in store.audit_events() if e.operation == "combination"]
    assert events and "reconciled with national" in events[-1].detail

    with store.unit_of_work(user=SYSTEM) as uow:
        record_decision(uow, "regional", "N3", "national", "J3", same=False, note="different people")
        uow.commit()
    with store.unit_of_work(user=SYSTEM) as uow:
        rows, _marking, _checked = worklist(uow, AS_OF)
    assert not [r for r in rows if r["check"] == "duplicate"]


def test_a_bad_reconcile_settings_path_is_a_settings_error_naming_the_field(store: Any) -> None:
    """``reconcile_settings`` naming a file that is not there: one error naming the setting and the
    file (exit 2 on the command line), not a guess with the built-in settings."""
    from ctpse_core.errors import SettingsError
    from ctpse_core.quality.service import load_rules, worklist

    rules = {**load_rules(), "reconcile_settings": "no-such-settings.toml"}
    with store.unit_of_work(user=SYSTEM) as uow, pytest.raises(SettingsError) as caught:
        worklist(uow, AS_OF, rules)
    assert "reconcile_settings" in str(caught.value) and "no-such-settings.toml" in str(caught.value)
