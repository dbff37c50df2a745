"""The storage contract suite: what every ctpse store must do.

A backend (built-in or third-party) runs it by subclassing in its own tests::

    from ctpse_core.testing.storage import PersistentStorageContract

    class TestMyStore(PersistentStorageContract):
        @pytest.fixture
        def store_url(self, tmp_path):
            return f"mystore:///{tmp_path}/store"   # a fresh, empty store per test

Override :meth:`StorageContract.open` to build the store without going through the
plugin registry. Use :class:`StorageContract` for a store that forgets everything on
close (like ``memory://``) and :class:`PersistentStorageContract` otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import attrs
import pytest

from ctpse_core.domain import Nominal, Operation, Record
from ctpse_core.errors import ConflictError, NotFoundError
from ctpse_core.security import NoPrincipal, Principal, UnknownUser, verify
from ctpse_core.storage import Store, open_store
from ctpse_core.testing.samples import nominals, varied_records
from ctpse_core.testing.security import SYSTEM, add_user

__all__ = ["PersistentStorageContract", "StorageContract"]


def _all(store: Store, collection: str) -> list[Any]:
    with store.unit_of_work(user=SYSTEM) as uow:
        return list(uow.repository(collection).list())


def _add(store: Store, collection: str, records: Sequence[Record]) -> list[Any]:
    with store.unit_of_work(user=Principal.service("contract")) as uow:
        stored = [uow.repository(collection).add(r) for r in records]
        uow.commit()
    return stored


class StorageContract:
    """Behaviour every store must have. Subclasses provide a ``store_url`` fixture."""

    def open(self, url: str) -> Store:
        """Open the store at ``url`` (override to construct your store directly)."""
        return open_store(url)

    @pytest.fixture
    def store(self, store_url: str) -> Iterator[Store]:
        opened = self.open(store_url)
        yield opened
        opened.close()

    def test_add_then_get_returns_version_one(self, store: Store) -> None:
        """A committed add is found again, equal field by field, at version 1."""
        record = nominals(1, seed=3)[0]
        _add(store, "nominals", [record])
        with store.unit_of_work(user=SYSTEM) as uow:
            found = uow.nominals.get(record.id)
        assert found == attrs.evolve(record, version=1)

    def test_missing_record(self, store: Store) -> None:
        """find gives None and get raises NotFoundError for an unknown ID."""
        with store.unit_of_work(user=SYSTEM) as uow:
            assert uow.nominals.find("NOPE") is None
            with pytest.raises(NotFoundError, match="NOPE"):
                uow.nominals.get("NOPE")

    def test_every_kind_of_field_round_trips(self, store: Store) -> None:
        """Markings with caveats, provenance times, dates, enums, tuples, sets and non-ASCII
        text come back exactly as stored, in every collection."""
        samples = varied_records()
        for name, records in samples.items():
            _add(store, name, records)
        for name, records in samples.items():
            expected = sorted((attrs.evolve(r, version=1) for r in records), key=lambda r: r.id)
            assert _all(store, name) == expected

    def test_uncommitted_work_is_discarded(self, store: Store) -> None:
        """Leaving a unit of work without commit leaves the store unchanged."""
        with store.unit_of_work(user=SYSTEM) as uow:
            uow.nominals.add(nominals(1)[0])
        assert _all(store, "nominals") == []

    def test_exception_rolls_back_everything(self, store: Store) -> None:
        """An exception inside a unit of work leaves the store exactly as before."""
        first, second = nominals(2)
        _add(store, "nominals", [first])
        with pytest.raises(RuntimeError), store.unit_of_work(user=SYSTEM) as uow:
            uow.nominals.add(second)
            stored = uow.nominals.get(first.id)
            uow.nominals.update(attrs.evolve(stored, surname="Changed"))
            raise RuntimeError("boom")
        assert _all(store, "nominals") == [attrs.evolve(first, version=1)]

    def test_unit_sees_its_own_changes_in_id_order(self, store: Store) -> None:
        """Reads inside a unit of work see its pending adds, updates and removals; list() is
        in ID order."""
        a, b, c, d = nominals(4)
        _add(store, "nominals", [b, d])
        with store.unit_of_work(user=SYSTEM) as uow:
            uow.nominals.add(c)
            uow.nominals.add(a)
            uow.nominals.update(attrs.evolve(uow.nominals.get(b.id), surname="Pending"))
            uow.nominals.remove(d.id)
            listed = list(uow.nominals.list())
            assert [r.id for r in listed] == [a.id, b.id, c.id]
            assert listed[1].surname == "Pending" and listed[1].version == 2
            assert uow.nominals.find(d.id) is None
            assert uow.nominals.count() == 3

    def test_find_many_returns_stored_records_and_leaves_out_missing(self, store: Store) -> None:
        """find_many gives each stored record asked for, keyed by ID in the order asked (an ID
        asked twice once), leaves out IDs that name nothing, and reads one collection only."""
        records = _add(store, "nominals", nominals(4, seed=7))
        _add(store, "operations", [Operation(id=records[0].id, name="Op", sio="DCI Example")])
        asked = [records[2].id, "MISSING1", records[0].id, records[2].id, "MISSING2", records[3].id]
        with store.unit_of_work(user=SYSTEM) as uow:
            found = uow.nominals.find_many(asked)
            assert list(found) == [records[2].id, records[0].id, records[3].id]
            assert found == {i: uow.nominals.find(i) for i in found}
            assert all(type(r) is Nominal for r in found.values())
            assert found[records[0].id] == records[0]
            assert uow.nominals.find_many([]) == {}
            assert uow.nominals.find_many(iter(["MISSING1"])) == {}
            assert uow.nominals.find_many(r.id for r in records[1:2]) == {records[1].id: records[1]}

    def test_find_many_sees_pending_changes(self, store: Store) -> None:
        """Inside a unit of work find_many answers exactly as find does for every ID: pending
        adds and updates are seen, pending removals are gone, a record added then removed is
        absent, one removed then added again is the new one, and IDs never stored are absent."""
        kept, updated, removed, readded = _add(store, "nominals", nominals(4, seed=8))
        added, transient = nominals(2, seed=9, prefix="NEW")
        with store.unit_of_work(user=SYSTEM) as uow:
            uow.nominals.add(added)
            uow.nominals.add(transient)
            uow.nominals.remove(transient.id)
            uow.nominals.update(attrs.evolve(updated, surname="Pending"))
            uow.nominals.remove(removed.id, version=1)
            uow.nominals.remove(readded.id)
            uow.nominals.add(attrs.evolve(readded, surname="Again"))
            ids = [kept.id, updated.id, removed.id, readded.id, added.id, transient.id, "NEVER"]
            found = uow.nominals.find_many(ids)
            assert found == {i: r for i in ids if (r := uow.nominals.find(i)) is not None}
            assert list(found) == [kept.id, updated.id, readded.id, added.id]
            assert (found[updated.id].surname, found[updated.id].version) == ("Pending", 2)
            assert (found[readded.id].surname, found[readded.id].version) == ("Again", 1)
            assert found[added.id] == attrs.evolve(added, version=1)
            assert found[kept.id] == kept
        with store.unit_of_work(user=SYSTEM) as uow:  # nothing was committed
            assert uow.nominals.find_many(ids) == {r.id: r for r in (kept, updated, removed, readded)}

    def test_find_many_sees_other_units_commits(self, store: Store) -> None:
        """find_many reads what other units of work have committed since this one started."""
        first, second = nominals(2, seed=10)
        _add(store, "nominals", [first])
        reader, writer = store.unit_of_work(user=SYSTEM), store.unit_of_work(user=SYSTEM)
        with reader, writer:
            assert list(reader.nominals.find_many([first.id, second.id])) == [first.id]
            writer.nominals.add(second)
            writer.nominals.update(attrs.evolve(writer.nominals.get(first.id), surname="Later"))
            writer.commit()
            found = reader.nominals.find_many([first.id, second.id])
            assert (found[first.id].surname, found[first.id].version) == ("Later", 2)
            assert found[second.id] == attrs.evolve(second, version=1)

    def test_find_many_over_many_ids(self, store: Store) -> None:
        """find_many of more IDs than one database query takes (1,200 stored, 1,500 asked,
        pending changes among them) gives every one, as find would."""
        records = nominals(1200, seed=11)
        with store.unit_of_work(user=SYSTEM) as uow:
            uow.nominals.add_many(records)
            uow.commit()
        asked = [f"NOM{n:07d}" for n in range(1500, 0, -1)]  # 300 missing, reversed order
        with store.unit_of_work(user=SYSTEM) as uow:
            uow.nominals.remove(records[0].id)
            uow.nominals.update(attrs.evolve(uow.nominals.get(records[-1].id), surname="Late"))
            found = uow.nominals.find_many(asked)
        expected = [i for i in asked if "NOM0000002" <= i <= "NOM0001200"]
        assert list(found) == expected
        assert found[records[-1].id].surname == "Late"
        assert found[records[600].id] == attrs.evolve(records[600], version=1)

    def test_find_many_refuses_a_single_id_string(self, store: Store) -> None:
        """find_many given one ID string (not a collection of IDs) raises TypeError rather
        than looking up each character."""
        with store.unit_of_work(user=SYSTEM) as uow, pytest.raises(TypeError, match="find"):
            uow.nominals.find_many("NOM0000001")

    def test_add_existing_id_conflicts(self, store: Store) -> None:
        """Adding a record whose ID is taken raises ConflictError (add and add_many)."""
        record = nominals(1)[0]
        _add(store, "nominals", [record])
        with store.unit_of_work(user=SYSTEM) as uow:
            with pytest.raises(ConflictError, match="already exists"):
                uow.nominals.add(record)
            with pytest.raises(ConflictError, match="already exists"):
                uow.nominals.add_many([*nominals(3, prefix="NEW"), record])

    def test_wrong_record_type_is_refused(self, store: Store) -> None:
        """A repository holds one record type only."""
        operation = Operation(id="OP1", name="Operation Fictional", sio="DCI Example")
        with store.unit_of_work(user=SYSTEM) as uow, pytest.raises(TypeError, match="Nominal"):
            uow.nominals.add(operation)

    def test_update_bumps_version_and_refuses_stale(self, store: Store) -> None:
        """update stores version + 1; updating from an old version raises ConflictError."""
        record = _add(store, "nominals", nominals(1))[0]
        with store.unit_of_work(user=SYSTEM) as uow:
            updated = uow.nominals.update(attrs.evolve(record, surname="Newname"))
            uow.commit()
        assert updated.version == 2
        with store.unit_of_work(user=SYSTEM) as uow, pytest.raises(ConflictError, match="version 1"):
            uow.nominals.update(attrs.evolve(record, surname="Stale"))
        assert _all(store, "nominals")[0].surname == "Newname"

    def test_second_writer_gets_conflict_and_nothing_of_it_is_saved(self, store: Store) -> None:
        """Two units of work read the same record; the first commits; the second's commit
        raises ConflictError and none of its other changes are saved."""
        record = _add(store, "nominals", nominals(1))[0]
        extra = nominals(1, prefix="EXTRA")[0]
        first = store.unit_of_work(user=Principal.service("one"))
        second = store.unit_of_work(user=Principal.service("two"))
        with first, second:
            mine = first.nominals.get(record.id)
            theirs = second.nominals.get(record.id)
            first.nominals.update(attrs.evolve(mine, surname="First"))
            second.nominals.update(attrs.evolve(theirs, surname="Second"))
            second.operations.add(Operation(id="OP9", name="Op", sio="DCI Example"))
            second.nominals.add(extra)
            first.commit()
            with pytest.raises(ConflictError, match=record.id):
                second.commit()
        assert [(r.id, r.surname, r.version) for r in _all(store, "nominals")] == [
            (record.id, "First", 2)
        ]
        assert _all(store, "operations") == []

    def test_concurrent_adds_of_same_id_conflict(self, store: Store) -> None:
        """Two units of work add the same ID; the second commit raises ConflictError."""
        record = nominals(1)[0]
        first, second = store.unit_of_work(user=SYSTEM), store.unit_of_work(user=SYSTEM)
        with first, second:
            first.nominals.add(record)
            second.nominals.add(attrs.evolve(record, surname="Other"))
            first.commit()
            with pytest.raises(ConflictError, match="already exists"):
                second.commit()
        assert _all(store, "nominals")[0].surname == record.surname

    def test_remove_checks_version(self, store: Store) -> None:
        """remove erases a record; with a stale version it raises ConflictError."""
        a, b = _add(store, "nominals", nominals(2))
        with store.unit_of_work(user=SYSTEM) as uow:
            with pytest.raises(ConflictError):
                uow.nominals.remove(a.id, version=7)
            uow.nominals.remove(a.id, version=1)
            uow.commit()
        assert [r.id for r in _all(store, "nominals")] == [b.id]

    def test_remove_of_record_changed_elsewhere_conflicts(self, store: Store) -> None:
        """A removal based on a version someone else has since updated is refused."""
        record = _add(store, "nominals", nominals(1))[0]
        remover, updater = store.unit_of_work(user=SYSTEM), store.unit_of_work(user=SYSTEM)
        with remover, updater:
            remover.nominals.remove(record.id, version=1)
            updater.nominals.update(attrs.evolve(record, surname="Kept"))
            updater.commit()
            with pytest.raises(ConflictError):
                remover.commit()
        assert _all(store, "nominals")[0].surname == "Kept"

    def test_add_and_remove_in_one_unit(self, store: Store) -> None:
        """A record added then removed in one unit is not stored; removed then added again
        is stored as the new record."""
        a, b = nominals(2)
        _add(store, "nominals", [b])
        with store.unit_of_work(user=SYSTEM) as uow:
            uow.nominals.add(a)
            uow.nominals.remove(a.id)
            uow.nominals.remove(b.id)
            uow.nominals.add(attrs.evolve(b, surname="Again"))
            uow.commit()
        assert [(r.id, r.surname, r.version) for r in _all(store, "nominals")] == [
            (b.id, "Again", 1)
        ]

    def test_add_many_stores_all_in_order(self, store: Store) -> None:
        """add_many stores every record at version 1; list() returns them in ID order."""
        records = nominals(1200, seed=5)
        with store.unit_of_work(user=SYSTEM) as uow:
            assert uow.nominals.add_many(reversed(records)) == 1200
            uow.commit()
        with store.unit_of_work(user=SYSTEM) as uow:
            assert uow.nominals.count() == 1200
            listed = list(uow.nominals.list())
        assert listed == [attrs.evolve(r, version=1) for r in records]

    def test_restore_keeps_versions(self, store: Store) -> None:
        """restore stores records with their own version; a taken ID raises ConflictError."""
        records = [attrs.evolve(r, version=n + 3) for n, r in enumerate(nominals(3))]
        with store.unit_of_work(user=SYSTEM) as uow:
            assert uow.nominals.restore(records) == 3
            uow.commit()
        assert _all(store, "nominals") == records
        with store.unit_of_work(user=SYSTEM) as uow, pytest.raises(ConflictError):
            uow.nominals.restore(records[:1])

    def test_collections_are_separate(self, store: Store) -> None:
        """The same ID in two collections names two records."""
        _add(store, "nominals", [Nominal(id="SAME1", forenames="A", surname="B")])
        _add(store, "operations", [Operation(id="SAME1", name="Op", sio="DCI Example")])
        assert [type(r) for r in _all(store, "nominals")] == [Nominal]
        assert [type(r) for r in _all(store, "operations")] == [Operation]

    def test_unknown_collection(self, store: Store) -> None:
        """Asking for a collection nobody registered raises NotFoundError naming it."""
        with store.unit_of_work(user=SYSTEM) as uow, pytest.raises(NotFoundError, match="no_such_things"):
            uow.repository("no_such_things")

    def test_audit_events_commit_with_the_change(self, store: Store) -> None:
        """Events recorded in a unit of work are written with its commit, in order, with the
        user; a rolled-back unit writes none."""
        record = nominals(1)[0]
        add_user(store, "analyst1", roles=("analyst",))
        before = len(store.audit_events())
        with store.unit_of_work(user="analyst1") as uow:
            uow.nominals.add(record)
            uow.record_event("collection", "nominals", record.id, "added from test")
            uow.record_event("consultation", "nominals", record.id)
        assert len(store.audit_events()) == before
        with store.unit_of_work(user="analyst1") as uow:
            uow.nominals.add(record)
            uow.record_event("collection", "nominals", record.id, "added from test")
            uow.record_event("consultation", "nominals", record.id)
            uow.commit()
        events = store.audit_events()[before:]
        assert [(e.action, e.record_id, e.user, e.detail) for e in events] == [
            ("collection", record.id, "analyst1", "added from test"),
            ("consultation", record.id, "analyst1", ""),
        ]
        assert [e.operation for e in events] == ["collection", "consultation"]
        assert [e.seq for e in events] == [before + 1, before + 2]
        assert verify(store.audit_events()).ok

    def test_no_unit_of_work_without_a_known_principal(self, store: Store) -> None:
        """No principal, a blank one, or a user ID the store does not know: no unit of work."""
        with pytest.raises(NoPrincipal):
            store.unit_of_work()
        with pytest.raises(NoPrincipal):
            store.unit_of_work(user=" ")
        with pytest.raises(UnknownUser, match=r"nobody.*not a user"):
            store.unit_of_work(user="nobody")

    def test_audit_chain_verifies_and_names_a_reordered_entry(self, store: Store) -> None:
        """Entries written by several commits form one chain that verifies; the same entries
        with two swapped do not, and the first swapped one is named."""
        for n in range(3):
            with store.unit_of_work(user=SYSTEM) as uow:
                uow.record_event("consultation", "nominals", f"N{n}")
                uow.record_event("consultation", "nominals", f"M{n}")
                uow.commit()
        entries = store.audit_events()
        assert verify(entries).ok and verify(entries).entries == len(entries)
        swapped = [*entries[:2], entries[3], entries[2], *entries[4:]]
        result = verify(swapped)
        assert not result.ok and result.bad_seq == entries[3].seq

    def test_archived_log_restores_only_into_an_empty_log(self, store: Store) -> None:
        """restore_audit refuses a store whose log already holds entries."""
        with store.unit_of_work(user=SYSTEM) as uow:
            uow.record_event("consultation", "nominals", "N1")
            uow.commit()
        with pytest.raises(ConflictError, match="already has"):
            store.restore_audit(store.audit_events())

    def test_unit_of_work_is_reusable_after_commit(self, store: Store) -> None:
        """After commit the same unit can go on: further changes need another commit."""
        a, b = nominals(2)
        with store.unit_of_work(user=SYSTEM) as uow:
            uow.nominals.add(a)
            uow.commit()
            uow.nominals.add(b)
        assert [r.id for r in _all(store, "nominals")] == [a.id]


class PersistentStorageContract(StorageContract):
    """More behaviour for stores that keep data after close."""

    def test_data_survives_reopening(self, store: Store, store_url: str) -> None:
        """What one handle committed, a new handle on the same URL reads back."""
        records = _add(store, "nominals", nominals(5))
        store.close()
        again = self.open(store_url)
        try:
            assert _all(again, "nominals") == records
            assert again.schema_status().up_to_date
        finally:
            again.close()

    def test_second_handle_conflicts(self, store: Store, store_url: str) -> None:
        """Two handles on one store (as two apps would have): the stale writer gets
        ConflictError."""
        record = _add(store, "nominals", nominals(1))[0]
        other = self.open(store_url)
        try:
            with other.unit_of_work(user=SYSTEM) as uow:
                uow.nominals.update(attrs.evolve(record, surname="Other"))
                uow.commit()
            with store.unit_of_work(user=SYSTEM) as uow, pytest.raises(ConflictError):
                uow.nominals.update(attrs.evolve(record, surname="Mine"))
                uow.commit()
            assert _all(store, "nominals")[0].surname == "Other"
        finally:
            other.close()
