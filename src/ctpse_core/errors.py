"""Errors a user can act on.

Every error that reaches a coordinator is a :class:`CtpseError`; the CLI turns it
into a one-line message and a non-zero exit, never a traceback. :class:`Problem` (from
:mod:`ctpse_core.problem`) is loaded on first use, so that importing this module, as every
command does when ``ctpse`` starts, stays cheap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ctpse_core.problem import Problem

__all__ = [
    "ConfigError",
    "ConflictError",
    "CtpseError",
    "InputError",
    "NotFoundError",
    "PluginError",
    "Problem",
    "SettingsError",
    "UnknownName",
]


class CtpseError(Exception):
    """Base class for every error ctpse_core raises on purpose."""


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


class SettingsError(InputError, ConfigError):
    """A mistake in a file or an option the user gave (a mapping file, ``--marking``, a file
    no format reads): a :class:`ConfigError` to the library, an :class:`InputError` to the
    command line, which prints the one line (``message`` names the file, line or option) and
    exits with status 2."""

    def __init__(self, message: str) -> None:
        from ctpse_core.problem import Problem

        super().__init__([Problem(field="", reason=message)], message)


class ConflictError(CtpseError):
    """Optimistic-concurrency conflict: someone else changed the record first."""


class NotFoundError(CtpseError, KeyError):
    """A record, feed, plugin or version that does not exist."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"


class UnknownName(InputError, NotFoundError):
    """A name given in a settings file or an option that nothing registered answers to: a match
    rule, a comparison, a rota solver, a feed, a file or report format, a store scheme...

    One line per fault, ``file: field: unknown KIND 'NAME' (known: a, b, c)``: ``where`` names the
    file (or the store URL), ``field`` the setting or option. An :class:`InputError`, so the
    command line exits with status 2; also a :class:`NotFoundError`, as every registry look-up
    raised before. ``more`` adds the unknown names of other fields, so one run reports them all.
    """

    def __init__(
        self,
        kind: str,
        name: str | Iterable[str],
        known: Iterable[str],
        *,
        where: str = "",
        field: str = "",
        more: Iterable[UnknownName] = (),
    ) -> None:
        self.kind = kind
        self.names: tuple[str, ...] = (name,) if isinstance(name, str) else tuple(name)
        self.known: tuple[str, ...] = tuple(known)
        self.where = where
        self.field = field
        self.more: tuple[UnknownName, ...] = tuple(more)
        value: object = self.names[0] if len(self.names) == 1 else self.names
        from ctpse_core.problem import Problem

        own = Problem(field=field, reason=self.reason, where=where, value=value)
        super().__init__([own, *(p for other in self.more for p in other.problems)], self.line)

    @property
    def name(self) -> str:
        """The (first) unknown name."""
        return self.names[0] if self.names else ""

    @property
    def reason(self) -> str:
        kind = self.kind if len(self.names) == 1 else f"{self.kind}s"
        known = ", ".join(self.known) or "none"
        return f"unknown {kind} {', '.join(map(repr, self.names))} (known: {known})"

    @property
    def line(self) -> str:
        """``file: field: unknown KIND 'NAME' (known: ...)``, the parts that are known."""
        return ": ".join(part for part in (self.where, self.field, self.reason) if part)

    def located(self, where: str = "", field: str = "") -> UnknownName:
        """The same fault, placed in ``where`` (a file, a URL) and ``field`` (a setting, an option)."""
        return UnknownName(
            self.kind, self.names, self.known, where=where or self.where, field=field or self.field, more=self.more
        )

    def lines(self) -> list[str]:
        return [self.line, *(line for other in self.more for line in other.lines())]

    def render(self) -> str:
        return "\n".join(self.lines())


class PluginError(CtpseError):
    """A plugin broke a rule of registration (duplicate name, bad hook, ...)."""


def __getattr__(name: str) -> Any:
    if name == "Problem":
        from ctpse_core.problem import Problem

        return Problem
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
