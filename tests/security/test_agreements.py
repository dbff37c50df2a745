"""Disclosures go out only through an active agreement: every refusal reason is refused and
logged; what went out is in the disclosure log with recipient, agreement and fields; a later
correction lists who must be told."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.domain.marking import Marking
from ctpse_core.security import verify
from ctpse_core.security.agreements import (
    Agreement,
    DisclosureRefused,
    add_agreement,
    disclose,
    disclosure_log,
    recipients_to_notify,
)
from ctpse_core.storage import open_store
from ctpse_core.testing.samples import nominals
from ctpse_core.testing.security import SYSTEM, add_user

TODAY = dt.date(2026, 12, 4)


def _store() -> object:
    store = open_store("memory://")
    add_user(store, "admin")
    add_user(store, "co", roles=["coordinator"], clearance=Marking.parse("SECRET"))
    add_user(store, "an", roles=["analyst"], clearance=Marking.parse("SECRET"))
    records = nominals(3, seed=5)
    records = [
        attrs.evolve(records[0], marking=Marking.parse("OFFICIAL-SENSITIVE")),
        attrs.evolve(records[1], marking=Marking.parse("OFFICIAL-SENSITIVE")),
        attrs.evolve(records[2], marking=Marking.parse("SECRET")),
    ]
    with store.unit_of_work(user=SYSTEM) as uow:  # type: ignore[attr-defined]
        uow.nominals.add_many(records)
        uow.commit()
    add_agreement(store, "admin", Agreement(  # type: ignore[arg-type]
        id="ISA-JCTPPH", partner="JCTPPH", purposes=frozenset({"correction-set"}), lawful_basis="DPA 2018 s.35",
        fields={"nominals": ["surname", "date_of_birth", "pnc_id"]},
        highest_marking=Marking.parse("OFFICIAL-SENSITIVE"), review_date=dt.date(2026, 6, 1),
        expiry_date=dt.date(2027, 6, 1)))
    add_agreement(store, "admin", Agreement(  # type: ignore[arg-type]
        id="ISA-OLD", partner="Old Partner", purposes=frozenset({"correction-set"}), lawful_basis="DPA 2018 s.35",
        fields={"nominals": ["surname"]}, highest_marking=Marking.parse("SECRET"),
        review_date=dt.date(2025, 1, 1), expiry_date=dt.date(2026, 1, 1)))
    return store


def _send(store: object, user: str = "co", agreement: str = "ISA-JCTPPH", purpose: str = "correction-set",
          ids: tuple[str, ...] = ("NOM0000001",), fields: tuple[str, ...] = ("surname",),
          collection: str = "nominals") -> object:
    return disclose(store, user, agreement, recipient_person="duty officer", purpose=purpose,  # type: ignore[arg-type]
                    collection=collection, record_ids=ids, fields=fields, today=TODAY)


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"agreement": "ISA-NONE"}, "there is no information-sharing agreement 'ISA-NONE'"),
        ({"agreement": "ISA-OLD"}, "expired on 2026-01-01"),
        ({"purpose": "marketing"}, "purpose 'marketing' is not one agreement ISA-JCTPPH allows"),
        ({"fields": ("surname", "address")}, "field(s) address of nominals are not in agreement ISA-JCTPPH"),
        ({"collection": "deployments"}, "no deployments record(s)"),
        ({"ids": ("NOM0000003",)}, "are marked above OFFICIAL-SENSITIVE, the highest agreement ISA-JCTPPH allows"),
        ({"user": "an"}, "an may not disclose nominals"),
        ({"ids": ("NOM0000009",)}, "no nominals record(s) NOM0000009"),
    ],
)
def test_every_refusal_is_refused_and_logged(kwargs: dict[str, object], reason: str) -> None:
    """Each reason a disclosure falls outside an agreement raises DisclosureRefused naming it,
    sends nothing, and leaves a 'disclosure refused' entry with the reason in the log."""
    store = _store()
    before = len(store.audit_events())  # type: ignore[attr-defined]
    import re

    with pytest.raises(DisclosureRefused, match="disclosure refused: .*" + re.escape(reason)):
        _send(store, **kwargs)  # type: ignore[arg-type]
    new = store.audit_events()[before:]  # type: ignore[attr-defined]
    assert len(new) == 1 and new[0].action == "disclosure refused" and new[0].operation == "disclosure"
    assert reason in new[0].detail
    assert disclosure_log(store) == []  # type: ignore[arg-type]
    assert disclosure_log(store, refused=True) == new  # type: ignore[arg-type]


def test_inactive_agreement_is_refused() -> None:
    """An agreement marked inactive sends nothing."""
    store = _store()
    with store.unit_of_work(user=SYSTEM) as uow:  # type: ignore[attr-defined]
        a = uow.agreements.get("ISA-JCTPPH")
        uow.agreements.update(attrs.evolve(a, active=False))
        uow.commit()
    with pytest.raises(DisclosureRefused, match="is not active"):
        _send(store)


def test_a_disclosure_is_logged_and_a_correction_lists_its_recipients() -> None:
    """Two records sent under the agreement: rows hold only the allowed fields asked for; one
    disclosure entry per record with partner, person, agreement and fields; the record's
    recipients are listed for notification; a record never sent has nobody to notify."""
    store = _store()
    sent = _send(store, ids=("NOM0000001", "NOM0000002"), fields=("surname", "pnc_id"))
    assert [sorted(r) for r in sent.rows] == [["id", "pnc_id", "surname"]] * 2  # type: ignore[attr-defined]
    assert str(sent.marking) == "OFFICIAL-SENSITIVE"  # type: ignore[attr-defined]
    log = disclosure_log(store)  # type: ignore[arg-type]
    assert [(e.record_id, e.recipient_org, e.recipient_person, e.agreement, e.fields, e.user) for e in log] == [
        ("NOM0000001", "JCTPPH", "duty officer", "ISA-JCTPPH", ("surname", "pnc_id"), "co"),
        ("NOM0000002", "JCTPPH", "duty officer", "ISA-JCTPPH", ("surname", "pnc_id"), "co"),
    ]
    who = recipients_to_notify(store, "NOM0000001")  # type: ignore[arg-type]
    assert [(org, person, agreement) for org, person, agreement, _ in who] == [
        ("JCTPPH", "duty officer", "ISA-JCTPPH")]
    assert recipients_to_notify(store, "NOM0000003") == []  # type: ignore[arg-type]
    assert verify(store.audit_events()).ok  # type: ignore[attr-defined]


def test_cli_agreement_disclose_log_and_notify(tmp_path: Path) -> None:
    """agreements add (TOML) and list; disclose writes a marked, owner-only CSV extract; a
    refused one exits 1 with the reason; disclosures lists it; notify names the recipient."""
    import stat

    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    store = open_store(url)
    add_user(store, "boss")
    with store.unit_of_work(user=SYSTEM) as uow:
        uow.nominals.add_many([attrs.evolve(n, marking=Marking.parse("OFFICIAL-SENSITIVE")) for n in nominals(2)])
        uow.commit()
    store.close()
    toml = tmp_path / "isa.toml"
    toml.write_text('id = "ISA-1"\npartner = "JCTPPH"\npurposes = ["correction-set"]\nlawful_basis = "DPA 2018 s.35"\n'
                    'highest_marking = "OFFICIAL-SENSITIVE"\nreview_date = "2026-06-01"\nexpiry_date = "2099-01-01"\n'
                    '[fields]\nnominals = ["surname", "pnc_id"]\n', encoding="utf-8")

    def run(*args: str) -> object:
        return CliRunner().invoke(make_cli(), ["--store", url, "--user", "boss", *args])

    added = run("agreements", "add", str(toml))
    assert added.exit_code == 0, added.output  # type: ignore[attr-defined]
    assert "ISA-1\tJCTPPH\tcorrection-set" in run("agreements", "list").output  # type: ignore[attr-defined]
    out = tmp_path / "extract.csv"
    sent = run("disclose", "ISA-1", "NOM0000001", "--purpose", "correction-set", "--to", "duty officer",
               "--fields", "surname", "--out", str(out))
    assert sent.exit_code == 0, sent.output  # type: ignore[attr-defined]
    assert out.read_text().splitlines()[0] == "# OFFICIAL-SENSITIVE"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    refused = run("disclose", "ISA-1", "NOM0000001", "--purpose", "gossip", "--to", "x", "--fields", "surname",
                  "--out", str(tmp_path / "no.csv"))
    assert refused.exit_code == 2 and "purpose 'gossip' is not one" in refused.output  # type: ignore[attr-defined]
    assert not (tmp_path / "no.csv").exists()
    log = run("disclosures").output  # type: ignore[attr-defined]
    assert "\tJCTPPH\tduty officer\tISA-1\tnominals\tNOM0000001\tsurname\tcorrection-set" in log
    assert "gossip" in run("disclosures", "--refused").output  # type: ignore[attr-defined]
    assert "JCTPPH\tduty officer\tISA-1\tlast sent" in run("disclosures", "notify", "NOM0000001").output  # type: ignore[attr-defined]
