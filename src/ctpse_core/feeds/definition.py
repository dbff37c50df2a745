"""Feed definitions and column mappings."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs

from ctpse_core.domain.common import Record
from ctpse_core.domain.marking import Marking
from ctpse_core.plugin import Registry, registry

__all__ = ["DEFAULT_MAX_LENGTH", "FeedDefinition", "feeds", "header_key"]

#: The most characters a cell may hold unless the feed says otherwise (a name, an address line
#: or a note fits many times over; a 1 MB cell is a broken export, not data).
DEFAULT_MAX_LENGTH = 1000


def header_key(header: str) -> str:
    """Headers compare without case, spacing or punctuation: ``"Forename(s)" == "forenames"``."""
    return re.sub(r"[^a-z0-9]+", "", str(header).lower())


@attrs.frozen(kw_only=True)
class FeedDefinition:
    """A partner feed: its rows become ``record_type`` records in ``collection``.

    ``columns`` maps the partner's header to a field path of the record: ``surname``,
    ``addresses.0.postcode`` (nested list items by index); several headers may give the
    same field (a partner renamed a column), but one file may use only one of them.
    ``defaults`` gives values for fields no column fills (inside a list item, only
    when the row has data for that item). ``id_field`` names the field holding the
    partner's own record ID; a stored record's ID is ``id_prefix`` + that ID.
    A cell longer than ``max_lengths[field path]`` (else ``max_length``) characters rejects
    its row, naming the column, the length and the limit. ``references`` maps a field holding
    other records' IDs to their collection (``staff_id`` -> ``staff``): a row naming an ID the
    store does not hold is rejected when it is imported.
    """

    name: str
    title: str
    record_type: type[Record]
    collection: str
    columns: Mapping[str, str]
    partner: str = ""
    marking: Marking = attrs.field(factory=lambda: Marking.parse("OFFICIAL-SENSITIVE"))
    id_field: str = "id"
    defaults: Mapping[str, Any] = attrs.field(factory=dict)
    id_prefix: str = ""
    max_length: int = DEFAULT_MAX_LENGTH
    max_lengths: Mapping[str, int] = attrs.field(factory=dict)
    references: Mapping[str, str] = attrs.field(factory=dict)

    def with_columns(self, columns: Mapping[str, str]) -> FeedDefinition:
        """The same feed with another column mapping (e.g. from a mapping file)."""
        return attrs.evolve(self, columns=dict(columns))

    def limit_for(self, field_path: str) -> int:
        """The most characters a cell for ``field_path`` may hold."""
        return self.max_lengths.get(field_path, self.max_length)

    def field_for(self, header: str) -> str | None:
        keyed = {header_key(h): f for h, f in self.columns.items()}
        return keyed.get(header_key(header))


def _check(name: str, item: Any) -> None:
    if not isinstance(item, FeedDefinition):
        raise TypeError(f"feed {name!r} must be a FeedDefinition")


def feeds() -> Registry[FeedDefinition]:
    """Every registered feed definition, by name."""
    return registry("ctpse_register_feeds", "feed", _check)
