"""A Hypothesis state machine: random operations by random principals on memory and SQLite
stores. At every step: the audit log matches the operations one to one (the same operation,
collection, record and principal, in order), the chain verifies, and no principal ever
received a record above its clearance or outside its caveats."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from ctpse_core.domain.marking import Marking
from ctpse_core.security import Principal, clears, verify
from ctpse_core.security.policy import AccessDenied
from ctpse_core.storage import open_store
from ctpse_core.testing.samples import nominals
from ctpse_core.testing.security import add_user

MARKINGS = [Marking.parse(m) for m in ("OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "SECRET [UK EYES ONLY]",
                                       "TOP SECRET")]
USERS = {
    "admin": ("administrator", "TOP SECRET [*]"),
    "nm": ("nominal_manager", "SECRET [UK EYES ONLY]"),
    "an": ("analyst", "SECRET"),
    "os": ("nominal_manager", "OFFICIAL-SENSITIVE"),
    "ta": ("tasking_officer", "TOP SECRET [*]"),
    "pa": ("read_only_partner", "OFFICIAL"),
}
POOL = nominals(30, seed=11)


class AuditMachine(RuleBasedStateMachine):
    url = "memory://"

    @initialize()
    def open(self) -> None:
        if self.url == "sqlite":
            self.folder = tempfile.TemporaryDirectory()
            self.store = open_store(f"sqlite:///{Path(self.folder.name) / 's.sqlite'}")
        else:
            self.store = open_store("memory://")
        for user, (role, clearance) in USERS.items():
            add_user(self.store, user, roles=[role], clearance=Marking.parse(clearance))
        self.expected: list[tuple[str, str, str | None, str]] = [
            ("collection", "users", user, "service:tests") for user in USERS
        ]
        self.held: dict[str, Marking] = {}
        self.next = 0

    def teardown(self) -> None:
        store = getattr(self, "store", None)
        if store is not None:
            store.close()
        folder = getattr(self, "folder", None)
        if folder is not None:
            folder.cleanup()

    @rule(user=st.sampled_from(sorted(USERS)), marking=st.sampled_from(MARKINGS))
    def add(self, user: str, marking: Marking) -> None:
        """Add a nominal (allowed: stored and logged once; refused: nothing stored or logged)."""
        if self.next >= len(POOL):
            return
        record = attrs.evolve(POOL[self.next], marking=marking)
        with self.store.unit_of_work(user=user) as uow:
            try:
                uow.authorize("create", record)
            except AccessDenied:
                return
            uow.nominals.add(record)
            uow.record_event("collection", "nominals", record.id, "added by the state machine")
            uow.commit()
        self.next += 1
        self.held[record.id] = marking
        self.expected.append(("collection", "nominals", record.id, user))

    @precondition(lambda self: bool(self.held))
    @rule(user=st.sampled_from(sorted(USERS)), data=st.data())
    def update(self, user: str, data: Any) -> None:
        """Change one nominal's alias without naming it in an event: the unit of work logs it."""
        record_id = data.draw(st.sampled_from(sorted(self.held)))
        with self.store.unit_of_work(user=user) as uow:
            record = uow.nominals.find(record_id)  # None: above this principal's clearance
            if record is None or not uow.can("update", record):
                assert record is not None or not uow.principal.clears(self.held[record_id])
                return
            uow.nominals.update(attrs.evolve(record, aliases=(*record.aliases, f"alias{len(self.expected)}")))
            uow.commit()
        self.expected.append(("alteration", "nominals", record_id, user))

    @precondition(lambda self: bool(self.held))
    @rule(user=st.sampled_from(sorted(USERS)), data=st.data())
    def erase(self, user: str, data: Any) -> None:
        """Erase a nominal (nominal managers and administrators, if cleared for it)."""
        record_id = data.draw(st.sampled_from(sorted(self.held)))
        with self.store.unit_of_work(user=user) as uow:
            record = uow.nominals.find(record_id)
            if record is None or not uow.can("delete", record):
                assert record is not None or not uow.principal.clears(self.held[record_id])
                return
            uow.nominals.remove(record_id)
            uow.record_event("erasure", "nominals", record_id, "erased by the state machine")
            uow.commit()
        del self.held[record_id]
        self.expected.append(("erasure", "nominals", record_id, user))

    @rule(user=st.sampled_from(sorted(USERS)))
    def consult(self, user: str) -> None:
        """List the nominals through uow.visible and log one consultation per record shown:
        never one above the principal's clearance or outside its caveats."""
        with self.store.unit_of_work(user=user) as uow:
            principal: Principal = uow.principal
            shown = list(uow.visible(uow.nominals.list()))
            for record in shown:
                assert clears(principal.clearance, record.marking), (user, record.marking)
                uow.record_event("consultation", "nominals", record.id, purpose="state machine")
            uow.commit()
        readable = principal.has_role("administrator", "nominal_manager", "analyst", "read_only_partner")
        expected_ids = sorted(i for i, m in self.held.items() if readable and principal.clears(m))
        assert [r.id for r in shown] == expected_ids
        self.expected.extend(("consultation", "nominals", r.id, user) for r in shown)

    @invariant()
    def log_matches_operations_and_verifies(self) -> None:
        if not hasattr(self, "store"):
            return
        entries = self.store.audit_events()
        got = [(e.operation, e.collection, e.record_id, e.user) for e in entries]
        assert got == self.expected
        assert verify(entries).ok


class SqliteAuditMachine(AuditMachine):
    url = "sqlite"


TestAuditMemory = AuditMachine.TestCase
TestAuditMemory.settings = settings(stateful_step_count=25, deadline=None)
TestAuditSqlite = SqliteAuditMachine.TestCase
TestAuditSqlite.settings = settings(stateful_step_count=15, deadline=None, max_examples=10)
