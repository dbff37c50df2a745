"""Backup and move: a portable, versioned JSON-lines archive of a whole store.

Line 1 is a header::

    {"format": "ctpse-archive", "format_version": 1, "schema": "0002", "source": "sqlite",
     "exported_at": "2024-05-01T09:00:00+00:00", "collections": {"nominals": 1200}}

then one line per record, by collection then ID::

    {"collection": "nominals", "record": {...convert.unstructure(record)...}}

Records keep their ``version``, so an archive moves a store between backends losslessly
(``sqlite -> tinydb -> postgresql -> memory -> sqlite`` gives equal data).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ctpse_core import convert
from ctpse_core.domain.common import Record, utcnow
from ctpse_core.errors import ConfigError, InputError, Problem
from ctpse_core.storage.base import Store
from ctpse_core.storage.schema import record_types

__all__ = ["FORMAT", "FORMAT_VERSION", "export_store", "import_archive"]

FORMAT = "ctpse-archive"
FORMAT_VERSION = 1


def export_store(store: Store, path: Path) -> dict[str, int]:
    """Write every record of ``store`` to ``path``; return the count per collection."""
    counts: dict[str, int] = {}
    with store.unit_of_work() as uow:
        for name in record_types().names():
            counts[name] = uow.repository(name).count()
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema": store.schema_status().current,
        "source": store.url.split(":", 1)[0],
        "exported_at": utcnow().isoformat(),
        "collections": {k: v for k, v in counts.items() if v},
    }
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", encoding="utf-8") as out:
        out.write(json.dumps(header, ensure_ascii=False) + "\n")
        with store.unit_of_work() as uow:
            for name, count in counts.items():
                if not count:
                    continue
                for record in uow.repository(name).list():
                    line = {"collection": name, "record": convert.unstructure(record)}
                    out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
    tmp.replace(path)
    return {k: v for k, v in counts.items() if v}


def _header(path: Path, handle: IO[str]) -> dict[str, Any]:
    first = handle.readline()
    try:
        header = json.loads(first)
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise InputError(
            [Problem("", "is not a ctpse archive (the first line must be its header)",
                     where=f"{path}:1")]
        )
    version = header.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ConfigError(
            f"{path}: archive format version {version!r} is newer than this ctpse_core reads "
            f"({FORMAT_VERSION}); upgrade ctpse_core (pip install -U ctpse_core)"
        )
    return header


def _records(path: Path, handle: IO[str]) -> Iterator[tuple[str, Record]]:
    types = record_types()
    for number, line in enumerate(handle, start=2):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            item = json.loads(line)
        except ValueError as exc:
            raise InputError([Problem("", f"is not JSON ({exc})", where=where)]) from None
        if not isinstance(item, dict) or set(item) != {"collection", "record"}:
            raise InputError(
                [Problem("", "must be an object with 'collection' and 'record'", where=where)]
            )
        name = item["collection"]
        if not isinstance(name, str) or name not in types:
            known = ", ".join(types.names())
            raise InputError(
                [Problem("collection", f"{name!r} is not a known collection ({known}); "
                         "install the plugin that defines it", where=where)]
            )
        yield name, convert.structure(item["record"], types.get(name), where=where)


def import_archive(
    store: Store, path: Path, batch: int = 5000, user: str | None = None
) -> dict[str, int]:
    """Add every record of the archive at ``path`` to ``store``, keeping versions.

    Records are written ``batch`` at a time, one unit of work each; a record whose ID is
    already in the store raises :class:`~ctpse_core.errors.ConflictError` (import into an
    empty store, or one without those records). Returns the count per collection.
    """
    counts: dict[str, int] = {}
    pending: dict[str, list[Record]] = {}
    size = 0

    def flush() -> None:
        with store.unit_of_work(user=user) as uow:
            for name, records in pending.items():
                uow.repository(name).restore(records)
                uow.record_event("import", name, detail=f"{len(records)} records from {path.name}")
            uow.commit()
        pending.clear()

    with open(path, encoding="utf-8") as handle:
        _header(path, handle)
        for name, record in _records(path, handle):
            pending.setdefault(name, []).append(record)
            counts[name] = counts.get(name, 0) + 1
            size += 1
            if size % batch == 0:
                flush()
    if pending:
        flush()
    return counts
