"""Records already structured from their stored text, kept by the store that read them.

Structuring a stored JSON document into its frozen record (``json.loads`` then the cattrs
converter, with every validator) is most of the cost of a read. Services that read the same
collections again and again within a run (the KPIs over six periods, every product of the
week) get the very record they got last time when its stored text is unchanged: the text
is compared in full, so a record changed by anyone (another unit of work, another process,
a migration) is structured afresh. Records are frozen and shared, as the memory store shares
them. The cache holds at most ``limit`` records (none with 0) and starts again when it is full.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from threading import Lock

from ctpse_core.domain.common import Record

__all__ = ["StructuredCache"]


class StructuredCache:
    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        self._records: dict[tuple[str, str], tuple[str, Record]] = {}
        self._lock = Lock()

    def get(self, collection: str, record_id: str, text: str, make: Callable[[str], Record]) -> Record:
        """The record stored as ``text``: the one made last time from the same text, or ``make(text)``."""
        if self.limit <= 0:
            return make(text)
        key = (collection, record_id)
        kept = self._records.get(key)
        if kept is not None and kept[0] == text:
            return kept[1]
        record = make(text)
        with self._lock:
            if len(self._records) >= self.limit:
                self._records.clear()
            self._records[key] = (text, record)
        return record

    def forget(self, keys: Iterable[tuple[str, str]]) -> None:
        """Drop these (collection, record ID) records: changed or erased by a commit of this process."""
        with self._lock:
            for key in keys:
                self._records.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
