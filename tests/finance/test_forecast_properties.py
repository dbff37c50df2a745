"""Properties of the forecast: totals add up at every breakdown, amendments equal a full
recomputation, and no penny is lost."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from ctpse_core.finance import BREAKDOWNS, Duty, builtin_pay_rules, forecast, money

from .strategies import duties, duty_sets

RULES = builtin_pay_rules()


@given(duty_sets())
def test_total_equals_the_sum_of_lines_at_every_breakdown(items: list[Duty]) -> None:
    """For every breakdown, the totals by key add up to the forecast total and to the lines."""
    fc = forecast(items, RULES)
    lines = list(fc.lines())
    assert fc.total_pence == sum(x.pence for x in lines)
    for by in BREAKDOWNS:
        assert sum(fc.totals(by).values()) == fc.total_pence
        assert sum(int(row["pence"]) for row in fc.breakdown(by)) == fc.total_pence


@given(duty_sets(), st.data())
def test_recompute_after_amendments_equals_a_full_recompute(items: list[Duty], data: st.DataObject) -> None:
    """Amending (changing, removing, adding duties) leaves exactly the lines and totals a
    fresh forecast of the final duties has, and the difference is the change in total."""
    fc = forecast(items, RULES)
    final = {d.id: d for d in items}
    for _ in range(data.draw(st.integers(1, 4))):
        before = fc.total_pence
        changed = [data.draw(duties(ident=f"duty-{data.draw(st.integers(0, 15))}"))]
        removed = [i for i in final if data.draw(st.booleans()) and data.draw(st.booleans())]
        for i in removed:
            final.pop(i)
        for d in changed:
            final[d.id] = d
        diff = fc.amend(changed, [i for i in removed if i not in {d.id for d in changed}])
        assert fc.total_pence - before == diff.total_pence
    fresh = forecast(final.values(), RULES)
    assert sorted(fc.lines(), key=repr) == sorted(fresh.lines(), key=repr)
    for by in BREAKDOWNS:
        assert fc.totals(by) == fresh.totals(by)
    assert fc.total_pence == fresh.total_pence


@given(duty_sets())
def test_money_never_loses_a_penny(items: list[Duty]) -> None:
    """Each line is its exact amount rounded to the nearest penny (never more than half a penny
    out), and the pounds shown for every breakdown add up to the pounds of the total."""
    fc = forecast(items, RULES)
    for line in fc.lines():
        if line.rule in ("on-call", "subsistence"):
            assert line.pence == line.rate * line.multiplier
            continue
        exact = Fraction(line.seconds * line.rate, 3600) * line.multiplier
        assert abs(line.pence - exact) <= Fraction(1, 2)
    for by in BREAKDOWNS:
        assert sum((money(p) for p in fc.totals(by).values()), money(0)) == money(fc.total_pence)
