"""Pay rules held as configuration (TOML), each rule citing its source.

The built-in file is ``payrules.toml`` in this package (illustrative rates); a force loads
its own with :func:`load_pay_rules`. Multipliers are exact fractions and money is integer
pence, so no amount ever passes through binary floating point.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from fractions import Fraction
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from ctpse_core.errors import InputError, Problem

__all__ = [
    "RULE_NAMES",
    "OutOfRegion",
    "PayRule",
    "PayRules",
    "builtin_pay_rules",
    "load_pay_rules",
    "parse_pay_rules",
]

#: the rule names every rank or grade must have exactly one rule for.
RULE_NAMES = ("overtime", "rest-day-short-notice", "rest-day-notice", "public-holiday", "travel")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@attrs.frozen
class PayRule:
    name: str
    multiplier: Fraction
    source: str


@attrs.frozen
class OutOfRegion:
    travel_minutes_each_way: int
    subsistence_pence_per_day: int
    source: str
    region: str
    box: tuple[float, float, float, float]  # lat_min, lat_max, lon_min, lon_max

    def outside(self, lat: float, lon: float) -> bool:
        lat_min, lat_max, lon_min, lon_max = self.box
        return not (lat_min <= lat <= lat_max and lon_min <= lon <= lon_max)


@attrs.frozen
class PayRules:
    """Everything the forecast needs to price time: rates, rules, notice, tour, allowances."""

    name: str
    rates: Mapping[str, int]  # pence per hour by rank or grade
    rates_source: str
    rules: Mapping[tuple[str, str], PayRule]  # (rank, rule name) -> rule
    notice_days: int
    notice_source: str
    tour_start: dt.time
    tour_minutes: int
    rest_days: frozenset[int]  # weekdays, Monday 0
    default_rank: str
    oncall_pence_per_day: int
    oncall_ranks: frozenset[str]
    oncall_source: str
    out_of_region: OutOfRegion
    holidays_country: str = "GB"
    holidays_subdivision: str | None = "ENG"

    def rule(self, rank: str, name: str) -> PayRule:
        return self.rules[(rank, name)]

    def rate(self, rank: str) -> int:
        return self.rates[rank]

    def knows(self, rank: str) -> bool:
        return rank in self.rates

    def sources(self) -> list[dict[str, str]]:
        """Each distinct rule with its multiplier and source (for the product's notes)."""
        seen: dict[tuple[str, str, str], list[str]] = {}
        for (rank, name), rule in sorted(self.rules.items()):
            seen.setdefault((name, _fraction_text(rule.multiplier), rule.source), []).append(rank)
        out = [
            {"rule": name, "multiplier": mult, "applies_to": ", ".join(ranks), "source": source}
            for (name, mult, source), ranks in seen.items()
        ]
        out.append({"rule": "notice", "multiplier": f"{self.notice_days} days", "applies_to": "rest days",
                    "source": self.notice_source})
        out.append({"rule": "on-call", "multiplier": f"{self.oncall_pence_per_day} p/day",
                    "applies_to": ", ".join(sorted(self.oncall_ranks)), "source": self.oncall_source})
        out.append({"rule": "out-of-region", "multiplier": f"{self.out_of_region.subsistence_pence_per_day} p/day",
                    "applies_to": self.out_of_region.region, "source": self.out_of_region.source})
        out.append({"rule": "rates", "multiplier": "", "applies_to": "", "source": self.rates_source})
        return out


def _fraction_text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


class _Reader:
    """Reads fields out of the parsed TOML, collecting one :class:`Problem` per fault."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.problems: list[Problem] = []

    def fail(self, field: str, reason: str, value: object = None) -> None:
        shown = f" (got {value!r})" if value is not None else ""
        self.problems.append(Problem(field, reason + shown, self.where, value))

    def table(self, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = data.get(key)
        if not isinstance(value, dict):
            self.fail(key, "is required and must be a table")
            return {}
        return value

    def text(self, data: Mapping[str, Any], key: str, field: str, default: str | None = None) -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            self.fail(field, "is required and must be text", value)
            return ""
        return value

    def whole(self, data: Mapping[str, Any], key: str, field: str) -> int:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(field, "must be a whole number, not negative", value)
            return 0
        return value

    def number(self, data: Mapping[str, Any], key: str, field: str) -> float:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(field, "must be a number", value)
            return 0.0
        return float(value)

    def ranks(self, data: Mapping[str, Any], key: str, field: str) -> list[str]:
        value = data.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.fail(field, "must be a list of ranks or grades", value)
            return []
        return [str(v) for v in value]


def _multiplier(reader: _Reader, text: object, field: str) -> Fraction:
    try:
        if not isinstance(text, str | int) or isinstance(text, bool):
            raise ValueError
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        reader.fail(field, "must be a fraction such as \"4/3\" or \"2\" (never a decimal float)", text)
        return Fraction(0)
    if value < 0:
        reader.fail(field, "must not be negative", text)
    return value


def parse_pay_rules(data: Mapping[str, Any], where: str = "payrules.toml") -> PayRules:
    """Pay rules from parsed TOML; every fault is an :class:`InputError` line naming the field."""
    r = _Reader(where)
    meta = r.table(data, "meta")
    rates_t = r.table(data, "rates")
    per_hour = r.table(rates_t, "pence_per_hour") if rates_t else {}
    rates: dict[str, int] = {}
    for rank, pence in per_hour.items():
        rates[rank] = r.whole(per_hour, rank, f"rates.pence_per_hour.{rank}")
        del pence
    rules: dict[tuple[str, str], PayRule] = {}
    raw_rules = data.get("rule")
    if not isinstance(raw_rules, list) or not raw_rules:
        r.fail("rule", "at least one [[rule]] is required")
        raw_rules = []
    for i, raw in enumerate(raw_rules, start=1):
        field = f"rule[{i}]"
        if not isinstance(raw, dict):
            r.fail(field, "must be a table")
            continue
        name = r.text(raw, "name", f"{field}.name")
        if name and name not in RULE_NAMES:
            r.fail(f"{field}.name", f"is not a known rule (use one of {', '.join(RULE_NAMES)})", name)
        source = r.text(raw, "source", f"{field}.source")
        mult = _multiplier(r, raw.get("multiplier"), f"{field}.multiplier")
        for rank in r.ranks(raw, "applies_to", f"{field}.applies_to"):
            if rank not in rates:
                r.fail(f"{field}.applies_to", "names a rank or grade with no rate in [rates.pence_per_hour]", rank)
            elif (rank, name) in rules:
                r.fail(f"{field}.applies_to", f"{rank} already has a {name!r} rule", rank)
            else:
                rules[(rank, name)] = PayRule(name, mult, source)
    for rank in rates:
        missing = [n for n in RULE_NAMES if (rank, n) not in rules]
        if missing:
            r.fail("rule", f"{rank} has no rule for {', '.join(missing)}", rank)
    notice = r.table(data, "notice")
    tour = r.table(data, "tour")
    start_text = r.text(tour, "start", "tour.start", "08:00") if tour else "08:00"
    try:
        tour_start = dt.time.fromisoformat(start_text)
    except ValueError:
        r.fail("tour.start", "must be a time such as \"08:00\"", start_text)
        tour_start = dt.time(8)
    rest_names = tour.get("rest_days", ["Sat", "Sun"]) if tour else ["Sat", "Sun"]
    rest_days: set[int] = set()
    for name in rest_names if isinstance(rest_names, list) else [rest_names]:
        if name in _DAYS:
            rest_days.add(_DAYS.index(name))
        else:
            r.fail("tour.rest_days", f"must be days written {', '.join(_DAYS)}", name)
    default = data.get("default", {})
    default_rank = default.get("rank", "DC") if isinstance(default, dict) else "DC"
    if default_rank not in rates:
        r.fail("default.rank", "has no rate in [rates.pence_per_hour]", default_rank)
    oncall = r.table(data, "oncall")
    away = r.table(data, "out_of_region")
    rules_out = PayRules(
        name=r.text(meta, "name", "meta.name") if meta else "",
        rates=rates,
        rates_source=r.text(rates_t, "source", "rates.source") if rates_t else "",
        rules=rules,
        notice_days=r.whole(notice, "rest_day_days", "notice.rest_day_days") if notice else 15,
        notice_source=r.text(notice, "source", "notice.source") if notice else "",
        tour_start=tour_start,
        tour_minutes=round(r.number(tour, "hours", "tour.hours") * 60) if tour else 480,
        rest_days=frozenset(rest_days),
        default_rank=str(default_rank),
        oncall_pence_per_day=r.whole(oncall, "pence_per_day", "oncall.pence_per_day") if oncall else 0,
        oncall_ranks=frozenset(r.ranks(oncall, "applies_to", "oncall.applies_to")) if oncall else frozenset(),
        oncall_source=r.text(oncall, "source", "oncall.source") if oncall else "",
        out_of_region=OutOfRegion(
            travel_minutes_each_way=round(r.number(away, "travel_hours_each_way", "out_of_region."
                                                   "travel_hours_each_way") * 60) if away else 0,
            subsistence_pence_per_day=r.whole(away, "subsistence_pence_per_day",
                                              "out_of_region.subsistence_pence_per_day") if away else 0,
            source=r.text(away, "source", "out_of_region.source") if away else "",
            region=r.text(away, "region", "out_of_region.region") if away else "",
            box=tuple(r.number(away, k, f"out_of_region.{k}") if away else 0.0  # type: ignore[arg-type]
                      for k in ("lat_min", "lat_max", "lon_min", "lon_max")),
        ),
        holidays_country=str(meta.get("holidays_country", "GB")) if meta else "GB",
        holidays_subdivision=(meta.get("holidays_subdivision") or None) if meta else "ENG",
    )
    if r.problems:
        raise InputError(r.problems, f"{where}: unusable pay rules")
    return rules_out


def load_pay_rules(path: Path) -> PayRules:
    """Pay rules from a TOML file (``error:`` lines naming the file and field when unusable)."""
    from ctpse_core.tomlfile import read_toml

    return parse_pay_rules(read_toml(path), str(path))


@cache
def builtin_pay_rules() -> PayRules:
    """The illustrative rules shipped with ctpse_core (``finance/payrules.toml``)."""
    text = resources.files("ctpse_core.finance").joinpath("payrules.toml").read_text(encoding="utf-8")
    return parse_pay_rules(tomllib.loads(text), "payrules.toml")
