"""Pure key-date rules for civil orders (no storage, no clock)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ctpse_core.domain.engagement import CivilOrder, OrderStatus
from ctpse_core.errors import InputError, Problem

__all__ = ["KeyDate", "OrderRule", "Step", "add_term", "key_dates", "parse_rules", "term_problems"]

DAY = dt.timedelta(days=1)
ANCHORS = ("start", "made", "expiry", "last_notified")


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, the day clamped to the month's length (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def add_term(start: dt.date, term: Mapping[str, int]) -> dt.date:
    """The last day of a term beginning on ``start``: one year from 1 Mar 2026 ends 28 Feb 2027."""
    end = add_months(start, 12 * term.get("years", 0) + term.get("months", 0))
    return end + DAY * term.get("days", 0) - DAY


@attrs.frozen(kw_only=True)
class Step:
    name: str
    anchor: str
    days: int = 0
    years: int = 0
    source: str = ""


@attrs.frozen(kw_only=True)
class OrderRule:
    """One order type's key-date rules, each with the source it comes from."""

    order_type: str
    title: str
    term: Mapping[str, int] | None = None
    term_source: str = ""
    max_term: Mapping[str, int] | None = None
    min_term: Mapping[str, int] | None = None
    review_every_days: int | None = None
    review_source: str = ""
    window: tuple[int, int] | None = None  # (opens, closes) days before expiry
    window_source: str = ""
    steps: tuple[Step, ...] = ()


def parse_rules(data: Mapping[str, Any], where: str = "order_types.toml") -> dict[str, OrderRule]:
    """Order rules by order type; an unknown type, anchor or a bad number is an :class:`InputError`."""
    from ctpse_core.domain.nominal import OrderType

    problems: list[Problem] = []
    known = {t.value for t in OrderType}
    rules: dict[str, OrderRule] = {}
    for name, raw in data.items():
        if not isinstance(raw, Mapping):
            continue
        if name not in known:
            problems.append(Problem(name, f"not an order type (known: {', '.join(sorted(known))})", where))
            continue
        steps = []
        for i, step in enumerate(raw.get("steps", ())):
            if step.get("anchor") not in ANCHORS:
                problems.append(Problem(f"{name}.steps[{i}].anchor",
                                        f"{step.get('anchor')!r} must be one of {', '.join(ANCHORS)}", where))
                continue
            steps.append(Step(name=str(step.get("name", f"step {i + 1}")), anchor=step["anchor"],
                              days=int(step.get("days", 0)), years=int(step.get("years", 0)),
                              source=str(step.get("source", ""))))
        window = raw.get("window")
        opens_closes = None
        if window is not None:
            opens, closes = window.get("opens_days_before_expiry"), window.get("closes_days_before_expiry")
            if not (isinstance(opens, int) and isinstance(closes, int) and opens >= closes >= 0):
                problems.append(Problem(f"{name}.window", "opens_days_before_expiry must be >= "
                                        "closes_days_before_expiry >= 0 (whole days)", where))
            else:
                opens_closes = (opens, closes)
        review = raw.get("review_every_days")
        if review is not None and (not isinstance(review, int) or review < 1):
            problems.append(Problem(f"{name}.review_every_days", f"{review!r} must be a whole number >= 1", where))
            review = None
        rules[name] = OrderRule(
            order_type=name, title=str(raw.get("title", name)), term=raw.get("term"),
            term_source=str(raw.get("term_source", "")), max_term=raw.get("max_term"), min_term=raw.get("min_term"),
            review_every_days=review, review_source=str(raw.get("review_source", "")), window=opens_closes,
            window_source=str(raw.get("window_source", "")), steps=tuple(steps),
        )
    if problems:
        raise InputError(problems)
    return rules


@attrs.frozen(kw_only=True)
class KeyDate:
    """One dated duty or milestone of an order, with the rule's source.

    ``done`` is ``True`` when the record shows it was met, ``False`` when it shows it was
    not, ``None`` when it is a milestone (made, start, expiry) or cannot be told."""

    order_id: str
    nominal_id: str
    order_type: str
    what: str
    on: dt.date
    source: str
    done: bool | None = None
    deadline: bool = True


def _start(order: CivilOrder) -> dt.date | None:
    return order.starts_on or order.made_on


def expiry(order: CivilOrder, rule: OrderRule | None) -> dt.date | None:
    """The recorded expiry, else the start plus the rule's term."""
    if order.expires_on is not None:
        return order.expires_on
    start = _start(order)
    if start is not None and rule is not None and rule.term:
        return add_term(start, rule.term)
    return None


def term_problems(order: CivilOrder, rule: OrderRule | None) -> list[str]:
    """Recorded dates that break the rule's maximum or minimum term."""
    start = _start(order)
    if rule is None or start is None or order.expires_on is None:
        return []
    out = []
    if rule.max_term and order.expires_on > add_term(start, rule.max_term):
        out.append(f"expires {order.expires_on} after the longest term allowed ({rule.term_source})")
    if rule.min_term and order.expires_on < add_term(start, rule.min_term):
        out.append(f"expires {order.expires_on} before the shortest term allowed ({rule.term_source})")
    return out


def key_dates(order: CivilOrder, rule: OrderRule | None, as_of: dt.date,
              renewed: bool = False) -> list[KeyDate]:
    """Every key date of ``order`` as of ``as_of``: made, start, expiry, review, application
    window and the rule's steps. ``renewed``: a later order of the same type for the same
    nominal exists (so the application window was used)."""
    base: dict[str, Any] = {"order_id": order.id, "nominal_id": order.nominal_id,
                            "order_type": str(order.order_type)}
    out: list[KeyDate] = []
    start = _start(order)
    ends = expiry(order, rule)
    live = order.status in (OrderStatus.MADE, OrderStatus.APPLIED, OrderStatus.CONSIDERED)
    if order.made_on:
        out.append(KeyDate(**base, what="made", on=order.made_on, source="recorded", deadline=False))
    if start:
        out.append(KeyDate(**base, what="start", on=start, source="recorded", deadline=False))
    if ends:
        out.append(KeyDate(**base, what="expiry", on=ends, deadline=False,
                           source="recorded" if order.expires_on else (rule.term_source if rule else "")))
    if order.application_window_opens or order.application_window_closes or (rule and rule.window and ends):
        opens = order.application_window_opens
        closes = order.application_window_closes
        if rule and rule.window and ends:
            opens = opens or ends - DAY * rule.window[0]
            closes = closes or ends - DAY * rule.window[1]
        src = "recorded" if order.application_window_closes else (rule.window_source if rule else "")
        if opens:
            out.append(KeyDate(**base, what="application window opens", on=opens, source=src, deadline=False))
        if closes and order.status == OrderStatus.MADE:
            out.append(KeyDate(**base, what="application window closes", on=closes, source=src,
                               done=True if renewed else (False if closes < as_of else None)))
    if live and order.status == OrderStatus.MADE:
        if order.review_on is not None:
            out.append(KeyDate(**base, what="review", on=order.review_on, source="recorded",
                               done=False if order.review_on < as_of else None))
        elif rule and rule.review_every_days and start:
            nxt = start + DAY * rule.review_every_days
            while nxt < as_of:
                nxt += DAY * rule.review_every_days
            if ends is None or nxt <= ends:
                out.append(KeyDate(**base, what="review", on=nxt, source=rule.review_source))
        for step in rule.steps if rule else ():
            anchor = {"start": start, "made": order.made_on, "expiry": ends,
                      "last_notified": order.last_notified_on or start}[step.anchor]
            if anchor is None:
                continue
            on = add_months(anchor, 12 * step.years) + DAY * step.days
            if ends is not None and on > ends:
                continue
            if step.anchor == "last_notified":
                done: bool | None = False if on < as_of else None
            elif step.name.endswith("notification") and step.anchor == "start":
                met = order.last_notified_on is not None and start is not None and order.last_notified_on >= start
                done = True if met else (False if on < as_of else None)
            else:
                done = None  # the record cannot tell whether a hearing or appointment was held
            out.append(KeyDate(**base, what=step.name, on=on, source=step.source, done=done))
    return sorted(out, key=lambda k: (k.on, k.what))


def renewed_orders(orders: Sequence[CivilOrder]) -> set[str]:
    """IDs of orders followed by a later order (applied or made) of the same type for the same nominal."""
    out: set[str] = set()
    by_key: dict[tuple[str, str], list[CivilOrder]] = {}
    for order in orders:
        by_key.setdefault((order.nominal_id, str(order.order_type)), []).append(order)
    for group in by_key.values():
        for order in group:
            start = _start(order) or dt.date.min
            if any(o.id != order.id and o.status in (OrderStatus.APPLIED, OrderStatus.MADE)
                   and ((_start(o) or dt.date.max) > start or o.status == OrderStatus.APPLIED) for o in group):
                out.add(order.id)
    return out
