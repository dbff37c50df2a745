"""Deny by default, no read up, the access hook, owner-only marked outputs, and the
migration that chains an existing log."""

from __future__ import annotations

import stat
from pathlib import Path

import attrs
import pytest

from ctpse_core.domain.marking import Marking
from ctpse_core.security import Principal, Role, verify
from ctpse_core.security.outputs import write_marked
from ctpse_core.security.policy import AccessDenied, decide
from ctpse_core.storage import open_store
from ctpse_core.testing.samples import nominals
from ctpse_core.testing.security import SYSTEM, add_user


def _store_with_markings() -> object:
    store = open_store("memory://")
    records = nominals(4)
    marked = [
        attrs.evolve(records[0], marking=Marking.parse("OFFICIAL")),
        attrs.evolve(records[1], marking=Marking.parse("SECRET")),
        attrs.evolve(records[2], marking=Marking.parse("SECRET [UK EYES ONLY]")),
        attrs.evolve(records[3], marking=Marking.parse("TOP SECRET")),
    ]
    with store.unit_of_work(user=SYSTEM) as uow:
        uow.nominals.add_many(marked)
        uow.commit()
    add_user(store, "admin")  # the first user is always an administrator
    add_user(store, "an.lee", roles=[Role.ANALYST], clearance=Marking.parse("SECRET"))
    add_user(store, "ta.one", roles=[Role.TASKING_OFFICER], clearance=Marking.parse("TOP SECRET [*]"))
    return store


def test_visible_never_shows_a_record_above_clearance_or_outside_caveats() -> None:
    """An analyst cleared SECRET sees OFFICIAL and SECRET, not SECRET [UK EYES ONLY] nor TOP
    SECRET (the repository already holds them back), and the unit of work says two were
    withheld; a tasking officer (no nominal read) sees none."""
    store = _store_with_markings()
    with store.unit_of_work(user="an.lee") as uow:  # type: ignore[attr-defined]
        shown = [str(n.marking) for n in uow.visible(uow.nominals.list())]
        assert shown == ["OFFICIAL", "SECRET"] and uow.withheld == 2
    with store.unit_of_work(user="ta.one") as uow:  # type: ignore[attr-defined]
        assert list(uow.visible(uow.nominals.list())) == [] and uow.withheld == 4


def test_authorize_denies_by_default_and_says_why() -> None:
    """Actions no role grants are refused with the reason; reading up is refused naming the
    clearance; an unknown action is refused."""
    store = _store_with_markings()
    with store.unit_of_work(user=SYSTEM) as uow:  # type: ignore[attr-defined]
        records = list(uow.nominals.list())
    with store.unit_of_work(user="an.lee") as uow:  # type: ignore[attr-defined]
        assert uow.nominals.find(records[3].id) is None  # no read up in the repository either
        assert uow.nominals.count() == 2 and uow.withheld == 3  # one find, two in the count
        uow.authorize("read", records[0])
        uow.authorize("combine", "nominals")
        with pytest.raises(AccessDenied, match=r"an.lee \(analyst\) may not update nominals"):
            uow.authorize("update", records[0])
        with pytest.raises(AccessDenied, match="cleared to SECRET, below the target's marking TOP SECRET"):
            uow.authorize("read", records[3])
        with pytest.raises(AccessDenied, match="may not manage users"):
            uow.authorize("manage", "users")
        assert not uow.can("fly", "nominals")


class _Plugin:
    """A site policy: refuses every disclosure, allows an auditor to update (odd, but testable)."""

    from ctpse_core.plugin import hookimpl

    @hookimpl
    def ctpse_access_decision(self, principal: Principal, action: str, target: object, purpose: str) -> bool | None:
        if action == "disclose":
            return False
        if action == "update" or action == "read":
            return True
        return None


def test_plugin_decides_first_but_cannot_let_anyone_read_up(fresh_plugins: None) -> None:
    """A plugin's answer wins over the roles (refusing a disclosure the coordinator role
    allows; allowing a read), but a record above clearance is refused whatever it says."""
    from ctpse_core.plugin import get_plugin_manager

    get_plugin_manager().register(_Plugin(), name="site-policy")
    low = Principal(id="p", name="p", roles=frozenset({Role.COORDINATOR}), clearance=Marking.parse("OFFICIAL"))
    assert not decide(low, "disclose", "nominals", "correction-set")
    assert decide(low, "read", "users", "")
    secret = nominals(1)[0]
    secret = attrs.evolve(secret, marking=Marking.parse("SECRET"))
    refused = decide(low, "read", secret, "")
    assert not refused and "cleared to OFFICIAL" in refused.reason


def test_products_above_official_are_owner_only(tmp_path: Path) -> None:
    """write_marked: above OFFICIAL the file is 0600 and the folders it creates 0700; an
    OFFICIAL product keeps the default (umask) permissions; the content is written whole."""
    secret = write_marked(tmp_path / "new" / "deeper" / "grid.md", "# SECRET\n", Marking.parse("SECRET"))
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "new" / "deeper").stat().st_mode) == 0o700
    assert secret.read_text() == "# SECRET\n"
    caveat = write_marked(tmp_path / "c.md", b"x", Marking.parse("OFFICIAL [PERSONAL]"))
    assert stat.S_IMODE(caveat.stat().st_mode) == 0o600
    plain = write_marked(tmp_path / "open" / "o.md", "x", Marking.parse("OFFICIAL"))
    assert stat.S_IMODE(plain.stat().st_mode) & 0o044  # readable by others under the usual umask
    assert not list(tmp_path.rglob("*.part"))


def test_migration_chains_an_existing_log(tmp_path: Path) -> None:
    """A store at revision 0002 with audit rows upgrades to 0003: the old rows are numbered,
    given their s.62 operation and chained, and the log verifies; new entries chain on."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from ctpse_core.storage.sql import alembic_config

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0002")
        for n, action in enumerate(["collection", "publication", "review"], start=1):
            conn.execute(text("INSERT INTO audit_log (seq, at, user, action, collection, record_id, detail) "
                              "VALUES (:s, '2024-01-01 09:00:00', 'old', :a, 'nominals', :r, '')"),
                         {"s": n * 3, "a": action, "r": f"N{n}"})
    engine.dispose()
    store = open_store(url)
    store.upgrade()
    with store.unit_of_work(user=SYSTEM) as uow:
        uow.record_event("consultation", "nominals", "N9")
        uow.commit()
    entries = store.audit_events()
    store.close()
    assert [e.seq for e in entries] == [1, 2, 3, 4]
    assert [e.operation for e in entries] == ["collection", "disclosure", "alteration", "consultation"]
    assert verify(entries).ok


def test_export_refuses_a_principal_who_cannot_see_everything(tmp_path: Path) -> None:
    """An archive must be complete: an analyst cleared SECRET may not export a store holding
    TOP SECRET records (and no file is left); an administrator cleared for all may."""
    from ctpse_core.storage.archive import export_store

    store = _store_with_markings()
    with pytest.raises(AccessDenied, match="2 record"):
        export_store(store, tmp_path / "a.jsonl", user="an.lee")  # type: ignore[arg-type]
    assert not list(tmp_path.iterdir())
    counts = export_store(store, tmp_path / "a.jsonl", user="admin")  # type: ignore[arg-type]
    assert counts["nominals"] == 4
