"""Subject access (DPA 2018 s.45): everything held on one person, with what was withheld and why.

:func:`subject_access` gathers the nominal record, every record of any collection that refers
to it, its retention state and its disclosure history (from the audit log). An item may be
withheld (restricted) under s.45(4); each withheld item is listed with its ground so the
controller's decision can be checked. The built-in rule (a proposal for the data protection
officer, not a decision made for them):

* records of surveillance and tasking collections (operations, subjects, deployments, tasking
  and asset requests, grid versions) — s.45(4)(b): to avoid prejudicing the prevention,
  detection or investigation of criminal offences;
* anything marked SECRET or above — s.45(4)(d): to protect national security;
* disclosures to partners under an agreement whose purpose is ``national-security`` — s.45(4)(d).

The request itself is logged (a consultation of every record gathered).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import attrs

from ctpse_core import convert
from ctpse_core.domain.marking import Classification, Marking, highest

if TYPE_CHECKING:
    from ctpse_core.security.principal import Principal
    from ctpse_core.storage.base import Store

__all__ = ["GROUNDS", "SubjectAccess", "subject_access"]

#: The s.45(4) grounds, as the Act words them.
GROUNDS = {
    "s.45(4)(a)": "to avoid obstructing an official or legal inquiry, investigation or procedure",
    "s.45(4)(b)": "to avoid prejudicing the prevention, detection, investigation or prosecution of criminal "
                  "offences or the execution of criminal penalties",
    "s.45(4)(c)": "to protect public security",
    "s.45(4)(d)": "to protect national security",
    "s.45(4)(e)": "to protect the rights and freedoms of others",
}
_INVESTIGATION = frozenset({"operations", "subjects", "deployments", "tasking_requests", "asset_requests",
                            "grid_versions", "conflict_resolutions"})


@attrs.frozen
class SubjectAccess:
    """The response: the items given (collection, ID, data), the withheld ones (collection,
    ID, ground, wording) and the disclosure history (when, to whom, under which agreement,
    which fields). A product: kind, title, marking, data()."""

    subject_id: str
    items: tuple[dict[str, Any], ...]
    withheld: tuple[dict[str, str], ...]
    disclosures: tuple[dict[str, Any], ...]
    marking: Marking
    kind: str = "subject_access"

    @property
    def title(self) -> str:
        return f"Subject access: {self.subject_id} (DPA 2018 s.45)"

    def data(self) -> dict[str, Any]:
        return {"subject_id": self.subject_id, "items": list(self.items), "withheld": list(self.withheld),
                "disclosures": list(self.disclosures)}


def _ground(collection: str, marking: Marking) -> str | None:
    if collection in _INVESTIGATION:
        return "s.45(4)(b)"
    if marking.classification >= Classification.SECRET:
        return "s.45(4)(d)"
    return None


def subject_access(store: Store, user: str | Principal, subject_id: str) -> SubjectAccess:
    """Everything held on ``subject_id`` (see the module): given items, withheld items with
    their s.45(4) ground, disclosure history. The requester needs the ``read`` action on
    nominals and a clearance for what is gathered (the request is refused otherwise)."""
    from ctpse_core.security.agreements import disclosure_log
    from ctpse_core.storage.schema import record_types

    needle = f'"{subject_id}"'
    items: list[dict[str, Any]] = []
    withheld: list[dict[str, str]] = []
    markings: list[Marking] = []
    with store.unit_of_work(user=user) as uow:
        uow.authorize("read", uow.repository("nominals").get(subject_id), purpose="subject access")
        for collection in record_types().names():
            if collection in ("users", "agreements"):
                continue
            for record in uow.repository(collection).list():
                data = convert.unstructure(record)
                if record.id != subject_id and needle not in json.dumps(data, ensure_ascii=False):
                    continue
                uow.authorize("read", record, purpose="subject access")
                uow.record_event("consultation", collection, record.id, "gathered for a subject access request",
                                 purpose="subject access (s.45)")
                ground = _ground(collection, record.marking)
                if ground is not None:
                    withheld.append({"collection": collection, "id": record.id, "ground": ground,
                                     "wording": GROUNDS[ground]})
                    continue
                markings.append(record.marking)
                items.append({"collection": collection, "id": record.id, "data": data})
        history: list[dict[str, Any]] = []
        for e in disclosure_log(store, record_id=subject_id):
            entry = {"at": e.at.isoformat() if e.at else None, "to": e.recipient_org, "person": e.recipient_person,
                     "agreement": e.agreement, "purpose": e.purpose, "fields": list(e.fields)}
            if e.purpose == "national-security":
                withheld.append({"collection": "disclosures", "id": f"{e.seq}", "ground": "s.45(4)(d)",
                                 "wording": GROUNDS["s.45(4)(d)"]})
            else:
                history.append(entry)
        uow.commit()
    return SubjectAccess(subject_id, tuple(items), tuple(withheld), tuple(history), highest(markings))
