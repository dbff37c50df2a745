"""Synthetic, obviously fictional records for tests and benchmarks."""

from __future__ import annotations

import datetime as dt

from ctpse_core.convert import structure, unstructure
from ctpse_core.domain import (
    Classification,
    Marking,
    Nominal,
    Operation,
    OrderType,
    Pathway,
    Provenance,
    Record,
    Staff,
)
from ctpse_core.synthetic.nominals import generate_people

__all__ = ["nominals", "varied_records"]


def nominals(count: int, seed: int = 1, prefix: str = "NOM") -> list[Nominal]:
    """``count`` fictional nominals with IDs ``<prefix>0000001``..., the same for a seed."""
    out: list[Nominal] = []
    for n, p in enumerate(generate_people(count, seed), start=1):
        row = {
            "id": f"{prefix}{n:07d}",
            "forenames": p.forename_group[0],
            "surname": p.surname_group[0],
            "aliases": list(p.aliases),
            "date_of_birth": p.dob.isoformat(),
            "sex": p.sex,
            "nationality": p.nationality,
            "addresses": [{"line1": p.street, "town": p.town, "postcode": p.postcode}],
            "pnc_id": p.pnc,
            "cro_number": p.cro,
            "prison_number": p.prison_number,
            "status": p.status,
            "risk_tier": p.tier,
            "category": p.category,
            "nominal_manager": p.manager,
            "establishment": p.establishment,
            "force": p.force,
            "orders": list(p.orders),
        }
        out.append(structure(row, Nominal, where=f"nominal[{n}]"))
    return out


def varied_records() -> dict[str, list[Record]]:
    """A few records of several collections using every kind of field a store must keep:
    markings with caveats, provenance with an aware datetime, dates, enums, tuples, sets,
    nested records and non-ASCII text."""
    received = dt.datetime(2024, 3, 31, 0, 30, tzinfo=dt.UTC)  # the night the clocks change
    secret = Marking(Classification.SECRET, frozenset({"UK EYES ONLY", "PERSONAL"}))
    people = nominals(3, seed=11, prefix="VAR")
    people[0] = Nominal(
        id="VAR-ZOE/1",
        marking=secret,
        provenance=Provenance(source="regional", file="regional.csv", row=12, received_at=received),
        forenames="Zoë",
        surname="O'Brien-Ñúñez",
        aliases=("Zoe Obrien",),
        date_of_birth=dt.date(1990, 2, 28),
        pathways=(Pathway.ACCOMMODATION, Pathway.FAMILY),
        orders=(OrderType.TPIM,),
    )
    staff = [
        Staff(
            id="STF001",
            forenames="Alex",
            surname="Fictional",
            rank="DS",
            roles=frozenset({"CT SIO", "Intel manager"}),
            qualifications=frozenset({"surveillance"}),
            email="alex.fictional@example.invalid",
        )
    ]
    operations = [Operation(id="OP-ZZ-1", name="Operation Fictional", sio="DCI Example",
                            priority=1, national_priority=True)]
    out: dict[str, list[Record]] = {"nominals": list(people), "staff": list(staff),
                                    "operations": list(operations)}
    return {
        name: [structure(unstructure(r), type(r)) for r in records] for name, records in out.items()
    }
