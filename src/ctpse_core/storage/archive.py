"""Backup and move: a portable, versioned JSON-lines archive of a whole store.

Line 1 is a header::

    {"format": "ctpse-archive", "format_version": 2, "schema": "0003", "source": "sqlite",
     "exported_at": "2024-05-01T09:00:00+00:00", "collections": {"nominals": 1200}}

then one line per record, by collection then ID::

    {"collection": "nominals", "record": {...convert.unstructure(record)...}}

then (format version 2) one line per audit-log entry, oldest first, exactly as stored::

    {"audit": {"seq": 1, "at": "...", "user": "dc.ada", "operation": "collection", ..., "hash": "..."}}

Records keep their ``version`` and the log keeps its sequence numbers, times and hashes, so an
archive moves a store between backends losslessly and the moved log still verifies
(``sqlite -> tinydb -> postgresql -> memory -> sqlite`` gives equal data). An export is a
disclosure and an import a collection: both are audited.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from ctpse_core import convert
from ctpse_core.domain.common import Record, utcnow
from ctpse_core.errors import ConflictError, InputError, Problem, SettingsError
from ctpse_core.security.audit import AuditEvent, verify
from ctpse_core.security.principal import Principal
from ctpse_core.storage.base import Store
from ctpse_core.storage.schema import record_types

__all__ = ["FORMAT", "FORMAT_VERSION", "check_archive", "export_store", "import_archive"]

FORMAT = "ctpse-archive"
FORMAT_VERSION = 2


def export_store(store: Store, path: Path, user: str | Principal | None = None) -> dict[str, int]:
    """Write every record and the audit log of ``store`` to ``path`` for ``user`` (a user ID or
    :class:`~ctpse_core.security.Principal`); return the count per collection. The export is
    logged (a disclosure per collection) once the file is complete."""
    counts: dict[str, int] = {}
    principal = store.principal(user)
    with store.unit_of_work(user=principal) as uow:
        for name in record_types().names():
            counts[name] = uow.repository(name).count()
        if uow.withheld:
            from ctpse_core.security.policy import AccessDenied

            raise AccessDenied(
                f"{principal.id} cannot export this store: {uow.withheld} record(s) are above their clearance, "
                "and an archive must hold everything; ask someone cleared for all of it"
            )
        for name, count in counts.items():  # before a byte is written: the export is a disclosure
            if count:
                uow.require("disclose", name, "store export (db export)")
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema": store.schema_status().current,
        "source": store.url.split(":", 1)[0],
        "exported_at": utcnow().isoformat(),
        "collections": {k: v for k, v in counts.items() if v},
    }
    tmp = path.with_name(path.name + ".part")
    try:
        with open(tmp, "w", encoding="utf-8") as out:
            out.write(json.dumps(header, ensure_ascii=False) + "\n")
            with store.unit_of_work(user=principal) as uow:
                for name, count in counts.items():
                    if not count:
                        continue
                    for record in uow.repository(name).list():
                        line = {"collection": name, "record": convert.unstructure(record)}
                        out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
            for entry in store.iter_audit():
                out.write(json.dumps({"audit": entry.as_dict()}, ensure_ascii=False, separators=(",", ":")) + "\n")
        tmp.replace(path)
    except BaseException:  # a failed or interrupted export leaves no partial file behind
        tmp.unlink(missing_ok=True)
        raise
    with store.unit_of_work(user=principal) as uow:
        for name, count in counts.items():
            if count:
                uow.record_event("disclosure", name, detail=f"{count} records exported to {path.name}",
                                 purpose="store export (db export)", recipient_org="archive file")
        uow.commit()
    return {k: v for k, v in counts.items() if v}


def _text_lines(path: Path) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` of each line; a line that is not UTF-8 is an
    :class:`~ctpse_core.errors.InputError` naming the file, the line and the byte."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                what = "this is not a ctpse archive" if number == 1 else "the archive is damaged"
                reason = f"is not UTF-8 text (byte 0x{raw[exc.start]:02X} at column {exc.start + 1}); {what}"
                raise InputError([Problem("header" if number == 1 else "line", reason, where=f"{path}:{number}")],
                                 f"{path} is not a ctpse archive") from None


def _header(path: Path, lines: Iterator[tuple[int, str]]) -> dict[str, Any]:
    _, first = next(lines, (1, ""))
    try:
        header = json.loads(first)
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise InputError(
            [Problem("header", "this is not a ctpse archive (its first line must be the archive header)",
                     where=f"{path}:1")]
        )
    version = header.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise SettingsError(
            f"{path}:1: archive format version {version!r} is newer than this ctpse_core reads "
            f"({FORMAT_VERSION}); upgrade ctpse_core (pip install -U ctpse_core)"
        )
    return header


@attrs.frozen
class _Line:
    """One record line: where it is, what it holds, and its record or its problems (an audit
    line: its ``entry``)."""

    number: int
    collection: str
    record_id: str
    record: Record | None
    problems: tuple[Problem, ...] = ()
    entry: AuditEvent | None = None


def _audit_line(where: str, number: int, data: object) -> _Line:
    try:
        if not isinstance(data, dict):
            raise TypeError("not an object")
        entry = AuditEvent.from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        return _Line(number, "", "", None, (Problem("audit", f"is not an audit entry ({exc})", where),))
    return _Line(number, "", "", None, entry=entry)


def _subject(path: Path, number: int, collection: str, record_id: str) -> str:
    return f"{path}:{number} ({collection} {record_id})" if collection else f"{path}:{number}"


def _read_line(path: Path, number: int, line: str) -> _Line:
    where = f"{path}:{number}"
    try:
        item = json.loads(line)
    except ValueError as exc:
        return _Line(number, "", "", None, (Problem("line", f"is not JSON ({exc})", where),))
    if isinstance(item, dict) and set(item) == {"audit"}:
        return _audit_line(where, number, item["audit"])
    if not isinstance(item, dict) or set(item) != {"collection", "record"}:
        reason = "must be an object with exactly the keys 'collection' and 'record'"
        return _Line(number, "", "", None, (Problem("line", reason, where),))
    name, data = item["collection"], item["record"]
    raw_id = data.get("id") if isinstance(data, dict) else None
    record_id = raw_id if isinstance(raw_id, str) and raw_id else "(no id)"
    types = record_types()
    if not isinstance(name, str) or name not in types:
        reason = (f"{name!r} is not a known collection ({', '.join(types.names())}); "
                  "install the plugin that defines it")
        subject = _subject(path, number, str(name), record_id)
        return _Line(number, "", record_id, None, (Problem("collection", reason, subject),))
    try:
        record = convert.structure(data, types.get(name))
    except InputError as exc:
        subject = _subject(path, number, name, record_id)
        problems = tuple(Problem(p.field or "record", p.reason, subject) for p in exc.problems)
        return _Line(number, name, record_id, None, problems)
    return _Line(number, name, record.id, record)


def _lines(path: Path, lines: Iterator[tuple[int, str]]) -> Iterator[_Line]:
    for number, line in lines:
        if line.strip():
            yield _read_line(path, number, line)


def check_archive(path: Path) -> dict[str, int]:
    """Read the whole archive without storing anything; return the count per collection.

    Raises :class:`~ctpse_core.errors.InputError` listing every bad line (line number, the
    record's collection and ID, the field and the reason), including an ID that appears
    twice in one collection.
    """
    counts: dict[str, int] = {}
    problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    entries: list[AuditEvent] = []
    lines = _text_lines(path)
    _header(path, lines)
    for item in _lines(path, lines):
        problems.extend(item.problems)
        if item.entry is not None:
            entries.append(item.entry)
        if item.record is None:
            continue
        key = (item.collection, item.record_id)
        if key in seen:
            problems.append(Problem("id", f"duplicate of line {seen[key]}", _subject(path, item.number, *key)))
            continue
        seen[key] = item.number
        counts[item.collection] = counts.get(item.collection, 0) + 1
    if entries and not (result := verify(entries)).ok:
        problems.append(Problem("audit", f"the archived audit log does not verify: {result}", str(path)))
    if problems:
        raise InputError(problems, f"{path}: {len(problems)} problem(s); nothing was imported")
    return counts


def _entries(path: Path) -> list[AuditEvent]:
    lines = _text_lines(path)
    _header(path, lines)
    return [item.entry for item in _lines(path, lines) if item.entry is not None]


def _records(path: Path) -> Iterator[tuple[str, Record]]:
    lines = _text_lines(path)
    _header(path, lines)
    for item in _lines(path, lines):
        if item.record is not None:
            yield item.collection, item.record


def _already_held(store: Store, path: Path, principal: Principal) -> None:
    """Refuse, before writing anything, an archive whose records' IDs are already stored or
    whose collections the principal may not create records in."""
    wanted: dict[str, list[str]] = {}
    for name, record in _records(path):
        wanted.setdefault(name, []).append(record.id)
    held: list[str] = []
    with store.unit_of_work(user=principal) as uow:
        for name, ids in wanted.items():
            uow.require("create", name, "store import (db import)")  # before anything is written
            repo = uow.repository(name)
            for start in range(0, len(ids), 500):
                held.extend(f"{name} {rid!r}" for rid in repo.find_many(ids[start : start + 500]))
    if held:
        shown = ", ".join(held[:10]) + (f" and {len(held) - 10} more" if len(held) > 10 else "")
        raise ConflictError(
            f"{path}: {len(held)} record(s) already exist in the store ({shown}); nothing was "
            "imported. Import into an empty store (`ctpse --store URL db init`)"
        )


def import_archive(
    store: Store, path: Path, batch: int = 5000, user: str | Principal | None = None
) -> dict[str, int]:
    """Add every record of the archive at ``path`` to ``store`` for ``user``, keeping versions,
    and its audit log exactly as archived (the store's log must then be empty: a
    :class:`~ctpse_core.errors.ConflictError` otherwise); each batch is then logged as a
    collection, chained after the archived entries.

    The whole archive is checked first (:func:`check_archive`: every bad line is
    reported and nothing is written), then the store (a record whose ID is already held
    raises :class:`~ctpse_core.errors.ConflictError` naming them, and nothing is written).
    Records are then written ``batch`` at a time, one unit of work each. Returns the count
    per collection.
    """
    check_archive(path)
    principal = store.principal(user)
    _already_held(store, path, principal)
    entries = _entries(path)
    if entries:
        store.restore_audit(entries)
    counts: dict[str, int] = {}
    pending: dict[str, list[Record]] = {}

    def flush() -> None:
        with store.unit_of_work(user=principal) as uow:
            for name, records in pending.items():
                uow.repository(name).restore(records)
                uow.record_event("collection", name, detail=f"{len(records)} records from archive {path.name}")
            uow.commit()
        pending.clear()

    for size, (name, record) in enumerate(_records(path), start=1):
        pending.setdefault(name, []).append(record)
        counts[name] = counts.get(name, 0) + 1
        if size % batch == 0:
            flush()
    if pending:
        flush()
    return counts
