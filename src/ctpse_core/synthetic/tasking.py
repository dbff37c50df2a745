"""A synthetic (fictional) week of tasking requests with its teams and availability.

Realistic where it matters for allocation: more requests than the four SV teams can
cover, a mix of priorities and a few national-priority operations, skills that only
some teams have (and one that no team has), occasional requests for more officers than
any team fields, named officers (some on leave), a team away training for a day,
subjects shared between operations and requests at nearby places, windows that cross
midnight and the night the Europe/London clocks go forward. Requests and operations are marked
SECRET (covert surveillance). The same seed gives the same file.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np

from ctpse_core.deconfliction.files import TaskingFile
from ctpse_core.domain.common import LONDON
from ctpse_core.domain.marking import Marking
from ctpse_core.domain.staff import Leave, Staff
from ctpse_core.domain.surveillance import COVERT, Location, Operation, TaskingRequest, Team, TeamUnavailability
from ctpse_core.synthetic.deployments import _PLACES, _TEAMS, _WORDS, SPRING_WEEK

#: fictional kinds of place a deployment is at, for the grid's place names.
_AREAS = ("retail park", "station car park", "industrial estate", "high street", "bus depot", "marina")

__all__ = ["synthetic_tasking", "tasking_record", "write_tasking_file"]

_SKILLS = {
    "SV-ALPHA": {"mobile", "foot", "rural"},
    "SV-BRAVO": {"mobile", "foot", "technical"},
    "SV-CHARLIE": {"mobile", "foot", "motorcycle"},
    "SV-DELTA": {"mobile", "foot", "rural", "technical"},
}
_CAPACITY = {"SV-ALPHA": 12, "SV-BRAVO": 10, "SV-CHARLIE": 8, "SV-DELTA": 14}
_ASKS: list[tuple[float, frozenset[str]]] = [
    (0.35, frozenset({"mobile"})),
    (0.25, frozenset({"mobile", "foot"})),
    (0.12, frozenset({"rural"})),
    (0.12, frozenset({"technical"})),
    (0.10, frozenset({"motorcycle"})),
    (0.06, frozenset({"maritime"})),  # nobody has it: comes back with its reason
]
_FORENAMES = ["Ada", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jon"]


def synthetic_tasking(count: int, seed: int = 1, week: dt.date = SPRING_WEEK) -> TaskingFile:
    """``count`` requests for the week starting Monday ``week``, with teams, operations,
    staff, leave and one team's training day."""
    rng = np.random.default_rng(seed)
    n_teams = max(4, -(-count // 30))
    teams = tuple(
        Team(
            id=name,
            name=name,
            capacity=_CAPACITY.get(name, int(rng.integers(8, 15))),
            skills=frozenset(_SKILLS.get(name, {"mobile", "foot", "rural"})),
            base=Location(lat=_PLACES[t % len(_PLACES)][1], lon=_PLACES[t % len(_PLACES)][2]),
            leader=f"DS {_FORENAMES[t % len(_FORENAMES)]} Fictional",
        )
        for t, name in enumerate(_TEAMS[t] if t < len(_TEAMS) else f"SV-{t + 1:05d}" for t in range(n_teams))
    )
    n_ops = max(3, count // 5)
    operations = tuple(
        Operation(
            id=f"op-{i + 1:04d}",
            name=f"Op EXAMPLE-{_WORDS[i % len(_WORDS)]}" + (f"-{i // len(_WORDS)}" if i >= len(_WORDS) else ""),
            sio=f"DCI {_FORENAMES[i % len(_FORENAMES)]} Sample",
            priority=int(rng.integers(1, 6)),
            national_priority=bool(i % 6 == 0),
            contact=f"+447700900{i % 1000:03d}",
            marking=COVERT,
        )
        for i in range(n_ops)
    )
    staff = tuple(
        Staff(
            id=f"staff-{t * 10 + k + 1:04d}",
            forenames=_FORENAMES[k],
            surname=f"Example{t + 1}",
            rank="DC",
            home_team=team.id,
        )
        for t, team in enumerate(teams)
        for k in range(10)
    )
    leave = tuple(
        Leave(
            id=f"leave-{k + 1:03d}",
            staff_id=staff[int(s)].id,
            first_day=week + dt.timedelta(days=int(d)),
            last_day=week + dt.timedelta(days=int(d) + int(rng.integers(0, 3))),
        )
        for k, (s, d) in enumerate(
            zip(rng.choice(len(staff), max(3, len(staff) // 8), replace=False), rng.integers(0, 6, len(staff)),
                strict=False)
        )
    )
    monday = dt.datetime.combine(week, dt.time(0), tzinfo=LONDON)
    training_day = monday + dt.timedelta(days=2)
    unavailable = (
        TeamUnavailability(
            id="unavail-001",
            team_id=teams[2 % len(teams)].id,
            start=training_day.replace(hour=8),
            end=training_day.replace(hour=18),
            reason="training",
        ),
    )
    shared_subjects = [f"subj-{k + 1:04d}" for k in range(max(4, count // 10))]
    requests: list[TaskingRequest] = []
    probs = np.array([p for p, _s in _ASKS])
    for i in range(count):
        op = operations[int(rng.integers(0, n_ops))]
        day = int(rng.integers(0, 7))
        hour = int(rng.choice([5, 6, 7, 8, 14, 16, 18, 20, 22]))
        # wall-clock London start (the zone sorts out GMT/BST), then a real duration
        start = (monday + dt.timedelta(days=day)).replace(hour=hour, minute=15 * int(rng.integers(0, 4)))
        start = start.astimezone(LONDON)
        hours = int(rng.choice([4, 6, 8, 10, 12]))
        end = (start.astimezone(dt.UTC) + dt.timedelta(hours=hours)).astimezone(LONDON)
        skills = _ASKS[int(rng.choice(len(_ASKS), p=probs / probs.sum()))][1]
        place, lat, lon = _PLACES[int(rng.integers(0, len(_PLACES)))]
        subjects = sorted(
            {shared_subjects[int(k)] for k in rng.integers(0, len(shared_subjects), int(rng.integers(0, 3)))}
        )
        named = (
            tuple(sorted({staff[int(k)].id for k in rng.integers(0, len(staff), int(rng.integers(1, 3)))}))
            if rng.random() < 0.2
            else ()
        )
        requests.append(
            TaskingRequest(
                id=f"req-{i + 1:04d}",
                operation_id=op.id,
                requested_by=op.sio,
                start=start,
                end=end,
                officers=int(rng.integers(2, 9)) if rng.random() > 0.04 else 16,
                skills=skills,
                team_type="SV",
                priority=int(rng.integers(1, 6)),
                location=Location(
                    lat=round(lat + float(rng.normal(0, 0.01)), 5),
                    lon=round(lon + float(rng.normal(0, 0.015)), 5),
                    radius_m=float(rng.choice([100.0, 200.0, 300.0, 500.0])),
                    name=f"{place} ({_AREAS[i % len(_AREAS)]})",
                ),
                subject_ids=tuple(subjects),
                staff_ids=named,
                marking=COVERT,
            )
        )
    return TaskingFile(
        requests=tuple(requests),
        teams=teams,
        operations=operations,
        staff=staff,
        leave=leave,
        unavailable=unavailable,
    )


def _when(value: dt.datetime) -> str:
    return value.astimezone(LONDON).isoformat()


def tasking_record(data: TaskingFile) -> dict[str, Any]:
    """The requests file (documented format) for ``data``."""
    from ctpse_core.convert import unstructure

    def clean(obj: Any, times: tuple[str, ...] = ()) -> dict[str, Any]:
        out: dict[str, Any] = {
            k: v for k, v in unstructure(obj).items() if k not in ("marking", "provenance", "version") and v is not None
        }
        if obj.marking != Marking():  # covert records say so; the rest are OFFICIAL by default
            out["marking"] = str(obj.marking)
        for field in times:
            out[field] = _when(getattr(obj, field))
        return out

    record: dict[str, Any] = {
        "requests": [clean(r, ("start", "end")) for r in data.requests],
        "teams": [clean(t) for t in data.teams or ()],
        "operations": [clean(o) for o in data.operations or ()],
        "staff": [clean(s) for s in data.staff or ()],
        "leave": [clean(lv) for lv in data.leave or ()],
        "unavailable": [clean(u, ("start", "end")) for u in data.unavailable],
    }
    if data.deployments:
        record["deployments"] = [clean(d, ("start", "end")) for d in data.deployments]
    if data.allow:
        record["allow"] = list(data.allow)
    return record


def write_tasking_file(path: Path, count: int, seed: int, week: dt.date = SPRING_WEEK) -> TaskingFile:
    """Write ``count`` synthetic requests (with teams and availability) to ``path``."""
    data = synthetic_tasking(count, seed, week)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(tasking_record(data), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return data
