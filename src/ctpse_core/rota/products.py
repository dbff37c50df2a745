"""Report products for the rota commands (build, check, change, repair, selection).

Each is a :class:`RotaReport`: a ``kind`` with its own Jinja2 templates
(``reports/templates/<kind>.md.j2`` and ``.html.j2``), the problem's marking, the
JSON-ready ``data()`` and helpers the templates use to show people by name and number
and shifts by label.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ctpse_core.domain.marking import Marking
from ctpse_core.rota.model import RotaProblem

__all__ = ["RotaReport", "StaffLookup"]


class StaffLookup:
    """Names, numbers and shift labels of a problem, for templates."""

    problem: RotaProblem

    def who(self, staff_id: str | None) -> str:
        """``Name (S001)``; the ID alone when the person is not on the staff list or their
        name is their ID (benchmark instances: ``B``, not ``B (B)``)."""
        if not staff_id:
            return ""
        for person in self.problem.staff:
            if person.id == staff_id and person.name != person.id:
                return f"{person.name} ({person.id})"
        return staff_id

    def label(self, key: str | None, name: str | None) -> str:
        """A person as :meth:`who` shows them, or anything else (a role desk) as
        ``Name (id)``, or the ID alone when the name is the ID."""
        if any(p.id == key for p in self.problem.staff):
            return self.who(key)
        if not name or name == key:
            return key or ""
        return f"{name} ({key})"

    @property
    def has_roles(self) -> bool:
        """Whether any shift belongs to a role (benchmark instances have none)."""
        return any(s.role for s in self.problem.shifts)

    @property
    def has_nights(self) -> bool:
        """Whether any shift is a night (benchmark instances have none)."""
        return any(s.is_night for s in self.problem.shifts)

    def number(self, staff_id: str | None) -> str:
        """The person's contact number, or ``no number``."""
        for person in self.problem.staff:
            if person.id == staff_id:
                return person.phone or "no number"
        return "no number"

    def shift_label(self, shift_id: str | None) -> str:
        """The shift's label (its ID when it has none)."""
        for shift in self.problem.shifts:
            if shift.id == shift_id:
                return shift.label or shift.id
        return shift_id or ""

    def role_name(self, role_id: str | None) -> str:
        for role in self.problem.roles:
            if role.id == role_id:
                return role.name
        return role_id or ""


class RotaReport(StaffLookup):
    """One rota command's result as a product."""

    def __init__(
        self,
        kind: str,
        title: str,
        data: Mapping[str, Any],
        problem: RotaProblem,
        rows: Sequence[Mapping[str, Any]] | None = None,
    ) -> None:
        self.kind = kind
        self.title = title
        self.problem = problem
        self.marking: Marking = problem.marking
        self._data = dict(data)
        self._rows = list(rows) if rows is not None else None

    def data(self) -> dict[str, Any]:
        return self._data

    def rows(self) -> list[Mapping[str, Any]]:
        return self._rows if self._rows is not None else []
