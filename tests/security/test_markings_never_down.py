"""Markings never go down by accident: a re-import with a lower marking keeps the higher and
says so; a downgrade needs an allowed user and a reason and is audited; `grid plan` is marked
at least as high as every operation it names."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.domain.marking import Marking
from ctpse_core.errors import InputError
from ctpse_core.feeds.importer import import_feed
from ctpse_core.security.markings import downgrade
from ctpse_core.security.policy import AccessDenied
from ctpse_core.storage import open_store
from ctpse_core.testing.security import SYSTEM, add_user, seed_admin

HEADERS = ["record_id", "surname", "forenames", "date_of_birth", "status", "risk_tier"]


def _write(path: Path, count: int) -> Path:
    rows = [",".join([f"RG{i:07d}", f"Madeup{i}", "Alfa", "01/01/1980", "custody", "2"]) for i in range(1, count + 1)]
    path.write_text("\n".join([",".join(HEADERS), *rows]) + "\n", encoding="utf-8")
    return path


def test_reimport_with_a_lower_marking_keeps_the_higher_and_says_so(tmp_path: Path) -> None:
    """Records first imported SECRET [UK EYES ONLY] stay so when the same list comes again at
    the feed's own OFFICIAL-SENSITIVE: the summary counts them and says so, nothing is
    'updated' for the marking alone; a changed row keeps the higher marking and its audit
    entry says the marking was kept."""
    store = open_store("memory://")
    path = _write(tmp_path / "regional.csv", 3)
    first = import_feed(store, "regional", path, marking="SECRET [UK EYES ONLY]", user=SYSTEM)
    assert first.stored == 3
    again = import_feed(store, "regional", path, user=SYSTEM)
    assert again.markings_kept == 3 and again.unchanged == 3 and again.updated == 0
    _label, text = next(row for row in again.table() if row[0] == "markings kept higher")
    assert "3 stored record(s) are marked higher than OFFICIAL-SENSITIVE" in text
    with store.unit_of_work(user=SYSTEM) as uow:
        assert {str(n.marking) for n in uow.nominals.list()} == {"SECRET [UK EYES ONLY]"}
    changed = tmp_path / "regional2.csv"
    changed.write_text(path.read_text().replace("RG0000002,Madeup2", "RG0000002,Madeuptwo"), encoding="utf-8")
    third = import_feed(store, "regional", changed, user=SYSTEM)
    assert third.updated == 1 and third.markings_kept == 3
    with store.unit_of_work(user=SYSTEM) as uow:
        updated = uow.nominals.get("RG0000002")
    assert str(updated.marking) == "SECRET [UK EYES ONLY]" and updated.surname == "Madeuptwo"
    entry = [e for e in store.audit_events() if e.operation == "alteration"][-1]
    assert "marking kept at SECRET [UK EYES ONLY] (the feed says OFFICIAL-SENSITIVE)" in entry.detail


def test_downgrade_needs_a_reason_an_allowed_user_and_a_lower_marking() -> None:
    """An analyst may not downgrade; a coordinator without a reason, or to a marking that is
    not lower, is refused; with a reason it is stored and audited with both markings."""
    store = open_store("memory://")
    add_user(store, "admin")
    add_user(store, "an.lee", roles=["analyst"])
    add_user(store, "co.ord", roles=["coordinator"])
    from ctpse_core.testing.samples import nominals

    record = attrs.evolve(nominals(1)[0], marking=Marking.parse("SECRET"))
    with store.unit_of_work(user=SYSTEM) as uow:
        uow.nominals.add(record)
        uow.commit()
    official = Marking.parse("OFFICIAL-SENSITIVE")
    with store.unit_of_work(user="an.lee") as uow, pytest.raises(AccessDenied, match="may not downgrade"):
        downgrade(uow, "nominals", record.id, official, "agreed")
    with store.unit_of_work(user="co.ord") as uow:
        with pytest.raises(InputError, match="needs a reason"):
            downgrade(uow, "nominals", record.id, official, "  ")
        with pytest.raises(InputError, match="is not lower than SECRET"):
            downgrade(uow, "nominals", record.id, Marking.parse("TOP SECRET"), "agreed")
        downgrade(uow, "nominals", record.id, official, "originator agreed (ref 12)")
        uow.commit()
    with store.unit_of_work(user=SYSTEM) as uow:
        assert uow.nominals.get(record.id).marking == official
    entry = store.audit_events()[-1]
    assert (entry.user, entry.operation, entry.record_id) == ("co.ord", "alteration", record.id)
    assert entry.detail == "marking downgraded from SECRET to OFFICIAL-SENSITIVE: originator agreed (ref 12)"


def test_downgrade_command(tmp_path: Path) -> None:
    """`ctpse marking downgrade` lowers and says so; an unknown collection is exit 2."""
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    seed_admin(url, "boss")
    store = open_store(url)
    from ctpse_core.testing.samples import nominals

    record = attrs.evolve(nominals(1)[0], marking=Marking.parse("SECRET"))
    with store.unit_of_work(user=SYSTEM) as uow:
        uow.nominals.add(record)
        uow.commit()
    store.close()
    args = ["--store", url, "--user", "boss", "marking", "downgrade"]
    ok = CliRunner().invoke(make_cli(), [*args, "nominals", record.id, "OFFICIAL", "--reason", "agreed"])
    assert ok.exit_code == 0 and "marking lowered from SECRET to OFFICIAL" in ok.output, ok.output
    bad = CliRunner().invoke(make_cli(), [*args, "widgets", "W1", "OFFICIAL", "--reason", "x"])
    assert bad.exit_code == 2 and "unknown collection 'widgets'" in bad.output


def test_grid_plan_is_marked_as_high_as_the_operations_it_names(tmp_path: Path) -> None:
    """A tasking file whose deployments are SECRET but one of whose operations is TOP SECRET:
    `grid plan` output is marked TOP SECRET (it prints that operation's name)."""
    from ctpse_core.synthetic.tasking import write_tasking_file

    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    seed_admin(url, "cato")
    path = tmp_path / "tasking.json"
    write_tasking_file(path, 10, 2)
    data = json.loads(path.read_text(encoding="utf-8"))
    for op in data["operations"]:
        op["marking"] = "TOP SECRET"
    path.write_text(json.dumps(data), encoding="utf-8")
    out = CliRunner().invoke(make_cli(), ["--store", url, "--user", "cato", "grid", "plan", str(path),
                                          "--format", "json"])
    assert out.exit_code == 0, out.output
    product = json.loads(out.stdout)
    assert product["marking"] == "TOP SECRET"
    assert product["assignments"]
