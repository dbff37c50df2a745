"""Writing products to disk: owner-only above OFFICIAL, never half-written.

A product marked above OFFICIAL (or with a caveat) is written readable by its owner only (files ``0600``,
folders ``0700``) from the moment it exists; OFFICIAL products follow the umask. Every
file is written to a temporary name beside it and renamed into place.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from ctpse_core.domain.marking import Classification, Marking

__all__ = ["private", "write_output"]


def private(marking: Marking) -> bool:
    """True when material so marked must be readable by its owner only: above OFFICIAL, or
    carrying any handling caveat."""
    return marking.classification > Classification.OFFICIAL or bool(marking.caveats)


def _write(path: Path, data: bytes, secret: bool) -> None:
    tmp = path.with_name(f".{path.name}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if secret else 0o666)
    try:
        if secret:
            os.fchmod(fd, 0o600)  # a stale .part file keeps its old mode otherwise
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(path)


def write_output(path: Path, output: object, marking: Marking) -> list[Path]:
    """Write ``output`` (text, bytes, or file name -> bytes into folder ``path``); return
    the files written."""
    secret = private(marking)
    if isinstance(output, Mapping):
        path.mkdir(mode=0o700 if secret else 0o777, parents=True, exist_ok=True)
        if secret:
            os.chmod(path, 0o700)
        written = []
        for name, data in sorted(output.items()):
            target = path / Path(name).name  # never outside the folder
            _write(target, data, secret)
            written.append(target)
        return written
    data = output.encode("utf-8") if isinstance(output, str) else output
    if not isinstance(data, bytes):
        raise TypeError(f"cannot write {type(output).__name__}")
    if path.parent != Path():
        path.parent.mkdir(parents=True, exist_ok=True)
    _write(path, data, secret)
    return [path]
