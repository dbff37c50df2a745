"""The import pipeline: a partner file into a store, every row stored or reported.

:func:`import_feed` reads the file with its format, converts each row with the one
converter, and writes in batches, one unit of work per batch: a crash or Ctrl-C
loses at most the batch in progress, never half of it. Each batch asks the store for the
records it already holds with one ``find_many`` (one query per 500 IDs on SQL), never one
lookup per row. For each row:

* a new record ID is **stored** (audit event ``collection``);
* a known ID from the same feed with different values is **updated** (audit event
  ``alteration`` naming the changed fields), never duplicated;
* a known ID with the same values is **unchanged** (importing a file twice changes nothing);
* anything else is **rejected**: quarantined in the store (``quarantined_rows``) and
  written to the rejects file with every reason.

Rows read = stored + updated + unchanged + rejected, always.

Record identity: the stored ID is the partner's own record ID (plus the feed's
``id_prefix``, if it has one); ``provenance.source`` names the feed. A row whose ID
is already held by a record from another source is rejected, never overwritten.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs

from ctpse_core.domain.common import BOOKKEEPING_FIELDS, Provenance, Record, utcnow, with_version
from ctpse_core.domain.marking import Marking, highest
from ctpse_core.domain.quarantine import QuarantinedRow, quarantine_id
from ctpse_core.errors import ConfigError, InputError, Problem, SettingsError
from ctpse_core.feeds.definition import FeedDefinition, feeds
from ctpse_core.feeds.formats import RawRow, ReadOptions, format_for, open_table
from ctpse_core.feeds.load import RejectedRow, RowConverter
from ctpse_core.feeds.mapping import apply_mapping, load_mapping
from ctpse_core.feeds.plan import ColumnPlan, raw_cells
from ctpse_core.feeds.references import dangling_references
from ctpse_core.feeds.rejects import default_rejects_path, write_rejects
from ctpse_core.security.principal import Principal
from ctpse_core.storage.base import Repository, Store, UnitOfWork

__all__ = ["QUARANTINE", "ImportInterrupted", "ImportSummary", "import_feed", "resolve_feed"]

#: The collection quarantined rows are stored in.
QUARANTINE = "quarantined_rows"
UowFactory = Callable[[], UnitOfWork]
Progress = Callable[[int, int | None], None]


@attrs.define(kw_only=True)
class ImportSummary:
    """What one import did. ``rows_read == stored + updated + unchanged + rejected``."""

    feed: str
    file: str
    file_hash: str = ""
    format: str = ""
    encoding: str | None = None
    marking: str = ""
    #: The feed's own marking when ``marking`` was deliberately set lower (else empty).
    marking_lowered_from: str = ""
    received_at: dt.datetime = attrs.field(factory=utcnow)
    rows_read: int = 0
    stored: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    blank_rows: int = 0
    batches: int = 0
    ignored_columns: tuple[str, ...] = ()
    missing_columns: tuple[str, ...] = ()
    rejects_file: Path | None = None
    interrupted: bool = False
    #: Stored records whose marking was higher than this import's: they keep the higher one
    #: (a marking is lowered only by an explicit downgrade, ``ctpse marking downgrade``).
    markings_kept: int = 0

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.stored + self.updated + self.unchanged + self.rejected

    def table(self) -> list[tuple[str, str]]:
        """Label/value pairs for a summary table."""
        rows = [
            ("feed", self.feed),
            ("file", self.file),
            ("format", self.format + (f", {self.encoding}" if self.encoding else "")),
            ("marking", self.marking + (f" (LOWERED from {self.marking_lowered_from} by override)"
                                        if self.marking_lowered_from else "")),
            ("rows read", str(self.rows_read)),
            ("stored (new)", str(self.stored)),
            ("updated", str(self.updated)),
            ("unchanged", str(self.unchanged)),
            ("rejected", str(self.rejected)),
        ]
        if self.blank_rows:
            rows.append(("blank rows skipped", str(self.blank_rows)))
        if self.ignored_columns:
            rows.append(("columns ignored", ", ".join(self.ignored_columns)))
        if self.missing_columns:
            rows.append(("columns missing", ", ".join(self.missing_columns)))
        if self.markings_kept:
            rows.append(("markings kept higher", f"{self.markings_kept} stored record(s) are marked higher than "
                         f"{self.marking}: they keep their higher marking (lower one only with "
                         "`ctpse marking downgrade`)"))
        if self.rejects_file is not None:
            rows.append(("rejects file", str(self.rejects_file)))
        if self.interrupted:
            rows.append(("interrupted", f"after {self.batches} committed batch(es); the batch in progress was undone"))
        return rows


class ImportInterrupted(KeyboardInterrupt):
    """Ctrl-C during an import: committed batches stay, the batch in progress is undone."""

    def __init__(self, summary: ImportSummary) -> None:
        super().__init__(f"import of {summary.file} interrupted after {summary.rows_read} committed rows")
        self.summary = summary


def resolve_feed(
    feed: str | FeedDefinition,
    mapping: str | Path | None = None,
    marking: str | Marking | None = None,
    *,
    allow_lower_marking: bool = False,
) -> FeedDefinition:
    """The feed definition, with a mapping file and a marking override applied.

    The override may raise the feed's marking (or add caveats); one that does not dominate
    the feed's marking (a SECRET feed marked OFFICIAL, a caveat dropped) is refused with an
    :class:`~ctpse_core.errors.InputError` unless ``allow_lower_marking`` is given.
    """
    definition = feeds().get(feed) if isinstance(feed, str) else feed
    if mapping is not None:
        definition = apply_mapping(definition, load_mapping(mapping))
    if marking is not None:
        try:
            parsed = marking if isinstance(marking, Marking) else Marking.parse(marking)
        except ValueError as exc:
            raise SettingsError(f"--marking: {exc}; nothing was imported") from None
        if not parsed.dominates(definition.marking) and not allow_lower_marking:
            raise InputError(
                [Problem("--marking", f"{parsed} is lower than {definition.marking}, the marking of feed "
                         f"{definition.name!r}; a product is marked at least as high as its source. "
                         "Nothing was imported. If the originator has agreed to lower it, add "
                         "--allow-lower-marking (the override is recorded in the audit log)")],
                "marking lowered",
            )
        definition = attrs.evolve(definition, marking=parsed)
    return definition


_SKIP = BOOKKEEPING_FIELDS


@attrs.frozen
class _Compare:
    names: tuple[str, ...]

    @classmethod
    def of(cls, record_type: type[Record]) -> _Compare:
        return cls(tuple(f.name for f in attrs.fields(record_type) if f.name not in _SKIP))

    def changes(self, old: Record, new: Record) -> list[str]:
        return [n for n in self.names if getattr(old, n) != getattr(new, n)]


@attrs.define
class _Batch:
    stored: int = 0
    updated: int = 0
    unchanged: int = 0
    markings_kept: int = 0
    rejected: list[RejectedRow] = attrs.Factory(list)


class _Importer:
    def __init__(
        self, factory: UowFactory, feed: FeedDefinition, converter: RowConverter, summary: ImportSummary
    ) -> None:
        self.factory = factory
        self.feed = feed
        self.converter = converter
        self.summary = summary
        self.compare = _Compare.of(feed.record_type)

    def commit(self, batch: Sequence[tuple[RawRow, Record | RejectedRow]]) -> _Batch:
        out = _Batch()
        feed, collection = self.feed, self.feed.collection
        with self.factory() as uow:
            repo: Repository[Any] = uow.repository(collection)
            # One lookup per batch, not one per row (the converter has already rejected a
            # second row with the same ID, so no row's answer depends on an earlier row's).
            held = repo.find_many(item.id for _, item in batch if not isinstance(item, RejectedRow))
            dangling = self._dangling(uow, batch)
            new: list[Record] = []
            for raw, item in batch:
                if isinstance(item, RejectedRow):
                    out.rejected.append(item)
                    continue
                if raw.number in dangling:
                    out.rejected.append(self._rejected(raw, dangling[raw.number]))
                    continue
                existing = held.get(item.id)
                if existing is None:
                    new.append(item)
                    uow.record_event("collection", collection, item.id, self._detail(item))
                    continue
                source = existing.provenance.source if existing.provenance is not None else None
                if source != feed.name:
                    out.rejected.append(self._clash(raw, item, source))
                    continue
                kept = ""
                if not item.marking.dominates(existing.marking):  # never lowered by a re-import
                    higher = highest([existing.marking, item.marking])
                    kept = f"; marking kept at {higher} (the feed says {item.marking})"
                    item = attrs.evolve(item, marking=higher)
                    out.markings_kept += 1
                changed = self.compare.changes(existing, item)
                if not changed:
                    out.unchanged += 1
                    continue
                held[item.id] = repo.update(with_version(item, existing.version))
                uow.record_event("alteration", collection, item.id,
                                 f"{self._detail(item)}; changed: {', '.join(changed)}{kept}")
                out.updated += 1
            repo.add_many(new)
            out.stored = len(new)
            if out.rejected:
                self._quarantine(uow, out.rejected)
            uow.commit()
        return out

    def _dangling(
        self, uow: UnitOfWork, batch: Sequence[tuple[RawRow, Record | RejectedRow]]
    ) -> dict[int, list[Problem]]:
        if not self.feed.references:
            return {}
        rows = [(raw, item) for raw, item in batch if not isinstance(item, RejectedRow)]
        return dangling_references(
            uow, self.feed, rows, lambda raw, field: self.converter.plan(raw.headers).column_for(field) or field
        )

    def _rejected(self, raw: RawRow, problems: list[Problem]) -> RejectedRow:
        where = f"{self.summary.file}:{raw.number}"
        located = tuple(p.located(where) for p in problems)
        return RejectedRow(file=self.summary.file, row=raw.number, raw=raw_cells(raw), problems=located)

    def _detail(self, record: Record) -> str:
        p = record.provenance
        text = f"feed {self.feed.name}, {p.file} row {p.row}" if p is not None else f"feed {self.feed.name}"
        if self.summary.marking_lowered_from:
            text += (f"; marking {self.summary.marking} LOWERED from {self.summary.marking_lowered_from} "
                     f"by override (--allow-lower-marking)")
        return text

    def _clash(self, raw: RawRow, record: Record, source: str | None) -> RejectedRow:
        column = self.converter.plan(raw.headers).column_for(self.feed.id_field) or self.feed.id_field
        held = f"feed {source!r}" if source else "a record entered by hand"
        where = f"{self.summary.file}:{raw.number}"
        problem = Problem(
            field=column,
            reason=f"record ID {record.id!r} is already held from {held}; give this feed an id_prefix "
            "in a mapping file if the two partners' IDs overlap",
            where=where,
        )
        return RejectedRow(file=self.summary.file, row=raw.number, raw=raw_cells(raw), problems=(problem,))

    def _quarantine(self, uow: UnitOfWork, rejected: list[RejectedRow]) -> None:
        repo: Repository[Any] = uow.repository(QUARANTINE)
        marking = self.converter.marking
        new: list[QuarantinedRow] = []
        held = repo.find_many(quarantine_id(self.feed.name, self.summary.file_hash, r.row) for r in rejected)
        for item in rejected:
            record_id = quarantine_id(self.feed.name, self.summary.file_hash, item.row)
            row = QuarantinedRow(
                id=record_id, marking=marking, feed=self.feed.name, file=item.file,
                file_hash=self.summary.file_hash, row=item.row, raw=dict(item.raw),
                reasons=tuple(item.reasons),
                provenance=Provenance(
                    source=self.feed.name, file=item.file, file_hash=self.summary.file_hash, row=item.row,
                    received_at=self.summary.received_at,
                ),
            )
            existing = held.get(record_id)
            if existing is None:
                new.append(row)
                uow.record_event("collection", QUARANTINE, record_id, f"rejected row {item.file}:{item.row}")
            elif existing.reasons != row.reasons or existing.raw != row.raw:
                repo.update(with_version(row, existing.version))
                uow.record_event("alteration", QUARANTINE, record_id, f"rejected row {item.file}:{item.row}")
        repo.add_many(new)


def _factory(target: Store | UowFactory, user: str | Principal | None) -> UowFactory:
    if isinstance(target, Store):
        return lambda: target.unit_of_work(user=user)
    return target


def import_feed(
    target: Store | UowFactory,
    feed: str | FeedDefinition,
    path: str | Path,
    *,
    mapping: str | Path | None = None,
    marking: str | Marking | None = None,
    encoding: str | None = None,
    fmt: str | None = None,
    sheet: str | None = None,
    rejects: str | Path | bool | None = None,
    batch_size: int = 1000,
    user: str | Principal | None = None,
    progress: Progress | None = None,
    allow_lower_marking: bool = False,
) -> ImportSummary:
    """Import partner file ``path`` as ``feed`` into a store (or a unit-of-work factory).

    ``rejects``: where to write the rejects file (default: ``<stem>.rejects.csv`` beside
    the input; ``False``: do not write one). ``progress(rows_done, total)`` is called
    after each committed batch. After the last commit the ``ctpse_after_import`` hook
    runs with the summary. Raises :class:`ImportInterrupted` on Ctrl-C (with the summary
    of what was committed) and :class:`~ctpse_core.errors.CtpseError` for a file that
    cannot be read at all. A ``marking`` lower than the feed's is refused
    (:class:`~ctpse_core.errors.InputError`) unless ``allow_lower_marking``; then every
    audit event of the import says so and ``summary.marking_lowered_from`` names the
    feed's marking.
    """
    if batch_size < 1:
        raise ConfigError("batch size must be at least 1")
    path = Path(path)
    base = resolve_feed(feed, mapping)
    definition = resolve_feed(base, marking=marking, allow_lower_marking=allow_lower_marking)
    _check_references(definition)
    rejects_path = _rejects_path(path, rejects)
    factory = _factory(target, user)
    fmt_name = format_for(path, fmt).name
    table = open_table(path, fmt_name, ReadOptions(encoding=encoding, sheet=sheet))
    summary = ImportSummary(
        feed=definition.name, file=path.name, file_hash=table.file_hash, format=fmt_name,
        encoding=table.encoding, marking=str(definition.marking),
        marking_lowered_from="" if definition.marking.dominates(base.marking) else str(base.marking),
    )
    converter = RowConverter(
        definition, path.name, table.file_hash, received_at=summary.received_at, marking=definition.marking
    )
    importer = _Importer(factory, definition, converter, summary)
    committed: list[RejectedRow] = []

    def flush(batch: list[tuple[RawRow, Record | RejectedRow]]) -> None:
        out = importer.commit(batch)
        summary.rows_read += len(batch)
        summary.stored += out.stored
        summary.updated += out.updated
        summary.unchanged += out.unchanged
        summary.markings_kept += out.markings_kept
        summary.rejected += len(out.rejected)
        summary.batches += 1
        committed.extend(out.rejected)
        if progress is not None:
            progress(summary.rows_read, table.total)

    completed = False
    try:
        batch: list[tuple[RawRow, Record | RejectedRow]] = []
        for row in table.rows:
            if not batch and summary.rows_read == 0 and fmt_name not in _PER_OBJECT_KEYS:
                _check_columns(converter.plan(row.headers), path, definition)
            batch.append((row, converter.convert(row)))
            if len(batch) >= batch_size:
                flush(batch)
                batch = []
        if batch:
            flush(batch)
        completed = True
    except KeyboardInterrupt:
        summary.interrupted = True
        raise ImportInterrupted(summary) from None
    finally:
        table.close()
        summary.blank_rows = table.blank_rows()
        _columns(summary, converter)
        summary.rejects_file = _finish_rejects(rejects_path, committed, completed)
    from ctpse_core.plugin import get_plugin_manager

    get_plugin_manager().hook.ctpse_after_import(feed=definition.name, summary=summary)
    return summary


def _check_references(definition: FeedDefinition) -> None:
    """Every collection the feed's references name is a registered record type."""
    from ctpse_core.storage.schema import record_types

    types = record_types()
    for field, collection in definition.references.items():
        types.get(collection, where=f"feed {definition.name!r}", field=f"references {field!r}")


#: Formats whose records each carry their own keys (no single header row to check).
_PER_OBJECT_KEYS = frozenset({"json", "jsonl"})


def _check_columns(plan: ColumnPlan, path: Path, definition: FeedDefinition) -> None:
    """Refuse a file none of whose columns belong to the feed (the wrong file or the wrong feed)."""
    used = {h for h in plan.headers if h} - set(plan.ignored)
    if used or not any(plan.headers):
        return
    expected = ", ".join(list(definition.columns)[:8])
    found = ", ".join(h for h in plan.headers[:8] if h) or "none"
    raise InputError(
        [Problem(field="", reason=f"none of its columns belong to feed {definition.name!r} "
                 f"(found: {found}; expected e.g.: {expected}); is this the right file and feed?",
                 where=path.name)],
    )


def _columns(summary: ImportSummary, converter: RowConverter) -> None:
    ignored: dict[str, None] = {}
    missing: dict[str, None] = {}
    for plan in converter.plans.values():
        ignored.update(dict.fromkeys(plan.ignored))
        missing.update(dict.fromkeys(plan.missing))
    if len(converter.plans) > 1:  # JSON: a field absent from some objects is not a missing column
        present = {h for plan in converter.plans.values() for h in plan.headers}
        missing = {m: None for m in missing if m not in present}
    summary.ignored_columns = tuple(ignored)
    summary.missing_columns = tuple(missing)


def _rejects_path(path: Path, rejects: str | Path | bool | None) -> Path | None:
    if rejects is False:
        return None
    target = default_rejects_path(path) if rejects is None or rejects is True else Path(rejects)
    if target.resolve() == path.resolve():
        raise SettingsError(f"the rejects file {target} would overwrite the file being imported")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir() or not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise SettingsError(
            f"cannot write the rejects file {target} (its folder is missing or not writable); "
            "choose another place with --rejects. Nothing was imported."
        )
    return target


def _finish_rejects(target: Path | None, rejected: list[RejectedRow], completed: bool) -> Path | None:
    if target is None:
        return None
    if rejected:
        write_rejects(target, rejected)
        return target
    if completed and target.exists():
        target.unlink()  # a clean import: an old rejects file would mislead
    return None
