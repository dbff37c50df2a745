"""Partner feeds: definitions (which columns mean which fields) and loading rows into records.

A :class:`FeedDefinition` names a partner feed (``national``, ``regional``...), the record type
its rows become, and a column mapping from the partner's headers to field paths. Loading
yields every row either as a record or as a :class:`RejectedRow` with its reasons: nothing
is lost. Definitions are registered through ``ctpse_register_feeds``.
"""

from __future__ import annotations

from ctpse_core.feeds.definition import FeedDefinition, feeds
from ctpse_core.feeds.load import LoadResult, RejectedRow, load_records, rows_to_records
from ctpse_core.feeds.read import read_rows

__all__ = [
    "FeedDefinition",
    "LoadResult",
    "RejectedRow",
    "feeds",
    "load_records",
    "read_rows",
    "rows_to_records",
]
