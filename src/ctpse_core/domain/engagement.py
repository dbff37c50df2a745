"""Engagement tracking, civil orders, meetings and partner correspondence (NM role)."""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from ctpse_core.domain.common import Record, aware, check, non_empty, not_before, optional_aware
from ctpse_core.domain.nominal import OrderType, Pathway, RiskTier

__all__ = [
    "Action",
    "ActionChange",
    "ActionStatus",
    "CivilOrder",
    "Contact",
    "ContactMethod",
    "ContactPlan",
    "Correspondence",
    "CorrespondenceKind",
    "CorrespondenceStatus",
    "Direction",
    "Meeting",
    "Minute",
    "OrderStatus",
    "PathwayPlan",
    "PathwayStatus",
]

_positive = check(lambda v: v > 0, "{value} must be more than zero")


class ContactMethod(enum.StrEnum):
    IN_PERSON = "in-person"
    HOME_VISIT = "home-visit"
    PHONE = "phone"
    VIDEO = "video"
    PRISON_VISIT = "prison-visit"
    PARTNER_MEETING = "partner-meeting"


@attrs.frozen(kw_only=True)
class ContactPlan(Record):
    """How often a nominal must be contacted, usually set by risk tier and status."""

    nominal_id: str = attrs.field(validator=non_empty)
    manager: str = attrs.field(validator=non_empty)
    every_days: int = attrs.field(validator=_positive)
    risk_tier: RiskTier | None = None
    starts_on: dt.date = attrs.field(factory=dt.date.today)


@attrs.frozen(kw_only=True)
class Contact(Record):
    """One contact with a nominal, planned and (once it happens) done."""

    nominal_id: str = attrs.field(validator=non_empty)
    manager: str = attrs.field(validator=non_empty)
    planned_at: dt.datetime = attrs.field(validator=aware)
    done_at: dt.datetime | None = attrs.field(default=None, validator=optional_aware)
    method: ContactMethod = ContactMethod.IN_PERSON
    outcome: str | None = None


class OrderStatus(enum.StrEnum):
    """Where an order is: considered (not yet applied for), applied for, made (in force), ended."""

    CONSIDERED = "considered"
    APPLIED = "applied"
    MADE = "made"
    REFUSED = "refused"
    ENDED = "ended"


@attrs.frozen(kw_only=True)
class CivilOrder(Record):
    """A civil order or condition with the dates that must not be missed.

    Dates left empty are derived from the order type's key-date rules
    (``ctpse_core/orders/order_types.toml``); dates given here win.
    """

    nominal_id: str = attrs.field(validator=non_empty)
    order_type: OrderType
    status: OrderStatus = OrderStatus.MADE
    made_on: dt.date | None = None
    starts_on: dt.date | None = attrs.field(default=None, validator=not_before("made_on", "the date made"))
    last_notified_on: dt.date | None = None
    owner: str | None = None
    expires_on: dt.date | None = attrs.field(default=None, validator=not_before("made_on", "the date made"))
    review_on: dt.date | None = attrs.field(default=None, validator=not_before("made_on", "the date made"))
    application_window_opens: dt.date | None = None
    application_window_closes: dt.date | None = attrs.field(
        default=None, validator=not_before("application_window_opens", "the window opening")
    )
    conditions: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Minute:
    """What a meeting recorded against one agenda item (``item`` is its number, from 1)."""

    item: int
    note: str = attrs.field(validator=non_empty)
    recorded_by: str | None = None


@attrs.frozen(kw_only=True)
class Meeting(Record):
    title: str = attrs.field(validator=non_empty)
    held_at: dt.datetime = attrs.field(validator=aware)
    chair: str = attrs.field(validator=non_empty)
    kind: str = "NM TTCG"
    attendees: tuple[str, ...] = ()
    agenda: tuple[str, ...] = ()
    minutes: tuple[Minute, ...] = ()


class ActionStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


@attrs.frozen(kw_only=True)
class ActionChange:
    """One step in an action's history: who did what, when, and why."""

    at: dt.datetime = attrs.field(validator=aware)
    by: str = attrs.field(validator=non_empty)
    what: str = attrs.field(validator=non_empty)
    note: str = ""


@attrs.frozen(kw_only=True)
class Action(Record):
    """An action from a meeting, with an owner and a deadline that the coordinator chases.

    ``chair`` is who holds the owner to account (the chair of the meeting that set it);
    ``history`` records every change (opened, closed, reopened, due date moved).
    """

    description: str = attrs.field(validator=non_empty)
    owner: str = attrs.field(validator=non_empty)
    due_on: dt.date
    meeting_id: str | None = None
    status: ActionStatus = ActionStatus.OPEN
    completed_on: dt.date | None = None
    chair: str | None = None
    closed_by: str | None = None
    history: tuple[ActionChange, ...] = ()


class CorrespondenceKind(enum.StrEnum):
    MAC_ENQUIRY = "mac-enquiry"
    PARTNER_REQUEST = "partner-request"
    OMU_UPDATE = "omu-update"
    JCTPPH_RETURN = "jctpph-return"
    LETTER = "letter"
    EMAIL = "email"
    REQUEST = "request"


class Direction(enum.StrEnum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"


class CorrespondenceStatus(enum.StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


@attrs.frozen(kw_only=True)
class Correspondence(Record):
    """Partner correspondence or a MAC enquiry, logged with its deadline.

    With no ``deadline`` the due time is a working-day clock from ``received_at`` set per kind
    in ``ctpse_core/correspondence/correspondence.toml`` (England and Wales bank holidays).
    """

    partner: str = attrs.field(validator=non_empty)
    subject: str = attrs.field(validator=non_empty)
    received_at: dt.datetime = attrs.field(validator=aware)
    kind: CorrespondenceKind = CorrespondenceKind.EMAIL
    deadline: dt.datetime | None = attrs.field(
        default=None, validator=[optional_aware, not_before("received_at", "the time received")]
    )
    responded_at: dt.datetime | None = attrs.field(default=None, validator=optional_aware)
    nominal_ids: tuple[str, ...] = ()
    direction: Direction = Direction.INCOMING
    owner: str | None = None
    status: CorrespondenceStatus = CorrespondenceStatus.OPEN
    outcome: str | None = None
    personal_data: bool = False


class PathwayStatus(enum.StrEnum):
    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    MET = "met"
    NOT_NEEDED = "not-needed"


@attrs.frozen(kw_only=True)
class PathwayPlan(Record):
    """One reoffending pathway mapped for a nominal: who leads it, where it is, when it is next reviewed."""

    nominal_id: str = attrs.field(validator=non_empty)
    pathway: Pathway
    partner: str = attrs.field(validator=non_empty)
    status: PathwayStatus = PathwayStatus.NOT_STARTED
    review_on: dt.date | None = None
