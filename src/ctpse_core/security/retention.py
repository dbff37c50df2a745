"""Review, retention and disposal of nominal records (MoPI; DPA 2018 Part 3, s.39 storage
limitation and s.47 erasure).

Each nominal's retention state is a :class:`Retention` record (collection ``retention``,
ID = the nominal's ID): its group, its next review date and the decisions taken. The groups'
review periods are configuration (``retention.toml`` beside this module, the source cited
there; or a file of your own). A *retain* decision needs a reviewer and a rationale and moves
the next review on by the group's period. *Disposal* erases the nominal's personal values
everywhere in the store: the nominal and every record of any collection that refers to it
(contacts, review decisions, quarantined rows...). The audit log keeps metadata only (IDs,
who, when, why), never the erased values; on SQLite deleted content is overwritten
(``secure_delete``), so after a WAL checkpoint the values are nowhere in the files.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ctpse_core.domain.common import LONDON, Record, non_empty, utcnow
from ctpse_core.errors import InputError, Problem

if TYPE_CHECKING:
    from ctpse_core.storage.base import UnitOfWork

__all__ = [
    "DEFAULT_CONFIG",
    "Retention",
    "RetentionDecision",
    "assign",
    "dispose",
    "due",
    "groups",
    "retain",
]

COLLECTION = "retention"
DEFAULT_CONFIG = Path(__file__).with_name("retention.toml")


@attrs.frozen(kw_only=True)
class RetentionDecision:
    """One review: ``retain`` or ``dispose``, by whom, when and why."""

    decision: str
    reviewer: str = attrs.field(validator=non_empty)
    rationale: str = attrs.field(validator=non_empty)
    decided_at: dt.datetime = attrs.field(factory=utcnow)


@attrs.frozen(kw_only=True)
class Retention(Record):
    """A nominal's retention group, next review date and review history (ID = nominal ID)."""

    group: str = attrs.field(validator=non_empty)
    next_review: dt.date
    decisions: tuple[RetentionDecision, ...] = ()
    disposed: bool = False


def groups(config: Path | None = None) -> dict[str, dict[str, Any]]:
    """The retention groups: name -> {title, review_years, note}."""
    from ctpse_core.tomlfile import read_toml

    path = config or DEFAULT_CONFIG
    data = read_toml(path).get("groups")
    if not isinstance(data, dict) or not data:
        raise InputError([Problem("groups", "no [groups.NAME] tables", where=str(path))])
    for name, group in data.items():
        years = group.get("review_years") if isinstance(group, dict) else None
        if not isinstance(years, int) or years < 1:
            raise InputError([Problem(f"groups.{name}.review_years", "must be a whole number of years (1 or more)",
                                      where=str(path))])
    return data


def _after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _period(group: str, config: Path | None) -> int:
    known = groups(config)
    if group not in known:
        from ctpse_core.errors import UnknownName

        raise UnknownName("retention group", group, known, field="--group")
    years: int = known[group]["review_years"]
    return years


def _today() -> dt.date:
    return dt.datetime.now(LONDON).date()


def assign(uow: UnitOfWork, nominal_id: str, group: str, *, start: dt.date | None = None,
           config: Path | None = None) -> Retention:
    """Put nominal ``nominal_id`` in retention ``group``; first review one period after ``start``."""
    nominal = uow.repository("nominals").get(nominal_id)
    uow.authorize("update", nominal, purpose="retention")
    repo = uow.repository(COLLECTION)
    record = Retention(id=nominal_id, marking=nominal.marking, group=group,
                       next_review=_after(start or _today(), _period(group, config)))
    existing = repo.find(nominal_id)
    stored: Retention = repo.add(record) if existing is None else repo.update(
        attrs.evolve(record, decisions=existing.decisions, version=existing.version))
    uow.record_event("alteration", COLLECTION, nominal_id, f"retention group {group}, next review "
                     f"{stored.next_review.isoformat()}", purpose="retention review")
    return stored


def due(uow: UnitOfWork, as_of: dt.date | None = None) -> list[Retention]:
    """Retention records whose review is due on or before ``as_of`` and not disposed, of the
    nominals the principal may see, earliest first."""
    when = as_of or _today()
    found = [r for r in uow.visible(uow.repository(COLLECTION).list()) if not r.disposed and r.next_review <= when]
    return sorted(found, key=lambda r: (r.next_review, r.id))


def _decision(decision: str, reviewer: str, rationale: str) -> RetentionDecision:
    problems = []
    if not reviewer.strip():
        problems.append(Problem("--reviewer", f"a {decision} decision needs the reviewer's name"))
    if not rationale.strip():
        problems.append(Problem("--rationale", f"a {decision} decision needs a rationale"))
    if problems:
        raise InputError(problems)
    return RetentionDecision(decision=decision, reviewer=reviewer.strip(), rationale=rationale.strip())


def retain(uow: UnitOfWork, nominal_id: str, reviewer: str, rationale: str, *, as_of: dt.date | None = None,
           config: Path | None = None) -> Retention:
    """Record a *retain* decision (reviewer and rationale required); the next review moves on
    one period from ``as_of``."""
    decision = _decision("retain", reviewer, rationale)
    repo = uow.repository(COLLECTION)
    record = repo.get(nominal_id)
    uow.authorize("manage", "retention")
    uow.authorize("update", record, purpose="retention review")
    stored: Retention = repo.update(attrs.evolve(
        record, decisions=(*record.decisions, decision),
        next_review=_after(as_of or _today(), _period(record.group, config))))
    uow.record_event("alteration", COLLECTION, nominal_id, f"retained by {decision.reviewer}; next review "
                     f"{stored.next_review.isoformat()}", purpose="retention review")
    return stored


def _refers_to(record: Record, nominal_id: str) -> bool:
    from ctpse_core import convert

    if record.id == nominal_id:
        return True
    text = json.dumps(convert.unstructure(record), ensure_ascii=False)
    return f'"{nominal_id}"' in text


def dispose(uow: UnitOfWork, nominal_id: str, reviewer: str, rationale: str) -> list[tuple[str, str]]:
    """Erase nominal ``nominal_id`` and every record of any collection that refers to it;
    keep its retention record (metadata only) with the *dispose* decision. Returns the
    (collection, record ID) pairs erased; each is logged as an erasure (IDs only)."""
    from ctpse_core.storage.schema import record_types

    decision = _decision("dispose", reviewer, rationale)
    nominal = uow.repository("nominals").get(nominal_id)
    uow.authorize("manage", "retention")
    uow.authorize("delete", nominal, purpose="retention disposal")
    erased: list[tuple[str, str]] = []
    for collection in record_types().names():
        if collection in (COLLECTION, "users", "agreements"):
            continue
        repo = uow.repository(collection)
        for record in list(repo.list()):
            if _refers_to(record, nominal_id):
                repo.remove(record.id)
                erased.append((collection, record.id))
                uow.record_event("erasure", collection, record.id, f"disposal of nominal {nominal_id}",
                                 purpose="retention disposal")
    repo = uow.repository(COLLECTION)
    held = repo.find(nominal_id)
    kept = Retention(id=nominal_id, group=held.group if held else "-", next_review=_today(), disposed=True,
                     decisions=(*(held.decisions if held else ()), decision))
    if held is None:
        repo.add(kept)
    else:
        repo.update(attrs.evolve(kept, version=held.version))
    uow.record_event("erasure", COLLECTION, nominal_id, f"disposed by {decision.reviewer}: "
                     f"{len(erased)} record(s) erased", purpose="retention disposal")
    return erased
