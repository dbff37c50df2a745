"""A feed adapter for a new partner, written as an in-house plugin, and an import through it.

    python examples/partner_feed.py

The fictional Fictionshire offender-management unit sends a CSV with its own headers. This
module registers a ``fictionshire-omu`` feed through the ``ctpse_register_feeds`` hook (exactly
as the built-in feeds are registered) and, run as a script, loads itself as a plugin with
``CTPSE_PLUGINS``, writes a small file (one good row, one with an impossible date) and imports
it into a memory store: the good row is stored, the bad one is reported with file, row, field
and reason. All data is synthetic and fictional.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
from pathlib import Path

from ctpse_core.plugin import Register, hookimpl

FEED = "fictionshire-omu"


@hookimpl
def ctpse_register_feeds(register: Register) -> None:
    from ctpse_core.domain import Marking, Nominal
    from ctpse_core.feeds.definition import FeedDefinition

    register(FEED, FeedDefinition(
        name=FEED,
        title="Fictionshire OMU caseload",
        record_type=Nominal,
        collection="nominals",
        partner="Fictionshire offender-management unit (fictional)",
        marking=Marking.parse("OFFICIAL-SENSITIVE"),
        id_prefix="FSH-",
        columns={
            "OMU Ref": "id",
            "Family Name": "surname",
            "Given Names": "forenames",
            "Born": "date_of_birth",
            "Offender Manager": "nominal_manager",
        },
        defaults={"force": "Fictionshire"},
    ))


def main() -> None:
    os.environ["CTPSE_PLUGINS"] = "partner_feed"
    sys.path.insert(0, str(Path(__file__).parent))
    from ctpse_core.feeds.importer import import_feed
    from ctpse_core.security import Principal
    from ctpse_core.storage import open_store

    store = open_store("memory://")
    job = Principal.service("partner-feed-example")  # a batch job acts as a named service principal
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "caseload.csv"
        path.write_text(
            "OMU Ref,Family Name,Given Names,Born,Offender Manager\n"
            "0001,Example,Ada,14/03/1985,PO Placeholder\n"
            "0002,Sample,Ben,31/02/1990,PO Placeholder\n",
            encoding="utf-8",
        )
        summary = import_feed(store, FEED, path, user=job)
        print(f"{summary.rows_read} rows read, {summary.stored} stored, {summary.rejected} rejected")
        if summary.rejects_file is not None:
            with summary.rejects_file.open(encoding="utf-8-sig", newline="") as handle:
                for row in csv.DictReader(handle):
                    print(f"  rejected row {row['OMU Ref']}: {row['reasons']}")
    with store.unit_of_work(user=job) as uow:
        nominal = uow.nominals.get("FSH-0001")
    print(f"stored {nominal.id}: {nominal.forenames} {nominal.surname}, force {nominal.force}, {nominal.marking}")


if __name__ == "__main__":
    main()
