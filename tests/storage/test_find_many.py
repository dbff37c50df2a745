"""find_many beyond the contract suite: the base class default for third-party repositories,
and the SQL store asking the database once per chunk of IDs (not once per ID)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import attrs
import pytest
from sqlalchemy import event

from ctpse_core.domain import Nominal
from ctpse_core.storage import open_store
from ctpse_core.storage.base import Repository
from ctpse_core.storage.sql import SqlStore
from ctpse_core.testing.samples import nominals
from ctpse_core.testing.security import SYSTEM


class _DictRepository(Repository[Nominal]):
    """The least a third-party repository implements: no find_many of its own."""

    collection = "nominals"
    record_type = Nominal

    def __init__(self, records: Iterable[Nominal]) -> None:
        self.data = {r.id: r for r in records}
        self.finds: list[str] = []

    def add(self, record: Nominal) -> Nominal:
        self.data[record.id] = attrs.evolve(record, version=1)
        return self.data[record.id]

    def restore(self, records: Iterable[Nominal]) -> int:
        raise NotImplementedError

    def find(self, record_id: str) -> Nominal | None:
        self.finds.append(record_id)
        return self.data.get(record_id)

    def update(self, record: Nominal) -> Nominal:
        raise NotImplementedError

    def remove(self, record_id: str, version: int | None = None) -> None:
        raise NotImplementedError

    def list(self) -> Iterator[Nominal]:
        return iter(sorted(self.data.values(), key=lambda r: r.id))


def test_default_find_many_asks_find_once_per_distinct_id() -> None:
    """The base class's find_many answers from find: stored IDs keyed in the order asked,
    missing IDs left out, an ID asked twice looked up once; a lone string is refused."""
    a, b, c = nominals(3, seed=4)
    repo = _DictRepository([a, b, c])
    found = repo.find_many([c.id, "MISSING", a.id, c.id])
    assert found == {c.id: c, a.id: a}
    assert list(found) == [c.id, a.id]
    assert repo.finds == [c.id, "MISSING", a.id]
    assert repo.find_many([]) == {}
    with pytest.raises(TypeError, match="find"):
        repo.find_many(a.id)


@pytest.fixture
def sql_store(ctpse_sqlite_url: str) -> Iterator[SqlStore]:
    store = open_store(ctpse_sqlite_url)
    assert isinstance(store, SqlStore)
    yield store
    store.close()


def _record_selects(store: SqlStore) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def _note(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM records" in statement:
            seen.append((statement, parameters))

    return seen


def test_sql_find_many_is_one_select_per_chunk_of_500(sql_store: SqlStore) -> None:
    """find_many of 1,200 IDs on SQLite runs three SELECTs (500 + 500 + 200 IDs, each well
    under SQLite's bound-parameter limit), not 1,200; IDs with pending changes in the unit of
    work are answered from the unit and never asked of the database."""
    records = nominals(1200, seed=12)
    with sql_store.unit_of_work(user=SYSTEM) as uow:
        uow.nominals.add_many(records)
        uow.commit()
    selects = _record_selects(sql_store)
    with sql_store.unit_of_work(user=SYSTEM) as uow:
        found = uow.nominals.find_many(r.id for r in records)
        assert len(found) == 1200
        assert len(selects) == 3
        assert max(len(params) for _, params in selects) == 501  # the collection + 500 IDs
        uow.nominals.add(nominals(1, prefix="NEW")[0])
        uow.nominals.remove(records[0].id)
        selects.clear()
        assert uow.nominals.find_many(["NEW0000001", records[0].id]) == {
            "NEW0000001": uow.nominals.get("NEW0000001")
        }
        assert selects == []


def test_import_into_sql_looks_up_once_per_batch(sql_store: SqlStore, tmp_path: Any) -> None:
    """Re-importing a 1,200-row file in batches of 500 into SQLite reads the stored records
    with one SELECT per batch (three), not one per row, and finds every row unchanged."""
    from ctpse_core.feeds.importer import import_feed

    path = tmp_path / "regional.csv"
    lines = ["record_id,surname,forenames,date_of_birth,status,risk_tier"]
    lines += [f"RG{i:07d},Madeup{i},Alfa,01/01/1980,custody,2" for i in range(1, 1201)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = import_feed(sql_store, "regional", path, batch_size=500, rejects=False, user=SYSTEM)
    assert first.stored == 1200
    selects = _record_selects(sql_store)
    again = import_feed(sql_store, "regional", path, batch_size=500, rejects=False, user=SYSTEM)
    assert (again.unchanged, again.stored, again.updated, again.batches) == (1200, 0, 0, 3)
    assert len(selects) == 3
