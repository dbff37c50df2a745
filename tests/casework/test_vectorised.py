"""The numpy compliance table equals the rules' compliance for every period."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ctpse_core.casework import Period
from ctpse_core.engagement.rules import Case, compliance
from ctpse_core.engagement.vectorised import compliance_table

D = dt.timedelta(days=1)
BASE = dt.date(2025, 11, 1)


@given(
    st.lists(
        st.tuples(st.sampled_from(["NM1", "NM2", "NM3"]), st.integers(1, 30), st.integers(0, 40),
                  st.lists(st.integers(-5, 150), max_size=15)),
        min_size=1, max_size=10,
    ),
    st.integers(60, 160),
    st.sampled_from(["manager", "force", "region"]),
)
def test_table_equals_rules(people: list[tuple[str, int, int, list[int]]], as_of_day: int, key: str) -> None:
    """For random plans and contacts, each month's (compliant, required) per group is what
    rules.compliance gives for that month alone."""
    cases = [
        Case(nominal_id=f"N{i}", manager=m, every=every, starts_on=BASE + D * start,
             contact_days=tuple(sorted(BASE + D * d for d in days)), force="Kent" if i % 2 else "Surrey")
        for i, (m, every, start, days) in enumerate(people)
    ]
    as_of = BASE + D * as_of_day
    months = [Period.month(2025, 11), Period.month(2025, 12), Period.month(2026, 1), Period.month(2026, 2),
              Period.month(2026, 3), Period.month(2026, 4)]
    table = compliance_table(cases, months, as_of, key)
    for j, month in enumerate(months):
        expected = compliance(cases, month.first, month.last, as_of, key)
        got = {g: row[j] for g, row in table.items() if row[j][1]}
        assert got == expected, (month, got, expected)


def test_hand_made_months() -> None:
    """Every 10 days from 1 Jan, seen on 9 Jan and 2 Feb: January's deadlines (10 Jan met? no -
    seen 9 Jan, so due 19 Jan, missed, 29 Jan missed) -> January 0/1; February (8 Feb missed
    after the 2 Feb contact? due 12 Feb, missed) -> 0/1."""
    case = Case(nominal_id="A", manager="NM1", every=10, starts_on=dt.date(2026, 1, 1),
                contact_days=(dt.date(2026, 1, 9), dt.date(2026, 2, 2)))
    table = compliance_table([case], [Period.month(2026, 1), Period.month(2026, 2)], dt.date(2026, 3, 1))
    assert table == {"NM1": [(0, 1), (0, 1)]}
