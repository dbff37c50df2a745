"""The deployment file (a JSON list of deployments) and the requests file (a JSON object
with the week's tasking requests, teams and availability); see docs/deconfliction.md."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from ctpse_core.convert import structure
from ctpse_core.domain.staff import Leave, Staff
from ctpse_core.domain.surveillance import Deployment, Operation, TaskingRequest, Team, TeamUnavailability
from ctpse_core.errors import InputError, Problem

__all__ = ["TaskingFile", "check_references", "load_deployments", "load_tasking"]


def load_deployments(path: Path) -> list[Deployment]:
    """Every deployment in the file, or :class:`InputError` naming item, field and reason
    for each bad one (nothing is silently dropped)."""
    where = str(path)
    data = _read_json(path)
    if not isinstance(data, list):
        hint = " (this looks like a tasking requests file: plan it with `ctpse grid plan`)" if (
            isinstance(data, dict) and "requests" in data
        ) else ""
        raise InputError([Problem("", f"must be a JSON list of deployments{hint}", where)])
    good: list[Deployment] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(data):
        try:
            d = structure(item, Deployment, where=f"{where}[{index}]")
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if d.id in seen:
            problems.append(
                Problem(
                    "id",
                    f"{d.id!r} is used again (first at item {seen[d.id]})",
                    f"{where}[{index}]",
                )
            )
            continue
        seen[d.id] = index
        good.append(d)
    if problems:
        raise InputError(problems, f"{len(problems)} problem(s) in {where}")
    return good


@attrs.frozen(kw_only=True)
class TaskingFile:
    """What a requests file holds (lists it leaves out are taken from the store)."""

    requests: tuple[TaskingRequest, ...]
    teams: tuple[Team, ...] | None = None
    operations: tuple[Operation, ...] | None = None
    deployments: tuple[Deployment, ...] = ()
    staff: tuple[Staff, ...] | None = None
    leave: tuple[Leave, ...] | None = None
    unavailable: tuple[TeamUnavailability, ...] = ()
    allow: tuple[str, ...] = ()


_SECTIONS: dict[str, type[Any]] = {
    "requests": TaskingRequest,
    "teams": Team,
    "operations": Operation,
    "deployments": Deployment,
    "staff": Staff,
    "leave": Leave,
    "unavailable": TeamUnavailability,
}


def load_tasking(path: Path) -> TaskingFile:
    """The requests file: a JSON object with ``requests`` and optionally ``teams``,
    ``operations``, ``deployments`` (already booked), ``staff``, ``leave``, ``unavailable``
    and ``allow``; or just a JSON list of requests. Every fault is reported at once, naming
    the file, section, item index, field and reason."""
    where = str(path)
    data = _read_json(path)
    if isinstance(data, list):
        data = {"requests": data}
    if not isinstance(data, dict):
        raise InputError([Problem("", "must be a JSON object with a 'requests' list (or a list of requests)", where)])
    problems: list[Problem] = []
    unknown = sorted(set(data) - {*_SECTIONS, "allow"})
    if unknown:
        known = ", ".join([*_SECTIONS, "allow"])
        problems.append(Problem(", ".join(unknown), f"is not a section of a requests file (known: {known})", where))
    if "requests" not in data:
        problems.append(Problem("requests", "is missing (a list of tasking requests)", where))
    sections: dict[str, tuple[Any, ...]] = {}
    for name, cls in _SECTIONS.items():
        if name not in data:
            continue
        items = data[name]
        if not isinstance(items, list):
            problems.append(Problem(name, "must be a list", where))
            continue
        good: list[Any] = []
        seen: dict[str, int] = {}
        for index, raw in enumerate(items):
            at = f"{where}#{name}[{index}]"
            try:
                item = structure(raw, cls, where=at)
            except InputError as exc:
                problems.extend(exc.problems)
                continue
            if item.id in seen:
                problems.append(Problem("id", f"{item.id!r} is used again (first at item {seen[item.id]})", at))
                continue
            seen[item.id] = index
            good.append(item)
        sections[name] = tuple(good)
    allow = data.get("allow", [])
    if not isinstance(allow, list) or not all(isinstance(a, str) for a in allow):
        problems.append(Problem("allow", "must be a list of rule names", where))
        allow = []
    if problems:
        raise InputError(problems, f"{len(problems)} problem(s) in {where}")
    return TaskingFile(
        requests=sections.get("requests", ()),
        teams=sections.get("teams"),
        operations=sections.get("operations"),
        deployments=sections.get("deployments", ()),
        staff=sections.get("staff"),
        leave=sections.get("leave"),
        unavailable=sections.get("unavailable", ()),
        allow=tuple(allow),
    )


def _read_json(path: Path) -> Any:
    where = str(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError([Problem("", "no such file", where)]) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            [Problem("", f"is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}); "
                     "save it as UTF-8 and try again", where)]
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError([Problem("", f"is not JSON ({exc.msg} at line {exc.lineno})", where)]) from None


def check_references(
    tasking: TaskingFile,
    path: Path,
    *,
    teams: Iterable[Team],
    operations: Iterable[Operation],
    staff: Iterable[Staff],
) -> None:
    """Raise :class:`InputError` for every operation, team or officer the requests file refers
    to that is neither in the file nor (for sections the file leaves out) in the store: one
    problem per reference, naming the file, section, item index, field and value."""
    where = str(path)
    known = {
        "operation": ({o.id for o in operations}, "operations", tasking.operations is not None),
        "team": ({t.id for t in teams}, "teams", tasking.teams is not None),
        "officer": ({s.id for s in staff}, "staff", tasking.staff is not None),
    }
    problems: list[Problem] = []
    none_known: dict[str, list[Problem]] = {}  # nothing of that kind anywhere: one line, counted

    def need(kind: str, value: str, field: str, at: str) -> None:
        ids, section, in_file = known[kind]
        if value in ids:
            return
        if in_file:
            source = f"not in the file's '{section}' section"
        elif ids:
            source = f"not in the store, and the file has no '{section}' section"
        else:
            article = "an" if section[0] in "aeiou" else "a"
            source = f"no {section} are stored: give the file {article} '{section}' section or store them"
            none_known.setdefault(kind, []).append(Problem(field, f"unknown {kind} {value!r} ({source})", at, value))
            return
        problems.append(Problem(field, f"unknown {kind} {value!r} ({source})", at, value))

    for i, r in enumerate(tasking.requests):
        at = f"{where}#requests[{i}]"
        need("operation", r.operation_id, "operation_id", at)
        for staff_id in r.staff_ids:
            need("officer", staff_id, "staff_ids", at)
    for i, d in enumerate(tasking.deployments):
        at = f"{where}#deployments[{i}]"
        need("operation", d.operation_id, "operation_id", at)
        need("team", d.team_id, "team_id", at)
        for staff_id in d.staff_ids:
            need("officer", staff_id, "staff_ids", at)
    for i, leave in enumerate(tasking.leave or ()):
        need("officer", leave.staff_id, "staff_id", f"{where}#leave[{i}]")
    for i, u in enumerate(tasking.unavailable):
        need("team", u.team_id, "team_id", f"{where}#unavailable[{i}]")
    for found in none_known.values():
        first, more = found[0], len(found) - 1
        problems.append(attrs.evolve(first, reason=first.reason + (f"; {more} more like it" if more else "")))
    if problems:
        raise InputError(problems, f"{len(problems)} unknown reference(s) in {where}")
