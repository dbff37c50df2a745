"""Errors a user can act on.

Every error that reaches a coordinator is a :class:`CtpseError`; the CLI turns it
into a one-line message and a non-zero exit, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

__all__ = [
    "ConfigError",
    "ConflictError",
    "CtpseError",
    "InputError",
    "NotFoundError",
    "PluginError",
    "Problem",
]


class CtpseError(Exception):
    """Base class for every error ctpse_core raises on purpose."""


@attrs.frozen
class Problem:
    """One thing wrong with one piece of input.

    ``where`` names the place (``file:row`` or ``nominal[12]``), ``field`` the
    field path inside the record and ``reason`` what is wrong, in words a
    coordinator understands.
    """

    field: str
    reason: str
    where: str = ""
    value: object = None

    def __str__(self) -> str:
        text = f"{self.field}: {self.reason}" if self.field else self.reason
        return f"{text} @ {self.where}" if self.where else text

    def located(self, where: str) -> Problem:
        """The same problem, placed at ``where`` (an outer location is prefixed)."""
        return attrs.evolve(self, where=f"{where}{'/' + self.where if self.where else ''}")


class InputError(CtpseError, ValueError):
    """Input that cannot be used as it is; carries one :class:`Problem` per fault."""

    def __init__(self, problems: Iterable[Problem], summary: str = "invalid input") -> None:
        self.problems: Sequence[Problem] = tuple(problems)
        self.summary = summary
        super().__init__(self.render())

    def render(self) -> str:
        lines = [str(p) for p in self.problems]
        return "\n".join(lines) if lines else self.summary

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class ConfigError(CtpseError):
    """Bad configuration: an unknown store URL, an unreadable mapping file, ..."""


class ConflictError(CtpseError):
    """Optimistic-concurrency conflict: someone else changed the record first."""


class NotFoundError(CtpseError, KeyError):
    """A record, feed, plugin or version that does not exist."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"


class PluginError(CtpseError):
    """A plugin broke a rule of registration (duplicate name, bad hook, ...)."""
