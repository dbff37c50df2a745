"""References between feeds: a record that names another record (leave -> its staff member,
an engagement contact -> its nominal) is checked against the store when it is imported.

A feed declares its references as ``field -> collection`` (``FeedDefinition.references``, or
``[references]`` in a mapping file). A row whose reference names no stored record is rejected,
naming the partner's column, the ID and which feed fills that collection, never stored
pointing at nobody. Each batch asks the store once per reference (``find_many``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ctpse_core.domain.common import Record
from ctpse_core.errors import Problem
from ctpse_core.feeds.definition import FeedDefinition, feeds
from ctpse_core.feeds.formats import RawRow
from ctpse_core.storage.base import UnitOfWork

__all__ = ["dangling_references", "referenced_ids"]


def referenced_ids(record: Record, field: str) -> tuple[str, ...]:
    """The IDs ``record`` names in ``field`` (one ID, or a list of them; blank names none)."""
    value: Any = getattr(record, field, None)
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable):
        return tuple(str(v) for v in value if v)
    return (str(value),)


def _fillers(collection: str) -> str:
    names = [name for name, feed in feeds().items() if feed.collection == collection]
    if not names:
        return f"store the {collection} records first"
    return f"import the {' or '.join(names)} feed first"


def dangling_references(
    uow: UnitOfWork,
    feed: FeedDefinition,
    rows: Sequence[tuple[RawRow, Record]],
    column_for: Callable[[RawRow, str], str],
) -> dict[int, list[Problem]]:
    """Row number -> a problem for each of the row's references that names no stored record."""
    found: dict[int, list[Problem]] = {}
    for field, collection in feed.references.items():
        wanted = {rid for _, record in rows for rid in referenced_ids(record, field)}
        if not wanted:
            continue
        held = uow.repository(collection).find_many(sorted(wanted))
        for raw, record in rows:
            for rid in referenced_ids(record, field):
                if rid not in held:
                    found.setdefault(raw.number, []).append(Problem(
                        field=column_for(raw, field),
                        reason=f"{rid!r} is not a known {collection} record: no stored {collection} record has "
                        f"that ID ({_fillers(collection)}, or correct the ID)",
                    ))
    return found
