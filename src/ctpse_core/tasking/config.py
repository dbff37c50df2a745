"""Tasking configuration (``tasking/tasking.toml``; a force may load its own)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from ctpse_core.errors import InputError, Problem

__all__ = ["TaskingConfig", "builtin_config", "load_config", "parse_config"]


@attrs.frozen
class TaskingConfig:
    asset_kinds: tuple[str, ...]
    at_risk_hours: int
    escalate_after_minutes: int
    stages: tuple[str, ...]
    threat_grades: tuple[str, ...]
    risk_grades: tuple[str, ...]


def _texts(table: Mapping[str, Any], key: str, field: str, where: str, problems: list[Problem]) -> tuple[str, ...]:
    value = table.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(Problem(field, f"must be a list of names (got {value!r})", where, value))
        return ()
    return tuple(value)


def _whole(table: Mapping[str, Any], key: str, field: str, where: str, problems: list[Problem]) -> int:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        problems.append(Problem(field, f"must be a whole number above 0 (got {value!r})", where, value))
        return 1
    return value


def parse_config(data: Mapping[str, Any], where: str = "tasking.toml") -> TaskingConfig:
    problems: list[Problem] = []
    assets = data.get("assets", {})
    events = data.get("events", {})
    if not isinstance(assets, dict) or not isinstance(events, dict):
        raise InputError([Problem("assets/events", "must be tables", where)], "unusable tasking configuration")
    out = TaskingConfig(
        asset_kinds=_texts(assets, "kinds", "assets.kinds", where, problems),
        at_risk_hours=_whole(assets, "at_risk_hours", "assets.at_risk_hours", where, problems),
        escalate_after_minutes=_whole(events, "escalate_after_minutes", "events.escalate_after_minutes", where,
                                      problems),
        stages=_texts(events, "stages", "events.stages", where, problems),
        threat_grades=_texts(events, "threat_grades", "events.threat_grades", where, problems),
        risk_grades=_texts(events, "risk_grades", "events.risk_grades", where, problems),
    )
    if problems:
        raise InputError(problems, "unusable tasking configuration")
    return out


def load_config(path: Path) -> TaskingConfig:
    from ctpse_core.tomlfile import read_toml

    return parse_config(read_toml(path), str(path))


@cache
def builtin_config() -> TaskingConfig:
    text = resources.files("ctpse_core.tasking").joinpath("tasking.toml").read_text(encoding="utf-8")
    return parse_config(tomllib.loads(text))
