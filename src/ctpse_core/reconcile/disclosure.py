"""Sending the correction set to the JCTPPH national hub: a disclosure under an
information-sharing agreement (DPA 2018 Part 3; ``docs/security.md``).

Before the correction set is written, :func:`disclose_corrections` checks it against a live
agreement with the hub (given, or the one :func:`~ctpse_core.security.agreements.live_agreement`
finds for the purpose ``correction-set``): the principal may disclose nominals, the agreement
is active and unexpired, allows the purpose, its allow-list holds every field the set's
columns carry, and its highest marking (and the principal's clearance) covers the set's
marking. Refused: :class:`~ctpse_core.security.agreements.DisclosureRefused` with the reason,
the refusal logged. Otherwise one disclosure entry per record the set is about (recipient,
agreement, fields), so ``ctpse disclosures notify ID`` finds the hub when a record is corrected.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ctpse_core.domain.marking import Marking
from ctpse_core.security.agreements import Agreement, add_agreement, disclose_set, live_agreement

if TYPE_CHECKING:
    from ctpse_core.reconcile.result import ReconciliationResult
    from ctpse_core.security.principal import Principal
    from ctpse_core.storage.base import Store

__all__ = ["HUB", "PURPOSE", "RECIPIENT", "disclose_corrections", "ensure_hub_agreement", "hub_agreement"]

#: The partner organisation the correction set goes to.
HUB = "JCTPPH"
#: The purpose an agreement must allow for it.
PURPOSE = "correction-set"
#: Who receives it, unless the caller names someone.
RECIPIENT = "JCTPPH national hub"


def disclose_corrections(
    store: Store,
    user: str | Principal,
    result: ReconciliationResult,
    *,
    agreement_id: str | None = None,
    recipient_person: str = RECIPIENT,
    today: dt.date | None = None,
) -> Agreement | None:
    """Log the correction set of ``result`` as a disclosure to the hub under an agreement, or
    refuse it (see the module). ``None`` when the set is empty (nothing goes out)."""
    if not result.corrections:
        return None
    fields = [f for f in result.correction_fields if f != "id"]  # a record's ID goes with it, as in disclose()
    return disclose_set(
        store, user, agreement_id, recipient_person=recipient_person, purpose=PURPOSE, collection="nominals",
        record_ids=result.correction_ids, fields=fields, marking=result.marking, partner=HUB,
        today=today, detail=f"correction set: {result.left_source} against {result.right_source}",
    )


def hub_agreement(agreement_id: str = "ISA-JCTPPH-DEMO", today: dt.date | None = None) -> Agreement:
    """A fictional agreement with the hub for the demo and tests: the purpose ``correction-set``,
    every national-list field, up to OFFICIAL-SENSITIVE, reviewed in six months, expiring in a
    year. A real one is written by the unit's data protection officer (``ctpse agreements add``)."""
    from ctpse_core.builtins.nominal_feeds import NATIONAL_COLUMNS

    start = today or dt.date.today()
    return Agreement(
        id=agreement_id, partner=HUB, purposes=[PURPOSE],
        lawful_basis="DPA 2018 s.35 (law enforcement purposes), s.36 (compatible purpose); fictional demo agreement",
        fields={"nominals": sorted(f for f in NATIONAL_COLUMNS.values() if f != "id")},
        highest_marking=Marking.parse("OFFICIAL-SENSITIVE"),
        review_date=start + dt.timedelta(days=182), expiry_date=start + dt.timedelta(days=365),
    )


def ensure_hub_agreement(store: Store, user: str | Principal, today: dt.date | None = None) -> Agreement | None:
    """The live correction-set agreement with the hub; when there is none and ``user`` may
    manage agreements, :func:`hub_agreement` is added (logged) and returned; else ``None``."""
    with store.unit_of_work(user=user) as uow:
        found = live_agreement(uow, HUB, PURPOSE, "nominals", today)
        allowed = uow.can("manage", "agreements")
        taken = uow.repository("agreements").find("ISA-JCTPPH-DEMO") is not None
    if found is not None or not allowed:
        return found
    made = hub_agreement("ISA-JCTPPH-DEMO" if not taken else f"ISA-JCTPPH-DEMO-{(today or dt.date.today()):%Y%m%d}",
                         today)
    return add_agreement(store, user, made)
