"""Reading a user's TOML settings file: a missing or malformed file is one problem naming it."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from ctpse_core.errors import InputError, Problem

__all__ = ["read_toml"]


def read_toml(path: str | Path) -> dict[str, Any]:
    """The parsed file, or an :class:`InputError` (exit 2) naming the file and what is wrong."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise InputError([Problem(field="", reason=exc.strerror or str(exc), where=str(path))]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError([Problem(field="", reason=f"not valid TOML ({exc})", where=str(path))]) from None
