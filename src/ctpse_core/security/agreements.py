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
import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ctpse_core.domain.common import LONDON, Record, non_empty
from ctpse_core.domain.marking import Marking
from ctpse_core.security.audit import AuditEvent
from ctpse_core.security.policy import AccessDenied
from ctpse_core.security.principal import Principal, clears

if TYPE_CHECKING:
    from ctpse_core.storage.base import Store, UnitOfWork

__all__ = [
    "REFUSED",
    "Agreement",
    "Disclosure",
    "DisclosureRefused",
    "add_agreement",
    "agreement_toml",
    "disclose",
    "disclose_in",
    "disclose_set",
    "disclosure_log",
    "live_agreement",
    "recipients_to_notify",
    "refusal",
]

COLLECTION = "agreements"
#: The action of the log entry a refused disclosure leaves (operation ``disclosure``).
REFUSED = "disclosure refused"


def _purposes(value: Iterable[str]) -> frozenset[str]:
    return frozenset(str(v) for v in value)


def _fields(value: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    return {str(k): frozenset(str(f) for f in v) for k, v in value.items()}


@attrs.frozen(kw_only=True)
class Agreement(Record):
    """What may be disclosed to one partner organisation, and for what."""

    partner: str = attrs.field(validator=non_empty)
    purposes: frozenset[str] = attrs.field(converter=_purposes)
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
    record_type = type(records[0]) if records else None
    return (_agreement_refusal(agreement, agreement_id, purpose, collection, fields, today, record_type)
            or _marking_refusal(principal, agreement, [(r.id, r.marking) for r in records]))


def _agreement_refusal(
    agreement: Agreement | None, agreement_id: str, purpose: str, collection: str, fields: tuple[str, ...],
    today: dt.date, record_type: type | None,
) -> str:
    """What the agreement itself refuses: none, not active, expired, purpose, record type, field."""
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
    unknown = [f for f in fields if record_type is not None and
               (not attrs.has(record_type) or f not in attrs.fields_dict(record_type))]
    if unknown:
        return f"{collection} records have no field(s) {', '.join(unknown)}"
    return ""


def _marking_refusal(principal: Principal, agreement: Agreement | None, marked: list[tuple[str, Marking]]) -> str:
    """Records (ID, marking) above the agreement's highest marking or the principal's clearance."""
    assert agreement is not None
    too_high = [i for i, m in marked if not agreement.highest_marking.dominates(m)]
    if too_high:
        return (f"record(s) {', '.join(too_high[:5])} are marked above {agreement.highest_marking}, "
                f"the highest agreement {agreement.id} allows")
    unseen = [i for i, m in marked if not clears(principal.clearance, m)]
    if unseen:
        return f"record(s) {', '.join(unseen[:5])} are above {principal.id}'s clearance"
    return ""


def _today() -> dt.date:
    return dt.datetime.now(LONDON).date()


def live_agreement(
    uow: UnitOfWork, partner: str, purpose: str, collection: str, today: dt.date | None = None
) -> Agreement | None:
    """The active, unexpired agreement with ``partner`` that allows ``purpose`` for
    ``collection`` records (the one expiring last when several do), or ``None``."""
    when = today or _today()
    found = [a for a in uow.repository(COLLECTION).list()
             if a.partner == partner and a.active and when <= a.expiry_date and purpose in a.purposes
             and collection in a.fields]
    return max(found, key=lambda a: (a.expiry_date, a.id), default=None)


def _refuse(
    uow: UnitOfWork, reason: str, *, agreement_id: str, partner: str | None, recipient_person: str, purpose: str,
    collection: str, ids: list[str], fields: tuple[str, ...], own_unit: bool,
) -> DisclosureRefused:
    """Log the refusal (committed now: in a unit of its own when ``own_unit``, so that it stays
    although the caller's unit of work rolls back) and return the error to raise."""
    detail = f"REFUSED ({len(ids)} record(s)): {reason}"

    def note(unit: UnitOfWork) -> None:
        unit.record_event(REFUSED, collection, ids[0] if len(ids) == 1 else None, detail, operation="disclosure",
                          purpose=purpose, recipient_org=partner, recipient_person=recipient_person,
                          agreement=agreement_id, fields=fields)

    store = getattr(uow, "store", None) if own_unit else None
    if store is not None:
        with store.unit_of_work(user=uow.principal) as log:
            note(log)
            log.commit()
    else:
        note(uow)
        if not own_unit:
            uow.commit()
    return DisclosureRefused(f"disclosure refused: {reason}")


def disclose_in(
    uow: UnitOfWork,
    agreement_id: str | None,
    *,
    recipient_person: str,
    purpose: str,
    collection: str,
    record_ids: Iterable[str],
    fields: Iterable[str],
    partner: str | None = None,
    marking: Marking | None = None,
    today: dt.date | None = None,
    detail: str = "",
) -> Agreement:
    """A disclosure inside the caller's unit of work: refused (:class:`DisclosureRefused`, the
    refusal logged in a unit of its own, so it stays when the caller's rolls back) unless the
    principal may disclose ``collection`` and the agreement covers it; otherwise one disclosure
    entry per record (recipient, agreement, fields) is recorded in ``uow``, for the caller to
    commit with what it stores.

    ``agreement_id`` ``None``: the :func:`live_agreement` with ``partner`` for ``purpose``.
    Stored records (``marking`` ``None``): every ID must name a ``collection`` record the
    principal can see, each checked against the agreement's highest marking. A derived set
    (``marking`` given: a correction set, a reply) is checked as a whole at that marking, its
    IDs naming the records it is about.
    """
    return _disclose(uow, agreement_id, recipient_person=recipient_person, purpose=purpose, collection=collection,
                     record_ids=record_ids, fields=fields, partner=partner, marking=marking, today=today,
                     detail=detail, own_unit=True)[0]


def _disclose(
    uow: UnitOfWork, agreement_id: str | None, *, recipient_person: str, purpose: str, collection: str,
    record_ids: Iterable[str], fields: Iterable[str], partner: str | None, marking: Marking | None,
    today: dt.date | None, detail: str, own_unit: bool,
) -> tuple[Agreement, list[Record]]:
    from ctpse_core.storage.schema import record_types

    wanted = tuple(dict.fromkeys(fields))
    ids = list(dict.fromkeys(record_ids))
    when = today or _today()
    if agreement_id is None:
        found_agreement = live_agreement(uow, partner or "", purpose, collection, when)
        agreement_id = found_agreement.id if found_agreement is not None else ""
    else:
        found_agreement = uow.repository(COLLECTION).find(agreement_id)
    records: list[Record] = []
    missing: list[str] = []
    if marking is None:
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
    elif found_agreement is None and not agreement_id:
        reason = (f"there is no live information-sharing agreement with {partner} for {purpose!r} covering "
                  f"{collection} records (an administrator adds one: `ctpse agreements add FILE`)")
    if not reason:
        record_type = type(records[0]) if records else record_types().get(collection)
        reason = _agreement_refusal(found_agreement, agreement_id, purpose, collection, wanted, when, record_type)
    if not reason and marking is None:
        reason = _marking_refusal(uow.principal, found_agreement, [(r.id, r.marking) for r in records])
    elif not reason and found_agreement is not None and marking is not None:
        if not found_agreement.highest_marking.dominates(marking):
            reason = (f"the set is marked {marking}, above {found_agreement.highest_marking}, the highest "
                      f"agreement {found_agreement.id} allows")
        elif not clears(uow.principal.clearance, marking):
            reason = f"the set is marked {marking}, above {uow.principal.id}'s clearance"
    if reason:
        raise _refuse(uow, reason, agreement_id=agreement_id or "-",
                      partner=found_agreement.partner if found_agreement is not None else partner,
                      recipient_person=recipient_person, purpose=purpose, collection=collection, ids=ids,
                      fields=wanted, own_unit=own_unit)
    assert found_agreement is not None
    for record_id in ids:
        uow.record_event("disclosure", collection, record_id, detail or f"sent to {found_agreement.partner}",
                         purpose=purpose, recipient_org=found_agreement.partner, recipient_person=recipient_person,
                         agreement=found_agreement.id, fields=wanted)
    return found_agreement, records


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
    with store.unit_of_work(user=user) as uow:
        agreement, records = _disclose(uow, agreement_id, recipient_person=recipient_person, purpose=purpose,
                                       collection=collection, record_ids=record_ids, fields=wanted, partner=None,
                                       marking=None, today=today, detail="", own_unit=False)
        uow.commit()
    from ctpse_core.domain.marking import highest

    rows = tuple({"id": r.id, **{f: _value(r, f) for f in wanted}} for r in records)
    return Disclosure(agreement.id, agreement.partner, recipient_person, purpose, collection, wanted, rows,
                      highest(r.marking for r in records))


def disclose_set(
    store: Store, user: str | Principal, agreement_id: str | None, *, recipient_person: str, purpose: str,
    collection: str, record_ids: Iterable[str], fields: Iterable[str], marking: Marking, partner: str | None = None,
    today: dt.date | None = None, detail: str = "",
) -> Agreement:
    """Disclose a derived set (a correction set, an extract built elsewhere) about the
    ``collection`` records ``record_ids``, carrying ``fields``, marked ``marking``: the checks of
    :func:`disclose` on the set as a whole, committed (refusal or one disclosure entry per
    record) before the caller writes or sends anything. ``agreement_id`` ``None``: the
    :func:`live_agreement` with ``partner`` for ``purpose``. Returns the agreement it went under."""
    with store.unit_of_work(user=user) as uow:
        agreement, _ = _disclose(uow, agreement_id, recipient_person=recipient_person, purpose=purpose,
                                 collection=collection, record_ids=record_ids, fields=fields, partner=partner,
                                 marking=marking, today=today, detail=detail, own_unit=False)
        uow.commit()
    return agreement


def _value(record: Record, field: str) -> Any:
    from ctpse_core import convert

    return convert.unstructure(getattr(record, field))


def agreement_toml(agreement: Agreement) -> str:
    """The agreement as the TOML file ``ctpse agreements add`` reads."""
    def text(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string is a JSON string

    def strings(values: Iterable[str]) -> str:
        return "[" + ", ".join(text(v) for v in sorted(values)) + "]"

    lines = [
        f"id = {text(agreement.id)}",
        f"partner = {text(agreement.partner)}",
        f"purposes = {strings(agreement.purposes)}",
        f"lawful_basis = {text(agreement.lawful_basis)}",
        f"highest_marking = {text(str(agreement.highest_marking))}",
        f"review_date = {agreement.review_date.isoformat()}",
        f"expiry_date = {agreement.expiry_date.isoformat()}",
        "",
        "[fields]",
        *(f"{name} = {strings(fields)}" for name, fields in sorted(agreement.fields.items())),
    ]
    return "\n".join(lines) + "\n"


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
