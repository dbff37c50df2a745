"""A Hypothesis state machine: random operations by random principals on memory and SQLite
stores, information-sharing agreements among them (created, revoked, expired as the clock moves
on; disclosures inside and outside them). At every step: the audit log matches the operations
one to one (the same operation, collection, record and principal, in order), the chain
verifies, no principal ever received a record above its clearance or outside its caveats, and
no disclosure went out without a live agreement covering it (each one audited)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import attrs
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from ctpse_core.domain.marking import Marking
from ctpse_core.security import Principal, clears, verify
from ctpse_core.security.agreements import REFUSED, Agreement, DisclosureRefused, add_agreement, disclose
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
PARTNERS = ("JCTPPH", "Probation")
PURPOSES = ["correction-set", "correspondence"]
FIELDS = ["surname", "date_of_birth", "pnc_id"]
#: Who may disclose nominals (administrator, nominal managers).
DISCLOSERS = {"admin", "nm", "os"}


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
        self.today = dt.date(2026, 6, 1)
        self.agreements: dict[str, Agreement] = {}

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

    @rule(partner=st.sampled_from(PARTNERS), purposes=st.sets(st.sampled_from(PURPOSES), min_size=1),
          fields=st.sets(st.sampled_from(FIELDS)), highest=st.sampled_from(MARKINGS), days=st.integers(0, 60))
    def make_agreement(self, partner: str, purposes: set[str], fields: set[str], highest: Marking, days: int) -> None:
        """The administrator adds an agreement running ``days`` from today (logged once)."""
        agreement = Agreement(id=f"ISA-{len(self.agreements) + 1}", partner=partner, purposes=purposes,
                              lawful_basis="DPA 2018 s.35 (fictional)", fields={"nominals": fields},
                              highest_marking=highest, review_date=self.today,
                              expiry_date=self.today + dt.timedelta(days=days))
        add_agreement(self.store, "admin", agreement)
        self.agreements[agreement.id] = agreement
        self.expected.append(("collection", "agreements", agreement.id, "admin"))

    @precondition(lambda self: bool(self.agreements))
    @rule(data=st.data())
    def revoke_agreement(self, data: Any) -> None:
        """The administrator revokes one (an alteration, logged by the unit of work)."""
        agreement_id = data.draw(st.sampled_from(sorted(self.agreements)))
        with self.store.unit_of_work(user="admin") as uow:
            stored = uow.agreements.get(agreement_id)
            uow.agreements.update(attrs.evolve(stored, active=False))
            uow.commit()
        self.agreements[agreement_id] = attrs.evolve(self.agreements[agreement_id], active=False)
        self.expected.append(("alteration", "agreements", agreement_id, "admin"))

    @rule(days=st.integers(1, 45))
    def time_passes(self, days: int) -> None:
        """The clock moves on: agreements past their expiry date expire."""
        self.today += dt.timedelta(days=days)

    def _inside(self, user: str, agreement_id: str, purpose: str, ids: list[str], fields: tuple[str, ...]) -> bool:
        """The model: may ``user`` disclose these records under this agreement today?"""
        clearance = Marking.parse(USERS[user][1])
        agreement = self.agreements.get(agreement_id)
        return (user in DISCLOSERS and bool(ids) and agreement is not None and agreement.active
                and self.today <= agreement.expiry_date and purpose in agreement.purposes
                and set(fields) <= agreement.fields["nominals"]
                and all(i in self.held and clears(clearance, self.held[i])
                        and agreement.highest_marking.dominates(self.held[i]) for i in ids))

    @rule(aim=st.booleans(), data=st.data())
    def disclose_records(self, aim: bool, data: Any) -> None:
        self._disclose(aim, data)

    def _live(self) -> list[str]:
        return sorted(i for i, a in self.agreements.items() if a.active and self.today <= a.expiry_date)

    @precondition(lambda self: bool(self._live()) and bool(self.held))
    @rule(data=st.data())
    def disclose_inside(self, data: Any) -> None:
        """A disclosure built to fall inside a live agreement whenever the records allow it (a
        discloser cleared for them, records within its highest marking): the model decides."""
        agreement = self.agreements[data.draw(st.sampled_from(self._live()))]
        user = data.draw(st.sampled_from(sorted(DISCLOSERS)))
        clearance = Marking.parse(USERS[user][1])
        fit = sorted(i for i, m in self.held.items()
                     if clears(clearance, m) and agreement.highest_marking.dominates(m))
        ids = data.draw(st.lists(st.sampled_from(fit), min_size=1, max_size=2, unique=True)) if fit else []
        purpose = data.draw(st.sampled_from(sorted(agreement.purposes)))
        allowed = sorted(agreement.fields["nominals"])
        wanted = tuple(sorted(data.draw(st.sets(st.sampled_from(allowed))))) if allowed else ()
        self._send(user, agreement.id, purpose, ids, wanted)

    def _disclose(self, aim: bool, data: Any) -> None:
        """Disclose some nominals (held or erased) under an agreement (or one that does not
        exist), for a purpose and fields drawn at random or (``aim``) from the agreement's own:
        it goes out exactly when the model says a live agreement covers it, each record logged
        as a disclosure naming the agreement; otherwise one logged refusal."""
        user = data.draw(st.sampled_from(sorted(DISCLOSERS if aim else USERS)))
        agreement_id = data.draw(st.sampled_from([*sorted(self.agreements), "ISA-NONE"]))
        agreement = self.agreements.get(agreement_id)
        purposes = sorted(agreement.purposes) if aim and agreement is not None else PURPOSES
        allowed = sorted(agreement.fields["nominals"]) if aim and agreement is not None else FIELDS
        purpose = data.draw(st.sampled_from(purposes))
        wanted = tuple(sorted(data.draw(st.sets(st.sampled_from(allowed))) if allowed else ()))
        known = [r.id for r in POOL[: self.next]]
        ids = data.draw(st.lists(st.sampled_from(known), min_size=int(aim), max_size=2, unique=True)) if known else []
        self._send(user, agreement_id, purpose, ids, wanted)

    def _send(self, user: str, agreement_id: str, purpose: str, ids: list[str], wanted: tuple[str, ...]) -> None:
        inside = self._inside(user, agreement_id, purpose, ids, wanted)
        before = len(self.store.audit_events())
        try:
            sent = disclose(self.store, user, agreement_id, recipient_person="duty officer", purpose=purpose,
                            collection="nominals", record_ids=ids, fields=wanted, today=self.today)
        except DisclosureRefused:
            event("disclosure refused")
            assert not inside, (user, agreement_id, purpose, ids, wanted, self.today)
            refusal = self.store.audit_events()[before:]
            assert [(e.action, e.agreement) for e in refusal] == [(REFUSED, agreement_id)]
            self.expected.append(("disclosure", "nominals", ids[0] if len(ids) == 1 else None, user))
            return
        event("disclosure sent")
        assert inside, (user, agreement_id, purpose, ids, wanted, self.today)
        assert [row["id"] for row in sent.rows] == ids and all(set(row) == {"id", *wanted} for row in sent.rows)
        logged = self.store.audit_events()[before:]
        assert [(e.action, e.record_id, e.agreement, e.recipient_org, e.fields) for e in logged] == [
            ("disclosure", i, agreement_id, self.agreements[agreement_id].partner, wanted) for i in ids]
        self.expected.extend(("disclosure", "nominals", i, user) for i in ids)

    @invariant()
    def no_disclosure_outside_a_live_agreement(self) -> None:
        """Every disclosure in the log names an agreement that allowed its purpose and fields."""
        if not hasattr(self, "store"):
            return
        for e in self.store.audit_events():
            if e.operation == "disclosure" and e.action == "disclosure":
                agreement = self.agreements[e.agreement or ""]
                assert e.purpose in agreement.purposes and set(e.fields) <= agreement.fields["nominals"]
                assert e.recipient_org == agreement.partner

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
TestAuditMemory.settings = settings(stateful_step_count=40, deadline=None)
TestAuditSqlite = SqliteAuditMachine.TestCase
TestAuditSqlite.settings = settings(stateful_step_count=15, deadline=None, max_examples=10)
