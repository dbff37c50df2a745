"""Column mapping files (TOML): a partner's headers to record fields, without code.

::

    feed = "national"            # optional: the feed this file is for (checked)
    extend = false               # true: add to the feed's columns instead of replacing them
    id_prefix = ""               # optional: stored ID = prefix + the partner's ID
    marking = "OFFICIAL-SENSITIVE"   # optional: the feed's protective marking
    max_length = 1000            # optional: the most characters in any cell (default 1000)

    [columns]
    "JCTPPH Ref" = "id"
    "Date of Birth" = "date_of_birth"
    "Address 1" = "addresses.0.line1"

    [defaults]
    "numbers.1.label" = "desk"

    [max_lengths]                # optional: the most characters for particular fields
    "outcome" = 4000

    [references]                 # optional: fields naming other stored records (checked on import)
    "staff_id" = "staff"

The built-in feeds' own mappings are files of this format inside the package
(``ctpse_core/feeds/mappings/<feed>.toml``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from ctpse_core.domain.common import Record
from ctpse_core.domain.marking import Marking
from ctpse_core.errors import ConfigError, SettingsError
from ctpse_core.feeds.definition import FeedDefinition

__all__ = ["ColumnMapping", "apply_mapping", "builtin_feed", "default_mapping", "load_mapping", "parse_mapping"]

_KEYS = {
    "feed", "extend", "id_prefix", "marking", "columns", "defaults", "title", "partner", "max_length", "max_lengths",
    "references",
}


@attrs.frozen(kw_only=True)
class ColumnMapping:
    """A parsed mapping file."""

    source: str
    columns: Mapping[str, str]
    defaults: Mapping[str, Any] = attrs.field(factory=dict)
    feed: str | None = None
    extend: bool = False
    id_prefix: str | None = None
    marking: Marking | None = None
    title: str | None = None
    partner: str | None = None
    max_length: int | None = None
    max_lengths: Mapping[str, int] = attrs.field(factory=dict)
    references: Mapping[str, str] = attrs.field(factory=dict)


def _table(data: dict[str, Any], key: str, source: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise SettingsError(f"{source}: [{key}] must be a table of \"header\" = \"field\" lines")
    return value


def _text(data: dict[str, Any], key: str, source: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise SettingsError(f"{source}: {key} must be text, not {type(value).__name__}")
    return value


def _limit(value: Any, source: str, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SettingsError(f"{source}: {what} must be a whole number of characters, at least 1, not {value!r}")
    return value


def parse_mapping(data: dict[str, Any], source: str) -> ColumnMapping:
    """Check a mapping file's parsed TOML and return it as a :class:`ColumnMapping`."""
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise SettingsError(f"{source}: unknown setting(s) {', '.join(unknown)} (known: {', '.join(sorted(_KEYS))})")
    columns = _table(data, "columns", source)
    for header, path in columns.items():
        if not isinstance(path, str) or not path.strip():
            raise SettingsError(f"{source}: column {header!r} must map to a field path, e.g. \"surname\"")
    defaults = _table(data, "defaults", source)
    for path, value in defaults.items():
        if not isinstance(value, str | int | float | bool):
            raise SettingsError(f"{source}: default for {path!r} must be text, a number or true/false")
    extend = data.get("extend", False)
    if not isinstance(extend, bool):
        raise SettingsError(f"{source}: extend must be true or false")
    marking_text = _text(data, "marking", source)
    try:
        marking = Marking.parse(marking_text) if marking_text is not None else None
    except ValueError as exc:
        raise SettingsError(f"{source}: marking: {exc}") from None
    if not columns and not extend:
        raise SettingsError(f"{source}: [columns] is empty; map at least the ID column")
    max_length = data.get("max_length")
    if max_length is not None:
        max_length = _limit(max_length, source, "max_length")
    max_lengths = {
        str(path): _limit(value, source, f"max_lengths {path!r}")
        for path, value in _table(data, "max_lengths", source).items()
    }
    references = _table(data, "references", source)
    for path, collection in references.items():
        if not isinstance(collection, str) or not collection.strip() or "." in str(path):
            raise SettingsError(
                f"{source}: references {path!r} must be a top-level field naming a collection, e.g. \"staff\""
            )
    return ColumnMapping(
        source=source,
        columns={str(h): str(p).strip() for h, p in columns.items()},
        defaults=dict(defaults),
        feed=_text(data, "feed", source),
        extend=extend,
        id_prefix=_text(data, "id_prefix", source),
        marking=marking,
        title=_text(data, "title", source),
        partner=_text(data, "partner", source),
        max_length=max_length,
        max_lengths=max_lengths,
        references={str(p): str(c).strip() for p, c in references.items()},
    )


def load_mapping(path: str | Path) -> ColumnMapping:
    """Read a mapping file; a missing or malformed file is a
    :class:`~ctpse_core.errors.SettingsError` (a ConfigError; exit 2 on the command line)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise SettingsError(f"mapping file {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"mapping file {path} is not valid TOML ({exc})") from None
    return parse_mapping(data, str(path))


def default_mapping(name: str) -> ColumnMapping:
    """The mapping shipped inside the package for built-in feed ``name``."""
    resource = resources.files("ctpse_core.feeds").joinpath("mappings", f"{name}.toml")
    return parse_mapping(tomllib.loads(resource.read_text(encoding="utf-8")), f"{name}.toml")


def apply_mapping(feed: FeedDefinition, mapping: ColumnMapping) -> FeedDefinition:
    """The feed with the mapping's columns, defaults, prefix and marking (paths checked)."""
    from ctpse_core.feeds.plan import check_path

    if mapping.feed is not None and mapping.feed != feed.name:
        raise SettingsError(f"{mapping.source} is a mapping for feed {mapping.feed!r}, not {feed.name!r}")
    columns = {**feed.columns, **mapping.columns} if mapping.extend else dict(mapping.columns)
    defaults = {**feed.defaults, **mapping.defaults} if mapping.extend else dict(mapping.defaults)
    for header, path in columns.items():
        try:
            check_path(feed.record_type, path)
        except ConfigError as exc:
            raise SettingsError(f"{mapping.source}: column {header!r}: {exc}") from None
    for path in defaults:
        try:
            check_path(feed.record_type, path)
        except ConfigError as exc:
            raise SettingsError(f"{mapping.source}: default: {exc}") from None
    for path in mapping.max_lengths:
        try:
            check_path(feed.record_type, path)
        except ConfigError as exc:
            raise SettingsError(f"{mapping.source}: max_lengths: {exc}") from None
    for path in mapping.references:
        try:
            check_path(feed.record_type, path)
        except ConfigError as exc:
            raise SettingsError(f"{mapping.source}: references: {exc}") from None
    if feed.id_field not in columns.values():
        raise SettingsError(f"{mapping.source}: no column maps to the record ID field {feed.id_field!r}")
    return attrs.evolve(
        feed,
        columns=columns,
        defaults=defaults,
        id_prefix=feed.id_prefix if mapping.id_prefix is None else mapping.id_prefix,
        marking=mapping.marking or feed.marking,
        max_length=feed.max_length if mapping.max_length is None else mapping.max_length,
        max_lengths={**feed.max_lengths, **mapping.max_lengths},
        references={**feed.references, **mapping.references},
    )


def builtin_feed(
    name: str, record_type: type[Record], collection: str, *, title: str, partner: str, marking: str
) -> FeedDefinition:
    """A built-in feed whose columns and defaults come from its packaged mapping file."""
    mapping = default_mapping(name)
    base = FeedDefinition(
        name=name, title=title, record_type=record_type, collection=collection, columns={},
        partner=partner, marking=Marking.parse(marking),
    )
    return apply_mapping(base, mapping)
