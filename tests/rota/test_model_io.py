"""The rota problem and rota JSON files: round trips and readable errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rota_strategies import small_problem

from ctpse_core.convert import unstructure
from ctpse_core.errors import InputError
from ctpse_core.rota.io import dump_problem, load_problem, load_roster, save_problem, save_roster
from ctpse_core.rota.model import Assignment, Roster


def test_problem_round_trips_through_json(tmp_path: Path) -> None:
    """A saved problem loads back equal, with phone numbers in E.164 form."""
    problem = small_problem()
    path = tmp_path / "p.json"
    save_problem(problem, path)
    again = load_problem(path)
    assert again == problem
    data = json.loads(path.read_text())
    assert data["schema"] == "ctpse-rota-problem/1"
    assert data["staff"][0]["numbers"][0]["number"] == "+447700900101"


def test_uk_numbers_are_validated_and_normalised(tmp_path: Path) -> None:
    """Contact numbers go through the converter: drama-range numbers are accepted and
    normalised, anything else is refused with field and file named."""
    data = unstructure(small_problem())
    data["staff"][0]["numbers"] = [{"label": "mobile", "number": "07700 900321"}]
    data["staff"][1]["numbers"] = [{"label": "mobile", "number": "0123"}]
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError) as info:
        load_problem(path)
    assert info.value.lines() == [
        f"staff[1].numbers[0].number: '0123' is not a valid GB phone number @ {path}"
    ]
    data["staff"][1]["numbers"] = []
    path.write_text(json.dumps(data))
    assert load_problem(path).staff[0].numbers[0].number == "+447700900321"


def test_bad_fields_are_reported_one_line_each(tmp_path: Path) -> None:
    """Every bad field is reported as `field: reason @ file`, not only the first."""
    data = unstructure(small_problem())
    data["start"] = "31/02/2025"
    data["shifts"][0]["starts"] = "25:99"
    data["surprise"] = 1
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError) as info:
        load_problem(path)
    lines = info.value.lines()
    assert any(line.startswith("start: '31/02/2025' is not a valid date") for line in lines)
    assert any(line.startswith("shifts[0].starts:") for line in lines)
    assert any("unknown field(s): surprise" in line for line in lines)
    assert all(line.endswith(f"@ {path}") for line in lines)


def test_references_between_parts_are_checked(tmp_path: Path) -> None:
    """Requests for unknown people, cover for unknown shifts and days outside the horizon
    are reported with their place in the file."""
    data = unstructure(small_problem())
    data["shift_off_requests"] = [{"staff_id": "NOPE", "day": "2025-03-25", "shift": "sio-day"}]
    data["cover"][0]["shift"] = "lunch"
    data["cover"][1]["day"] = "2026-01-01"
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError) as info:
        load_problem(path)
    text = "\n".join(info.value.lines())
    assert "shift_off_requests[0].staff_id: 'NOPE' is not on the staff list" in text
    assert "cover[0].shift: 'lunch' is not a shift type" in text
    assert "cover[1].day: 2026-01-01 is outside the horizon" in text


def test_not_json_is_one_clear_line(tmp_path: Path) -> None:
    """A file that is not JSON names the file and the line of the fault."""
    path = tmp_path / "p.json"
    path.write_text("{ nope")
    with pytest.raises(InputError) as info:
        load_problem(path)
    assert info.value.lines()[0].startswith("is not JSON")
    assert str(path) in info.value.lines()[0]


def test_roster_must_fit_its_problem(tmp_path: Path) -> None:
    """A rota naming an unknown shift or person is refused when loaded with its problem."""
    problem = small_problem()
    roster = Roster(
        problem="small",
        assignments=(
            Assignment(day=problem.start, shift="brunch", staff_id="P1"),
            Assignment(day=problem.start, shift="sio-day", staff_id="ZZ"),
        ),
    )
    path = tmp_path / "r.json"
    save_roster(roster, path)
    assert load_roster(path) == roster
    with pytest.raises(InputError) as info:
        load_roster(path, problem)
    assert len(info.value.lines()) == 2


def test_problem_json_is_stable() -> None:
    """Dumping twice gives the same text (files diff cleanly)."""
    assert dump_problem(small_problem()) == dump_problem(small_problem())
