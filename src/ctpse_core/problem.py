"""A :class:`Problem`: one thing wrong with one piece of input (importable as
``ctpse_core.errors.Problem``; kept apart so that ``ctpse_core.errors``, which every
command imports when ``ctpse`` starts, needs no attrs until a problem is made)."""

from __future__ import annotations

import attrs

__all__ = ["Problem"]


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
