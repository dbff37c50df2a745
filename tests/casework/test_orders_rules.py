"""Each order type's key-date rule on a hand-made order (packaged order_types.toml)."""

from __future__ import annotations

import datetime as dt

import pytest

from ctpse_core.domain import CivilOrder, OrderStatus, OrderType
from ctpse_core.errors import InputError
from ctpse_core.orders.rules import add_term, key_dates, parse_rules, term_problems
from ctpse_core.orders.service import load_rules

RULES = load_rules()
AS_OF = dt.date(2026, 3, 16)


def _order(kind: str, **kw: object) -> CivilOrder:
    return CivilOrder(id=f"O-{kind}", nominal_id="N1", order_type=OrderType(kind), **kw)  # type: ignore[arg-type]


def _dates(order: CivilOrder, as_of: dt.date = AS_OF, renewed: bool = False) -> dict[str, tuple[dt.date, bool | None]]:
    return {k.what: (k.on, k.done) for k in key_dates(order, RULES[str(order.order_type)], as_of, renewed)}


def test_every_rule_cites_a_source() -> None:
    """Every order type has a title and a source for its term; every step and review has one."""
    assert set(RULES) == {t.value for t in OrderType}
    for rule in RULES.values():
        assert rule.title and rule.term_source
        assert all(step.source for step in rule.steps)
        assert rule.review_every_days is None or rule.review_source


def test_term_ends_the_day_before_the_anniversary() -> None:
    """One year from 1 Mar 2026 ends 28 Feb 2027; six months from 31 Aug ends 27 Feb (clamped, less a day)."""
    assert add_term(dt.date(2026, 3, 1), {"years": 1}) == dt.date(2027, 2, 28)
    assert add_term(dt.date(2026, 8, 31), {"months": 6}) == dt.date(2027, 2, 27)


def test_tpim_one_year_directions_hearing_review_and_window() -> None:
    """TPIM served 1 Mar 2026: expires 28 Feb 2027; directions hearing by 7 Mar; review quarterly
    (next after 16 Mar: 31 May); extension window 56 to 21 days before expiry."""
    d = _dates(_order("TPIM", made_on=dt.date(2026, 3, 1)))
    assert d["expiry"][0] == dt.date(2027, 2, 28)
    assert d["directions hearing held"][0] == dt.date(2026, 3, 7)
    assert d["review"][0] == dt.date(2026, 5, 31)
    assert d["application window opens"][0] == dt.date(2027, 1, 3)
    assert d["application window closes"][0] == dt.date(2027, 2, 7)


def test_notification_initial_and_annual() -> None:
    """Released 10 Mar 2026: initial notification due 12 Mar (3 days beginning with the day);
    not notified by 16 Mar -> missed. Notified 11 Mar 2025 last: annual due 11 Mar 2026 -> missed."""
    fresh = _dates(_order("NOTIFICATION", starts_on=dt.date(2026, 3, 10)))
    assert fresh["initial notification"] == (dt.date(2026, 3, 12), False)
    done = _dates(_order("NOTIFICATION", starts_on=dt.date(2026, 3, 10), last_notified_on=dt.date(2026, 3, 11)))
    assert done["initial notification"] == (dt.date(2026, 3, 12), True)
    assert done["annual re-notification"] == (dt.date(2027, 3, 11), None)
    old = _dates(_order("NOTIFICATION", starts_on=dt.date(2020, 1, 6), last_notified_on=dt.date(2025, 3, 11)))
    assert old["annual re-notification"] == (dt.date(2026, 3, 11), False)


def test_scpo_five_years_and_longer_flagged() -> None:
    """SCPO from 1 Apr 2025 expires 31 Mar 2030 by default; one recorded to 2031 breaks s.16."""
    d = _dates(_order("SCPO", made_on=dt.date(2025, 4, 1)))
    assert d["expiry"][0] == dt.date(2030, 3, 31)
    too_long = _order("SCPO", made_on=dt.date(2025, 4, 1), expires_on=dt.date(2031, 1, 1))
    assert any("longest term" in p for p in term_problems(too_long, RULES["SCPO"]))


def test_licence_first_appointment_and_review() -> None:
    """Licence from release 2 Mar 2026: first appointment the same day, review 91 days on (1 Jun)."""
    d = _dates(_order("LICENCE", starts_on=dt.date(2026, 3, 2), made_on=dt.date(2026, 3, 2),
                      expires_on=dt.date(2028, 3, 1)))
    assert d["first probation appointment"][0] == dt.date(2026, 3, 2)
    assert d["review"][0] == dt.date(2026, 6, 1)


def test_teo_two_years() -> None:
    """A Temporary Exclusion Order imposed 16 Mar 2026 ends 15 Mar 2028."""
    assert _dates(_order("TORDER", made_on=dt.date(2026, 3, 16)))["expiry"][0] == dt.date(2028, 3, 15)


def test_shpo_shorter_than_five_years_flagged() -> None:
    """An SHPO recorded for four years is shorter than the law allows."""
    order = _order("SOPO", made_on=dt.date(2026, 1, 1), expires_on=dt.date(2029, 12, 31))
    assert any("shortest term" in p for p in term_problems(order, RULES["SOPO"]))


def test_foreign_travel_restriction_six_months() -> None:
    """A foreign travel restriction order from 1 Jan 2026 ends 30 Jun 2026."""
    assert _dates(_order("PART4", made_on=dt.date(2026, 1, 1)))["expiry"][0] == dt.date(2026, 6, 30)


def test_window_closed_without_renewal_is_missed() -> None:
    """A foreign travel restriction order ending 30 Jun 2026: window closes 16 Jun; as of 20 Jun,
    missed unless a later order was applied for."""
    order = _order("PART4", made_on=dt.date(2026, 1, 1))
    assert _dates(order, dt.date(2026, 6, 20))["application window closes"] == (dt.date(2026, 6, 16), False)
    assert _dates(order, dt.date(2026, 6, 20), renewed=True)["application window closes"][1] is True


def test_recorded_dates_win() -> None:
    """A recorded expiry and review replace the rule's."""
    d = _dates(_order("TPIM", made_on=dt.date(2026, 3, 1), expires_on=dt.date(2026, 12, 1),
                      review_on=dt.date(2026, 3, 10)))
    assert d["expiry"] == (dt.date(2026, 12, 1), None)
    assert d["review"] == (dt.date(2026, 3, 10), False)


def test_considered_order_has_no_deadlines() -> None:
    """An order only considered has no review or steps yet."""
    d = _dates(_order("TPIM", status=OrderStatus.CONSIDERED))
    assert d == {}


def test_bad_rules_are_input_errors() -> None:
    """An unknown order type or anchor is one error line each."""
    with pytest.raises(InputError) as info:
        parse_rules({"NOPE": {}, "TPIM": {"steps": [{"name": "x", "anchor": "moon"}]}})
    assert len(info.value.lines()) == 2
