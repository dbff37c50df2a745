"""Hand-computed pay rules: each figure below is worked out in the docstring."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from ctpse_core.domain.common import LONDON, UTC
from ctpse_core.errors import InputError
from ctpse_core.finance import Duty, builtin_pay_rules, forecast, parse_pay_rules, price_duty

RULES = builtin_pay_rules()


def duty(start: dt.datetime, end: dt.datetime, *, rank: str = "DC", notified: dt.datetime | None = None,
         kind: str = "deployment", away: bool = False, ident: str = "d1") -> Duty:
    return Duty(id=ident, source_id=ident, kind=kind, staff_id="s1", rank=rank, start=start, end=end,
                operation_id="op-1", team_id="SV-A", budget_code="BC1",
                notified_at=notified or start - dt.timedelta(days=60), out_of_region=away)


def at(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=LONDON)


def test_overtime_outside_the_tour_at_time_and_a_third() -> None:
    """Tue 3 Mar 2026 06:00-18:00 for a DC: 2 h before and 2 h after the 08:00-16:00 tour are
    overtime, 4 h x 2150 p x 4/3 = 11,466.67 p, rounded half up to 11,467 p; the tour is not."""
    lines = price_duty(duty(at(2026, 3, 3, 6), at(2026, 3, 3, 18)), RULES)
    assert [(x.rule, x.seconds, x.pence) for x in lines] == [("overtime", 4 * 3600, 11467)]
    assert lines[0].multiplier == Fraction(4, 3)


def test_shift_crossing_midnight_into_a_bank_holiday() -> None:
    """Wed 24 Dec 2025 20:00 to Thu 25 Dec 04:00 (Christmas Day, a bank holiday): Wednesday's
    4 h are overtime (11,467 p), Thursday's 4 h double time, 4 x 2150 x 2 = 17,200 p."""
    lines = price_duty(duty(at(2025, 12, 24, 20), at(2025, 12, 25, 4)), RULES)
    assert [(x.day, x.rule, x.seconds, x.pence) for x in lines] == [
        (dt.date(2025, 12, 24), "overtime", 4 * 3600, 11467),
        (dt.date(2025, 12, 25), "public-holiday", 4 * 3600, 17200),
    ]
    assert sum(x.pence for x in lines) == 28667


@pytest.mark.parametrize(("days_before", "rule", "pence"), [(14, "rest-day-short-notice", 25800),
                                                             (15, "rest-day-notice", 0)])
def test_rest_day_worked_notified_14_and_15_days_before(days_before: int, rule: str, pence: int) -> None:
    """Sat 7 Mar 2026 08:00-16:00 (a rest day): notified 14 days before is less than 15 days'
    notice, time and a half, 8 h x 2150 x 3/2 = 25,800 p; notified 15 days before, a day in lieu
    and no payment (the 8 hours are still listed)."""
    start = at(2026, 3, 7, 8)
    notified = at(2026, 3, 7, 9) - dt.timedelta(days=days_before)
    lines = price_duty(duty(start, at(2026, 3, 7, 16), notified=notified), RULES)
    assert [(x.rule, x.seconds, x.pence) for x in lines] == [(rule, 8 * 3600, pence)]


def test_night_across_the_october_clock_change() -> None:
    """Sat 25 Oct 2025 22:00 BST to Sun 26 Oct 06:00 GMT is 9 real hours (the clocks go back):
    2 h on Saturday and 7 h on Sunday, both rest days notified 5 days before, so time and a
    half: 2 x 2150 x 1.5 = 6,450 p and 7 x 2150 x 1.5 = 22,575 p."""
    start = dt.datetime(2025, 10, 25, 21, 0, tzinfo=UTC)  # 22:00 BST
    end = dt.datetime(2025, 10, 26, 6, 0, tzinfo=UTC)  # 06:00 GMT
    lines = price_duty(duty(start, end, notified=start - dt.timedelta(days=5)), RULES)
    assert [(x.day, x.seconds, x.pence) for x in lines] == [
        (dt.date(2025, 10, 25), 2 * 3600, 6450),
        (dt.date(2025, 10, 26), 7 * 3600, 22575),
    ]


def test_night_across_the_march_clock_change_is_an_hour_shorter() -> None:
    """Sat 28 Mar 2026 22:00 GMT to Sun 29 Mar 06:00 BST is 7 real hours (2 + 5)."""
    lines = price_duty(duty(at(2026, 3, 28, 22), at(2026, 3, 29, 6), notified=at(2026, 3, 27)), RULES)
    assert [x.seconds // 3600 for x in lines] == [2, 5]


def test_no_overtime_for_inspectors_and_above() -> None:
    """An inspector's 4 hours outside the tour are listed but cost nothing."""
    lines = price_duty(duty(at(2026, 3, 3, 6), at(2026, 3, 3, 18), rank="INSP"), RULES)
    assert [(x.rule, x.seconds, x.pence) for x in lines] == [("overtime", 4 * 3600, 0)]


@pytest.mark.parametrize(("hours", "days"), [(15, 1), (24, 1), (48, 2), (49, 3)])
def test_on_call_allowance_per_started_day(hours: int, days: int) -> None:
    """The on-call allowance (2,000 p) is paid for each started 24 hours of an on-call shift."""
    start = at(2026, 3, 3, 17)
    lines = price_duty(duty(start, start + dt.timedelta(hours=hours), kind="on-call"), RULES)
    assert [(x.rule, x.pence) for x in lines] == [("on-call", 2000 * days)]


def test_out_of_region_travel_and_subsistence() -> None:
    """Out of region, Tue 3 Mar 2026 20:00 to Wed 04:00: 4 h + 4 h overtime (11,467 p each),
    2 h travel each way at time and a third (11,467 p) and subsistence for 2 days (3,000 p)."""
    lines = price_duty(duty(at(2026, 3, 3, 20), at(2026, 3, 4, 4), away=True), RULES)
    assert [(x.rule, x.pence) for x in lines] == [
        ("overtime", 11467), ("overtime", 11467), ("travel", 11467), ("subsistence", 3000)]


def test_a_move_inside_the_notice_period_changes_the_forecast() -> None:
    """A rest-day duty on Sat 7 Mar 2026 notified on Fri 20 Feb (15 days: no payment) moved to
    Sat 28 Feb (8 days' notice) becomes time and a half: the difference is +25,800 p, on the
    week of 23 Feb, and the line for 7 Mar goes."""
    notified = at(2026, 2, 20, 9)
    fc = forecast([duty(at(2026, 3, 7, 8), at(2026, 3, 7, 16), notified=notified)], RULES)
    assert fc.total_pence == 0
    diff = fc.amend([duty(at(2026, 2, 28, 8), at(2026, 2, 28, 16), notified=notified)])
    assert diff.total_pence == 25800
    assert fc.total_pence == 25800
    assert [x.day for x in diff.removed] == [dt.date(2026, 3, 7)]
    assert [(x.rule, x.pence) for x in diff.added] == [("rest-day-short-notice", 25800)]
    assert diff.moved["week"] == {dt.date(2026, 2, 23): 25800}


def test_unusable_rules_name_the_field() -> None:
    """A rank without a rule, or a multiplier written as a float, is an input error naming the field."""
    import tomllib
    from importlib import resources

    data = tomllib.loads(resources.files("ctpse_core.finance").joinpath("payrules.toml").read_text())
    data["rates"]["pence_per_hour"]["PCSO"] = 1500
    data["rule"][0]["multiplier"] = 1.3333
    with pytest.raises(InputError) as caught:
        parse_pay_rules(data, "mine.toml")
    text = "\n".join(caught.value.lines())
    assert "rule[1].multiplier" in text
    assert "PCSO has no rule for overtime" in text
    assert "mine.toml" in text
