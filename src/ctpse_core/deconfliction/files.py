"""The deployment file: a JSON list of deployment objects (see docs/deconfliction.md)."""

from __future__ import annotations

import json
from pathlib import Path

from ctpse_core.convert import structure
from ctpse_core.domain.surveillance import Deployment
from ctpse_core.errors import InputError, Problem

__all__ = ["load_deployments"]


def load_deployments(path: Path) -> list[Deployment]:
    """Every deployment in the file, or :class:`InputError` naming item, field and reason
    for each bad one (nothing is silently dropped)."""
    where = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(
            [Problem("", f"is not JSON ({exc.msg} at line {exc.lineno})", where)]
        ) from None
    if not isinstance(data, list):
        raise InputError([Problem("", "must be a JSON list of deployments", where)])
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
