"""Engagement rules on hand-made cases whose answers are obvious (frozen as-of dates)."""

from __future__ import annotations

import datetime as dt

from casework_cases import AS_OF, contact, nominal, plan

from ctpse_core.engagement.rules import Case, compliance, deadlines, is_compliant, next_due
from ctpse_core.engagement.service import build_cases, due_rows, load_policy, overdue_rows

D = dt.timedelta(days=1)
START = dt.date(2026, 1, 1)


def case(days: list[int], every: int = 10, manager: str = "NM1", force: str = "Kent") -> Case:
    return Case(nominal_id="N1", manager=manager, every=every, starts_on=START,
                contact_days=tuple(START + D * d for d in days), force=force)


def test_first_deadline_runs_from_the_plan_start() -> None:
    """With no contact, the first contact is due `every` days after the plan starts."""
    assert next_due(case([]), START) == START + D * 10


def test_each_contact_restarts_the_clock() -> None:
    """Contacts on day 8 and 15: next due day 25."""
    assert next_due(case([8, 15]), START + D * 20) == START + D * 25


def test_contact_on_the_deadline_day_meets_it() -> None:
    """A contact on exactly day 10 meets the day-10 deadline."""
    first = deadlines(case([10]), START + D * 30)[0]
    assert first.due_on == START + D * 10 and first.met_on == START + D * 10


def test_late_contact_misses_and_restarts() -> None:
    """Contact on day 12 misses the day-10 deadline; the next runs from day 12 (due day 22)."""
    got = deadlines(case([12]), START + D * 15)
    assert got[0].due_on == START + D * 10 and got[0].met_on is None and got[0].late_on == START + D * 12
    assert got[1].due_on == START + D * 22


def test_contacts_after_the_as_of_day_are_not_known() -> None:
    """As of day 9, a contact on day 9 counts but one on day 11 does not exist yet."""
    assert next_due(case([9, 11]), START + D * 9) == START + D * 19
    assert next_due(case([11]), START + D * 9) == START + D * 10


def test_compliance_none_when_nothing_required() -> None:
    """No deadline in the period: the nominal is not counted (None)."""
    assert is_compliant(case([], every=90), START, START + D * 30, START + D * 60) is None


def test_deadline_today_is_not_judged_yet() -> None:
    """A deadline on the as-of day can still be met: not counted as missed."""
    assert is_compliant(case([]), START, START + D * 30, START + D * 10) is None
    assert is_compliant(case([]), START, START + D * 30, START + D * 11) is False


def test_compliance_per_manager_force_and_region() -> None:
    """Two of three compliant: NM1 1/1, NM2 1/2; Kent 2/2, Surrey 0/1; region 2/3."""
    cases = [
        Case(nominal_id="A", manager="NM1", every=10, starts_on=START, contact_days=(START + D * 9,), force="Kent"),
        Case(nominal_id="B", manager="NM2", every=10, starts_on=START, contact_days=(START + D * 10,), force="Kent"),
        Case(nominal_id="C", manager="NM2", every=10, starts_on=START, contact_days=(START + D * 11,),
             force="Surrey"),
    ]
    first, last, as_of = START, START + D * 12, START + D * 13
    assert compliance(cases, first, last, as_of, "manager") == {"NM1": (1, 1), "NM2": (1, 2)}
    assert compliance(cases, first, last, as_of, "force") == {"Kent": (2, 2), "Surrey": (0, 1)}
    assert compliance(cases, first, last, as_of, "region") == {"region": (2, 3)}


def test_policy_stricter_than_plan_wins() -> None:
    """A licence tier-1 nominal (policy 7 days) with a 28-day plan is held to 7 days."""
    policy = load_policy()
    cases, _flags, _last = build_cases([nominal("N1", "licence", "1")], [plan("N1", 28, START)], [], AS_OF, policy)
    assert cases[0].every == 7


def test_plan_stricter_than_policy_wins() -> None:
    """A community tier-4 nominal (policy 91 days) with a 14-day plan is held to 14 days."""
    cases, _f, _l = build_cases([nominal("N1")], [plan("N1", 14, START)], [], AS_OF, load_policy())
    assert cases[0].every == 14


def test_flags_no_manager_and_no_plan() -> None:
    """A nominal with no manager and no plan is flagged twice; a closed one not at all."""
    _c, flags, _l = build_cases([nominal("N1", manager=None), nominal("N2", "closed")], [], [], AS_OF, load_policy())
    assert sorted(r for _n, _m, r in flags) == ["no contact plan", "no nominal manager"]


def test_contact_not_counting_by_policy() -> None:
    """With by_others false, a partner's contact does not count; a method outside the list never does."""
    from ctpse_core.engagement.rules import parse_policy

    policy = parse_policy({"intervals": {}, "counts": {"methods": ["in-person"], "by_others": False}})
    contacts = [contact("N1", START + D * 5, manager="PARTNER"), contact("N1", START + D * 6, method="phone")]
    cases, _f, _l = build_cases([nominal("N1")], [plan("N1", 10, START)], contacts, AS_OF, policy)
    assert cases[0].contact_days == ()


def test_due_and_overdue_lists() -> None:
    """As of 16 Mar: N1 due 20 Mar (due soon), N2 due 10 Mar (overdue 6 days), N3 due 1 Apr (neither)."""
    from ctpse_core.domain.marking import Marking
    from ctpse_core.engagement.service import Caseload

    nominals = [nominal("N1"), nominal("N2"), nominal("N3")]
    plans = [plan("N1", 14, dt.date(2026, 3, 6)), plan("N2", 14, dt.date(2026, 2, 24)),
             plan("N3", 16, dt.date(2026, 3, 16))]
    cases, flags, last = build_cases(nominals, plans, [], AS_OF, load_policy())
    load = Caseload(as_of=AS_OF, cases=tuple(cases), nominals={n.id: n for n in nominals}, flagged=tuple(flags),
                    marking=Marking(), last_contact=last)
    due = due_rows(load, 7)
    over = overdue_rows(load)
    assert [(r["nominal_id"], r["due_on"]) for r in due] == [("N1", "2026-03-20")]
    assert [(r["nominal_id"], r["days_overdue"]) for r in over] == [("N2", 6)]


def test_no_contact_misses_every_interval() -> None:
    """Never seen on a 10-day plan: deadlines on days 10, 20 and 30 are all missed by day 35,
    so each month without a contact is non-compliant."""
    got = deadlines(case([]), START + D * 35)
    assert [(d.due_on - START).days for d in got] == [10, 20, 30, 40]
    assert all(d.met_on is None for d in got)
    assert is_compliant(case([]), START + D * 25, START + D * 34, START + D * 35) is False
