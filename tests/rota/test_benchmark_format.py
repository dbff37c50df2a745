"""Translating Shift Scheduling Benchmark instances (SECTION_... format)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ctpse_core.errors import InputError
from ctpse_core.rota.benchmark_format import parse_benchmark, read_benchmark
from ctpse_core.rota.solvers import solve


def test_hand_made_instance_translates(data_dir: Path) -> None:
    """Every section maps onto the model: horizon, shifts and successions, staff limits,
    days off, requests with weights and cover with both weights."""
    p = read_benchmark(data_dir / "tiny_benchmark.txt")
    assert p.name == "tiny_benchmark" and p.days == 14 and p.start == dt.date(2024, 1, 1)
    shifts = {s.id: s for s in p.shifts}
    assert shifts["D"].minutes == 480 and shifts["L"].cannot_follow == {"D"}
    a = p.person("A")
    assert a.rules.max_shifts == {"D": 14, "L": 4}
    assert (a.rules.max_total_minutes, a.rules.min_total_minutes) == (4800, 2400)
    assert (a.rules.max_consecutive_shifts, a.rules.min_consecutive_shifts) == (5, 2)
    assert (a.rules.min_consecutive_days_off, a.rules.max_weekends) == (2, 1)
    assert a.days_off == {dt.date(2024, 1, 4)}
    assert p.person("B").days_off == {dt.date(2024, 1, 11), dt.date(2024, 1, 12)}
    assert next((r.staff_id, r.day.day, r.shift, r.weight) for r in p.shift_on_requests) == (
        "A",
        2,
        "D",
        2,
    )
    assert len(p.shift_off_requests) == 3
    cover = {(c.day, c.shift): c for c in p.cover}
    assert cover[(dt.date(2024, 1, 1), "D")].requirement == 2
    assert p.rest.daily_rest_hours == 0 and p.rest.weekly_rest_hours == 0


def test_translated_instance_solves_without_hard_violations(data_dir: Path) -> None:
    """The built-in solver gives a rota for the translated instance that the validator passes."""
    p = read_benchmark(data_dir / "tiny_benchmark.txt")
    result, report = solve(p, seed=0, time_limit=10, iterations=20_000)
    assert report.hard_count == 0
    assert result.objective == report.soft_penalty


def test_bad_lines_name_the_file_line_and_column() -> None:
    """A bad number, a bad cap and a day outside the horizon are each reported with file:line."""
    text = """SECTION_HORIZON
7
SECTION_SHIFTS
D,x,
SECTION_STAFF
A,D=lots,100,0,5,1,1,1
SECTION_COVER
9,D,1,100,1
"""
    with pytest.raises(InputError) as info:
        parse_benchmark(text, where="bad.txt")
    lines = info.value.lines()
    assert "Length in mins: 'x' is not a whole number @ bad.txt:4" in lines
    assert "MaxShifts: 'D=lots' is not SHIFT=count @ bad.txt:6" in lines
    assert "Day: 9 is outside the horizon 0-6 @ bad.txt:8" in lines


def test_missing_sections_are_reported() -> None:
    """A file without the required sections is refused with a line for each."""
    with pytest.raises(InputError) as info:
        parse_benchmark("SECTION_HORIZON\n7\n", where="x.txt")
    assert len(info.value.lines()) == 3
