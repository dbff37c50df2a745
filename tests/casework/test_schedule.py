"""The proposed contact schedule: earliest deadline first, never beyond capacity, never on leave."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from ctpse_core.engagement.rules import Case, propose_schedule

D = dt.timedelta(days=1)
MON = dt.date(2026, 3, 16)


def _case(ident: str, due_in: int, every: int = 28, manager: str = "NM1") -> Case:
    starts = MON + D * (due_in - every)
    return Case(nominal_id=ident, manager=manager, every=every, starts_on=starts)


def test_earliest_deadline_first_within_capacity() -> None:
    """Capacity 1 a day: the nominal due soonest is seen first, then the next."""
    cases = [_case("LATER", 3), _case("SOONER", 1), _case("OVERDUE", -2)]
    got, left = propose_schedule(cases, MON, 3, {"NM1": 1}, {})
    assert [(p.nominal_id, p.day) for p in got] == [("OVERDUE", MON), ("SOONER", MON + D), ("LATER", MON + 2 * D)]
    assert got[0].late and not got[1].late and left == []


def test_never_on_leave_or_closed_days() -> None:
    """On leave Monday and Tuesday, Wednesday a bank holiday: both contacts land on Thursday (capacity 2)."""
    cases = [_case("A", 1), _case("B", 2)]
    got, _left = propose_schedule(cases, MON, 7, {"NM1": 2}, {"NM1": frozenset({MON, MON + D})},
                                  closed=frozenset({MON + 2 * D}))
    assert {p.day for p in got[:2]} == {MON + 3 * D}
    assert all(p.day not in (MON, MON + D, MON + 2 * D) for p in got)


def test_who_cannot_keep_up_is_reported() -> None:
    """Three due in the first two days, capacity 1 and a two-day horizon: one deadline left."""
    cases = [_case("A", 0), _case("B", 0), _case("C", 1)]
    got, left = propose_schedule(cases, MON, 2, {"NM1": 1}, {})
    assert len(got) == 2 and [n for _m, n, _d in left] == ["C"]


def test_not_planned_long_before_due() -> None:
    """A contact due in 40 days is not proposed in a two-week horizon (ready 7 days before)."""
    got, left = propose_schedule([_case("A", 40, every=91)], MON, 14, {"NM1": 3}, {})
    assert got == [] and left == []


@st.composite
def _problems(draw: st.DrawFn) -> tuple[list[Case], dict[str, int], dict[str, frozenset[dt.date]], frozenset[dt.date]]:
    managers = ["NM1", "NM2", "NM3"][: draw(st.integers(1, 3))]
    cases = [
        _case(f"N{i}", draw(st.integers(-10, 30)), draw(st.sampled_from([7, 14, 28, 56])),
              draw(st.sampled_from(managers)))
        for i in range(draw(st.integers(0, 25)))
    ]
    capacity = {m: draw(st.integers(0, 3)) for m in managers}
    leave = {m: frozenset(MON + D * d for d in draw(st.sets(st.integers(0, 27), max_size=8))) for m in managers}
    closed = frozenset(MON + D * d for d in draw(st.sets(st.integers(0, 27), max_size=8)))
    return cases, capacity, leave, closed


@given(_problems())
def test_schedule_properties(problem: tuple[list[Case], dict[str, int], dict[str, frozenset[dt.date]],
                                            frozenset[dt.date]]) -> None:
    """Never more than capacity a day, never on leave or closed days, and earliest deadline first:
    nothing proposed on a day while a ready contact with an earlier deadline waits."""
    cases, capacity, leave, closed = problem
    got, left = propose_schedule(cases, MON, 28, capacity, leave, closed)
    per_day = Counter((p.manager, p.day) for p in got)
    assert all(n <= capacity[m] for (m, _d), n in per_day.items())
    assert all(p.day not in leave[p.manager] and p.day not in closed for p in got)
    assert all(MON <= p.day < MON + 28 * D for p in got)
    # EDF and no idling: when a later-proposed contact was already ready on an earlier day,
    # that day was full and every contact on it was due no later.
    ready: dict[int, dt.date] = {}
    previous: dict[str, dt.date] = {}
    for i, p in enumerate(got):
        ready[i] = max(MON if p.nominal_id not in previous else previous[p.nominal_id] + D, p.due_on - 7 * D)
        previous[p.nominal_id] = p.day
    for j, b in enumerate(got):
        for a in got:
            if a.manager == b.manager and ready[j] <= a.day < b.day:
                assert a.due_on <= b.due_on
                assert per_day[(a.manager, a.day)] == capacity[a.manager]
    ids = {c.nominal_id for c in cases}
    for m, n, due in left:
        assert due < MON + 28 * D and m in capacity and n in ids
