"""Translate the Employee Shift Scheduling Benchmark text format (Curtois and Qu).

The format has comma-separated sections: ``SECTION_HORIZON`` (days), ``SECTION_SHIFTS``
(ID, length in minutes, shifts that cannot follow, ``|``-separated), ``SECTION_STAFF``
(ID, ``D=14|N=0`` maximum shifts per type, maximum and minimum total minutes, maximum
and minimum consecutive shifts, minimum consecutive days off, maximum weekends),
``SECTION_DAYS_OFF`` (ID, day indexes from 0), ``SECTION_SHIFT_ON_REQUESTS`` and
``SECTION_SHIFT_OFF_REQUESTS`` (ID, day, shift, weight) and ``SECTION_COVER`` (day,
shift, requirement, under-cover weight, over-cover weight). Lines starting ``#`` are
comments. Instances start on a Monday; the translated problem starts on ``start``.

The benchmark has no clock times, roles or rest rules: shifts start at ``starts``
(09:00 unless given), need no qualification, and the Working Time Regulations rules are
turned off so the translated problem has exactly the benchmark's rules.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ctpse_core.errors import InputError, Problem
from ctpse_core.rota.io import reference_problems
from ctpse_core.rota.model import (
    Cover,
    Person,
    RestRules,
    RotaProblem,
    ShiftDef,
    ShiftRequest,
    StaffRules,
)

__all__ = ["SECTIONS", "parse_benchmark", "read_benchmark"]

SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)
_COLUMNS = {
    "SECTION_HORIZON": ["days"],
    "SECTION_SHIFTS": ["ShiftID", "Length in mins", "Shifts which cannot follow"],
    "SECTION_STAFF": [
        "ID",
        "MaxShifts",
        "MaxTotalMinutes",
        "MinTotalMinutes",
        "MaxConsecutiveShifts",
        "MinConsecutiveShifts",
        "MinConsecutiveDaysOff",
        "MaxWeekends",
    ],
    "SECTION_SHIFT_ON_REQUESTS": ["EmployeeID", "Day", "ShiftID", "Weight"],
    "SECTION_SHIFT_OFF_REQUESTS": ["EmployeeID", "Day", "ShiftID", "Weight"],
    "SECTION_COVER": ["Day", "ShiftID", "Requirement", "Weight for under", "Weight for over"],
}


def _sections(text: str, where: str) -> dict[str, list[tuple[int, list[str]]]]:
    out: dict[str, list[tuple[int, list[str]]]] = {}
    current: str | None = None
    faults: list[Problem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            if line not in SECTIONS:
                faults.append(
                    Problem("section", f"{line!r} is not a known section", f"{where}:{number}")
                )
            current = line
            out.setdefault(line, [])
            continue
        if current is None:
            faults.append(
                Problem("section", "data before the first SECTION_ line", f"{where}:{number}")
            )
            continue
        out[current].append((number, [cell.strip() for cell in line.split(",")]))
    for needed in ("SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF", "SECTION_COVER"):
        if needed not in out:
            faults.append(Problem("section", f"{needed} is missing", where))
    if faults:
        raise InputError(faults, "not a benchmark instance")
    return out


def parse_benchmark(
    text: str,
    *,
    name: str = "benchmark",
    start: dt.date = dt.date(2024, 1, 1),
    starts: dt.time = dt.time(9, 0),
    where: str = "instance",
) -> RotaProblem:
    """The :class:`RotaProblem` for a benchmark instance's text."""
    if start.weekday() != 0:
        raise InputError([Problem("start", f"{start} is not a Monday (instances start on one)")])
    sections = _sections(text, where)
    faults: list[Problem] = []

    def number(section: str, line: int, cells: list[str], col: int) -> int:
        label = _COLUMNS[section][col] if col < len(_COLUMNS[section]) else f"column {col + 1}"
        try:
            return int(cells[col])
        except IndexError:
            faults.append(Problem(label, "is missing", f"{where}:{line}"))
        except ValueError:
            faults.append(
                Problem(label, f"{cells[col]!r} is not a whole number", f"{where}:{line}")
            )
        return 0

    horizon = sections["SECTION_HORIZON"]
    days = number("SECTION_HORIZON", horizon[0][0], horizon[0][1], 0) if horizon else 0
    if not horizon:
        faults.append(Problem("days", "SECTION_HORIZON has no value", where))

    def day(line: int, value: int, label: str = "Day") -> dt.date:
        if not 0 <= value < max(days, 1):
            faults.append(
                Problem(label, f"{value} is outside the horizon 0-{days - 1}", f"{where}:{line}")
            )
        return start + dt.timedelta(days=value)

    shifts = []
    for line, cells in sections["SECTION_SHIFTS"]:
        follow = frozenset(x for x in (cells[2].split("|") if len(cells) > 2 else []) if x)
        shifts.append(
            ShiftDef(
                id=cells[0],
                minutes=max(1, number("SECTION_SHIFTS", line, cells, 1)),
                starts=starts,
                cannot_follow=follow,
            )
        )
    days_off: dict[str, set[dt.date]] = {}
    for line, cells in sections.get("SECTION_DAYS_OFF", []):
        for cell in cells[1:]:
            if not cell:
                continue
            try:
                days_off.setdefault(cells[0], set()).add(day(line, int(cell), "DayIndexes"))
            except ValueError:
                faults.append(
                    Problem("DayIndexes", f"{cell!r} is not a whole number", f"{where}:{line}")
                )
    staff = []
    for line, cells in sections["SECTION_STAFF"]:
        caps: dict[str, int] = {}
        for part in cells[1].split("|") if len(cells) > 1 else []:
            key, sep, value = part.partition("=")
            if not sep or not value.strip().isdigit():
                faults.append(
                    Problem("MaxShifts", f"{part!r} is not SHIFT=count", f"{where}:{line}")
                )
                continue
            caps[key.strip()] = int(value)
        n = [number("SECTION_STAFF", line, cells, col) for col in range(2, 8)]
        staff.append(
            Person(
                id=cells[0],
                name=cells[0],
                days_off=frozenset(days_off.get(cells[0], set())),
                rules=StaffRules(
                    max_shifts=caps,
                    max_total_minutes=n[0],
                    min_total_minutes=n[1],
                    max_consecutive_shifts=max(1, n[2]),
                    min_consecutive_shifts=max(1, n[3]),
                    min_consecutive_days_off=max(1, n[4]),
                    max_weekends=n[5],
                ),
            )
        )
    requests: dict[str, list[ShiftRequest]] = {}
    for section in ("SECTION_SHIFT_ON_REQUESTS", "SECTION_SHIFT_OFF_REQUESTS"):
        items = []
        for line, cells in sections.get(section, []):
            values = [number(section, line, cells, col) for col in (1, 3)]
            items.append(
                ShiftRequest(
                    staff_id=cells[0],
                    day=day(line, values[0]),
                    shift=cells[2] if len(cells) > 2 else "?",
                    weight=values[1],
                )
            )
        requests[section] = items
    cover = []
    for line, cells in sections["SECTION_COVER"]:
        values = [number("SECTION_COVER", line, cells, col) for col in (0, 2, 3, 4)]
        cover.append(
            Cover(
                day=day(line, values[0]),
                shift=cells[1] if len(cells) > 1 else "?",
                requirement=values[1],
                under_weight=values[2],
                over_weight=values[3],
            )
        )
    if faults:
        raise InputError(faults, "bad benchmark instance")
    problem = RotaProblem(
        name=name,
        start=start,
        days=days,
        shifts=tuple(shifts),
        staff=tuple(staff),
        shift_on_requests=tuple(requests["SECTION_SHIFT_ON_REQUESTS"]),
        shift_off_requests=tuple(requests["SECTION_SHIFT_OFF_REQUESTS"]),
        cover=tuple(cover),
        rest=RestRules(daily_rest_hours=0, weekly_rest_hours=0),
    )
    refs = reference_problems(problem)
    if refs:
        raise InputError([p.located(where) for p in refs], "inconsistent benchmark instance")
    return problem


def read_benchmark(path: str | Path, **kwargs: object) -> RotaProblem:
    """Read an instance file (``Instance1.txt``...)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8", errors="replace")
    return parse_benchmark(text, name=path.stem, where=str(path), **kwargs)  # type: ignore[arg-type]
