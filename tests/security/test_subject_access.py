"""Subject access (s.45) on a synthetic person: the nominal and the records referring to it
are given, a SECRET record and a surveillance subject record are withheld with their s.45(4)
ground, the disclosure history is included, and the request is logged."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.domain import Contact
from ctpse_core.domain.marking import Marking
from ctpse_core.security.agreements import Agreement, add_agreement, disclose
from ctpse_core.storage import open_store
from ctpse_core.testing.samples import nominals
from ctpse_core.testing.security import SYSTEM, add_user


def test_subject_access_on_a_synthetic_person(tmp_path: Path) -> None:
    """Given: the nominal and an OFFICIAL contact; withheld: a SECRET contact (s.45(4)(d));
    disclosures: the one to JCTPPH with its fields; every gathered record is logged as a
    consultation; the command prints the same as JSON."""
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    store = open_store(url)
    add_user(store, "dpo")
    person = attrs.evolve(nominals(1)[0], marking=Marking.parse("OFFICIAL-SENSITIVE"))
    when = dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)
    plain = Contact(id="C1", nominal_id=person.id, manager="DC Example", planned_at=when)
    secret = Contact(id="C2", nominal_id=person.id, manager="DC Example", planned_at=when,
                     marking=Marking.parse("SECRET"))
    with store.unit_of_work(user=SYSTEM) as uow:
        uow.nominals.add_many([person, nominals(2, prefix="OTHER")[1]])
        uow.contacts.add_many([plain, secret])
        uow.commit()
    add_agreement(store, "dpo", Agreement(
        id="ISA-1", partner="JCTPPH", purposes=frozenset({"correction-set"}), lawful_basis="DPA 2018 s.35",
        fields={"nominals": ["surname"]}, highest_marking=Marking.parse("OFFICIAL-SENSITIVE"),
        review_date=dt.date(2026, 6, 1), expiry_date=dt.date(2099, 1, 1)))
    disclose(store, "dpo", "ISA-1", recipient_person="duty officer", purpose="correction-set",
             collection="nominals", record_ids=[person.id], fields=["surname"])
    store.close()
    out = CliRunner().invoke(make_cli(), ["--store", url, "--user", "dpo", "subject-access", person.id])
    assert out.exit_code == 0, out.output
    answer = json.loads(out.stdout)
    assert answer["marking"] == "OFFICIAL-SENSITIVE"
    given = {(i["collection"], i["id"]) for i in answer["items"]}
    assert given == {("nominals", person.id), ("contacts", "C1")}
    assert answer["withheld"] == [{"collection": "contacts", "id": "C2", "ground": "s.45(4)(d)",
                                   "wording": "to protect national security"}]
    assert [(d["to"], d["person"], d["agreement"], d["fields"]) for d in answer["disclosures"]] == [
        ("JCTPPH", "duty officer", "ISA-1", ["surname"])]
    assert "1 withheld" in out.stderr
    store = open_store(url)
    gathered = [e for e in store.audit_events() if e.purpose == "subject access (s.45)"]
    store.close()
    assert {(e.collection, e.record_id) for e in gathered} == {("nominals", person.id), ("contacts", "C1"),
                                                               ("contacts", "C2")}
