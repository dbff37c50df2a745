"""Reconciliation settings: thresholds, blocking rules, tolerances (attrs).

Plain data only: this module imports nothing else of the engine, so blocking, comparisons
and explanations can all depend on it. :mod:`ctpse_core.reconcile.settings` reads them from
TOML and checks the names they use against the registered match rules and checked fields.
"""

from __future__ import annotations

from typing import Any

import attrs

__all__ = [
    "COLUMN_KINDS",
    "DEFAULT_BLOCKING",
    "FIELD_PART",
    "KEY_PARTS",
    "BlockingRule",
    "ColumnComparison",
    "ReconcileConfig",
    "Tolerances",
    "field_of_part",
]


def _probability(_inst: Any, attr: attrs.Attribute[Any], value: float) -> None:
    if not 0.0 < value < 1.0:
        raise ValueError(f"{attr.name} must be between 0 and 1 (exclusive), got {value}")


def _fields_tuple(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(value or ())


MISSING_FIELDS = ("dob", "pnc", "cro", "prison")

#: Built-in blocking key parts (``blocking.py`` makes their keys; a test keeps the two in step).
KEY_PARTS: tuple[str, ...] = (
    "cro", "day", "dob", "dob_unordered", "forename", "month", "name_pair", "name_token", "nationality",
    "pnc", "postcode", "prison", "sex", "surname", "surname_phonetic", "year",
)
#: Prefix of a blocking key part made from any table column: ``field:PATH``.
FIELD_PART = "field:"


def field_of_part(part: str) -> str | None:
    """The column path of a ``field:PATH`` blocking key part, else None."""
    if part.startswith(FIELD_PART) and len(part) > len(FIELD_PART):
        return part[len(FIELD_PART) :]
    return None


def _non_blank(_inst: Any, attr: attrs.Attribute[Any], value: str) -> None:
    if not str(value).strip():
        raise ValueError(f"{attr.name} must not be blank")


def _key_parts(_inst: Any, attr: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    if not value:
        raise ValueError(f"{attr.name} must name at least one key part")
    known = KEY_PARTS
    unknown = [k for k in value if k not in known and field_of_part(k) is None]
    if unknown:
        raise ValueError(
            f"unknown key part(s) {', '.join(map(repr, unknown))} "
            f"(known: {', '.join(known)}, or field:PATH for any column)"
        )


def _missing_fields(_inst: Any, attr: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    unknown = [f for f in value if f not in MISSING_FIELDS]
    if unknown:
        raise ValueError(f"{attr.name} must be among {', '.join(MISSING_FIELDS)}, not {', '.join(map(repr, unknown))}")


CANNOT_LINK = ("identifiers", "forename")


def _date_format(_inst: Any, attr: attrs.Attribute[Any], value: str) -> None:
    """A strftime format that writes a date which reads back as the same date."""
    import datetime as dt

    probe = dt.date(1987, 11, 23)
    written = probe.strftime(value)
    try:
        same = dt.datetime.strptime(written, value).date() == probe
    except ValueError:
        same = False
    if not same:
        raise ValueError(
            f"{attr.name} {value!r} does not write a whole date (23/11/1987 came out as {written!r}); "
            "use strftime codes for day, month and year, e.g. '%d-%b-%Y'"
        )


def _cannot_link_kinds(_inst: Any, attr: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    unknown = [v for v in value if v not in CANNOT_LINK]
    if unknown:
        raise ValueError(f"{attr.name} must be among {', '.join(CANNOT_LINK)}, not {', '.join(map(repr, unknown))}")


@attrs.frozen(kw_only=True)
class BlockingRule:
    """Records sharing every key part are compared.

    Key parts: ``pnc``, ``cro``, ``prison``, ``name_token`` (any name word key, aliases
    included), ``name_pair`` (both name keys, order-free), ``dob`` (exact),
    ``dob_unordered`` (day and month order-free), ``year``, ``month``, ``day``, ``sex``,
    ``nationality``, ``postcode``, ``surname_phonetic``, and ``field:PATH`` for any column of
    the table (its letters and digits, e.g. ``field:addresses.0.town``). ``only_if_missing`` restricts
    the rule to pairs where, for each field named (``dob``, ``pnc``, ``cro``, ``prison``),
    at least one side lacks it.
    """

    name: str = attrs.field(validator=_non_blank)
    keys: tuple[str, ...] = attrs.field(validator=_key_parts)
    only_if_missing: tuple[str, ...] = attrs.field(default=(), converter=_fields_tuple, validator=_missing_fields)


DEFAULT_BLOCKING: tuple[BlockingRule, ...] = (
    BlockingRule(name="pnc", keys=("pnc",)),
    BlockingRule(name="cro", keys=("cro",)),
    BlockingRule(name="prison", keys=("prison",)),
    BlockingRule(name="name-dob", keys=("name_token", "dob_unordered")),
    BlockingRule(name="names-year-month", keys=("name_pair", "year", "month")),
    BlockingRule(name="names-month-day", keys=("name_pair", "month", "day")),
    BlockingRule(name="names-year-day", keys=("name_pair", "year", "day")),
    BlockingRule(name="dob-postcode", keys=("dob", "postcode")),
    BlockingRule(name="surname-postcode", keys=("surname_phonetic", "postcode")),
    BlockingRule(
        name="names-no-dob",
        keys=("name_pair", "sex", "nationality"),
        only_if_missing=("dob", "pnc"),
    ),
)


#: Kinds of :class:`ColumnComparison`: free text (Jaro-Winkler levels), a code (typo levels) or a
#: category (same / different).
COLUMN_KINDS = ("text", "code", "category")


def _kind(_inst: Any, _attr: attrs.Attribute[Any], value: str) -> None:
    if value not in COLUMN_KINDS:
        raise ValueError(f"kind must be one of {', '.join(COLUMN_KINDS)}, not {value!r}")


@attrs.frozen(kw_only=True)
class ColumnComparison:
    """A comparison of any column of the tables, declared in configuration (no plugin needed).

    ``kind = "text"``: exact / close / similar / different by Jaro-Winkler (an address line,
    a town); ``kind = "code"``: exact / one character differs or two swapped / different (a
    partner's reference number); ``kind = "category"``: same / different (a middle initial,
    a state). ``identifier = true`` (codes only) lets an exact agreement
    decide a match before the probabilistic model, like the PNC ID. Its weights are learned
    like every other comparison's.
    """

    name: str = attrs.field(validator=_non_blank)
    field: str = attrs.field(validator=_non_blank)
    kind: str = attrs.field(default="text", validator=_kind)
    identifier: bool = False

    def __attrs_post_init__(self) -> None:
        if self.identifier and self.kind != "code":
            raise ValueError(f"comparison {self.name!r}: only a code comparison can be an identifier")


@attrs.frozen(kw_only=True)
class Tolerances:
    """When two values of a matched pair count as the same (discrepancy checks)."""

    #: Tiers may differ by this much before it is a discrepancy.
    risk_tier: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    #: Free text (manager, establishment) agreeing at or above this Jaro-Winkler similarity.
    text_similarity: float = attrs.field(default=0.95, validator=_probability)
    #: Fields never reported as discrepancies.
    ignore: tuple[str, ...] = ()
    #: Report a value present on one side only.
    report_missing: bool = True


@attrs.frozen(kw_only=True)
class ReconcileConfig:
    """Thresholds are match probabilities (posterior, after the prior from EM)."""

    match_threshold: float = attrs.field(default=0.5, validator=_probability)
    review_threshold: float = attrs.field(default=0.05, validator=_probability)
    dedupe_threshold: float = attrs.field(default=0.95, validator=_probability)
    #: Pairs never joined as within-list duplicates on score alone (a reviewer's "same" still
    #: joins them): ``identifiers`` — PNC ID, CRO number or prison number present on both and
    #: different; ``forename`` — forenames that disagree outright on every name variant (twins
    #: and relatives at one address; costs recall where duplicates use another forename).
    dedupe_cannot_link: tuple[str, ...] = attrs.field(default=("identifiers",), validator=_cannot_link_kinds)
    blocking: tuple[BlockingRule, ...] = DEFAULT_BLOCKING
    #: Blocks with more pairs than this are skipped (reported) rather than exploding.
    max_block_pairs: int = attrs.field(default=250_000, validator=attrs.validators.ge(1))
    #: Blocks with more pairs than this are compared through sorted-neighbourhood windows
    #: (each record against its ``block_window`` nearest by name skeletons, then DOB).
    block_limit: int = attrs.field(default=100, validator=attrs.validators.ge(1))
    #: Width of those windows, in records.
    block_window: int = attrs.field(default=4, validator=attrs.validators.ge(2))
    #: Random pairs sampled to estimate u-probabilities.
    u_sample: int = attrs.field(default=100_000, validator=attrs.validators.ge(1))
    em_iterations: int = attrs.field(default=60, validator=attrs.validators.ge(1))
    em_tolerance: float = attrs.field(default=1e-6, validator=attrs.validators.gt(0.0))
    #: Comparisons whose agreement weight is adjusted by the agreed value's frequency.
    tf_adjust: tuple[str, ...] = ("forename", "surname")
    #: Comparisons (match rules) switched off by name.
    disabled_rules: tuple[str, ...] = ()
    #: Comparisons of further columns (address lines, a partner's own reference...).
    comparisons: tuple[ColumnComparison, ...] = ()
    #: True: only the comparisons and blocking rules configured here (and the built-in
    #: comparisons); False (the default): they are added to those chosen from the lists
    #: (:mod:`ctpse_core.reconcile.auto`).
    replace: bool = False
    #: One-to-one assignment of cross-list matches (between duplicate clusters).
    one_to_one: bool = True
    #: Identifier agreement with name and DOB weight below this is an identifier conflict.
    conflict_weight: float = 0.0
    seed: int = 0
    tolerances: Tolerances = attrs.Factory(Tolerances)
    #: Fields the regional list is authoritative for (they go into the correction set).
    authoritative: tuple[str, ...] = (
        "status",
        "risk_tier",
        "category",
        "nominal_manager",
        "establishment",
        "orders",
        "pnc_id",
        "cro_number",
        "prison_number",
        "date_of_birth",
    )
    #: Date format of the national list, for the correction set.
    national_date_format: str = attrs.field(default="%d-%b-%Y", validator=_date_format)
    workers: int = attrs.field(default=2, validator=attrs.validators.ge(1))
    #: With ``workers`` > 1, choosing the configuration and both de-duplications run in a
    #: second process (a fork of this one, where the platform forks), alongside encoding and
    #: the link, when both lists have at least this many records.
    parallel_min_records: int = attrs.field(default=200_000, validator=attrs.validators.ge(0))

    def __attrs_post_init__(self) -> None:
        if self.review_threshold > self.match_threshold:
            raise ValueError(
                f"review_threshold {self.review_threshold} is above match_threshold {self.match_threshold}"
            )
