"""The independent validator: every rule, every breach, by person, day and rule."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from ctpse_core.errors import PluginError
from ctpse_core.plugin import Registry, registry
from ctpse_core.rota.model import Roster, RotaProblem
from ctpse_core.rota.rules import RotaConstraint, Violation

__all__ = ["ValidationReport", "constraints", "validate"]


def _check(name: str, item: Any) -> None:
    if not isinstance(item, RotaConstraint):
        raise PluginError(f"rota constraint {name!r} must have name, hard, per_person and check()")


def constraints() -> Registry[RotaConstraint]:
    """Every registered rule (the built-ins and the organisation's own)."""
    return registry("ctpse_register_rota_constraints", "rota constraint", _check)


@attrs.frozen
class ValidationReport:
    violations: tuple[Violation, ...]

    @property
    def hard(self) -> list[Violation]:
        return [v for v in self.violations if v.hard]

    @property
    def soft(self) -> list[Violation]:
        return [v for v in self.violations if not v.hard]

    @property
    def hard_count(self) -> int:
        return len(self.hard)

    @property
    def soft_penalty(self) -> int:
        return sum(v.penalty for v in self.soft)

    def penalty_by_rule(self) -> dict[str, int]:
        out: Counter[str] = Counter()
        for v in self.soft:
            out[v.rule] += v.penalty
        return dict(sorted(out.items()))

    def hard_by_rule(self) -> dict[str, int]:
        return dict(sorted(Counter(v.rule for v in self.hard).items()))

    def rules_broken(self) -> set[str]:
        return {v.rule for v in self.violations}

    def as_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "rule": v.rule,
                "person": v.staff_id,
                "day": v.day.isoformat() if v.day else None,
                "shift": v.shift,
                "hard": v.hard,
                "penalty": v.penalty,
                "detail": v.detail,
            }
            for v in self.violations
        ]


def validate(
    problem: RotaProblem,
    roster: Roster,
    rules: Sequence[RotaConstraint] | None = None,
    only_staff: Iterable[str] | None = None,
) -> ValidationReport:
    """Check ``roster`` against every rule (the registered ones unless ``rules`` is given).

    ``only_staff`` keeps the violations of those people (and none of the cover rules).
    """
    chosen: Sequence[RotaConstraint] = (
        rules if rules is not None else [c for _n, c in constraints().items()]
    )
    found: list[Violation] = []
    for rule in chosen:
        found.extend(rule.check(problem, roster))
    if only_staff is not None:
        keep = set(only_staff)
        found = [v for v in found if v.staff_id in keep]
    found.sort(
        key=lambda v: (not v.hard, v.rule, v.day or problem.start, v.staff_id or "", v.shift or "")
    )
    return ValidationReport(tuple(found))
