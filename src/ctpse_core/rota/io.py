"""Reading and writing rota problems and rosters as JSON (documented in docs/rota.md).

Files are read through the project's one converter, so a bad file gives one
``field: reason @ file`` line per fault; references between parts (a request for an
unknown person, cover for an unknown shift, a day outside the horizon) are checked too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ctpse_core.convert import structure, unstructure
from ctpse_core.errors import InputError, Problem
from ctpse_core.rota.model import Roster, RotaProblem

__all__ = [
    "dump_problem",
    "dump_roster",
    "load_problem",
    "load_roster",
    "problem_from_data",
    "reference_problems",
    "roster_from_data",
    "save_problem",
    "save_roster",
]


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError([Problem("", "is not UTF-8 text", str(path))]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            [Problem("", f"is not JSON ({exc.msg} at line {exc.lineno})", str(path))]
        ) from None


def reference_problems(problem: RotaProblem) -> list[Problem]:
    """Faults between the parts of a problem that the field checks cannot see."""
    out: list[Problem] = []
    shifts = {s.id for s in problem.shifts}
    staff = {p.id for p in problem.staff}
    roles = {r.id for r in problem.roles}

    def dup(kind: str, ids: list[str]) -> None:
        seen: set[str] = set()
        for i, x in enumerate(ids):
            if x in seen:
                out.append(Problem(f"{kind}[{i}].id", f"{x!r} is used twice"))
            seen.add(x)

    dup("shifts", [s.id for s in problem.shifts])
    dup("staff", [p.id for p in problem.staff])
    dup("roles", [r.id for r in problem.roles])

    def on_day(field: str, day: Any) -> None:
        if not problem.start <= day <= problem.end:
            out.append(
                Problem(field, f"{day} is outside the horizon {problem.start} to {problem.end}")
            )

    for i, s in enumerate(problem.shifts):
        if s.role is not None and s.role not in roles:
            out.append(Problem(f"shifts[{i}].role", f"{s.role!r} is not a role"))
        for other in sorted(s.cannot_follow - shifts):
            out.append(Problem(f"shifts[{i}].cannot_follow", f"{other!r} is not a shift type"))
    for i, p in enumerate(problem.staff):
        for key in sorted(set(p.rules.max_shifts) - shifts):
            out.append(Problem(f"staff[{i}].rules.max_shifts", f"{key!r} is not a shift type"))
    for name, items in (
        ("shift_on_requests", problem.shift_on_requests),
        ("shift_off_requests", problem.shift_off_requests),
    ):
        for i, r in enumerate(items):
            if r.staff_id not in staff:
                out.append(
                    Problem(f"{name}[{i}].staff_id", f"{r.staff_id!r} is not on the staff list")
                )
            if r.shift not in shifts:
                out.append(Problem(f"{name}[{i}].shift", f"{r.shift!r} is not a shift type"))
            on_day(f"{name}[{i}].day", r.day)
    for i, c in enumerate(problem.cover):
        if c.shift not in shifts:
            out.append(Problem(f"cover[{i}].shift", f"{c.shift!r} is not a shift type"))
        on_day(f"cover[{i}].day", c.day)
    for name, ids in (
        ("leave", [x.staff_id for x in problem.leave]),
        ("commitments", [x.staff_id for x in problem.commitments]),
    ):
        for i, sid in enumerate(ids):
            if sid not in staff:
                out.append(Problem(f"{name}[{i}].staff_id", f"{sid!r} is not on the staff list"))
    return out


def problem_from_data(data: Any, where: str = "problem") -> RotaProblem:
    problem = structure(data, RotaProblem, where=where)
    faults = reference_problems(problem)
    if faults:
        raise InputError([f.located(where) for f in faults], "inconsistent rota problem")
    return problem


def roster_from_data(data: Any, where: str = "rota", problem: RotaProblem | None = None) -> Roster:
    roster = structure(data, Roster, where=where)
    if problem is not None:
        shifts = {s.id for s in problem.shifts}
        staff = {p.id for p in problem.staff}
        faults: list[Problem] = []
        for i, a in enumerate(roster.assignments):
            if a.shift not in shifts:
                faults.append(
                    Problem(f"assignments[{i}].shift", f"{a.shift!r} is not a shift type")
                )
            if a.staff_id not in staff:
                faults.append(
                    Problem(
                        f"assignments[{i}].staff_id", f"{a.staff_id!r} is not on the staff list"
                    )
                )
            if not problem.start <= a.day <= problem.end:
                faults.append(Problem(f"assignments[{i}].day", f"{a.day} is outside the horizon"))
        if faults:
            raise InputError([f.located(where) for f in faults], "rota does not fit the problem")
    return roster


def load_problem(path: str | Path) -> RotaProblem:
    path = Path(path)
    return problem_from_data(_read_json(path), where=str(path))


def load_roster(path: str | Path, problem: RotaProblem | None = None) -> Roster:
    path = Path(path)
    return roster_from_data(_read_json(path), where=str(path), problem=problem)


def dump_problem(problem: RotaProblem) -> str:
    return json.dumps(unstructure(problem), indent=1, ensure_ascii=False) + "\n"


def dump_roster(roster: Roster) -> str:
    return json.dumps(unstructure(roster), indent=1, ensure_ascii=False) + "\n"


def save_problem(problem: RotaProblem, path: str | Path) -> None:
    Path(path).write_text(dump_problem(problem), encoding="utf-8")


def save_roster(roster: Roster, path: str | Path) -> None:
    Path(path).write_text(dump_roster(roster), encoding="utf-8")
