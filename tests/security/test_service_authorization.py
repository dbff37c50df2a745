"""Role checks inside the services: every write, consultation, combination and disclosure asks
the unit of work for an access decision (the repositories' write path and ``record_event``), so
a principal without the role is refused with who, what and which role it needs, nothing lands,
and no change is ever committed without an allowed decision recorded for it."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctpse_core.cli import make_cli
from ctpse_core.demo import DemoContext, run_demo, steps
from ctpse_core.domain.marking import Marking
from ctpse_core.meetings.actions import add_action
from ctpse_core.reconcile.review import record_decision
from ctpse_core.security import Role
from ctpse_core.security.policy import ROLE_POLICY, AccessDenied, roles_allowing
from ctpse_core.storage import open_store
from ctpse_core.storage.archive import export_store
from ctpse_core.storage.buffered import Change
from ctpse_core.testing.samples import nominals, varied_records
from ctpse_core.testing.security import SYSTEM, add_user

REFUSED = {"ro": "read_only_partner", "an": "analyst", "au": "auditor"}
#: Demo steps that change the store (each must be refused to every principal in REFUSED).
WRITING_STEPS = ("import-nominal-lists", "casework", "tasking", "performance", "products")


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, DemoContext]:
    """A memory store the whole demo ran on as its administrator (the authorised case)."""
    store = open_store("memory://")
    ctx = DemoContext(store=store, out=tmp_path_factory.mktemp("demo"), scale=100, user="admin")
    run_demo(ctx)
    for user, role in REFUSED.items():
        add_user(store, user, roles=[role])
    return store, ctx


def _counts(store: Any) -> dict[str, int]:
    from ctpse_core.storage.schema import record_types

    with store.unit_of_work(user=SYSTEM) as uow:
        return {name: uow.repository(name).count() for name in record_types().names()}


@pytest.mark.parametrize("user", sorted(REFUSED))
@pytest.mark.parametrize("step", WRITING_STEPS)
def test_each_demo_step_refuses_a_principal_without_the_role(
    demo_store: tuple[Any, DemoContext], tmp_path: Path, user: str, step: str
) -> None:
    """Every service a demo step runs (import, engagement, orders, correspondence, tasking,
    finance, meetings, KPIs, products) refuses a read-only partner, an analyst and an auditor
    with the user, the action and the roles it needs; nothing is stored or logged. (An analyst
    may read everything: a step run again that finds nothing left to change may pass, changing
    nothing and logging only consultations.)"""
    store, done = demo_store
    before_log, before = len(store.audit_events()), _counts(store)
    ctx = DemoContext(store=store, out=tmp_path, scale=100, user=user, state=copy.deepcopy(done.state))
    try:
        steps().get(step).run(ctx)
    except AccessDenied as refused:
        message = str(refused)
        assert message.startswith(f"{user} ({REFUSED[user]}) may not "), message
        assert ": that needs the " in message and " role" in message
        assert len(store.audit_events()) == before_log
    else:
        assert user == "an", f"{step} was not refused to {user}"
        assert {e.operation for e in store.audit_events()[before_log:]} <= {"consultation"}
    assert _counts(store) == before


def test_the_service_api_refuses_and_allows_by_role() -> None:
    """Direct service calls: an analyst may record a review decision (its one write) but not log
    an action or export the store; a nominal manager may log an action; the administrator may
    export. Each refusal names the user, the action, the collection and the roles needed."""
    store = open_store("memory://")
    add_user(store, "admin")
    add_user(store, "an", roles=[Role.ANALYST])
    add_user(store, "nm", roles=[Role.NOMINAL_MANAGER])
    with store.unit_of_work(user=SYSTEM) as uow:
        uow.nominals.add_many(nominals(3))
        uow.commit()
    due = dt.date(2026, 1, 9)
    with store.unit_of_work(user="an") as uow:
        with pytest.raises(AccessDenied, match=r"^an \(analyst\) may not create actions: that needs the "
                                               r"administrator, coordinator or nominal_manager role$"):
            add_action(uow, description="chase", owner="dc.x", due_on=due, by="an")
        record_decision(uow, "regional", "NOM0000001", "national", "NOM0000002", same=False)
        uow.commit()
    with store.unit_of_work(user="nm") as uow:
        add_action(uow, description="chase", owner="dc.x", due_on=due, by="nm")
        uow.commit()
        assert any(d.allowed and d.action == "create" and d.collection == "actions" for d in uow.decisions)
    with pytest.raises(AccessDenied, match=r"^an \(analyst\) may not disclose"):
        export_store(store, Path("/nonexistent/never-written.jsonl"), user="an")
    assert not Path("/nonexistent/never-written.jsonl").exists()


def test_a_change_that_skips_the_repository_is_still_checked_at_commit() -> None:
    """The commit asks for every pending change, so a backend or service that puts a change in
    the unit of work without the repository's write path cannot land it."""
    store = open_store("memory://")
    add_user(store, "admin")
    add_user(store, "an", roles=[Role.ANALYST])
    record = nominals(1)[0]
    with store.unit_of_work(user="an") as uow:
        uow.pending.setdefault("nominals", {})[record.id] = Change("nominals", record.id, None, record)
        with pytest.raises(AccessDenied, match="an \\(analyst\\) may not create nominals"):
            uow.commit()
    with store.unit_of_work(user=SYSTEM) as uow:
        assert uow.nominals.find(record.id) is None


def _cli(url: str, user: str, *args: str) -> Any:
    return CliRunner().invoke(make_cli(), ["--store", url, "--user", user, *args])


def test_cli_refusal_is_exit_2_naming_user_action_and_role(tmp_path: Path) -> None:
    """On the command line a refusal is one line, exit status 2; the administrator passes."""
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    store = open_store(url)
    add_user(store, "admin")
    add_user(store, "an", roles=[Role.ANALYST])
    add_user(store, "ro", roles=[Role.READ_ONLY_PARTNER])
    store.close()
    refused = _cli(url, "an", "actions", "add", "--description", "chase", "--owner", "dc.x", "--due", "2026-01-09")
    assert refused.exit_code == 2, refused.output
    assert refused.output.strip() == ("error: access refused: an (analyst) may not create actions: that needs the "
                                      "administrator, coordinator or nominal_manager role")
    grid = _cli(url, "ro", "grid", "publish", "--week", "2026-01-05", "--force")
    assert grid.exit_code == 2 and "access refused: ro (read_only_partner) may not" in grid.output, grid.output
    export = _cli(url, "an", "db", "export", str(tmp_path / "a.jsonl"))
    assert export.exit_code == 2 and "an (analyst) may not disclose" in export.output, export.output
    assert not (tmp_path / "a.jsonl").exists()
    allowed = _cli(url, "admin", "actions", "add", "--description", "chase", "--owner", "dc.x", "--due", "2026-01-09")
    assert allowed.exit_code == 0, allowed.output


#: Records of several collections to write (nominals, staff, operations).
POOL = varied_records()
ROLES = sorted(r for r in Role if r is not Role.SYSTEM)


def _may(roles: frozenset[Role], action: str, collection: str) -> bool:
    return any(r in roles for r in (*roles_allowing(action, collection), *roles_allowing("manage", collection)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(roles=st.frozensets(st.sampled_from(ROLES), max_size=2),
       ops=st.lists(st.tuples(st.sampled_from(sorted(POOL)), st.sampled_from(["create", "update", "delete"]),
                              st.integers(0, 2)), min_size=1, max_size=6))
def test_no_write_lands_without_an_allowed_decision(roles: frozenset[Role], ops: list[tuple[str, str, int]]) -> None:
    """Random principals making random changes to random collections: the unit of work commits
    only when the role policy allows every change, and then ``uow.decisions`` holds an allowed
    decision for each change landed; otherwise AccessDenied and nothing lands."""
    store = open_store("memory://")
    with store.unit_of_work(user=SYSTEM) as uow:
        for name, records in POOL.items():
            uow.repository(name).add_many(records[1:])
        uow.commit()
    from ctpse_core.security import Principal

    who = Principal(id="p", name="p", roles=roles, clearance=Marking.parse("TOP SECRET [*]"))
    before = {name: {r.id: r.version for r in records} for name, records in _listed(store).items()}
    wanted = {(collection, action) for collection, action, _ in ops}
    expect_ok = all(_may(roles, action, collection) for collection, action in wanted)
    landed = False
    with store.unit_of_work(user=who) as uow:
        try:
            for collection, action, pick in ops:
                repo = uow.repository(collection)
                records = POOL[collection]
                record = records[pick % len(records)]
                current = repo.find(record.id)
                if action == "create" and current is None:
                    repo.add(record)
                elif action == "update" and current is not None:
                    repo.update(attrs.evolve(current, marking=current.marking))
                elif action == "delete" and current is not None:
                    repo.remove(record.id)
                elif not _may(roles, action, collection):
                    uow.require(action, collection)  # the service's own check for a no-op
            changes = uow.changes()
            uow.commit()
            landed = True
        except AccessDenied as exc:
            assert str(exc).startswith("p (") and "may not" in str(exc)
    assert landed == expect_ok, (roles, ops)
    after = {name: {r.id: r.version for r in records} for name, records in _listed(store).items()}
    if not landed:
        assert after == before
        return
    granted = {(d.action, d.collection) for d in uow.decisions if d.allowed}
    for change in changes:
        action = "create" if change.base is None else "delete" if change.record is None else "update"
        assert (action, change.collection) in granted or ("manage", change.collection) in granted


def _listed(store: Any) -> dict[str, list[Any]]:
    with store.unit_of_work(user=SYSTEM) as uow:
        return {name: list(uow.repository(name).list()) for name in POOL}


def test_role_policy_names_the_roles_that_allow_each_write() -> None:
    """The message's role list comes from the policy itself (no role listed that cannot)."""
    for role, actions in ROLE_POLICY.items():
        for action, collections in actions.items():
            for collection in collections - {"*"}:
                if role is not Role.SYSTEM:
                    assert role in roles_allowing(action, collection)
