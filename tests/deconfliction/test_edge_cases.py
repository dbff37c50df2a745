"""The boundaries that matter, pinned down (and checked against the oracle too)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from ctpse_core.deconfliction import DeploymentFrame, Settings, find_conflicts
from ctpse_core.deconfliction.oracle import brute_force
from ctpse_core.deconfliction.rules import builtin_rules
from ctpse_core.deconfliction.spatial import haversine_m
from ctpse_core.domain.common import LONDON, UTC
from ctpse_core.domain.surveillance import Deployment, Location

CAPS = {"team-a": 6, "team-b": 6}


def dep(
    i: str,
    start: dt.datetime,
    end: dt.datetime,
    team: str = "team-a",
    op: str = "op-a",
    staff: tuple[str, ...] = (),
    subjects: tuple[str, ...] = (),
    loc: Location | None = None,
    officers: int = 1,
) -> Deployment:
    return Deployment(
        id=i,
        operation_id=op,
        team_id=team,
        start=start,
        end=end,
        staff_ids=staff,
        subject_ids=subjects,
        location=loc,
        officers=officers,
    )


def keys(
    ds: list[Deployment], settings: Settings | None = None
) -> set[tuple[str, tuple[str, ...]]]:
    s = settings or Settings()
    got = find_conflicts(DeploymentFrame.from_deployments(ds, CAPS), builtin_rules(), s).keys()
    assert got == brute_force(ds, CAPS, s)
    return got


def ldt(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def test_touching_intervals_do_not_overlap() -> None:
    """A deployment ending at 14:00 and one starting at 14:00 are not double-booked."""
    got = keys(
        [
            dep("a", ldt(2025, 5, 6, 8), ldt(2025, 5, 6, 14)),
            dep("b", ldt(2025, 5, 6, 14), ldt(2025, 5, 6, 20)),
        ]
    )
    assert ("team-double-booking", ("a", "b")) not in got


def test_equal_starts_overlap() -> None:
    """Two deployments starting at the same instant overlap, whatever their lengths."""
    got = keys(
        [
            dep("a", ldt(2025, 5, 6, 8), ldt(2025, 5, 6, 9)),
            dep("b", ldt(2025, 5, 6, 8), ldt(2025, 5, 7, 20)),
        ]
    )
    assert ("team-double-booking", ("a", "b")) in got


def test_zero_length_deployment_conflicts_with_nothing() -> None:
    """A deployment whose end equals its start occupies no time."""
    got = keys(
        [
            dep("a", ldt(2025, 5, 6, 8), ldt(2025, 5, 6, 8), staff=("p1",)),
            dep("b", ldt(2025, 5, 6, 7), ldt(2025, 5, 6, 9), staff=("p1",)),
        ]
    )
    assert got == set()


def test_distance_exactly_radius_sum_conflicts() -> None:
    """Areas whose centres are exactly r1 + r2 + buffer apart conflict; a hair further do not."""
    p1, p2 = (51.45, -0.97), (51.46, -0.95)
    d = float(
        haversine_m(np.array([p1[0]]), np.array([p1[1]]), np.array([p2[0]]), np.array([p2[1]]))[0]
    )
    start, end = ldt(2025, 5, 6, 8), ldt(2025, 5, 6, 12)

    def pair(radius: float) -> list[Deployment]:
        return [
            dep(
                "a",
                start,
                end,
                team="team-a",
                op="op-a",
                loc=Location(lat=p1[0], lon=p1[1], radius_m=radius),
            ),
            dep(
                "b",
                start,
                end,
                team="team-b",
                op="op-b",
                loc=Location(lat=p2[0], lon=p2[1], radius_m=0.0),
            ),
        ]

    assert ("proximity", ("a", "b")) in keys(pair(d - 100.0), Settings(buffer_m=100.0))
    assert ("proximity", ("a", "b")) in keys(pair(d), Settings(buffer_m=0.0))
    assert keys(pair(float(np.nextafter(d, 0))), Settings(buffer_m=0.0)) == set()


def test_cross_midnight_and_multi_day_windows() -> None:
    """A 22:00-06:00 deployment overlaps a 05:00 start next day; a three-day one overlaps both."""
    night = dep("night", ldt(2025, 5, 6, 22), ldt(2025, 5, 7, 6), staff=("p1",))
    dawn = dep("dawn", ldt(2025, 5, 7, 5), ldt(2025, 5, 7, 9), staff=("p1",), team="team-b")
    long = dep(
        "long", ldt(2025, 5, 5, 9), ldt(2025, 5, 8, 9), team="team-b", subjects=("s1",), op="op-b"
    )
    got = keys([night, dawn, long])
    assert ("person-double-booking", ("dawn", "night")) in got
    assert ("team-double-booking", ("dawn", "long")) in got


def test_spring_forward_night_is_compared_in_real_time() -> None:
    """On 30 March 2025 01:00-03:00 London wall-clock is one real hour: a 00:30-03:30 shift
    (2 h 00 real) overlaps a 01:59 GMT..."""
    # 00:30 GMT to 03:30 BST is 02:00 real hours; a deployment from 02:30 UTC is after it.
    a = dep("a", ldt(2025, 3, 30, 0, 30), ldt(2025, 3, 30, 3, 30), staff=("p1",))
    b = dep(
        "b",
        dt.datetime(2025, 3, 30, 2, 30, tzinfo=UTC),
        ldt(2025, 3, 30, 6, 0),
        staff=("p1",),
        team="team-b",
    )
    assert a.end.astimezone(UTC) == dt.datetime(2025, 3, 30, 2, 30, tzinfo=UTC)
    got = keys([a, b])
    assert ("person-double-booking", ("a", "b")) not in got  # touching in real time
    assert ("rest", ("a", "b")) in got


def test_fall_back_night_repeated_hour() -> None:
    """On 26 October 2025 01:00-02:00 happens twice; the first 01:30 (BST) and the second
    01:30 (GMT) are an hour apart, so deployments in each do not overlap."""
    first = dt.datetime(2025, 10, 26, 1, 30, tzinfo=LONDON, fold=0)
    second = dt.datetime(2025, 10, 26, 1, 30, tzinfo=LONDON, fold=1)
    assert (second.astimezone(UTC) - first.astimezone(UTC)) == dt.timedelta(hours=1)
    half = dt.timedelta(minutes=30)
    f, s = first.astimezone(UTC), second.astimezone(UTC)  # arithmetic on real time, not wall time
    a = dep("a", f - half, f + half)
    b = dep("b", s - half, s + half)
    got = keys([a, b])
    assert ("team-double-booking", ("a", "b")) not in got  # 01:00 BST-02:00 BST vs 01:00-02:00 GMT
    c = dep(
        "c", second - dt.timedelta(hours=1), second
    )  # 00:30 BST... wall-clock 00:30 to 01:30 GMT
    assert ("team-double-booking", ("a", "c")) in keys([a, c])
    c = dep("c", first, first + dt.timedelta(minutes=1))
    assert ("team-double-booking", ("a", "c")) in keys([a, c])


def test_rest_exactly_eleven_hours_is_enough() -> None:
    """Eleven hours to the second between two duties is enough rest; a minute less is not."""
    a = dep("a", ldt(2025, 5, 6, 8), ldt(2025, 5, 6, 18), staff=("p1",))
    ok = dep("b", ldt(2025, 5, 7, 5), ldt(2025, 5, 7, 9), staff=("p1",))
    short = dep("c", ldt(2025, 5, 7, 4, 59), ldt(2025, 5, 7, 9), staff=("p1",))
    assert keys([a, ok]) == set()
    assert keys([a, short]) == {("rest", ("a", "c"))}


def test_capacity_single_and_concurrent() -> None:
    """A deployment asking for more officers than the team has, and overlapping ones that
    together need more, are capacity conflicts; the set is reported once per window."""
    a = dep("a", ldt(2025, 5, 6, 8), ldt(2025, 5, 6, 12), officers=7)
    b = dep("b", ldt(2025, 5, 6, 10), ldt(2025, 5, 6, 16), officers=3, team="team-b")
    c = dep("c", ldt(2025, 5, 6, 11), ldt(2025, 5, 6, 15), officers=4, team="team-b")
    got = keys([a, b, c])
    assert ("capacity", ("a",)) in got
    assert ("capacity", ("b", "c")) in got


def test_check_sees_a_capacity_run_through_touching_deployments() -> None:
    """A capacity run through two deployments that only touch (each over capacity together
    with the new one, 4 + 3 of 6) is one run, found by check()."""
    from ctpse_core.deconfliction.index import DeconflictionIndex

    a = dep("a", ldt(2025, 5, 6, 8), ldt(2025, 5, 6, 12), officers=4)
    b = dep("b", ldt(2025, 5, 6, 12), ldt(2025, 5, 6, 16), officers=4)
    c = dep("c", ldt(2025, 5, 6, 11), ldt(2025, 5, 6, 13), officers=3)
    index = DeconflictionIndex.build([a, b], CAPS, builtin_rules())
    got = {(x.rule, x.deployment_ids) for x in index.check(c).conflicts}
    want = {k for k in brute_force([a, b, c], CAPS) if "c" in k[1]}
    assert got == want and ("capacity", ("a", "b", "c")) in got
