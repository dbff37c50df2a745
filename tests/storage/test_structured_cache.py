"""The SQL store structures a stored record once while its stored text is unchanged, and never
serves a stale one: a record changed by another store object (another process), changed or
erased by this one, or beyond the cache's limit is read afresh."""

from __future__ import annotations

from pathlib import Path

import attrs

from ctpse_core.storage import open_store
from ctpse_core.storage.sql import SqlStore
from ctpse_core.storage.structured import StructuredCache
from ctpse_core.testing.samples import nominals
from ctpse_core.testing.security import SYSTEM


def test_unchanged_text_is_not_structured_again(tmp_path: Path) -> None:
    """Two reads of an unchanged record, in two units of work, give the very same (frozen) object."""
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    assert isinstance(store, SqlStore)
    try:
        with store.unit_of_work(user=SYSTEM) as uow:
            uow.nominals.add_many(nominals(5))
            uow.commit()
        with store.unit_of_work(user=SYSTEM) as uow:
            first = list(uow.nominals.list())
        with store.unit_of_work(user=SYSTEM) as uow:
            again = list(uow.nominals.list())
            one = uow.nominals.get(first[0].id)
        assert len(first) == 5 and all(a is b for a, b in zip(first, again, strict=True))
        assert one is first[0]
    finally:
        store.close()


def test_a_change_elsewhere_or_here_is_read_afresh(tmp_path: Path) -> None:
    """A record another store object (another process) updates is read with its new values;
    one this store erases is gone, not served from the cache."""
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    mine, theirs = open_store(url), open_store(url)
    try:
        with mine.unit_of_work(user=SYSTEM) as uow:
            uow.nominals.add_many(nominals(3))
            uow.commit()
        with mine.unit_of_work(user=SYSTEM) as uow:
            target = next(iter(uow.nominals.list()))
        with theirs.unit_of_work(user=SYSTEM) as uow:
            uow.nominals.update(attrs.evolve(uow.nominals.get(target.id), surname="Changedelsewhere"))
            uow.commit()
        with mine.unit_of_work(user=SYSTEM) as uow:
            now = uow.nominals.get(target.id)
            listed = {n.id: n for n in uow.nominals.list()}
        assert now.surname == "Changedelsewhere" and now.version == 2
        assert listed[target.id].surname == "Changedelsewhere"
        with mine.unit_of_work(user=SYSTEM) as uow:
            uow.nominals.remove(target.id)
            uow.commit()
        with mine.unit_of_work(user=SYSTEM) as uow:
            assert uow.nominals.find(target.id) is None
            assert target.id not in {n.id for n in uow.nominals.list()}
        assert ("nominals", target.id) not in mine.structured._records  # type: ignore[attr-defined]
    finally:
        mine.close()
        theirs.close()


def test_the_cache_is_bounded() -> None:
    """At its limit the cache starts again: it never holds more than ``limit`` records."""
    cache = StructuredCache(limit=3)
    made: list[str] = []

    def make(text: str) -> object:
        made.append(text)
        return object()

    for i in range(10):
        cache.get("c", str(i), f"text {i}", make)  # type: ignore[arg-type]
        assert len(cache._records) <= 3
    assert len(made) == 10
    kept = cache.get("c", "9", "text 9", make)  # type: ignore[arg-type]
    assert cache.get("c", "9", "text 9", make) is kept and len(made) == 10  # type: ignore[arg-type]
    assert cache.get("c", "9", "text 9 changed", make) is not kept and len(made) == 11  # type: ignore[arg-type]
