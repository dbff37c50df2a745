"""The one converter for all outside input, and readable errors from it.

``structure(data, cls, where=...)`` turns a mapping (a CSV row, a JSON object) into a
domain object or raises :class:`~ctpse_core.errors.InputError` holding one
:class:`~ctpse_core.errors.Problem` per fault, e.g.
``date_of_birth: '31/02/1990' is not a valid date (day is out of range for month) @ nominal[12]``.
``unstructure(obj)`` gives plain JSON-ready data; the two round-trip.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import types
import typing
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn
from cattrs.preconf.json import make_converter

from ctpse_core.domain.common import UTC
from ctpse_core.domain.identifiers import normalise_cro, normalise_pnc, normalise_prison_number
from ctpse_core.domain.marking import Classification, Marking
from ctpse_core.domain.types import (
    CroNumber,
    PhoneNumber,
    PncId,
    Postcode,
    PrisonNumber,
    normalise_postcode,
)
from ctpse_core.errors import InputError, Problem
from ctpse_core.parsing import parse_bool, parse_date, parse_datetime, parse_phone, parse_time

__all__ = ["converter", "problems_from", "structure", "structure_many", "unstructure"]

T = TypeVar("T")
_SPLIT = re.compile(r"\s*[;|]\s*")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object, _: Any = None) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() else str(value)
    raise ValueError(f"{value!r} is not text")


def _int(value: object, _: Any = None) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a whole number")
    if isinstance(value, int):
        return value
    try:
        number = float(str(value).strip().replace(",", ""))
    except ValueError:
        raise ValueError(f"{value!r} is not a whole number") from None
    if not number.is_integer():
        raise ValueError(f"{value!r} is not a whole number")
    return int(number)


def _float(value: object, _: Any = None) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    try:
        return float(str(value).strip().replace(",", "")) if not isinstance(value, float) else value
    except ValueError:
        raise ValueError(f"{value!r} is not a number") from None


def _decimal(value: object, _: Any = None) -> Decimal:
    try:
        return Decimal(str(value).strip().replace(",", "").lstrip("£"))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount") from None


def _wrap(fn: Callable[[Any], T]) -> Callable[[Any, Any], T]:
    return lambda value, _type: fn(value)


def _items(value: object) -> list[Any]:
    if _blank(value):
        return []
    if isinstance(value, str):
        return [v for v in _SPLIT.split(value.strip()) if v]
    if isinstance(value, Iterable) and not isinstance(value, bytes | dict):
        return list(value)
    raise ValueError(f"{value!r} is not a list")


_ENUM_NOISE = re.compile(r"[\s_\-]+")


@cache
def _enum_hook(cls: type[enum.Enum]) -> Callable[[Any, Any], enum.Enum]:
    def key(text: str) -> str:
        return _ENUM_NOISE.sub("", text).lower()

    table: dict[str, enum.Enum] = {}
    exact: dict[str, enum.Enum] = {}  # values as written most of the time: no normalising needed
    for member in cls:
        table[key(str(member.value))] = member
        table[key(member.name)] = member
        exact[str(member.value)] = member

    def hook(value: Any, _: Any) -> enum.Enum:
        if isinstance(value, cls):
            return value
        found = exact.get(value) if type(value) is str else None
        if found is None:
            found = table.get(key(str(value)))
        if found is None:
            allowed = ", ".join(str(m.value) for m in cls)
            raise ValueError(f"{value!r} is not one of: {allowed}")
        return found

    return hook


def _datetime_unstructure(value: dt.datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _make() -> cattrs.Converter:
    conv = make_converter(forbid_extra_keys=True, detailed_validation=True)
    # By class (singledispatch); bool and the str/int enums are registered by their own
    # classes below, which are more specific than str and int.
    conv.register_structure_hook(str, _text)
    conv.register_structure_hook(int, _int)
    conv.register_structure_hook(float, _float)
    conv.register_structure_hook(bool, _wrap(parse_bool))
    conv.register_structure_hook(Decimal, _decimal)
    conv.register_unstructure_hook(Decimal, str)
    conv.register_structure_hook(dt.date, _wrap(parse_date))
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    conv.register_structure_hook(dt.datetime, _wrap(parse_datetime))
    conv.register_unstructure_hook(dt.datetime, _datetime_unstructure)
    conv.register_structure_hook(dt.time, _wrap(parse_time))
    conv.register_unstructure_hook(dt.time, lambda t: t.isoformat(timespec="minutes"))
    conv.register_structure_hook(Marking, lambda v, _: v if isinstance(v, Marking) else Marking.parse(str(v)))
    conv.register_unstructure_hook(Marking, str)
    conv.register_structure_hook(
        Classification, lambda v, _: v if isinstance(v, Classification) else Classification.parse(str(v))
    )
    conv.register_unstructure_hook(Classification, str)
    normalisers: list[tuple[Any, Callable[[Any], str]]] = [
        (PncId, normalise_pnc),
        (CroNumber, normalise_cro),
        (PrisonNumber, normalise_prison_number),
        (Postcode, normalise_postcode),
        (PhoneNumber, parse_phone),
    ]
    for new_type, fn in normalisers:
        hook = _wrap(fn)
        hook.normaliser = fn  # type: ignore[attr-defined]  # its value is canonical: see _canonical
        conv.register_structure_hook(new_type, hook)
    # StrEnum/IntEnum are registered by class so they win over the str/int dispatch.
    for base in (enum.StrEnum, enum.IntEnum, enum.Enum):
        conv.register_structure_hook(base, lambda v, t: _enum_hook(t)(v, t))
    conv.register_unstructure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda _t: lambda v: v.value
    )
    conv.register_structure_hook_factory(_is_optional, lambda t: _optional_hook(conv, t))
    conv.register_structure_hook_factory(_is_collection, lambda t: _collection_hook(conv, t))
    conv.register_unstructure_hook_factory(
        lambda t: typing.get_origin(t) is frozenset or t is frozenset,  # type: ignore[comparison-overlap]
        lambda _t: lambda v: sorted(conv.unstructure(x) for x in v),
    )
    conv.register_structure_hook_factory(attrs.has, lambda cls: _attrs_hook(conv, cls))
    return conv


def _is_optional(t: Any) -> bool:
    args = typing.get_args(t)
    return typing.get_origin(t) in (typing.Union, __import__("types").UnionType) and (
        type(None) in args and len(args) == 2
    )


def _lazy_hook(conv: cattrs.Converter, t: Any) -> Callable[[Any], Any]:
    """Call ``t``'s structure hook, looked up once on first use (not per value)."""
    found: list[Callable[[Any, Any], Any]] = []

    def call(value: Any) -> Any:
        if not found:
            found.append(conv.get_structure_hook(t))
        return found[0](value, t)

    return call


def _optional_hook(conv: cattrs.Converter, t: Any) -> Callable[[Any, Any], Any]:
    inner = _lazy_hook(conv, next(a for a in typing.get_args(t) if a is not type(None)))

    def hook(value: Any, _: Any) -> Any:
        return None if _blank(value) else inner(value)

    return hook


def _is_collection(t: Any) -> bool:
    origin = typing.get_origin(t)
    if origin is tuple:
        args = typing.get_args(t)
        return len(args) == 2 and args[1] is Ellipsis
    return origin is frozenset


def _collection_hook(conv: cattrs.Converter, t: Any) -> Callable[[Any, Any], Any]:
    origin = typing.get_origin(t)
    inner = typing.get_args(t)[0]
    structure_item = _lazy_hook(conv, inner)

    def hook(value: Any, _: Any) -> Any:
        items = _items(value)
        out: list[Any] = []
        errors: list[Exception] = []
        for index, item in enumerate(items):
            try:
                out.append(structure_item(item))
            except Exception as exc:
                note = IterableValidationNote(f"@ index {index}", index, inner)
                exc.__notes__ = [*getattr(exc, "__notes__", []), note]
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {t!r}", errors, t)
        return origin(out)

    return hook


def _attrs_hook(conv: cattrs.Converter, cls: type[Any]) -> Callable[[Any, Any], Any]:
    base = make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True, _cattrs_detailed_validation=True)

    def hook(value: Any, _: Any) -> Any:
        if isinstance(value, cls):
            return value
        if not isinstance(value, dict):
            raise ValueError(f"expected a record with fields, got {type(value).__name__}")
        try:
            return base(value, cls)  # the fast path
        except ClassValidationError:
            # Diagnose: every field on its own, then every validator over what did convert,
            # so that all faults are reported at once, not just the first kind found.
            raise ClassValidationError(f"While structuring {cls.__name__}", _diagnose(conv, cls, value), cls) from None

    return hook


def _noted(exc: BaseException, field: attrs.Attribute[Any]) -> BaseException:
    exc.__notes__ = [AttributeValidationNote(f"@ attribute {field.name}", field.name, field.type)]
    return exc


def _diagnose(conv: cattrs.Converter, cls: type[Any], value: dict[str, Any]) -> list[Exception]:
    fields = attrs.fields(cls)
    errors: list[Exception] = []
    extra = set(value) - {f.alias for f in fields}
    if extra:
        errors.append(ForbiddenExtraKeysError(f"Extra fields in constructor for {cls.__name__}", cls, extra))
    values: dict[str, Any] = {}
    for field in fields:
        if field.alias not in value:
            if field.default is attrs.NOTHING:
                errors.append(_noted(KeyError(field.name), field))  # type: ignore[arg-type]
            continue
        try:
            values[field.name] = conv.structure(value[field.alias], field.type)
        except Exception as exc:
            errors.append(_noted(exc, field))  # type: ignore[arg-type]
    view = types.SimpleNamespace(**{f.name: values.get(f.name) for f in fields})
    for field in fields:
        if field.validator is None or field.name not in values:
            continue
        try:
            field.validator(view, field, values[field.name])
        except (ValueError, TypeError) as exc:
            errors.append(_noted(exc, field))  # type: ignore[arg-type]
    if not errors:  # e.g. a check across fields in __attrs_post_init__: report its own words
        try:
            cls(**{f.alias: values[f.name] for f in fields if f.name in values})
        except (ValueError, TypeError) as exc:
            errors.append(exc)
        else:
            errors.append(ValueError(f"{cls.__name__} could not be built from these values"))
    return errors


@cache
def _converter() -> cattrs.Converter:
    return _make()


class _Lazy:
    def __getattr__(self, name: str) -> Any:
        return getattr(_converter(), name)


#: The one converter (built on first use).
converter: cattrs.Converter = typing.cast(cattrs.Converter, _Lazy())


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ForbiddenExtraKeysError):
        return f"unknown field(s): {', '.join(sorted(exc.extra_fields))}"
    if isinstance(exc, KeyError):
        return "is required but missing"
    text = str(exc.args[0]) if exc.args else type(exc).__name__
    if isinstance(exc, TypeError) and "missing" in text and "argument" in text:
        return "is required but missing"
    return text


def problems_from(exc: BaseException, path: str = "") -> list[Problem]:
    """Flatten a cattrs error tree into one :class:`Problem` per fault."""
    out: list[Problem] = []
    if isinstance(exc, ClassValidationError | IterableValidationError):
        for sub in exc.exceptions:
            kinds = (AttributeValidationNote, IterableValidationNote)
            notes = [n for n in getattr(sub, "__notes__", []) if isinstance(n, kinds)]
            sub_path = path
            for note in notes[-1:]:
                if isinstance(note, AttributeValidationNote):
                    sub_path = f"{path}.{note.name}" if path else note.name
                else:
                    sub_path = f"{path}[{note.index}]"
            out.extend(problems_from(sub, sub_path))
    elif isinstance(exc, ForbiddenExtraKeysError):
        out.append(Problem(field=path, reason=_reason(exc)))
    else:
        out.append(Problem(field=path, reason=_reason(exc)))
    return out


def structure(data: Any, cls: type[T], where: str = "") -> T:
    """Build a ``cls`` from outside data, or raise :class:`InputError` listing every fault."""
    try:
        return _converter().structure(data, cls)
    except (ClassValidationError, IterableValidationError, ValueError, TypeError, KeyError) as exc:
        problems = [p.located(where) if where else p for p in problems_from(exc)]
        raise InputError(problems, f"invalid {getattr(cls, '__name__', cls)}") from None


def structure_many(rows: Iterable[Any], cls: type[T], where: str = "") -> tuple[list[T], list[Problem]]:
    """Structure each row; return the good objects and the problems of the bad rows."""
    good: list[T] = []
    bad: list[Problem] = []
    for index, row in enumerate(rows):
        try:
            good.append(structure(row, cls, where=f"{where}[{index}]"))
        except InputError as exc:
            bad.extend(exc.problems)
    return good, bad


def unstructure(obj: Any) -> Any:
    return _converter().unstructure(obj)
