"""Meeting types as configuration: cadence, chair, attendees, standing items and agenda sources."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from ctpse_core.convert import structure
from ctpse_core.domain.common import check, non_empty
from ctpse_core.errors import InputError, Problem, UnknownName
from ctpse_core.tomlfile import read_toml

__all__ = ["MeetingType", "load_meeting_types", "meeting_type"]

_positive = check(lambda v: v > 0, "{value} must be more than zero")


@attrs.frozen(kw_only=True)
class MeetingType:
    key: str = attrs.field(validator=non_empty)
    title: str = attrs.field(validator=non_empty)
    cadence_days: int = attrs.field(validator=_positive)
    chair: str = attrs.field(validator=non_empty)
    attendees: tuple[str, ...] = ()
    standing_items: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    horizon_days: int = attrs.field(default=14, validator=_positive)


def _parse(data: Mapping[str, Any], source: str) -> dict[str, MeetingType]:
    from ctpse_core.meetings.agenda import agenda_sources

    problems: list[Problem] = []
    for key in data:
        if key != "meeting":
            problems.append(Problem(field=key, reason="unknown setting (use [[meeting]] tables)", where=source))
    out: dict[str, MeetingType] = {}
    known = agenda_sources()
    for index, item in enumerate(data.get("meeting", [])):
        where = f"{source}: meeting[{index}]"
        try:
            kind = structure(item, MeetingType, where=where)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if kind.key in out:
            problems.append(Problem(field="key", reason=f"{kind.key!r} is defined twice", where=where))
        for name in kind.sources:
            if name not in known:
                problems.append(Problem(field="sources", reason=f"unknown agenda source {name!r} "
                                        f"(known: {', '.join(known.names())})", where=where))
        out[kind.key] = kind
    if problems:
        raise InputError(problems, f"invalid meeting types in {source}")
    return out


def load_meeting_types(path: str | Path | None = None) -> dict[str, MeetingType]:
    """The built-in meeting types, with a force's file (same layout) added or replacing by key."""
    text = resources.files("ctpse_core.meetings").joinpath("meetings.toml").read_text(encoding="utf-8")
    types = _parse(tomllib.loads(text), "meetings.toml (built in)")
    if path is not None:
        types.update(_parse(read_toml(path), str(path)))
    return types


def meeting_type(name: str, path: str | Path | None = None) -> MeetingType:
    types = load_meeting_types(path)
    if name not in types:
        raise UnknownName("meeting type", name, sorted(types), field="TYPE")
    return types[name]
