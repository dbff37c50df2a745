"""The JCTPPH correction set is a disclosure: written only under a live information-sharing
agreement that covers its purpose, fields and marking; refused otherwise (exit 2, no file, the
refusal logged); logged per record with recipient, agreement and fields when it goes out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.domain.marking import Marking
from ctpse_core.reconcile.disclosure import HUB, PURPOSE, hub_agreement
from ctpse_core.security import Role
from ctpse_core.security.agreements import REFUSED, add_agreement, disclosure_log
from ctpse_core.storage import open_store
from ctpse_core.synthetic.nominals import write_nominal_lists
from ctpse_core.testing.security import add_user


def _setup(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    store = open_store(url)
    add_user(store, "admin")
    add_user(store, "an", roles=[Role.ANALYST])
    store.close()
    write_nominal_lists(tmp_path, count=200, seed=4)
    return url


def _reconcile(tmp_path: Path, url: str, user: str, out: Path, *more: str) -> object:
    return CliRunner().invoke(make_cli(), ["--store", url, "--user", user, "-q", "reconcile",
                                           str(tmp_path / "regional.csv"), str(tmp_path / "national.csv"),
                                           "--corrections", str(out), *more])


def test_without_an_agreement_the_correction_set_is_refused_and_not_written(tmp_path: Path) -> None:
    url = _setup(tmp_path)
    out = tmp_path / "fix.csv"
    refused = _reconcile(tmp_path, url, "admin", out)
    assert refused.exit_code == 2, refused.output  # type: ignore[attr-defined]
    assert ("error: access refused: disclosure refused: there is no live information-sharing agreement with "
            "JCTPPH for 'correction-set'") in refused.output  # type: ignore[attr-defined]
    assert not out.exists()
    store = open_store(url)
    refusals = disclosure_log(store, refused=True)
    assert refusals and refusals[0].recipient_org == HUB and refusals[0].action == REFUSED
    assert not disclosure_log(store)
    store.close()


def test_each_way_outside_the_agreement_is_refused(tmp_path: Path) -> None:
    """A field the agreement does not allow, a marking above its highest, an expired agreement,
    and an analyst (who may not disclose): each refused with its reason, nothing written."""
    url = _setup(tmp_path)
    today = dt.date.today()
    store = open_store(url)
    full = hub_agreement("ISA-FULL", today)
    add_agreement(store, "admin", attrs.evolve(full, id="ISA-NARROW", fields={"nominals": ["surname"]}))
    add_agreement(store, "admin", attrs.evolve(full, id="ISA-LOW", highest_marking=Marking.parse("OFFICIAL")))
    add_agreement(store, "admin", attrs.evolve(full, id="ISA-OLD", expiry_date=today - dt.timedelta(days=1)))
    add_agreement(store, "admin", full)
    store.close()
    out = tmp_path / "fix.csv"
    cases = {
        ("admin", "ISA-NARROW"): "of nominals are not in agreement ISA-NARROW's allow-list",
        ("admin", "ISA-LOW"): "is marked OFFICIAL-SENSITIVE, above OFFICIAL, the highest agreement ISA-LOW allows",
        ("admin", "ISA-OLD"): "agreement ISA-OLD with JCTPPH expired on",
        ("an", "ISA-FULL"): "an may not disclose nominals",
    }
    for (user, agreement), reason in cases.items():
        result = _reconcile(tmp_path, url, user, out, "--agreement", agreement)
        assert result.exit_code == 2 and reason in result.output, (agreement, result.output)  # type: ignore[attr-defined]
        assert not out.exists()


def test_under_a_live_agreement_it_is_written_and_logged_per_record(tmp_path: Path) -> None:
    """Found by partner and purpose, written, one disclosure entry per record it is about naming
    JCTPPH, the recipient, the agreement and the fields; `disclosures notify` finds the hub."""
    url = _setup(tmp_path)
    store = open_store(url)
    add_agreement(store, "admin", hub_agreement("ISA-JCTPPH-2026", dt.date.today()))
    store.close()
    out = tmp_path / "fix.csv"
    done = _reconcile(tmp_path, url, "admin", out, "--recipient", "duty officer")
    assert done.exit_code == 0, done.output  # type: ignore[attr-defined]
    rows = out.read_text(encoding="utf-8").splitlines()[2:-1]
    store = open_store(url)
    sent = disclosure_log(store)
    store.close()
    assert len(sent) == len(rows) > 0
    assert {(e.recipient_org, e.recipient_person, e.agreement, e.purpose) for e in sent} == {
        (HUB, "duty officer", "ISA-JCTPPH-2026", PURPOSE)}
    assert all("surname" in e.fields and "id" not in e.fields for e in sent)
    first = sent[0].record_id
    assert first is not None
    notify = CliRunner().invoke(make_cli(), ["--store", url, "--user", "admin", "disclosures", "notify", first])
    assert notify.exit_code == 0 and "JCTPPH" in notify.output and "ISA-JCTPPH-2026" in notify.output


def test_the_example_agreement_is_the_toml_agreements_add_reads(tmp_path: Path) -> None:
    """`ctpse agreements example --out F` then `agreements add F` stores exactly hub_agreement."""
    url = _setup(tmp_path)
    written = CliRunner().invoke(make_cli(), ["--store", url, "--user", "admin", "agreements", "example",
                                              "--out", str(tmp_path / "isa.toml")])
    added = CliRunner().invoke(make_cli(), ["--store", url, "--user", "admin", "agreements", "add",
                                            str(tmp_path / "isa.toml")])
    assert written.exit_code == 0 and added.exit_code == 0, (written.output, added.output)
    store = open_store(url)
    with store.unit_of_work(user="admin") as uow:
        stored = uow.agreements.get("ISA-JCTPPH-EXAMPLE")
    store.close()
    assert attrs.evolve(stored, version=0) == attrs.evolve(hub_agreement("ISA-JCTPPH-EXAMPLE"), version=0)
