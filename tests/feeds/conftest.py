"""Fixtures for the feed tests: good sample files for every feed, in every text format."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from ctpse_core.storage import Store, open_store

#: feed -> (headers, rows): small, valid, obviously fictional partner exports.
SAMPLES: dict[str, tuple[list[str], list[list[str]]]] = {
    "regional": (
        ["record_id", "surname", "forenames", "date_of_birth", "sex", "pnc_id", "status", "risk_tier",
         "address", "town", "postcode", "orders"],
        [
            ["RG9000001", "Testperson", "Alfa", "31/01/1990", "M", "2001/0012345H", "licence", "2",
             "1 Fiction Street", "Notown", "ZZ1 1ZZ", "NOTIFICATION; LICENCE"],
            ["RG9000002", "Sampleton", "Bravo", "1985-07-04", "F", "", "custody", "1", "", "", "", ""],
            ["RG9000003", "Exampleby", "Charlie", "12-Mar-1979", "M", "99/765432X", "community", "3",
             "2 Made Up Road", "Falsebury", "ZZ9 9ZZ", ""],
        ],
    ),
    "national": (
        ["JCTPPH Ref", "Surname", "Forename(s)", "DOB", "Gender", "PNC ID", "Status", "Tier", "Region"],
        [
            ["JCT-9000001", "TESTPERSON", "Alfa", "31-Jan-1990", "Male", "01/12345H", "Licence", "Tier 2",
             "South East"],
            ["JCT-9000002", "SAMPLETON", "Bravo", "04-Jul-1985", "Female", "", "Custody", "Tier 1", "South East"],
        ],
    ),
    "prison-pathfinder": (
        ["PP Case Ref", "Surname", "First Name(s)", "Date of Birth", "PNC Number", "NOMIS No", "Prison", "POM"],
        [
            ["PP-0001", "Testperson", "Alfa", "31/01/1990", "2001/0012345H", "A1234BC", "HMP Fictionshire",
             "Ms P. Officer"],
            ["PP-0002", "Fakenham", "Delta", "02/02/1970", "", "B2345CD", "HMP Nowhere", "Mr Q. Officer"],
        ],
    ),
    "community-pathfinder": (
        ["CP Case ID", "Last Name", "Given Names", "D.O.B.", "Supervision Status", "Address Line 1", "Town",
         "Post Code", "Pathways"],
        [
            ["CP-77", "Sampleton", "Bravo", "04/07/1985", "licence", "3 Pretend Lane", "Notown", "ZZ2 2ZZ",
             "accommodation; health"],
        ],
    ),
    "maesem": (
        ["MAESEM No", "Family Name", "Forenames", "Birth Date", "Referring Force", "Tier", "Pathways"],
        [["M-1001", "Exampleby", "Charlie", "12 March 1979", "Fictionshire Police", "3", "family"]],
    ),
    "engagements": (
        ["Contact ID", "Nominal Ref", "Nominal Manager", "Planned", "Completed", "Contact Type", "Outcome"],
        [
            ["C-1", "RG9000001", "DC Imaginary", "31/01/2025 10:00", "31/01/2025 10:45", "home visit", "seen"],
            ["C-2", "RG9000002", "DC Imaginary", "2025-02-14T09:30", "", "prison-visit", ""],
        ],
    ),
    "nctpoc-tasking": (
        ["NCTPOC Ref", "Operation", "Requesting SIO", "Start", "End", "Officers Required", "Skills", "Priority",
         "Latitude", "Longitude", "Radius (m)", "Subjects"],
        [
            ["NT-501", "OP-FICTION", "DCI Pretend", "03/03/2025 07:00", "03/03/2025 19:00", "8",
             "mobile; foot", "2", "51.1", "-0.5", "250", "SUBJ-1; SUBJ-2"],
        ],
    ),
    "staff": (
        ["Staff No", "Forename", "Surname", "Rank", "Roles", "Qualifications", "Team", "Mobile", "Desk Phone",
         "Email"],
        [
            ["S-001", "Echo", "Madeup", "DS", "intel-ds", "PIP2; SV-advanced", "SV1", "07700 900101",
             "020 7946 0101", "echo.madeup@example.invalid"],
            ["S-002", "Foxtrot", "Notreal", "DC", "", "", "SV2", "+44 7700 900102", "", ""],
        ],
    ),
    "leave": (
        ["Leave Ref", "Staff No", "First Day", "Last Day", "Leave Type"],
        [
            ["L-1", "S-001", "01/04/2025", "05/04/2025", "annual"],
            ["L-2", "S-002", "10/04/2025", "10/04/2025", "training"],
        ],
    ),
}


def write_csv(path: Path, headers: list[str], rows: list[list[str]], *, encoding: str = "utf-8",
              delimiter: str = ",") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def write_json(path: Path, headers: list[str], rows: list[list[str]]) -> Path:
    objects = [{h: v for h, v in zip(headers, row, strict=False) if v != ""} for row in rows]
    path.write_text(json.dumps(objects, indent=1), encoding="utf-8")
    return path


def write_jsonl(path: Path, headers: list[str], rows: list[list[str]]) -> Path:
    lines = [json.dumps({h: v for h, v in zip(headers, row, strict=False) if v != ""}) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


Writer = Callable[[Path, list[str], list[list[str]]], Path]
WRITERS: dict[str, tuple[str, Writer]] = {
    "csv": (".csv", write_csv),
    "json": (".json", write_json),
    "jsonl": (".jsonl", write_jsonl),
}


@pytest.fixture
def store() -> Store:
    return open_store("memory://")


@pytest.fixture
def samples() -> dict[str, tuple[list[str], list[list[str]]]]:
    return SAMPLES


@pytest.fixture
def writers() -> dict[str, tuple[str, Writer]]:
    return WRITERS
