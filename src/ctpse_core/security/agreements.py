"""Information-sharing agreements and disclosures (DPA 2018 Part 3: purpose limitation,
accuracy and rectification; s.62 logging of every disclosure).

An :class:`Agreement` (collection ``agreements``) says what may go to one partner
organisation: the purposes, the lawful basis, the fields allowed per record type, the highest
marking, and review and expiry dates. :func:`disclose` sends records only through an active
agreement: anything outside it is refused with the reason, and the refusal is itself logged
(``action`` ``disclosure refused``). Every record sent is logged as a disclosure naming the
recipient organisation and person, the agreement and the fields sent, so
:func:`disclosure_log` answers "what did we send to whom, when, under which agreement" and
:func:`recipients_to_notify` lists who must hear of a later correction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ctpse_core.domain.common import LONDON, Record, non_empty
from ctpse_core.domain.marking import Marking
from ctpse_core.security.audit import AuditEvent
from ctpse_core.security.policy import AccessDenied
from ctpse_core.security.principal import Principal, clears

if TYPE_CHECKING:
    from ctpse_core.storage.base import Store

__all__ = [
    "REFUSED",
    "Agreement",
    "Disclosure",
    "DisclosureRefused",
    "add_agreement",
    "disclose",
    "disclosure_log",
    "recipients_to_notify",
    "refusal",
]

COLLECTION = "agreements"
#: The action of the log entry a refused disclosure leaves (operation ``disclosure``).
REFUSED = "disclosure refused"


def _fields(value: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    return {str(k): frozenset(str(f) for f in v) for k, v in value.items()}


@attrs.frozen(kw_only=True)
class Agreement(Record):
    """What may be disclosed to one partner organisation, and for what."""

    partner: str = attrs.field(validator=non_empty)
    purposes: frozenset[str] = attrs.field(converter=frozenset)
    lawful_basis: str = attrs.field(validator=non_empty)
    #: Record type (collection) -> the fields that may be sent.
    fields: dict[str, frozenset[str]] = attrs.field(converter=_fields)
    highest_marking: Marking = attrs.field(factory=Marking)
    review_date: dt.date
    expiry_date: dt.date
    active: bool = True


class DisclosureRefused(AccessDenied):
    """A disclosure outside an active agreement (the message gives the reason)."""


@attrs.frozen
class Disclosure:
    """What went out: the agreement, recipient, purpose, fields and one row per record."""

    agreement: str
    partner: str
    recipient_person: str
    purpose: str
    collection: str
    fields: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]
    marking: Marking


def refusal(
    principal: Principal, agreement: Agreement | None, agreement_id: str, purpose: str, collection: str,
    records: list[Record], fields: tuple[str, ...], today: dt.date,
) -> str:
    """Why this disclosure is outside the agreement (empty: it is inside)."""
    if agreement is None:
        return f"there is no information-sharing agreement {agreement_id!r}"
    if not agreement.active:
        return f"agreement {agreement.id} with {agreement.partner} is not active"
    if today > agreement.expiry_date:
        return f"agreement {agreement.id} with {agreement.partner} expired on {agreement.expiry_date.isoformat()}"
    if purpose not in agreement.purposes:
        allowed = ", ".join(sorted(agreement.purposes)) or "none"
        return f"purpose {purpose!r} is not one agreement {agreement.id} allows ({allowed})"
    if collection not in agreement.fields:
        return f"agreement {agreement.id} covers no {collection} records"
    outside = [f for f in fields if f not in agreement.fields[collection]]
    if outside:
        return f"field(s) {', '.join(outside)} of {collection} are not in agreement {agreement.id}'s allow-list"
    unknown = [f for f in fields if (records and not attrs.has(type(records[0]))) or
               (records and f not in attrs.fields_dict(type(records[0])))]
    if unknown:
        return f"{collection} records have no field(s) {', '.join(unknown)}"
    too_high = [r.id for r in records if not agreement.highest_marking.dominates(r.marking)]
    if too_high:
        return (f"record(s) {', '.join(too_high[:5])} are marked above {agreement.highest_marking}, "
                f"the highest agreement {agreement.id} allows")
    unseen = [r.id for r in records if not clears(principal.clearance, r.marking)]
    if unseen:
        return f"record(s) {', '.join(unseen[:5])} are above {principal.id}'s clearance"
    return ""


def _today() -> dt.date:
    return dt.datetime.now(LONDON).date()


def disclose(
    store: Store,
    user: str | Principal,
    agreement_id: str,
    *,
    recipient_person: str,
    purpose: str,
    collection: str,
    record_ids: Iterable[str],
    fields: Iterable[str],
    today: dt.date | None = None,
) -> Disclosure:
    """Send ``fields`` of the ``collection`` records ``record_ids`` to the agreement's partner.

    Refused (:class:`DisclosureRefused`, the reason in the message, and a ``disclosure
    refused`` log entry committed on its own) when: the principal may not disclose; the
    agreement does not exist, is not active or has expired; the purpose is not one it allows;
    the record type or a field is not in its allow-list; a record is marked above its highest
    marking or above the principal's clearance; a record does not exist. Otherwise one
    disclosure entry per record is logged (recipient, agreement, fields) and the rows returned.
    """
    wanted = tuple(dict.fromkeys(fields))
    ids = list(dict.fromkeys(record_ids))
    when = today or _today()
    with store.unit_of_work(user=user) as uow:
        agreement = uow.repository(COLLECTION).find(agreement_id)
        found = uow.repository(collection).find_many(ids)
        records = [found[i] for i in ids if i in found]
        missing = [i for i in ids if i not in found]
        reason = ""
        if not uow.can("disclose", collection, purpose):
            reason = f"{uow.principal.id} may not disclose {collection}"
        elif missing:
            reason = f"no {collection} record(s) {', '.join(missing[:5])}"
        elif not ids:
            reason = "no records were named"
        if not reason:
            reason = refusal(uow.principal, agreement, agreement_id, purpose, collection, records, wanted, when)
        partner = agreement.partner if agreement is not None else None
        if reason:
            uow.record_event(REFUSED, collection, ids[0] if len(ids) == 1 else None,
                             f"REFUSED ({len(ids)} record(s)): {reason}", operation="disclosure",
                             purpose=purpose, recipient_org=partner, recipient_person=recipient_person,
                             agreement=agreement_id, fields=wanted)
            uow.commit()
            raise DisclosureRefused(f"disclosure refused: {reason}")
        assert agreement is not None
        rows = []
        for record in records:
            data = {"id": record.id, **{f: _value(record, f) for f in wanted}}
            rows.append(data)
            uow.record_event("disclosure", collection, record.id, f"sent to {agreement.partner}",
                             purpose=purpose, recipient_org=agreement.partner, recipient_person=recipient_person,
                             agreement=agreement.id, fields=wanted)
        uow.commit()
    from ctpse_core.domain.marking import highest

    return Disclosure(agreement.id, agreement.partner, recipient_person, purpose, collection, wanted, tuple(rows),
                      highest(r.marking for r in records))


def _value(record: Record, field: str) -> Any:
    from ctpse_core import convert

    return convert.unstructure(getattr(record, field))


def add_agreement(store: Store, user: str | Principal, agreement: Agreement) -> Agreement:
    """Store an agreement (administrators: the ``manage`` action on agreements); logged."""
    with store.unit_of_work(user=user) as uow:
        uow.authorize("manage", COLLECTION)
        stored: Agreement = uow.repository(COLLECTION).add(agreement)
        uow.record_event("collection", COLLECTION, agreement.id, f"agreement with {agreement.partner}")
        uow.commit()
    return stored


def disclosure_log(
    store: Store, record_id: str | None = None, partner: str | None = None, refused: bool = False
) -> list[AuditEvent]:
    """Disclosures from the audit log, oldest first (``refused``: the refusals instead),
    optionally for one record or partner."""
    action = REFUSED if refused else "disclosure"
    return [
        e for e in store.iter_audit()
        if e.operation == "disclosure" and e.action == action
        and (record_id is None or e.record_id == record_id) and (partner is None or e.recipient_org == partner)
    ]


def recipients_to_notify(store: Store, record_id: str) -> list[tuple[str, str, str, dt.datetime]]:
    """Who received ``record_id`` and must hear of a correction (DPA 2018 Part 3,
    rectification): (organisation, person, agreement, last sent), one row per recipient."""
    last: dict[tuple[str, str, str], dt.datetime] = {}
    for e in disclosure_log(store, record_id=record_id):
        key = (e.recipient_org or "", e.recipient_person or "", e.agreement or "")
        if e.at is not None:
            last[key] = max(last.get(key, e.at), e.at)
    return [(*key, at) for key, at in sorted(last.items())]
