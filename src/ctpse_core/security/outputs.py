"""Writing marked products: the one helper every product writer uses.

A product marked above OFFICIAL (OFFICIAL-SENSITIVE, SECRET, TOP SECRET, or any caveat) is
written owner-only: the file ``0600``, and every folder the helper has to create ``0700``.
Existing folders are left as they are (the file itself is still owner-only). The file is
written to a temporary name with its final permissions and then renamed, so it is never
readable by others, not even for a moment, and never half-written.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ctpse_core.domain.marking import Classification, Marking

__all__ = ["FILE_MODE", "FOLDER_MODE", "make_folder", "owner_only", "write_marked"]

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def owner_only(marking: Marking) -> bool:
    """True when material with ``marking`` must be written owner-only (above OFFICIAL)."""
    return marking.classification > Classification.OFFICIAL or bool(marking.caveats)


def make_folder(folder: Path, marking: Marking) -> Path:
    """Create ``folder`` (and missing parents) for material with ``marking``: owner-only
    (``0700``) when above OFFICIAL. Returns the folder."""
    if not owner_only(marking):
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    missing = []
    current = folder
    while not current.exists():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        path.mkdir(mode=FOLDER_MODE, exist_ok=True)
        os.chmod(path, FOLDER_MODE)  # mkdir's mode is reduced by the umask
    return folder


def write_marked(path: Path, content: str | bytes, marking: Marking, *, encoding: str = "utf-8") -> Path:
    """Write a product with ``marking`` to ``path``; owner-only above OFFICIAL (see module)."""
    path = Path(path)
    data = content.encode(encoding) if isinstance(content, str) else content
    make_folder(path.parent, marking)
    if not owner_only(marking):
        path.write_bytes(data)
        return path
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        os.fchmod(handle, FILE_MODE)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
