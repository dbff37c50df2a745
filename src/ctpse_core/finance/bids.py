"""Funding bids, signed authorisations and their reconciliation with forecast and actual.

* :func:`bid_from_forecast` makes a :class:`~ctpse_core.domain.finance.FundingBid` with one
  line per operation (optionally only out-of-region work) from a forecast.
* :func:`reconcile` sets forecast, bid, authorised and actual (claimed) side by side per
  operation, lists the discrepancies and grades each line ``ok`` / ``warn`` / ``block``
  under :class:`Thresholds` (configuration: ``finance/budget.toml``).
* :func:`budget_position` sums the lines per budget code.

Amounts are integer pence throughout; the records hold pounds as exact ``Decimal``.
"""

from __future__ import annotations

import csv
import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from ctpse_core.domain.finance import Authorisation, BidLine, FundingBid
from ctpse_core.errors import InputError, Problem
from ctpse_core.finance.forecast import Forecast, money

__all__ = [
    "Claim",
    "ReconLine",
    "Thresholds",
    "bid_from_forecast",
    "budget_position",
    "builtin_thresholds",
    "load_claims",
    "load_thresholds",
    "pence",
    "reconcile",
]

OK, WARN, BLOCK = "ok", "warn", "block"
_ORDER = {OK: 0, WARN: 1, BLOCK: 2}


def pence(amount: Decimal) -> int:
    """Pounds (exact ``Decimal``) as whole pence; a fraction of a penny is an error."""
    value = amount * 100
    if value != value.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of pence")
    return int(value)


@attrs.frozen
class Thresholds:
    """Warn when committed reaches ``warn_at`` x authorised; block when it passes ``block_at`` x."""

    warn_at: Fraction = Fraction(9, 10)
    block_at: Fraction = Fraction(1)
    source: str = ""

    def grade(self, committed: int, authorised: int) -> str:
        if committed <= 0:
            return OK
        if authorised <= 0:
            return BLOCK
        if committed > self.block_at * authorised:
            return BLOCK
        if committed >= self.warn_at * authorised:
            return WARN
        return OK


def _fraction(text: object, field: str, where: str) -> Fraction:
    try:
        if not isinstance(text, str):
            raise ValueError
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise InputError([Problem(field, f'must be a number written as text, e.g. "0.90" (got {text!r})', where, text)],
                         "unusable budget thresholds") from None
    return value


def parse_thresholds(data: Mapping[str, Any], where: str = "budget.toml") -> Thresholds:
    table = data.get("thresholds")
    if not isinstance(table, dict):
        raise InputError([Problem("thresholds", "is required and must be a table", where)], "unusable thresholds")
    warn = _fraction(table.get("warn_at"), "thresholds.warn_at", where)
    block = _fraction(table.get("block_at"), "thresholds.block_at", where)
    if not 0 < warn <= block:
        raise InputError([Problem("thresholds.warn_at", f"must be more than 0 and not above block_at ({block})",
                                  where, str(warn))], "unusable thresholds")
    return Thresholds(warn, block, str(table.get("source", "")))


def load_thresholds(path: Path) -> Thresholds:
    from ctpse_core.tomlfile import read_toml

    return parse_thresholds(read_toml(path), str(path))


@cache
def builtin_thresholds() -> Thresholds:
    text = resources.files("ctpse_core.finance").joinpath("budget.toml").read_text(encoding="utf-8")
    return parse_thresholds(tomllib.loads(text))


@attrs.frozen
class Claim:
    """Overtime actually claimed (from the payroll/claims feed)."""

    operation_id: str
    staff_id: str
    day: dt.date
    hours: Decimal
    pence: int


def load_claims(path: Path) -> list[Claim]:
    """Claims from a CSV with columns ``operation_id, staff_id, day, hours, amount`` (pounds)."""
    from ctpse_core.parsing import parse_date

    problems: list[Problem] = []
    out: list[Claim] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"operation_id", "staff_id", "day", "hours", "amount"} - set(reader.fieldnames or ())
        if missing:
            raise InputError([Problem(", ".join(sorted(missing)), "column missing", str(path))], "unusable claims")
        for n, row in enumerate(reader, start=2):
            where = f"{path}:{n}"
            try:
                day = parse_date(row["day"])
            except ValueError as exc:
                problems.append(Problem("day", f"{row['day']!r}: {exc}", where, row["day"]))
                continue
            try:
                hrs = Decimal(row["hours"])
                amount = pence(Decimal(row["amount"]))
            except (InvalidOperation, ValueError):
                got = f"(got {row['hours']!r}, {row['amount']!r})"
                problems.append(Problem("hours/amount", f"must be numbers, amount in pounds and pence {got}", where,
                                        f"{row['hours']}/{row['amount']}"))
                continue
            if not row["operation_id"].strip():
                problems.append(Problem("operation_id", "is required", where))
                continue
            out.append(Claim(row["operation_id"].strip(), row["staff_id"].strip(), day, hrs, amount))
    if problems:
        raise InputError(problems, "unusable claims")
    return out


def bid_from_forecast(
    fc: Forecast,
    bid_id: str,
    period_start: dt.date,
    period_end: dt.date,
    *,
    out_of_region_only: bool = False,
) -> FundingBid:
    """One bid line per operation from the forecast's lines in the period (Europe/London days)."""
    cells: dict[str, list[int]] = {}
    away_duties = {d.id for d in fc.duties() if d.out_of_region}
    for line in fc.lines():
        if not period_start <= line.day <= period_end:
            continue
        if out_of_region_only and line.duty_id not in away_duties:
            continue
        cell = cells.setdefault(line.operation_id, [0, 0])
        cell[0] += line.seconds
        cell[1] += line.pence
    return FundingBid(
        id=bid_id,
        period_start=period_start,
        period_end=period_end,
        lines=tuple(
            BidLine(operation_id=op, hours=(Decimal(s) / 3600).quantize(Decimal("0.01")), amount=money(p))
            for op, (s, p) in sorted(cells.items())
        ),
        marking=fc.marking,
    )


@attrs.frozen
class ReconLine:
    operation_id: str
    budget_code: str
    forecast: int
    bid: int
    authorised: int
    actual: int
    status: str
    discrepancies: tuple[str, ...]

    @property
    def committed(self) -> int:
        return max(self.forecast, self.actual)

    def as_dict(self) -> dict[str, Any]:
        return {
            "operation_id": self.operation_id,
            "budget_code": self.budget_code,
            "forecast": str(money(self.forecast)),
            "bid": str(money(self.bid)),
            "authorised": str(money(self.authorised)),
            "actual": str(money(self.actual)),
            "committed": str(money(self.committed)),
            "used": f"{Decimal(self.committed * 100) / self.authorised:.1f} %" if self.authorised else "-",
            "status": self.status,
            "discrepancies": "; ".join(self.discrepancies),
        }


def _lines(lines: Iterable[BidLine]) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in lines:
        out[line.operation_id] = out.get(line.operation_id, 0) + pence(line.amount)
    return out


def reconcile(
    fc: Forecast,
    bid: FundingBid | None,
    authorisation: Authorisation | None,
    claims: Iterable[Claim] = (),
    thresholds: Thresholds | None = None,
) -> list[ReconLine]:
    """Forecast vs bid vs authorised vs actual per operation in the bid's period (the whole
    forecast without a bid), graded under ``thresholds``."""
    limits = thresholds or builtin_thresholds()
    forecast_p: dict[str, int] = {}
    codes: dict[str, str] = {}
    for line in fc.lines():
        if bid is not None and not bid.period_start <= line.day <= bid.period_end:
            continue
        forecast_p[line.operation_id] = forecast_p.get(line.operation_id, 0) + line.pence
        codes.setdefault(line.operation_id, line.budget_code)
    bid_p = _lines(bid.lines) if bid else {}
    auth_p = _lines(authorisation.lines) if authorisation else {}
    actual_p: dict[str, int] = {}
    for c in claims:
        if bid is None or bid.period_start <= c.day <= bid.period_end:
            actual_p[c.operation_id] = actual_p.get(c.operation_id, 0) + c.pence
    out = []
    for op in sorted(set(forecast_p) | set(bid_p) | set(auth_p) | set(actual_p)):
        f, b, a, x = forecast_p.get(op, 0), bid_p.get(op, 0), auth_p.get(op, 0), actual_p.get(op, 0)
        notes: list[str] = []
        if authorisation is not None and a != b:
            notes.append(f"authorised {_signed(a - b)} against the bid")
        if bid is not None and f > b:
            notes.append(f"forecast {_signed(f - b)} over the bid")
        if x and x != f:
            notes.append(f"actual {_signed(x - f)} against the forecast")
        if authorisation is None:
            notes.append("no signed authorisation")
        out.append(ReconLine(op, codes.get(op, op), f, b, a, x, limits.grade(max(f, x), a), tuple(notes)))
    return out


def _signed(p: int) -> str:
    return f"{'+' if p > 0 else '-'}£{abs(money(p)):,}"


def worst(lines: Iterable[ReconLine]) -> str:
    return max((line.status for line in lines), key=_ORDER.__getitem__, default=OK)


def budget_position(lines: Iterable[ReconLine]) -> list[dict[str, Any]]:
    """The running position per budget code: authorised, forecast, actual, committed, remaining."""
    codes: dict[str, list[ReconLine]] = {}
    for line in lines:
        codes.setdefault(line.budget_code, []).append(line)
    rows = []
    for code, items in sorted(codes.items()):
        authorised = sum(x.authorised for x in items)
        committed = sum(x.committed for x in items)
        rows.append({
            "budget_code": code,
            "operations": len(items),
            "authorised": str(money(authorised)),
            "forecast": str(money(sum(x.forecast for x in items))),
            "actual": str(money(sum(x.actual for x in items))),
            "committed": str(money(committed)),
            "remaining": str(money(authorised - committed)),
            "status": worst(items),
        })
    return rows
