"""A list's column mapping for reconciliation: each header's field, date format and kind.

A partner list maps its headers to :class:`~ctpse_core.domain.nominal.Nominal` field paths
(``"DOB" = "date_of_birth"``). For a list from elsewhere a column may also say how its dates
are written and what kind of evidence it is, and a column with no Nominal field (a middle
initial, a national insurance number) is carried with the record under its own name, so it
can be compared and blocked on like any other::

    [regional]
    "Ref" = "id"
    "Born" = { field = "date_of_birth", date_format = "MM/DD/YYYY" }
    "Middle initial" = "middle_initial"                  # a column of its own
    "NI number" = { field = "ni_number", kind = "identifier" }
    "PNC" = { field = "pnc_id", invalid = "blank" }      # keep the record, report the value

``invalid = "blank"`` keeps a record whose value in that column cannot be read (an
impossible date, a PNC ID with a wrong check character) with the value blank, and reports
it as incomplete; by default such a row is rejected.

A name that is not a Nominal field but is close to one (``surnme``) is refused with the
field it probably means; ``extra.NAME`` states a column of its own outright.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

import attrs

from ctpse_core.errors import ConfigError
from ctpse_core.parsing import DATE_FORMATS

__all__ = ["COLUMN_KINDS", "EXTRA_PREFIX", "ListMapping", "list_mapping"]

#: Kinds of evidence a column may be declared as (otherwise measured from its values).
COLUMN_KINDS = ("name", "date", "identifier", "code", "text", "postcode", "category")
#: Prefix stating that a column is the list's own, not a Nominal field.
EXTRA_PREFIX = "extra."
_SPEC_KEYS = ("field", "date_format", "kind", "invalid")
#: What to do with a value that cannot be read: reject the row (the default), or keep the
#: record with the value blank and report it as incomplete.
INVALID = ("reject", "blank")
#: Field paths that hold dates (a date format may be declared for them).
DATE_FIELDS = ("date_of_birth",)


@attrs.frozen(kw_only=True)
class ListMapping:
    """Headers to field paths (or a column of the list's own), with date formats and kinds."""

    columns: Mapping[str, str]
    date_formats: Mapping[str, str] = attrs.field(factory=dict)
    kinds: Mapping[str, str] = attrs.field(factory=dict)
    #: Columns of the list's own (no Nominal field), by the name they are carried under.
    extras: tuple[str, ...] = ()
    #: Fields whose unreadable values are blanked (the record kept, reported incomplete).
    blank_invalid: tuple[str, ...] = ()
    source: str = ""


def _field_paths() -> list[str]:
    from ctpse_core.reconcile.table import FIELDS

    return ["id", *FIELDS]


def _target(header: str, path: str, where: str) -> tuple[str, bool]:
    """(field path or column name, whether it is a column of the list's own)."""
    from ctpse_core.domain.nominal import Nominal
    from ctpse_core.feeds.plan import check_path

    if path.startswith(EXTRA_PREFIX) and len(path) > len(EXTRA_PREFIX):
        return path[len(EXTRA_PREFIX) :], True
    if path == "id":
        return path, False
    try:
        check_path(Nominal, path)
        return path, False
    except ConfigError:
        pass
    known = _field_paths()
    close = difflib.get_close_matches(path, known, n=1, cutoff=0.8)
    if close:
        own = "" if "." in path else f" (write {EXTRA_PREFIX}{path} to keep it as a column of its own)"
        raise ConfigError(f"{where}: column {header!r}: {path!r} is not a field; did you mean {close[0]!r}?{own}")
    if "." in path:
        raise ConfigError(
            f"{where}: column {header!r}: {path!r} is not a field path of a nominal "
            f"(fields: {', '.join(known)}; or name a column of its own without dots)"
        )
    return path, True


def list_mapping(data: Mapping[str, Any], where: str) -> ListMapping:
    """Check one list's ``header = field`` lines (a field path, or a table with ``field``,
    ``date_format`` and ``kind``); faults are a :class:`ConfigError` naming ``where``."""
    columns: dict[str, str] = {}
    formats: dict[str, str] = {}
    kinds: dict[str, str] = {}
    extras: list[str] = []
    lenient: list[str] = []
    for header, value in data.items():
        spec: dict[str, Any]
        if isinstance(value, str):
            spec = {"field": value}
        elif isinstance(value, Mapping):
            spec = dict(value)
            unknown = sorted(set(spec) - set(_SPEC_KEYS))
            if unknown:
                raise ConfigError(
                    f"{where}: column {header!r}: unknown setting(s) {', '.join(unknown)} "
                    f"(known: {', '.join(_SPEC_KEYS)})"
                )
        else:
            raise ConfigError(f"{where}: column {header!r} must map to a field, e.g. \"surname\"")
        path = spec.get("field")
        if not isinstance(path, str) or not path.strip():
            raise ConfigError(f"{where}: column {header!r} must map to a field, e.g. \"surname\"")
        target, extra = _target(str(header), path.strip(), where)
        columns[str(header)] = target
        if extra:
            extras.append(target)
        fmt = spec.get("date_format")
        if fmt is not None:
            if fmt not in DATE_FORMATS:
                raise ConfigError(
                    f"{where}: column {header!r}: date_format {fmt!r} is not one of {', '.join(DATE_FORMATS)}"
                )
            if not extra and target not in DATE_FIELDS:
                raise ConfigError(f"{where}: column {header!r}: {target} holds no dates; remove date_format")
            formats[target] = fmt
        invalid = spec.get("invalid", "reject")
        if invalid not in INVALID:
            raise ConfigError(f"{where}: column {header!r}: invalid {invalid!r} is not one of {', '.join(INVALID)}")
        if invalid == "blank":
            if target == "id":
                raise ConfigError(f"{where}: column {header!r}: the record ID cannot be blanked")
            lenient.append(target)
        kind = spec.get("kind")
        if kind is not None:
            if kind not in COLUMN_KINDS:
                raise ConfigError(f"{where}: column {header!r}: kind {kind!r} is not one of {', '.join(COLUMN_KINDS)}")
            kinds[target] = kind
            if kind == "date" and target not in formats:
                formats[target] = "auto"
    if "id" not in columns.values():
        raise ConfigError(f"{where}: no column maps to the record ID field 'id'")
    return ListMapping(
        columns=columns, date_formats=formats, kinds=kinds, extras=tuple(extras), blank_invalid=tuple(lenient),
        source=where,
    )
