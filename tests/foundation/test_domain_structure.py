"""Every domain class, given deliberately bad values, reports one readable line per problem."""

from __future__ import annotations

import datetime as dt
import enum
import typing
from decimal import Decimal
from typing import Any

import attrs
import pytest

from ctpse_core.convert import structure
from ctpse_core.domain import RECORD_TYPES, Marking
from ctpse_core.domain.types import CroNumber, PhoneNumber, PncId, Postcode, PrisonNumber
from ctpse_core.errors import InputError

NEWTYPE_BAD = {PncId: "01/123456Z", CroNumber: "12", PrisonNumber: "123", Postcode: "NOT A CODE", PhoneNumber: "12"}


def _bad_value(tp: Any) -> Any:
    """A value of the right shape but impossible for the type, or None if we cannot break it."""
    args = typing.get_args(tp)
    if type(None) in args:
        tp = next(a for a in args if a is not type(None))
    if tp in NEWTYPE_BAD:
        return NEWTYPE_BAD[tp]
    if tp is dt.date:
        return "31/02/1990"
    if tp is dt.datetime:
        return "not a time"
    if tp is dt.time:
        return "25:99"
    if tp is int:
        return "several"
    if tp is float:
        return "far"
    if tp is bool:
        return "perhaps"
    if tp is Decimal:
        return "lots"
    if tp is Marking:
        return "PUBLIC"
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "no-such-value"
    return None


@pytest.mark.parametrize("name", sorted(RECORD_TYPES))
def test_each_bad_field_gives_one_line(name: str) -> None:
    """Breaking every breakable field yields exactly one `field: reason @ where` line per field."""
    cls = RECORD_TYPES[name]
    data: dict[str, Any] = {"id": "X-1"}
    broken: set[str] = set()
    for field in attrs.fields(cls):
        bad = _bad_value(field.type)
        if bad is not None and field.name != "id":
            data[field.name] = bad
            broken.add(field.name)
    with pytest.raises(InputError) as info:
        structure(data, cls, where=f"{name}[12]")
    lines = info.value.lines()
    reported = {line.split(":", 1)[0] for line in lines if not line.startswith("is required")}
    assert broken <= reported, f"not reported: {broken - reported}"
    for line in lines:
        assert line.endswith(f"@ {name}[12]"), line
        assert "Traceback" not in line and "structuring" not in line.lower()
    assert len([ln for ln in lines if ln.split(":", 1)[0] in broken]) == len(broken)


@pytest.mark.parametrize("name", sorted(RECORD_TYPES))
def test_missing_required_fields_are_named(name: str) -> None:
    """A record with only an ID names each missing required field once."""
    cls = RECORD_TYPES[name]
    required = {f.name for f in attrs.fields(cls) if f.default is attrs.NOTHING and f.name != "id"}
    if not required:
        structure({"id": "X-1"}, cls)
        return
    with pytest.raises(InputError) as info:
        structure({"id": "X-1"}, cls, where="row 3")
    lines = info.value.lines()
    assert {ln.split(":", 1)[0] for ln in lines} == required
    assert all("is required but missing @ row 3" in ln for ln in lines)


VALIDATOR_CASES: list[tuple[str, dict[str, Any], dict[str, str]]] = [
    (
        "nominals",
        {"forenames": " ", "surname": "Example", "pnc_id": "01/123456X", "date_of_birth": "01/01/2190"},
        {"pnc_id": "has check character X, expected F", "date_of_birth": "not a plausible date of birth"},
    ),
    (
        "deployments",
        {"operation_id": "OP-1", "team_id": "T1", "start": "02/03/2026 10:00", "end": "01/03/2026 10:00",
         "officers": 0, "location": {"lat": 51.2, "lon": -0.5, "radius_m": -5}},
        {"end": "is before the start", "officers": "more than zero", "location.radius_m": "must not be negative"},
    ),
    (
        "teams",
        {"name": "", "capacity": 0},
        {"name": "must not be blank", "capacity": "more than zero"},
    ),
    (
        "leave",
        {"staff_id": "S1", "first_day": "10/03/2026", "last_day": "01/03/2026"},
        {"last_day": "before the first day"},
    ),
    (
        "staff",
        {"forenames": "Ada", "surname": "Example", "email": "nope", "numbers": [{"number": "12345"}]},
        {"email": "not an email address", "numbers[0].number": "is not a valid GB phone number"},
    ),
    (
        "asset_requests",
        {"kind": "forensic", "operation_id": "OP-1", "requested_by": "DS Example", "objectives": [],
         "deadline": "01/03/2026 09:00"},
        {"objectives": "at least one objective"},
    ),
]


@pytest.mark.parametrize(("name", "data", "expected"), VALIDATOR_CASES, ids=[c[0] for c in VALIDATOR_CASES])
def test_validators_report_every_field(name: str, data: dict[str, Any], expected: dict[str, str]) -> None:
    """Invariant checks (blank names, end before start, ...) report every failing field, not only the first."""
    with pytest.raises(InputError) as info:
        structure({"id": "X-1", **data}, RECORD_TYPES[name], where="file.csv:7")
    lines = info.value.lines()
    assert len(lines) == len(expected), lines
    for field, words in expected.items():
        assert any(ln.startswith(f"{field}: ") and words in ln and ln.endswith("@ file.csv:7") for ln in lines), (
            field,
            lines,
        )
