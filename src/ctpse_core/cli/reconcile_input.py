"""Reading what ``ctpse reconcile`` and ``ctpse review`` are given: the mapping file and the
two lists. Every user mistake becomes an :class:`~ctpse_core.errors.InputError` (exit 2)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import click

from ctpse_core.errors import ConfigError, CtpseError, InputError, Problem

__all__ = [
    "bad_input",
    "check_feeds",
    "load_mapping_file",
    "load_settings",
    "load_side",
    "report_rejects",
]


def bad_input(exc: BaseException, where: str = "") -> InputError:
    """Any error met while reading input, as an :class:`InputError` (one line per fault)."""
    if isinstance(exc, InputError):
        return exc
    if isinstance(exc, OSError):
        text = f"{exc.filename or where}: {exc.strerror or exc}"
    elif isinstance(exc, UnicodeDecodeError):
        text = f"{where}: is not UTF-8 text (byte {exc.start + 1}); save it as CSV UTF-8"
    elif isinstance(exc, csv.Error):
        text = f"{where}: cannot be read as CSV ({exc})"
    else:
        text = str(exc)
    return InputError([Problem(field="", reason=line) for line in text.splitlines() if line.strip()], text)


_TABLES = {"left": "left", "regional": "left", "right": "right", "national": "right"}


def _parse(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        return json.loads(text)
    import tomllib

    return tomllib.loads(text)


def load_mapping_file(path: Path | None, left_feed: str, right_feed: str) -> dict[str, Any]:
    """``header = field`` lines (TOML or JSON), for both lists or in per-list tables (``[left]``
    or ``[regional]``, ``[right]`` or ``[national]``); a column may also be a table with
    ``field``, ``date_format`` and ``kind`` (:mod:`ctpse_core.reconcile.listmap`). Each side's
    columns are checked, and every fault names the table as the file wrote it."""
    if path is None:
        return {"left": None, "right": None}
    from ctpse_core.reconcile.listmap import list_mapping

    try:
        data = _parse(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise bad_input(exc, str(path)) from None
    except ValueError as exc:  # tomllib.TOMLDecodeError and json.JSONDecodeError are ValueErrors
        kind = "JSON" if path.suffix.lower() == ".json" else "TOML"
        raise InputError([Problem(field="", reason=f"{path}: not valid {kind} ({exc})")]) from None
    if not isinstance(data, dict):
        raise InputError([Problem(field="", reason=f"{path}: the mapping must be a table of header = field")])
    tables = {k: v for k, v in data.items() if k in _TABLES and isinstance(v, dict)}
    sides: dict[str, Any] = {"left": None, "right": None}
    try:
        if tables:
            stray = sorted(set(data) - set(tables))
            if stray:
                raise ConfigError(
                    f"{path}: {', '.join(map(repr, stray))} outside the [left]/[regional] and "
                    "[right]/[national] tables; move each column into its list's table"
                )
            for name, columns in tables.items():
                side = _TABLES[name]
                if sides[side] is not None:
                    raise ConfigError(f"{path}: [{name}] maps the same list as another table; keep one")
                sides[side] = list_mapping(columns, f"{path} [{name}]")
        else:
            sides = {side: list_mapping(data, str(path)) for side in ("left", "right")}
    except CtpseError as exc:
        raise bad_input(exc) from None
    return sides


def check_feeds(*given: tuple[str, str]) -> None:
    """Each ``(option, feed name)`` names a registered feed; the first that does not is an
    :class:`~ctpse_core.errors.UnknownName` naming the option and the known feeds (exit 2)."""
    from ctpse_core.feeds import feeds

    for option, name in given:
        feeds().get(name, field=option)


def load_settings(path: Path | None) -> Any:
    """The reconcile settings (TOML), a bad value an :class:`InputError` naming file and field."""
    from ctpse_core.reconcile import load_config

    try:
        return load_config(path)
    except ConfigError as exc:
        raise bad_input(exc) from None


def load_side(path: Path, feed: str, columns: Any) -> tuple[Any, list[Any]]:
    """A list read as feed ``feed``, and its rejected rows; an unreadable, empty or wholly
    rejected file is an :class:`InputError`."""
    from ctpse_core.reconcile import read_table

    try:
        table, rejected = read_table(feed, path, columns)
    except (CtpseError, OSError, UnicodeError, csv.Error) as exc:
        raise bad_input(exc, str(path)) from None
    if not table.ids and not rejected:
        raise InputError([Problem(field="", reason=f"{path}: has no data rows")])
    if not table.ids:
        report_rejects(path, rejected)
        raise InputError([Problem(field="", reason=f"{path}: no usable rows (every row was rejected)")])
    if table.unused_columns:  # most often a misspelt header: its field is then silently blank
        lacks = ", ".join(table.missing_columns)
        missing = f"; columns of feed {feed} it lacks: {lacks}" if lacks else ""
        click.echo(
            f"warning: {path}: columns not read by feed {feed}: {', '.join(table.unused_columns)}{missing} "
            "(rename them, or map them with --mapping)",
            err=True,
        )
    return table, rejected


def report_rejects(path: Path, rejected: list[Any], shown: int = 5) -> None:
    """Say what was rejected (the first few problems) and write the rows to a rejects file beside
    the list, as ``ctpse import`` does, so they can be fixed and the run repeated."""
    if not rejected:
        return
    from ctpse_core.feeds.rejects import default_rejects_path, write_rejects

    for row in rejected[:shown]:
        for problem in row.problems:
            click.echo(f"rejected: {problem}", err=True)
    if len(rejected) > shown:
        click.echo(f"rejected: ... and {len(rejected) - shown} more row(s)", err=True)
    target = default_rejects_path(path)
    try:
        write_rejects(target, rejected)
    except OSError as exc:
        click.echo(f"{len(rejected)} row(s) of {path.name} rejected; could not write {target}: "
                   f"{exc.strerror or exc}", err=True)
        return
    click.echo(f"{len(rejected)} row(s) of {path.name} rejected and left out; fix them in {target}", err=True)
