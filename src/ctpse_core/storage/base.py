"""The storage contract: repositories, the unit of work, and a store.

Services take a :class:`UnitOfWork` and never touch a database API::

    with store.unit_of_work() as uow:
        uow.nominals.add(nominal)
        uow.commit()

Leaving the block without ``commit()`` (or by an exception) rolls everything back:
the store is exactly as before. Records carry a ``version``: ``add`` stores
version 1, ``update`` must be given the version it read and stores version + 1;
a stale version raises :class:`~ctpse_core.errors.ConflictError`.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any, Generic, TypeVar

import attrs

from ctpse_core.domain.common import Record

__all__ = ["AuditEvent", "Repository", "SchemaStatus", "Store", "UnitOfWork"]

R = TypeVar("R", bound=Record)


@attrs.frozen(kw_only=True)
class AuditEvent:
    """One processing of personal data (DPA 2018 s.62): collection, alteration, consultation,
    disclosure, combination or erasure; written in the same transaction as the change."""

    action: str
    collection: str
    record_id: str | None = None
    user: str | None = None
    detail: str = ""


class Repository(abc.ABC, Generic[R]):
    """All records of one collection."""

    collection: str
    record_type: type[R]

    @abc.abstractmethod
    def add(self, record: R) -> R:
        """Store a new record (its ``id`` must be free) and return it at version 1."""

    def add_many(self, records: Iterable[R]) -> int:
        count = 0
        for record in records:
            self.add(record)
            count += 1
        return count

    @abc.abstractmethod
    def restore(self, records: Iterable[R]) -> int:
        """Store records exactly as given, ``version`` included (archives, moving stores).

        Their IDs must be free, as for :meth:`add`. Returns how many were stored.
        """

    @abc.abstractmethod
    def find(self, record_id: str) -> R | None:
        """The record with this ID, or ``None``."""

    def find_many(self, record_ids: Iterable[str]) -> dict[str, R]:
        """The records with these IDs, keyed by ID in the order first asked for.

        IDs that name no record are left out (so ``len(result)`` may be smaller than the
        number asked); an ID asked twice appears once. Inside a unit of work the answer is
        what :meth:`find` would give for each ID, the unit's own pending adds, updates and
        removals included. This default asks :meth:`find` once per ID; backends override
        it to ask the database once per chunk of IDs.

        .. versionadded:: 0.1
        """
        if isinstance(record_ids, str):
            raise TypeError("find_many takes a collection of IDs, not one ID string; use find()")
        found: dict[str, R] = {}
        for record_id in dict.fromkeys(record_ids):
            record = self.find(record_id)
            if record is not None:
                found[record_id] = record
        return found

    def get(self, record_id: str) -> R:
        from ctpse_core.errors import NotFoundError

        found = self.find(record_id)
        if found is None:
            raise NotFoundError(f"no {self.collection} record {record_id!r}")
        return found

    @abc.abstractmethod
    def update(self, record: R) -> R:
        """Replace the stored record; ``record.version`` must equal the stored version."""

    @abc.abstractmethod
    def remove(self, record_id: str, version: int | None = None) -> None:
        """Erase a record (checking its version when given)."""

    @abc.abstractmethod
    def list(self) -> Iterator[R]:
        """Every record, in ID order."""

    def count(self) -> int:
        return sum(1 for _ in self.list())


class UnitOfWork(abc.ABC):
    """One all-or-nothing piece of work over every repository."""

    user: str | None = None

    def __enter__(self) -> UnitOfWork:
        self.events: list[AuditEvent] = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def __getattr__(self, name: str) -> Repository[Any]:
        if name.startswith("_"):
            raise AttributeError(name)
        return self.repository(name)

    @abc.abstractmethod
    def repository(self, collection: str) -> Repository[Any]:
        """The repository of a registered collection (``nominals``, ``deployments``...)."""

    def record_event(
        self, action: str, collection: str, record_id: str | None = None, detail: str = ""
    ) -> None:
        """Note a processing of personal data; written with the commit, dropped on rollback."""
        self.events.append(
            AuditEvent(
                action=action,
                collection=collection,
                record_id=record_id,
                user=self.user,
                detail=detail,
            )
        )

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...


@attrs.frozen
class SchemaStatus:
    """Where a store's schema is: ``current`` revision (``None`` when not initialised) and the
    ``head`` revision this ctpse_core writes."""

    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


class Store(abc.ABC):
    """An opened store URL: makes units of work."""

    url: str

    @abc.abstractmethod
    def unit_of_work(self, user: str | None = None) -> UnitOfWork: ...

    @abc.abstractmethod
    def audit_events(self) -> list[AuditEvent]:
        """The audit log, oldest first: the events of every committed unit of work."""

    def close(self) -> None:  # noqa: B027 - optional for backends
        """Release connections and files."""

    def schema_status(self) -> SchemaStatus:
        """The store's schema revision and the one this code writes (schemaless: both ``"-"``)."""
        return SchemaStatus(current="-", head="-")

    def upgrade(self) -> SchemaStatus:
        """Bring the schema up to this code's revision, keeping every record."""
        return self.schema_status()
