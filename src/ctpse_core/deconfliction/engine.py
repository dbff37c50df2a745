"""Run every rule over a frame and explain what they found."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from ctpse_core.deconfliction.frame import DeploymentFrame, from_micros
from ctpse_core.deconfliction.model import Conflict, Settings
from ctpse_core.deconfliction.rules import ConflictRule, Found
from ctpse_core.domain.surveillance import Deployment, Location, Team
from ctpse_core.errors import PluginError
from ctpse_core.plugin import Registry, registry

__all__ = ["ConflictSet", "conflict_rules", "deconflict", "find_conflicts", "registered_rules"]


def _check(name: str, item: Any) -> None:
    if not isinstance(item, ConflictRule):
        raise PluginError(
            f"conflict rule {name!r} must provide name, severity, hard, description, "
            "keys, reach(), detect() and why()"
        )
    if item.name != name:
        raise PluginError(f"conflict rule registered as {name!r} calls itself {item.name!r}")
    unknown = set(item.keys) - {"team", "staff", "subject", "operation", "place"}
    if unknown:
        raise PluginError(f"conflict rule {name!r} uses unknown candidate keys {sorted(unknown)}")


def conflict_rules() -> Registry[ConflictRule]:
    """Every rule registered through ``ctpse_register_conflict_rules`` (built-ins too)."""
    return registry("ctpse_register_conflict_rules", "conflict rule", _check)


def registered_rules() -> list[ConflictRule]:
    return [rule for _name, rule in conflict_rules().items()]


@attrs.frozen(eq=False)
class ConflictSet:
    """What the rules found in one frame; explained (as :class:`Conflict`) on demand."""

    frame: DeploymentFrame
    settings: Settings
    found: Sequence[tuple[ConflictRule, Found]]

    def __len__(self) -> int:
        return sum(len(f) for _r, f in self.found)

    def counts(self) -> dict[str, int]:
        return {rule.name: len(f) for rule, f in self.found}

    def keys(self) -> set[tuple[str, tuple[str, ...]]]:
        """``(rule, sorted deployment IDs)`` of every conflict: what tests compare."""
        ids = self.frame.ids
        out: set[tuple[str, tuple[str, ...]]] = set()
        for rule, f in self.found:
            for a, b in f.pairs.tolist():
                out.add((rule.name, tuple(sorted((ids[a], ids[b])))))
            for rows, _start, _end in f.groups():
                out.add((rule.name, tuple(sorted(ids[r] for r in rows))))
        return out

    def conflicts(self, involving: int | None = None) -> list[Conflict]:
        """Every conflict, explained, in time order (only those with row ``involving`` if given)."""
        out: list[Conflict] = []
        fr = self.frame
        for rule, f in self.found:
            pairs = f.pairs
            if involving is not None and len(pairs):
                pairs = pairs[(pairs[:, 0] == involving) | (pairs[:, 1] == involving)]
            for a, b in pairs.tolist():
                start = max(int(fr.start[a]), int(fr.start[b]))
                end = min(int(fr.end[a]), int(fr.end[b]))
                if end <= start:  # a gap (rest): from the first end to the second start
                    start, end = end, start
                why = rule.why(fr, (a, b), start, end, self.settings)
                out.append(self._conflict(rule, (a, b), start, end, why))
            for rows, start, end in f.groups():
                if involving is None or involving in rows:
                    why = rule.why(fr, rows, start, end, self.settings)
                    out.append(self._conflict(rule, rows, start, end, why))
        out.sort(key=lambda c: (c.start, c.rule, c.deployment_ids))
        return out

    def _conflict(
        self, rule: ConflictRule, rows: Sequence[int], start: int, end: int, why: str
    ) -> Conflict:
        fr = self.frame
        where = next(
            (
                Location(lat=float(fr.lat[r]), lon=float(fr.lon[r]), radius_m=float(fr.radius[r]))
                for r in rows
                if fr.has_location[r]
            ),
            None,
        )
        return Conflict(
            rule=rule.name,
            deployment_ids=tuple(sorted(fr.ids[r] for r in rows)),
            start=from_micros(start),
            end=from_micros(end),
            why=why,
            severity=rule.severity,
            hard=rule.hard,
            where=where,
        )


def find_conflicts(
    frame: DeploymentFrame,
    rules: Iterable[ConflictRule] | None = None,
    settings: Settings | None = None,
) -> ConflictSet:
    """Run each rule (default: every registered rule) over the frame."""
    settings = settings or Settings()
    chosen = list(rules) if rules is not None else registered_rules()
    return ConflictSet(frame, settings, [(rule, rule.detect(frame, settings)) for rule in chosen])


def deconflict(
    deployments: Iterable[Deployment],
    teams: Iterable[Team] | Mapping[str, int] = (),
    rules: Iterable[ConflictRule] | None = None,
    settings: Settings | None = None,
) -> list[Conflict]:
    """Every conflict among the deployments, explained (the one-call Python API).

    ``rules`` defaults to every registered rule (built-in and plugins' ``ctpse_register_conflict_rules``).
    """
    capacities = teams if isinstance(teams, Mapping) else {t.id: t.capacity for t in teams}
    frame = DeploymentFrame.from_deployments(deployments, capacities)
    return find_conflicts(frame, rules if rules is not None else registered_rules(), settings).conflicts()


def pair_count(found: Found) -> int:
    return int(np.asarray(found.pairs).shape[0])
