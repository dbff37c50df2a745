"""Overtime forecasts, funding bids and signed authorisations; fast-time events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from ctpse_core.domain.common import Record, aware, check, non_empty, optional_aware

__all__ = [
    "Acknowledgement",
    "Authorisation",
    "BidLine",
    "Dissemination",
    "FastTimeEvent",
    "FundingBid",
    "OvertimeForecast",
]

_non_negative = check(lambda v: v >= 0, "{value} must not be negative")


@attrs.frozen(kw_only=True)
class OvertimeForecast(Record):
    """Forecast overtime for one operation in one week, from planned deployments."""

    week_starting: dt.date
    operation_id: str = attrs.field(validator=non_empty)
    hours: Decimal = attrs.field(validator=_non_negative)
    cost: Decimal = attrs.field(validator=_non_negative)


@attrs.frozen(kw_only=True)
class BidLine:
    operation_id: str = attrs.field(validator=non_empty)
    hours: Decimal = attrs.field(validator=_non_negative)
    amount: Decimal = attrs.field(validator=_non_negative)


@attrs.frozen(kw_only=True)
class FundingBid(Record):
    period_start: dt.date
    period_end: dt.date
    lines: tuple[BidLine, ...] = ()
    submitted_at: dt.datetime | None = attrs.field(default=None, validator=optional_aware)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


@attrs.frozen(kw_only=True)
class Authorisation(Record):
    """The signed authorisation returned against a bid; reconciled line by line."""

    bid_id: str = attrs.field(validator=non_empty)
    signed_by: str = attrs.field(validator=non_empty)
    signed_at: dt.datetime = attrs.field(validator=aware)
    lines: tuple[BidLine, ...] = ()


@attrs.frozen(kw_only=True)
class Dissemination:
    """Who a fast-time event was sent to, when and how (phone, secure email, briefing...)."""

    recipient: str = attrs.field(validator=non_empty)
    at: dt.datetime = attrs.field(validator=aware)
    method: str = "secure email"


@attrs.frozen(kw_only=True)
class Acknowledgement:
    recipient: str = attrs.field(validator=non_empty)
    at: dt.datetime = attrs.field(validator=aware)


@attrs.frozen(kw_only=True)
class FastTimeEvent(Record):
    """A fast-time event: a briefing document received, assessed and disseminated.

    ``occurred_at`` is when the document was received; ``source`` who sent it. The
    assessment is who, when, threat and risk grading and the decision; ``disseminations``
    and ``acknowledgements`` say who was told and who confirmed; ``stage`` is where it is
    in the intelligence-management process (see ``ctpse_core.tasking.events``).
    """

    title: str = attrs.field(validator=non_empty)
    occurred_at: dt.datetime = attrs.field(validator=aware)
    summary: str = ""
    source: str | None = None
    assessed_by: str | None = None
    assessed_at: dt.datetime | None = attrs.field(default=None, validator=optional_aware)
    threat: str | None = None
    risk: str | None = None
    decision: str | None = None
    disseminated_to: tuple[str, ...] = ()
    disseminations: tuple[Dissemination, ...] = ()
    acknowledgements: tuple[Acknowledgement, ...] = ()
    stage: str = "received"
