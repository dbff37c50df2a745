"""Hypothesis strategies for deployments (one place, shared by the deconfliction tests)."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import strategies as st

from ctpse_core.domain.common import LONDON, UTC
from ctpse_core.domain.surveillance import Deployment, DeploymentStatus, Location

#: the nights the Europe/London clocks change in 2025 (spring forward, fall back).
SPRING = dt.datetime(2025, 3, 30, 1, 0, tzinfo=UTC)
AUTUMN = dt.datetime(2025, 10, 26, 1, 0, tzinfo=UTC)
CAPACITIES = {"team-a": 6, "team-b": 10, "team-c": 4}
TEAMS = [*CAPACITIES, "team-unknown"]
#: a few fixed points so that exact-distance ties and shared cells happen often.
POINTS = [
    (51.4500, -0.9700),
    (51.4500, -0.9628),
    (51.4545, -0.9700),
    (51.2000, 0.5000),
    (50.8300, -0.1400),
    (51.4509, -0.9700),
]


@st.composite
def deployments(draw: st.DrawFn, max_size: int = 40) -> list[Deployment]:
    """Deployments near one clock change, on a quarter-hour grid (so equal starts and
    touching ends are common), some multi-day, some crossing midnight."""
    anchor = draw(st.sampled_from([SPRING, AUTUMN]))
    count = draw(st.integers(0, max_size))
    out: list[Deployment] = []
    for i in range(count):
        start = anchor + dt.timedelta(minutes=15 * draw(st.integers(-96, 96)))
        minutes = draw(
            st.one_of(
                st.integers(0, 64).map(lambda q: 15 * q), st.integers(24, 72).map(lambda h: 60 * h)
            )
        )
        location = None
        if draw(st.booleans()) or draw(st.booleans()):
            lat, lon = draw(st.sampled_from(POINTS))
            location = Location(
                lat=lat, lon=lon, radius_m=draw(st.sampled_from([0.0, 100.0, 250.0, 400.0]))
            )
        out.append(
            Deployment(
                id=f"dep-{i:03d}",
                operation_id=draw(st.sampled_from(["op-orchid", "op-heron", "op-willow"])),
                team_id=draw(st.sampled_from(TEAMS)),
                start=start.astimezone(LONDON) if draw(st.booleans()) else start,
                end=start + dt.timedelta(minutes=minutes),
                location=location,
                staff_ids=tuple(
                    draw(
                        st.lists(
                            st.sampled_from([f"staff-{k}" for k in range(6)]),
                            max_size=3,
                            unique=True,
                        )
                    )
                ),
                officers=draw(st.integers(1, 8)),
                subject_ids=tuple(
                    draw(
                        st.lists(
                            st.sampled_from([f"subj-{k}" for k in range(5)]),
                            max_size=2,
                            unique=True,
                        )
                    )
                ),
                status=draw(
                    st.sampled_from(
                        [
                            DeploymentStatus.PLANNED,
                            DeploymentStatus.PLANNED,
                            DeploymentStatus.CANCELLED,
                        ]
                    )
                ),
            )
        )
    return out


def random_deployments(rng: random.Random, max_size: int = 15) -> list[Deployment]:
    """The same distribution as :func:`deployments`, from a seeded ``random.Random``: for
    running thousands of cases in every run at a fraction of Hypothesis's cost per case."""
    anchor = rng.choice([SPRING, AUTUMN])
    out: list[Deployment] = []
    for i in range(rng.randint(0, max_size)):
        start = anchor + dt.timedelta(minutes=15 * rng.randint(-96, 96))
        minutes = 15 * rng.randint(0, 64) if rng.random() < 0.5 else 60 * rng.randint(24, 72)
        location = None
        if rng.random() < 0.75:
            lat, lon = rng.choice(POINTS)
            location = Location(lat=lat, lon=lon, radius_m=rng.choice([0.0, 100.0, 250.0, 400.0]))
        out.append(
            Deployment(
                id=f"dep-{i:03d}",
                operation_id=rng.choice(["op-orchid", "op-heron", "op-willow"]),
                team_id=rng.choice(TEAMS),
                start=start.astimezone(LONDON) if rng.random() < 0.5 else start,
                end=start + dt.timedelta(minutes=minutes),
                location=location,
                staff_ids=tuple(rng.sample([f"staff-{k}" for k in range(6)], rng.randint(0, 3))),
                officers=rng.randint(1, 8),
                subject_ids=tuple(rng.sample([f"subj-{k}" for k in range(5)], rng.randint(0, 2))),
                status=rng.choice([DeploymentStatus.PLANNED, DeploymentStatus.PLANNED, DeploymentStatus.CANCELLED]),
            )
        )
    return out
