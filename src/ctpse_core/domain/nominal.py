"""Nominals: people of CT interest managed in prison or in the community."""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from ctpse_core.domain.common import REQUIRED_COLUMN, Record, check, non_empty
from ctpse_core.domain.types import (
    CroNumber,
    PncId,
    Postcode,
    PrisonNumber,
    valid_cro,
    valid_pnc,
    valid_postcode,
    valid_prison_number,
)

__all__ = [
    "Address",
    "Category",
    "Nominal",
    "NominalStatus",
    "OrderType",
    "Pathway",
    "RiskTier",
    "Sex",
]


def _name_part(value: object) -> str:
    """A name part as text, surrounding spaces removed; blank (``""``) when the list has none."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not text")
    return value.strip()


class Sex(enum.StrEnum):
    MALE = "M"
    FEMALE = "F"
    OTHER = "X"
    UNKNOWN = "U"


class NominalStatus(enum.StrEnum):
    """Where the nominal is managed."""

    CUSTODY = "custody"
    REMAND = "remand"
    LICENCE = "licence"
    COMMUNITY = "community"
    DEPORTED = "deported"
    DECEASED = "deceased"
    CLOSED = "closed"


class RiskTier(enum.StrEnum):
    """Management tier: 1 is the highest risk and the most frequent contact."""

    TIER_1 = "1"
    TIER_2 = "2"
    TIER_3 = "3"
    TIER_4 = "4"


class Category(enum.StrEnum):
    TACT = "TACT"  # convicted of a terrorism offence
    TCON = "TCON"  # terrorist connection
    ROCI = "ROCI"  # other of CT interest


class OrderType(enum.StrEnum):
    """Civil orders and conditions that shape management."""

    TPIM = "TPIM"  # Terrorism Prevention and Investigation Measures notice
    NOTIFICATION = "NOTIFICATION"  # Counter-Terrorism Act 2008 Part 4 notification requirements
    SCPO = "SCPO"  # Serious Crime Prevention Order
    LICENCE = "LICENCE"  # licence conditions
    TORDER = "TORDER"  # Terrorism (Part 4A) restriction / travel order
    SOPO = "SOPO"  # Sexual harm prevention / other order
    PART4 = "PART4"  # Part 4 foreign travel restriction


class Pathway(enum.StrEnum):
    """Reoffending pathways considered in desistance planning."""

    ACCOMMODATION = "accommodation"
    EDUCATION_EMPLOYMENT = "education-employment"
    HEALTH = "health"
    SUBSTANCE_MISUSE = "substance-misuse"
    FINANCE = "finance"
    FAMILY = "family"
    ATTITUDES = "attitudes"
    DESISTANCE = "desistance-disengagement"


def _not_future(value: dt.date) -> bool:
    return dt.date(1900, 1, 1) <= value <= dt.date.today()


@attrs.frozen(kw_only=True)
class Address:
    line1: str = attrs.field(validator=non_empty)
    town: str | None = None
    postcode: Postcode | None = attrs.field(default=None, validator=valid_postcode)


@attrs.frozen(kw_only=True)
class Nominal(Record):
    """A person of CT interest as one list records them."""

    #: Name parts. Lists do hold people with only a surname or only a forename: a blank part
    #: is stored as ``""`` (the feed's column must still be there; see :data:`REQUIRED_COLUMN`),
    #: reconciled as missing, not as a mismatch, and reported incomplete by data quality.
    forenames: str = attrs.field(default="", converter=_name_part, metadata=REQUIRED_COLUMN)
    surname: str = attrs.field(default="", converter=_name_part, metadata=REQUIRED_COLUMN)
    aliases: tuple[str, ...] = ()
    date_of_birth: dt.date | None = attrs.field(
        default=None,
        validator=check(_not_future, "{value} is not a plausible date of birth (1900 to today)"),
    )
    sex: Sex | None = None
    nationality: str | None = None
    addresses: tuple[Address, ...] = ()
    pnc_id: PncId | None = attrs.field(default=None, validator=valid_pnc)
    cro_number: CroNumber | None = attrs.field(default=None, validator=valid_cro)
    prison_number: PrisonNumber | None = attrs.field(default=None, validator=valid_prison_number)
    status: NominalStatus | None = None
    risk_tier: RiskTier | None = None
    category: Category | None = None
    nominal_manager: str | None = None
    establishment: str | None = None
    force: str | None = None
    region: str | None = None
    orders: tuple[OrderType, ...] = ()
    pathways: tuple[Pathway, ...] = ()
    release_on: dt.date | None = None  # earliest expected release from custody (prison feeds)

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.forenames, self.surname) if part)
