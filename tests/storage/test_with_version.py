"""with_version: stamping a record's version gives exactly what attrs.evolve gives, and the
fast path (no field validators re-run) is used only where that is provably the same."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from ctpse_core.domain import RECORD_TYPES, Nominal, Record
from ctpse_core.domain.common import _restamper, check, with_version
from ctpse_core.testing.samples import nominals, varied_records


def test_same_as_evolve_for_every_kind_of_field() -> None:
    """For records with markings, provenance, dates, enums, tuples and sets the result equals
    attrs.evolve(record, version=...) field by field, and the original is left as it was."""
    for records in varied_records().values():
        for record in records:
            stamped = with_version(record, 7)
            assert stamped == attrs.evolve(record, version=7)
            assert type(stamped) is type(record)
            assert record.version != 7
            assert attrs.asdict(stamped, recurse=False) == {
                **attrs.asdict(record, recurse=False), "version": 7
            }


def test_built_in_record_types_take_the_fast_path() -> None:
    """Every built-in record type is eligible for the fast copy (so stores really skip the
    re-validation), and a stamped record is still frozen."""
    assert all(_restamper(cls) is not None for cls in RECORD_TYPES.values())
    stamped = with_version(nominals(1)[0], 2)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        stamped.surname = "Changed"  # type: ignore[misc]


def test_new_version_is_still_validated() -> None:
    """A negative version is refused on the fast path just as attrs.evolve refuses it."""
    record = nominals(1)[0]
    with pytest.raises(ValueError, match="must not be negative"):
        attrs.evolve(record, version=-1)
    with pytest.raises(ValueError, match="must not be negative"):
        with_version(record, -1)


@attrs.frozen(kw_only=True)
class _WholeObjectCheck(Record):
    """A record type whose check involves the version (made in __attrs_post_init__)."""

    limit: int = 3

    def __attrs_post_init__(self) -> None:
        if self.version > self.limit:
            raise ValueError(f"version {self.version} is past the limit {self.limit}")


@attrs.frozen(kw_only=True)
class _OwnVersion(Record):
    """A record type that redefines the version field with a stricter check."""

    version: int = attrs.field(default=0, validator=check(lambda v: v < 5, "{value} is too high"))


@attrs.frozen(kw_only=True, cache_hash=True)
class _CachedHash(Record):
    """A record type that caches its hash in a hidden slot."""

    name: str = "x"


@attrs.define(kw_only=True, frozen=True, slots=False)
class _DictBacked(Record):
    """A record type whose instances keep a __dict__."""

    name: str = "x"


@pytest.mark.parametrize("cls", [_WholeObjectCheck, _OwnVersion, _CachedHash, _DictBacked])
def test_unsafe_types_go_through_evolve(cls: type[Any]) -> None:
    """A type with a whole-object check, its own version field, a cached hash or a __dict__ is
    not fast-copied: with_version runs full construction, so their checks still apply."""
    assert _restamper(cls) is None
    record = cls(id="X1")
    assert with_version(record, 2) == attrs.evolve(record, version=2)
    if cls is _WholeObjectCheck:
        with pytest.raises(ValueError, match="past the limit"):
            with_version(record, 4)
    if cls is _OwnVersion:
        with pytest.raises(ValueError, match="too high"):
            with_version(record, 6)
    if cls is _CachedHash:
        assert hash(with_version(record, 2)) == hash(attrs.evolve(record, version=2))


def test_subclass_fields_are_copied() -> None:
    """A third-party subclass of a built-in type (extra slotted field, no whole-object check)
    is fast-copied with every field, its own included."""

    @attrs.frozen(kw_only=True)
    class Extended(Nominal):
        local_ref: str = "LOCAL-1"

    record = Extended(id="E1", forenames="Alfa", surname="Madeup", local_ref="LOCAL-9")
    assert _restamper(Extended) is not None
    stamped = with_version(record, 3)
    assert (stamped.local_ref, stamped.surname, stamped.version) == ("LOCAL-9", "Madeup", 3)
    assert stamped == attrs.evolve(record, version=3)
