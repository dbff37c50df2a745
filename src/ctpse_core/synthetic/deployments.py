"""A synthetic (fictional) surveillance week: teams, operations, subjects, deployments.

Realistic where it matters for deconfliction: deployments cluster around a few places
in South East England (so areas overlap), operations share subjects, teams and officers
are booked back to back, some deployments cross midnight or last several days, and the
default week is the one in which the Europe/London clocks go forward. Operation names
are obviously fictional ("Op EXAMPLE-ORCHID"). Deployments and operations are marked SECRET
(they describe covert deployments). The same seed gives the same data.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from ctpse_core.arrays import sorted_unique
from ctpse_core.deconfliction.frame import DeploymentFrame, from_micros, make_frame, to_micros
from ctpse_core.domain.common import LONDON, UTC
from ctpse_core.domain.surveillance import COVERT, Deployment, Location, Operation, Team

__all__ = ["SyntheticWeek", "synthetic_week", "write_deployments_file"]

#: Monday of the week the clocks go forward in 2025 (Sunday 30 March).
SPRING_WEEK = dt.date(2025, 3, 24)
_WORDS = [
    "ORCHID",
    "HERON",
    "WILLOW",
    "FALCON",
    "BRAMBLE",
    "KESTREL",
    "MAPLE",
    "OTTER",
    "LARCH",
    "PLOVER",
    "THISTLE",
    "BADGER",
    "ROWAN",
    "WREN",
    "HAZEL",
    "MARTEN",
]
_TEAMS = ["SV-ALPHA", "SV-BRAVO", "SV-CHARLIE", "SV-DELTA"]
#: fictional place names around real-looking SE England coordinates.
_PLACES = [
    ("Fictonbury", 51.455, -0.975),
    ("Sampleton", 51.270, 1.080),
    ("Exampleford", 50.830, -0.140),
    ("Placeholder Heath", 51.750, -1.250),
    ("Mockham", 51.240, -0.570),
    ("Testwick", 50.910, -1.400),
    ("Dummington", 51.380, 0.520),
    ("Notreal-on-Sea", 51.130, 1.310),
]


@attrs.frozen(eq=False)
class SyntheticWeek:
    """Everything needed to de-conflict: deployments as a frame, plus teams and operations."""

    frame: DeploymentFrame
    teams: tuple[Team, ...]
    operations: tuple[Operation, ...]
    status: tuple[str, ...] = ()

    def deployments(self) -> list[Deployment]:
        fr = self.frame
        staff: list[list[str]] = [[] for _ in range(len(fr))]
        for r, k in zip(fr.staff_row.tolist(), fr.staff_key.tolist(), strict=True):
            staff[r].append(fr.staff_names[k])
        subjects: list[list[str]] = [[] for _ in range(len(fr))]
        for r, k in zip(fr.subject_row.tolist(), fr.subject_key.tolist(), strict=True):
            subjects[r].append(fr.subject_names[k])
        return [
            Deployment(
                id=fr.ids[i],
                operation_id=fr.op_names[int(fr.op[i])],
                team_id=fr.team_names[int(fr.team[i])],
                start=from_micros(int(fr.start[i])),
                end=from_micros(int(fr.end[i])),
                location=Location(
                    lat=round(float(fr.lat[i]), 6),
                    lon=round(float(fr.lon[i]), 6),
                    radius_m=float(fr.radius[i]),
                ),
                staff_ids=tuple(staff[i]),
                officers=int(fr.officers[i]),
                subject_ids=tuple(subjects[i]),
                marking=COVERT,
            )
            for i in range(len(fr))
        ]


def synthetic_week(count: int, seed: int = 1, week: dt.date = SPRING_WEEK) -> SyntheticWeek:
    """``count`` deployments from Monday ``week``: up to 2,000 a week (more weeks beyond
    that), about 40 per team a week, one place per 25; vectorised (a million in seconds)."""
    rng = np.random.default_rng(seed)
    n = int(count)
    weeks = max(1, -(-n // 2000))  # a busy region: up to 2,000 deployments a week
    per_week = -(-n // weeks)
    n_teams = max(4, -(-per_week // 40))
    n_ops = max(3, n // 12)
    n_subjects = max(5, n // 4)
    n_staff = n_teams * 10
    team_names = [_TEAMS[t] if t < len(_TEAMS) else f"SV-{t + 1:05d}" for t in range(n_teams)]
    capacity = rng.integers(8, 15, n_teams)
    op_names = [f"op-{i + 1:06d}" for i in range(n_ops)]
    monday = dt.datetime.combine(week, dt.time(0, 0), tzinfo=LONDON)
    week_start = to_micros(monday.astimezone(UTC))
    hour = 3_600_000_000
    # starts on the quarter hour, biased to early mornings and evenings (London-ish hours)
    day = rng.integers(0, 7 * weeks, n)
    start_hour = rng.choice([5, 6, 7, 8, 14, 16, 18, 20, 22], n)
    quarter = rng.integers(0, 4, n)
    start = week_start + (day * 24 + start_hour) * hour + quarter * (hour // 4)
    length = rng.choice([4, 6, 8, 10, 12], n) * hour
    multi_day = rng.random(n) < 0.03
    length[multi_day] = rng.integers(30, 72, int(multi_day.sum())) * hour
    end = start + length
    team = rng.integers(0, n_teams, n)
    op = rng.integers(0, n_ops, n)
    n_places = max(len(_PLACES), per_week // 25)
    extra = np.column_stack(
        [
            rng.uniform(50.75, 51.85, n_places - len(_PLACES)),
            rng.uniform(-1.6, 1.4, n_places - len(_PLACES)),
        ]
    )
    base = np.vstack([np.array([(p[1], p[2]) for p in _PLACES]), extra])
    place = rng.integers(0, n_places, n)
    spread = 0.004 + 0.1 * (rng.random(n) < 0.5)
    lat = np.round(base[place, 0] + rng.normal(0, 1, n) * spread * 0.6, 6)
    lon = np.round(base[place, 1] + rng.normal(0, 1, n) * spread, 6)
    radius = rng.choice([100.0, 200.0, 300.0, 500.0, 800.0], n)
    officers = rng.integers(2, 9, n)
    per = rng.integers(1, 4, n)
    staff_row = np.repeat(np.arange(n), per)
    staff_key = team[staff_row] * 10 + rng.integers(0, 10, len(staff_row))
    staff_pairs = sorted_unique(staff_row * n_staff + staff_key)
    staff_row, staff_key = staff_pairs // n_staff, staff_pairs % n_staff
    # each operation works a small set of subjects; some subjects are shared with others
    subj_per = rng.integers(0, 3, n)
    subject_row = np.repeat(np.arange(n), subj_per)
    own = (op[subject_row] * 3 + rng.integers(0, 3, len(subject_row))) % n_subjects
    shared = rng.random(len(subject_row)) < 0.15
    subject_key = np.where(shared, rng.integers(0, max(1, n_subjects // 20), len(subject_row)), own)
    subj_pairs = sorted_unique(subject_row * n_subjects + subject_key)
    subject_row, subject_key = subj_pairs // n_subjects, subj_pairs % n_subjects
    frame = make_frame(
        ids=[f"dep-{i + 1:07d}" for i in range(n)],
        start=start.astype(np.int64),
        end=end.astype(np.int64),
        op=op.astype(np.int64),
        op_names=op_names,
        team=team.astype(np.int64),
        team_names=team_names,
        officers=officers.astype(np.int64),
        capacity=capacity[team].astype(np.int64),
        lat=lat,
        lon=lon,
        radius=radius,
        staff_row=staff_row.astype(np.int64),
        staff_key=staff_key.astype(np.int64),
        staff_names=[f"staff-{i + 1:05d}" for i in range(n_staff)],
        subject_row=subject_row.astype(np.int64),
        subject_key=subject_key.astype(np.int64),
        subject_names=[f"subj-{i + 1:06d}" for i in range(n_subjects)],
    )
    teams = tuple(
        Team(
            id=name,
            name=name,
            capacity=int(capacity[t]),
            skills=frozenset({"mobile", "foot"}),
            base=Location(lat=_PLACES[t % len(_PLACES)][1], lon=_PLACES[t % len(_PLACES)][2]),
            leader=f"DS {['Ada', 'Ben', 'Cara', 'Dev'][t % 4]} Fictional",
        )
        for t, name in enumerate(team_names)
    )
    operations = tuple(
        Operation(
            id=name,
            name=f"Op EXAMPLE-{_WORDS[i % len(_WORDS)]}"
            + (f"-{i // len(_WORDS)}" if i >= len(_WORDS) else ""),
            sio=f"DCI {['Ada', 'Ben', 'Cara', 'Dev'][i % 4]} Sample",
            priority=int(rng.integers(1, 6)),
            national_priority=bool(i % 7 == 0),
            contact=f"+447700900{i % 1000:03d}",
            marking=COVERT,
        )
        for i, name in enumerate(op_names)
    )
    return SyntheticWeek(frame, teams, operations)


def deployment_record(d: Deployment) -> dict[str, Any]:
    """One deployment in the documented file format (London times with their offset)."""
    record: dict[str, Any] = {
        "id": d.id,
        "operation_id": d.operation_id,
        "team_id": d.team_id,
        "start": d.start.astimezone(LONDON).isoformat(),
        "end": d.end.astimezone(LONDON).isoformat(),
        "officers": d.officers,
        "staff_ids": list(d.staff_ids),
        "subject_ids": list(d.subject_ids),
        "marking": str(d.marking),
    }
    if d.location is not None:
        record["location"] = {
            "lat": d.location.lat,
            "lon": d.location.lon,
            "radius_m": d.location.radius_m,
        }
    return record


def write_deployments_file(path: Path, count: int, seed: int, week: dt.date = SPRING_WEEK) -> int:
    """Write ``count`` synthetic deployments to ``path`` as a JSON list; return the count."""
    data = synthetic_week(count, seed, week)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        json.dump([deployment_record(d) for d in data.deployments()], fh, indent=1)
        fh.write("\n")
    return count
