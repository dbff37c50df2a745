"""The one converter: parsing as people type, round trips, and readable errors."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctpse_core.convert import structure, structure_many, unstructure
from ctpse_core.domain import (
    UTC,
    Classification,
    Deployment,
    Location,
    Nominal,
    NominalStatus,
    RiskTier,
    Sex,
    Staff,
)
from ctpse_core.domain.identifiers import pnc_check_char
from ctpse_core.errors import InputError


def test_nominal_from_spreadsheet_text() -> None:
    """Text cells become typed values: trimmed names, day-first dates, lenient enums, split lists."""
    serial = "123456"
    pnc = f"01/{serial}{pnc_check_char('01', serial)}"
    n = structure(
        {
            "id": "RG1",
            "forenames": "  Ada ",
            "surname": "Example",
            "date_of_birth": "03/04/1990",
            "sex": "female",
            "status": "Licence",
            "risk_tier": "Tier 2",
            "aliases": "A. Example; Ada X",
            "pnc_id": pnc.lower(),
            "addresses": [{"line1": "1 Fictional Road", "postcode": "zz1 1zz"}],
            "marking": "official-sensitive [personal]",
        },
        Nominal,
    )
    assert n.forenames == "Ada"
    assert n.date_of_birth == dt.date(1990, 4, 3)
    assert n.sex is Sex.FEMALE and n.status is NominalStatus.LICENCE and n.risk_tier is RiskTier.TIER_2
    assert n.aliases == ("A. Example", "Ada X")
    assert n.pnc_id == f"2001/0{serial}{pnc[-1].upper()}"
    assert n.addresses[0].postcode == "ZZ1 1ZZ"
    assert n.marking.classification is Classification.OFFICIAL_SENSITIVE
    assert n.marking.caveats == frozenset({"PERSONAL"})


def test_round_trip_is_lossless() -> None:
    """unstructure then structure gives an equal object (the storage and export format)."""
    d = structure(
        {
            "id": "D1",
            "operation_id": "OP-EXAMPLE",
            "team_id": "SV1",
            "start": "29/03/2026 00:30",
            "end": "2026-03-29T05:00:00+01:00",
            "location": {"lat": 51.1, "lon": -0.9, "radius_m": 250},
            "staff_ids": ["S1", "S2"],
            "subject_ids": "SUB-1; SUB-2",
        },
        Deployment,
    )
    assert d.start == dt.datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert d.end == dt.datetime(2026, 3, 29, 4, 0, tzinfo=UTC)
    assert structure(unstructure(d), Deployment) == d


def test_phone_numbers_normalised() -> None:
    """UK numbers are stored in international form."""
    data = {"id": "S1", "forenames": "Ada", "surname": "Example", "numbers": [{"number": "07700 900123"}]}
    s = structure(data, Staff)
    assert s.numbers[0].number == "+447700900123"


def test_extra_and_nested_errors_are_located() -> None:
    """Unknown fields and nested problems carry their path and the outer location."""
    with pytest.raises(InputError) as info:
        structure({"id": "D1", "operation_id": "OP", "team_id": "T", "start": "01/01/2026 10:00",
                   "end": "01/01/2026 11:00", "location": {"lat": "north", "lon": 0}, "colour": "red"},
                  Deployment, where="week.json[4]")
    assert sorted(info.value.lines()) == sorted([
        "location.lat: 'north' is not a number @ week.json[4]",
        "unknown field(s): colour @ week.json[4]",
    ])


def test_structure_many_keeps_good_and_reports_bad() -> None:
    """A batch gives the good objects and one problem per fault of the bad rows, each located."""
    good, bad = structure_many([{"lat": 50, "lon": 0}, {"lat": 95, "lon": "x"}], Location, where="points")
    assert good == [Location(lat=50.0, lon=0.0)]
    assert sorted(str(p) for p in bad) == [
        "lat: 95.0 must be between -90 and 90 @ points[1]",
        "lon: 'x' is not a number @ points[1]",
    ]


@given(st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2040, 1, 1), timezones=st.just(UTC)))
def test_datetime_round_trip(moment: dt.datetime) -> None:
    """Any UTC instant survives unstructure/structure unchanged."""
    d = Deployment(id="D", operation_id="OP", team_id="T", start=moment, end=moment + dt.timedelta(hours=1))
    assert structure(unstructure(d), Deployment) == d
