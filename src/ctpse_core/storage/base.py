"""The storage contract: repositories, the unit of work, and a store.

Services take a :class:`UnitOfWork` and never touch a database API. A unit of work is
always opened for a principal (a user ID the store knows, or a
:class:`~ctpse_core.security.Principal`); without one there is no unit of work::

    with store.unit_of_work(user="dc.ada") as uow:
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
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from ctpse_core.domain.common import Record
from ctpse_core.security.audit import AuditEvent, operation_of
from ctpse_core.security.principal import NoPrincipal, Principal, UnknownUser

if TYPE_CHECKING:
    from ctpse_core.security.policy import Decided, Decision

__all__ = ["AuditEvent", "Repository", "SchemaStatus", "Store", "UnitOfWork"]

R = TypeVar("R", bound=Record)


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
    """One all-or-nothing piece of work over every repository, for one :attr:`principal`."""

    principal: Principal
    _decisions: list[Decided] | None = None
    _granted_pairs: set[tuple[str, str]] | None = None

    @property
    def user(self) -> str:
        """The acting principal's ID (what the audit log records)."""
        return self.principal.id

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
        self,
        action: str,
        collection: str,
        record_id: str | None = None,
        detail: str = "",
        *,
        operation: str | None = None,
        purpose: str = "",
        recipient_org: str | None = None,
        recipient_person: str | None = None,
        agreement: str | None = None,
        fields: tuple[str, ...] | list[str] = (),
    ) -> AuditEvent:
        """Note a processing of personal data (DPA 2018 s.62); written, hash-chained, in the
        commit's own transaction (if it cannot be written nothing is), dropped on rollback.

        ``action`` is one of ``collection``, ``alteration``, ``consultation``, ``disclosure``,
        ``combination``, ``erasure`` (or a verb with ``operation=`` one of them). ``detail``
        and ``purpose`` must hold no personal values (no names, dates of birth...): record IDs
        and counts only. A disclosure names ``recipient_org``/``recipient_person``, the
        ``agreement`` it went under and the ``fields`` sent.
        """
        from ctpse_core.security.policy import event_action

        needed = event_action(action, operation_of(action, operation))
        if needed is not None and not (needed == "disclose" and ("publish", collection) in self._granted):
            self.require(needed, collection, purpose)
        event = AuditEvent(
            action=action,
            operation=operation_of(action, operation),
            collection=collection,
            record_id=record_id,
            user=self.principal.id,
            detail=detail,
            purpose=purpose,
            recipient_org=recipient_org,
            recipient_person=recipient_person,
            agreement=agreement,
            fields=fields,
        )
        self.events.append(event)
        return event

    def decide(self, action: str, target: Any, purpose: str = "") -> Decision:
        """The access decision for ``action`` on ``target`` for ``purpose`` (the
        ``ctpse_access_decision`` hook, then the built-in policy), noted in :attr:`decisions`."""
        from ctpse_core.security.policy import Decided, decide, target_collection

        decision = decide(self.principal, action, target, purpose)
        collection = target_collection(target)
        self.decisions.append(Decided(action, collection, purpose, decision.allowed))
        if decision.allowed and isinstance(target, str):
            self._granted.add((action, collection))
        return decision

    @property
    def decisions(self) -> list[Decided]:
        """Every access decision asked for in this unit of work, in order (kept after commit)."""
        if self._decisions is None:
            self._decisions = []
        return self._decisions

    @property
    def _granted(self) -> set[tuple[str, str]]:
        """(action, collection) pairs allowed on a whole collection in this unit of work."""
        if self._granted_pairs is None:
            self._granted_pairs = set()
        return self._granted_pairs

    def can(self, action: str, target: Any, purpose: str = "") -> bool:
        """True when the principal may do ``action`` (``read``, ``create``, ``update``,
        ``delete``, ``combine``, ``disclose``, ``publish``, ``downgrade``, ``manage``,
        ``audit``) to ``target`` (a record, a product, a collection name) for ``purpose``."""
        return self.decide(action, target, purpose).allowed

    def authorize(self, action: str, target: Any, purpose: str = "") -> None:
        """Raise :class:`~ctpse_core.security.policy.AccessDenied` (saying who, what and which
        role it needs) unless the principal may do ``action`` to ``target`` for ``purpose``
        (deny by default; no read up)."""
        from ctpse_core.security.policy import AccessDenied

        decision = self.decide(action, target, purpose)
        if not decision.allowed:
            raise AccessDenied(decision.reason)

    def require(self, action: str, collection: str, purpose: str = "") -> None:
        """:meth:`authorize` ``action`` on the whole ``collection``, asked once per unit of work.

        The repositories call it on every write (``create``, ``update``, ``delete``; ``manage``
        on the collection also allows them) and :meth:`record_event` for what an event needs
        (a consultation ``read``, a combination ``combine``, a disclosure ``disclose``), so no
        service changes, shows or sends anything without a recorded decision."""
        if (action, collection) in self._granted:
            return
        from ctpse_core.security.policy import WRITE_ACTIONS, AccessDenied

        decision = self.decide(action, collection, purpose)
        if decision.allowed:
            return
        if action in WRITE_ACTIONS and self.decide("manage", collection, purpose).allowed:
            self._granted.add((action, collection))
            return
        raise AccessDenied(decision.reason)

    def visible(self, records: Iterable[R], purpose: str = "") -> Iterator[R]:
        """The records the principal may read, in order: never one above its clearance or
        outside its caveats ("no read up"), nor of a collection its roles may not read. Use it
        on every list, report, export and search; count what it held back with
        :meth:`withheld` when the reader should know something was left out. (Repositories
        already hold back records above the principal's clearance: no read up at the storage
        layer; this adds the role check.)"""
        from ctpse_core.security.policy import read_filter

        self._withheld = getattr(self, "_withheld", 0)
        allowed = read_filter(self.principal, purpose)
        for record in records:
            if allowed(record):
                yield record
            else:
                self._withheld += 1

    @property
    def withheld(self) -> int:
        """How many records were held back from this principal in this unit of work so far: by
        the repositories (above its clearance or outside its caveats: never returned by
        ``find``, ``find_many``, ``list`` or ``count``) and by :meth:`visible` (roles)."""
        return getattr(self, "_withheld", 0)

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


#: The principal the store itself uses to look users up (never written to the log).
_LOOKUP = Principal.service("user-lookup", roles=())


class Store(abc.ABC):
    """An opened store URL: makes units of work."""

    url: str

    def unit_of_work(self, user: str | Principal | None = None) -> UnitOfWork:
        """A unit of work for ``user``: a user ID this store knows, or a :class:`Principal`
        (e.g. ``Principal.service("nightly-import")``). ``None`` is refused
        (:class:`~ctpse_core.security.NoPrincipal`); an unknown or disabled user ID raises
        :class:`~ctpse_core.security.UnknownUser`."""
        return self.open_unit(self.principal(user))

    def principal(self, user: str | Principal | None) -> Principal:
        """The principal for a user ID (looked up in the ``users`` collection) or as given."""
        if isinstance(user, Principal):
            return user
        if user is None or not str(user).strip():
            raise NoPrincipal()
        with self.open_unit(_LOOKUP) as uow:
            found = uow.repository("users").find(user)
        if found is None:
            raise UnknownUser(user)
        if not found.active:
            raise UnknownUser(user, reason="is disabled in this store; ask an administrator")
        principal: Principal = found.principal()
        return principal

    def has_users(self) -> bool:
        """True once any user is stored (the first user of an empty store is its administrator)."""
        with self.open_unit(_LOOKUP) as uow:
            return next(iter(uow.repository("users").list()), None) is not None

    @abc.abstractmethod
    def open_unit(self, principal: Principal) -> UnitOfWork:
        """A new unit of work for ``principal`` (backends implement this; callers use
        :meth:`unit_of_work`)."""

    @abc.abstractmethod
    def audit_events(self) -> list[AuditEvent]:
        """The audit log, oldest first: the sealed (numbered, timed, chained) entries."""

    def iter_audit(self) -> Iterator[AuditEvent]:
        """The audit log, oldest first, read in pages (backends with big logs override)."""
        yield from self.audit_events()

    def iter_audit_values(self) -> Iterator[tuple[Any, ...]]:
        """The audit log, oldest first, as stored values in
        :data:`~ctpse_core.security.audit.COLUMNS` order for
        :func:`~ctpse_core.security.audit.verify_values` (``ctpse audit verify``): no entry
        objects. SQL stores override it to stream rows with the time already canonical text."""
        from ctpse_core.security.audit import stored_values

        return map(stored_values, self.iter_audit())

    @abc.abstractmethod
    def restore_audit(self, entries: list[AuditEvent]) -> None:
        """Write archived entries exactly as they are (``seq``, ``at``, ``hash`` kept) into an
        empty log (moving a store); a :class:`~ctpse_core.errors.ConflictError` if the log
        already holds entries."""

    def close(self) -> None:  # noqa: B027 - optional for backends
        """Release connections and files."""

    def schema_status(self) -> SchemaStatus:
        """The store's schema revision and the one this code writes (schemaless: both ``"-"``)."""
        return SchemaStatus(current="-", head="-")

    def upgrade(self) -> SchemaStatus:
        """Bring the schema up to this code's revision, keeping every record."""
        return self.schema_status()
