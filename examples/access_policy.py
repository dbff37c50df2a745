"""A force's own access policy, written as an in-house plugin, deciding outgoing correspondence.

    python examples/access_policy.py

The policy answers the ``ctpse_access_decision`` hook for one action, ``disclose``: it refuses
sending anything to an organisation on the force's barred list, and refuses sending a caveated
record (a marking such as ``OFFICIAL-SENSITIVE [PERSONAL]``) outside office hours (Monday to
Friday, 08:00 to 18:00 Europe/London, judged by the item's own time, so the decision can be
reproduced later). Everything else it leaves to the built-in role policy by answering ``None``;
no answer of any plugin can let someone read above their clearance.

Run as a script, it loads itself as a plugin with ``CTPSE_PLUGINS`` and logs four outgoing
items with personal data in a memory store that holds an information-sharing agreement with the
probation service (an outgoing item with personal data goes out only under one): each is
allowed (and audited as a disclosure of the nominal under the agreement) or refused with the
reason. All data is synthetic and fictional.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ctpse_core.plugin import hookimpl

LONDON = ZoneInfo("Europe/London")
#: Organisations never sent personal data, whatever the role of the sender (fictional).
BARRED = frozenset({"Example Gazette newsdesk (fictional)"})
#: Office hours, Monday to Friday, London time.
OPENS, CLOSES = dt.time(8, 0), dt.time(18, 0)


def in_office_hours(moment: dt.datetime) -> bool:
    local = moment.astimezone(LONDON)
    return local.weekday() < 5 and OPENS <= local.time() < CLOSES


@hookimpl
def ctpse_access_decision(principal: Any, action: str, target: Any, purpose: str) -> bool | None:
    """Refuse disclosure to a barred organisation, or of a caveated item outside office hours;
    otherwise abstain (``None``: the next plugin, then the built-in role policy, decides)."""
    if action != "disclose":
        return None
    if getattr(target, "partner", None) in BARRED:
        return False
    marking = getattr(target, "marking", None)
    when = getattr(target, "received_at", None)  # for an outgoing item: when it is sent
    if marking is not None and marking.caveats and when is not None and not in_office_hours(when):
        return False
    return None


def main() -> None:
    os.environ["CTPSE_PLUGINS"] = "access_policy"
    sys.path.insert(0, str(Path(__file__).parent))
    from ctpse_core.correspondence.service import record_item
    from ctpse_core.domain import Marking, Nominal
    from ctpse_core.domain.engagement import Correspondence, Direction
    from ctpse_core.errors import InputError
    from ctpse_core.security import Principal
    from ctpse_core.security.agreements import Agreement, add_agreement
    from ctpse_core.security.users import add_user
    from ctpse_core.storage import open_store

    store = open_store("memory://")
    with store.unit_of_work(user=Principal.service("setup")) as uow:
        add_user(uow, "coordinator", name="DS Example (fictional)", roles=["coordinator"],
                 clearance=Marking.parse("SECRET [PERSONAL]"))
        uow.nominals.add(Nominal(id="RG0000001", forenames="Ada", surname="Example",
                                 marking=Marking.parse("OFFICIAL-SENSITIVE")))
        uow.record_event("collection", "nominals", "RG0000001", "example nominal")
        uow.commit()
    add_agreement(store, Principal.service("setup"), Agreement(
        id="ISA-PROB-1", partner="Fictionshire Probation (fictional)", purposes=["licence management"],
        lawful_basis="DPA 2018 s.35 (fictional)", fields={"nominals": ["surname"]},
        highest_marking=Marking.parse("OFFICIAL-SENSITIVE"), review_date=dt.date(2025, 1, 1),
        expiry_date=dt.date(2030, 1, 1)))

    tuesday_10 = dt.datetime(2025, 3, 25, 10, 0, tzinfo=LONDON)
    saturday_22 = dt.datetime(2025, 3, 29, 22, 0, tzinfo=LONDON)
    items = [
        ("C-1", "Fictionshire Probation (fictional)", "OFFICIAL-SENSITIVE [PERSONAL]", tuesday_10),
        ("C-2", "Fictionshire Probation (fictional)", "OFFICIAL-SENSITIVE [PERSONAL]", saturday_22),
        ("C-3", "Fictionshire Probation (fictional)", "OFFICIAL-SENSITIVE", saturday_22),
        ("C-4", "Example Gazette newsdesk (fictional)", "OFFICIAL-SENSITIVE", tuesday_10),
    ]
    for item_id, partner, marking, when in items:
        item = Correspondence(id=item_id, partner=partner, subject="Licence conditions update",
                              received_at=when, direction=Direction.OUTGOING, personal_data=True,
                              nominal_ids=("RG0000001",), marking=Marking.parse(marking))
        with store.unit_of_work(user="coordinator") as uow:
            try:
                record_item(uow, item, purpose="licence management", fields=["surname"], today=when.date())
                uow.commit()
                outcome = "sent (audited as a disclosure)"
            except InputError as exc:
                outcome = "REFUSED: " + "; ".join(exc.lines())
        print(f"{item_id} {marking} to {partner}, {when:%a %H:%M}: {outcome}")
    disclosures = [e for e in store.audit_events() if e.action == "disclosure"]
    print("disclosures in the audit log: "
          + ", ".join(f"{e.record_id} under {e.agreement} ({e.detail.split()[1]})" for e in disclosures))


if __name__ == "__main__":
    main()
