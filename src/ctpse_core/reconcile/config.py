"""Reconciliation settings: thresholds, blocking rules, tolerances (attrs, loadable from TOML)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from ctpse_core.errors import ConfigError

__all__ = ["DEFAULT_BLOCKING", "BlockingRule", "ReconcileConfig", "Tolerances", "load_config"]


def _probability(_inst: Any, attr: attrs.Attribute[Any], value: float) -> None:
    if not 0.0 < value < 1.0:
        raise ValueError(f"{attr.name} must be between 0 and 1 (exclusive), got {value}")


def _fields_tuple(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(value or ())


@attrs.frozen(kw_only=True)
class BlockingRule:
    """Records sharing every key part are compared.

    Key parts: ``pnc``, ``cro``, ``prison``, ``name_token`` (any name word key, aliases
    included), ``name_pair`` (both name keys, order-free), ``dob`` (exact),
    ``dob_unordered`` (day and month order-free), ``year``, ``month``, ``day``, ``sex``,
    ``nationality``, ``postcode``, ``surname_phonetic``. ``only_if_missing`` restricts
    the rule to pairs where, for each field named (``dob``, ``pnc``, ``cro``, ``prison``),
    at least one side lacks it.
    """

    name: str
    keys: tuple[str, ...]
    only_if_missing: tuple[str, ...] = attrs.field(default=(), converter=_fields_tuple)


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


@attrs.frozen(kw_only=True)
class Tolerances:
    """When two values of a matched pair count as the same (discrepancy checks)."""

    #: Tiers may differ by this much before it is a discrepancy.
    risk_tier: int = 0
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
    blocking: tuple[BlockingRule, ...] = DEFAULT_BLOCKING
    #: Blocks with more pairs than this are skipped (reported) rather than exploding.
    max_block_pairs: int = 250_000
    #: Random pairs sampled to estimate u-probabilities.
    u_sample: int = 100_000
    em_iterations: int = 60
    em_tolerance: float = 1e-6
    #: Comparisons whose agreement weight is adjusted by the agreed value's frequency.
    tf_adjust: tuple[str, ...] = ("forename", "surname")
    #: Comparisons (match rules) switched off by name.
    disabled_rules: tuple[str, ...] = ()
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
    national_date_format: str = "%d-%b-%Y"
    workers: int = 2

    def __attrs_post_init__(self) -> None:
        if self.review_threshold > self.match_threshold:
            raise ValueError(
                f"review_threshold {self.review_threshold} is above match_threshold {self.match_threshold}"
            )


def _build(data: Mapping[str, Any], where: str) -> ReconcileConfig:
    data = dict(data)
    try:
        if "blocking" in data:
            data["blocking"] = tuple(
                BlockingRule(
                    name=str(r["name"]),
                    keys=tuple(r["keys"]),
                    only_if_missing=r.get("only_if_missing", ()),
                )
                for r in data["blocking"]
            )
        if "tolerances" in data:
            tol = dict(data["tolerances"])
            if "ignore" in tol:
                tol["ignore"] = tuple(tol["ignore"])
            data["tolerances"] = Tolerances(**tol)
        for key in ("tf_adjust", "disabled_rules", "authoritative"):
            if key in data:
                data[key] = tuple(data[key])
        return ReconcileConfig(**data)
    except (TypeError, ValueError, KeyError) as exc:
        raise ConfigError(f"{where}: {exc}") from None


def load_config(
    path: str | Path | None = None, overrides: Mapping[str, Any] | None = None
) -> ReconcileConfig:
    """Read a TOML file (top level or a ``[reconcile]`` table); ``None`` gives the defaults."""
    data: dict[str, Any] = {}
    where = "reconcile config"
    if path is not None:
        where = str(path)
        try:
            with Path(path).open("rb") as handle:
                raw = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from None
        data = dict(raw.get("reconcile", raw))
    data.update(overrides or {})
    return _build(data, where)
