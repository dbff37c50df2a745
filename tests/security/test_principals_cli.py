"""Who is asking: no principal no unit of work; `ctpse users add` makes the first user the
administrator; an unknown --user is refused (exit 2); `ctpse demo` makes its first user;
`ctpse audit show` is for auditors and filters."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ctpse_core.cli import make_cli
from ctpse_core.security import NoPrincipal, Principal, Role, UnknownUser, verify
from ctpse_core.security.policy import AccessDenied
from ctpse_core.security.users import add_user
from ctpse_core.storage import open_store


def _cli(url: str, user: str, *args: str) -> Result:
    return CliRunner().invoke(make_cli(), ["--store", url, "--user", user, *args])


def test_first_user_is_administrator_and_then_only_administrators_add(tmp_path: Path) -> None:
    """On an empty store anyone may add the first user, who becomes administrator (whatever
    roles were asked); after that an unknown --user is refused with exit 2 and a
    non-administrator cannot add users; `users list` shows roles and clearance."""
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    first = _cli(url, "root", "users", "add", "dc.ada", "--role", "analyst", "--name", "DC Ada")
    assert first.exit_code == 0 and "added first user and administrator dc.ada" in first.output, first.output
    refused = _cli(url, "root", "users", "add", "mallory")
    assert refused.exit_code == 2
    assert "error: user: 'root' is not a user of this store" in refused.output
    added = _cli(url, "dc.ada", "users", "add", "an.lee", "--role", "analyst", "--clearance", "SECRET [UK EYES ONLY]")
    assert added.exit_code == 0, added.output
    denied = _cli(url, "an.lee", "users", "add", "eve")
    assert denied.exit_code == 2 and "an.lee may not add users" in denied.output
    bad_role = _cli(url, "dc.ada", "users", "add", "x", "--role", "wizard")
    assert bad_role.exit_code == 2 and "'wizard' is not a role" in bad_role.output
    not_listed = _cli(url, "an.lee", "users", "list")
    assert not_listed.exit_code == 2, not_listed.output
    assert "access refused: an.lee (analyst) may not read users: that needs the administrator or auditor role" \
        in not_listed.output
    listed = _cli(url, "dc.ada", "users", "list")
    assert listed.exit_code == 0
    rows = {line.split("\t")[0]: line.split("\t") for line in listed.output.splitlines()}
    assert rows["dc.ada"][3] == "administrator,analyst" and rows["dc.ada"][4] == "TOP SECRET [*]"
    assert rows["an.lee"][3] == "analyst" and rows["an.lee"][4] == "SECRET [UK EYES ONLY]"
    store = open_store(url)
    entries = store.audit_events()
    assert [(e.user, e.operation, e.collection, e.record_id) for e in entries[:2]] == [
        ("root", "collection", "users", "dc.ada"), ("dc.ada", "collection", "users", "an.lee")]
    assert verify(entries).ok
    store.close()


def test_library_refuses_no_principal_and_unknown_users() -> None:
    """store.unit_of_work() with no principal, or a user ID the store lacks, is refused; a
    disabled user too; a service principal needs no lookup and is logged as service:NAME."""
    store = open_store("memory://")
    with pytest.raises(NoPrincipal):
        store.unit_of_work()
    with pytest.raises(UnknownUser):
        store.unit_of_work(user="dc.ada")
    job = Principal.service("nightly")
    with store.unit_of_work(user=job) as uow:
        add_user(uow, "dc.ada", name="DC Ada")
        uow.commit()
    with store.unit_of_work(user="dc.ada") as uow:
        assert uow.principal.has_role(Role.ADMINISTRATOR) and uow.user == "dc.ada"
    assert store.audit_events()[0].user == "service:nightly"
    with pytest.raises(ValueError, match="may not start with 'service:'"), store.unit_of_work(user=job) as uow:
        add_user(uow, "service:x", name="x")
    with store.unit_of_work(user=job) as uow:
        user = uow.users.get("dc.ada")
        import attrs

        uow.users.update(attrs.evolve(user, active=False))
        uow.commit()
    with pytest.raises(UnknownUser, match="disabled"):
        store.unit_of_work(user="dc.ada")


def test_demo_on_a_fresh_store_makes_its_first_user(tmp_path: Path) -> None:
    """`ctpse demo` on a new store makes --user its first user (administrator) and runs;
    on that store another unknown --user is refused (exit 2)."""
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    result = _cli(url, "demo.user", "-q", "demo", "--out", str(tmp_path / "out"), "--scale", "60")
    assert result.exit_code == 0, result.output
    assert "demo.user: first user of this store, administrator" in result.output
    again = _cli(url, "stranger", "-q", "demo", "--out", str(tmp_path / "out2"), "--scale", "60")
    assert again.exit_code == 2 and "'stranger' is not a user of this store" in again.output
    store = open_store(url)
    assert verify(store.audit_events()).ok
    store.close()


def test_audit_show_is_for_auditors_and_filters(tmp_path: Path) -> None:
    """`audit show` refuses an analyst, and for an auditor filters by record, principal,
    operation and time; its own reading is logged as a consultation of the log."""
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    assert _cli(url, "boss", "users", "add", "boss").exit_code == 0
    assert _cli(url, "boss", "users", "add", "aud", "--role", "auditor").exit_code == 0
    assert _cli(url, "boss", "users", "add", "an", "--role", "analyst").exit_code == 0
    store = open_store(url)
    with store.unit_of_work(user="an") as uow:
        uow.record_event("consultation", "nominals", "N1", purpose="weekly review")
        uow.record_event("alteration", "nominals", "N2", "changed: risk_tier")
        uow.commit()
    store.close()
    denied = _cli(url, "an", "audit", "show")
    assert denied.exit_code == 2 and "needs the auditor role" in denied.output
    by_record = _cli(url, "aud", "audit", "show", "--record", "N1")
    assert by_record.exit_code == 0, by_record.output
    lines = by_record.output.splitlines()
    assert len(lines) == 1 and "\tan\tconsultation\tnominals\tN1\tweekly review\t" in lines[0]
    by_user = _cli(url, "aud", "audit", "show", "--principal", "an", "--operation", "alteration")
    assert [line.split("\t")[5] for line in by_user.output.splitlines()] == ["N2"]
    future = _cli(url, "aud", "audit", "show", "--since", "2999-01-01")
    assert future.exit_code == 0 and future.output == ""
    past = _cli(url, "aud", "audit", "show", "--until", "2000-01-01")
    assert past.output == ""
    bad = _cli(url, "aud", "audit", "show", "--since", "yesterday")
    assert bad.exit_code == 2 and "--since" in bad.output
    store = open_store(url)
    assert [e.collection for e in store.audit_events()][-1] == "audit_log"
    store.close()


def test_checkpoint_cli_round_trip(tmp_path: Path) -> None:
    """`audit checkpoint --key-file` then `audit verify --checkpoint`: verifies; a checkpoint
    without its key is a usage error (exit 2)."""
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    assert _cli(url, "aud", "users", "add", "aud").exit_code == 0
    key = tmp_path / "k"
    key.write_text("0123456789abcdef0123")
    point = tmp_path / "cp.json"
    made = _cli(url, "aud", "audit", "checkpoint", "--key-file", str(key), "--out", str(point))
    assert made.exit_code == 0 and "checkpoint of entry 1" in made.output, made.output
    ok = _cli(url, "aud", "audit", "verify", "--checkpoint", str(point), "--key-file", str(key))
    assert ok.exit_code == 0 and "verified" in ok.output
    nokey = _cli(url, "aud", "audit", "verify", "--checkpoint", str(point))
    assert nokey.exit_code == 2 and "--key-file" in nokey.output


def test_access_denied_is_a_one_line_error() -> None:
    """AccessDenied is a CtpseError (one line on the command line, `error: access refused: ...`, exit 2)."""
    from ctpse_core.errors import CtpseError

    assert issubclass(AccessDenied, CtpseError)
