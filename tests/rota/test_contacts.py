"""Contact details kept current: numbers not verified within N days, and people rostered
without a working number, in the quality report and `ctpse staff stale`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.domain.staff import ContactNumber
from ctpse_core.domain.types import PhoneNumber
from ctpse_core.rota.contacts import stale_numbers, without_working_number
from ctpse_core.rota.io import save_problem, save_roster
from ctpse_core.rota.model import Assignment, Roster, RotaProblem
from ctpse_core.rota.quality import quality
from ctpse_core.rota.synth import synthetic_ct_problem

TODAY = dt.date(2025, 3, 3)


def _problem() -> RotaProblem:
    problem = synthetic_ct_problem(staff=12, weeks=1, seed=1)
    people = list(problem.staff)
    old = TODAY - dt.timedelta(days=400)
    people[0] = attrs.evolve(people[0], numbers=(ContactNumber(number=PhoneNumber("+447700900555"), verified=old),))
    people[1] = attrs.evolve(people[1], numbers=(ContactNumber(number=PhoneNumber("+447700900556"), verified=TODAY),))
    roles = list(problem.roles)
    roles[0] = attrs.evolve(roles[0], number_verified=None)
    roles[1] = attrs.evolve(roles[1], number_verified=TODAY - dt.timedelta(days=10))
    return attrs.evolve(problem, staff=tuple(people), roles=tuple(roles))


def test_stale_numbers_are_those_not_verified_within_the_window() -> None:
    """A number checked 400 days ago and a role number never checked are stale at 180
    days; one checked today and one 10 days ago are not; at 500 days only the never
    checked one is."""
    problem = _problem()
    rows = {(r["who"], r["verified"]) for r in stale_numbers(problem, today=TODAY, days=180)}
    assert (problem.staff[0].id, "2024-01-28") in rows
    assert (problem.roles[0].id, None) in rows
    assert not any(who in (problem.staff[1].id, problem.roles[1].id) for who, _v in rows)
    wide = {r["who"] for r in stale_numbers(problem, today=TODAY, days=500)}
    assert problem.roles[0].id in wide and problem.staff[0].id not in wide


def test_rostered_without_a_working_number_in_the_quality_report() -> None:
    """Someone rostered whose only number is stale, and someone with none, are listed as
    without a working number; someone rostered with a fresh number is not."""
    problem = _problem()
    no_number = next(p for p in problem.staff if not p.numbers)
    roster = Roster(problem=problem.name, assignments=tuple(
        Assignment(day=TODAY, shift=s, staff_id=p.id)
        for s, p in zip(("intel-ds-day", "ct-sio-day", "alarm-day"), (problem.staff[0], problem.staff[1], no_number),
                        strict=True)
    ))
    listed = {r["id"]: r["why"] for r in without_working_number(problem, roster, today=TODAY)}
    assert listed == {problem.staff[0].id: "no number verified in the last 180 days", no_number.id: "no number"}
    q = quality(problem, roster, today=TODAY)
    assert {r["id"] for r in q.no_working_number} == set(listed)
    assert any(r["who"] == problem.staff[0].id for r in q.stale_numbers)


def test_staff_stale_command(tmp_path: Path) -> None:
    """`ctpse staff stale PROBLEM --rota ROTA` lists the stale numbers and exits 1 when
    someone rostered has no working number."""
    problem = _problem()
    save_problem(problem, tmp_path / "p.json")
    save_roster(Roster(problem=problem.name, assignments=(
        Assignment(day=TODAY, shift="intel-ds-day", staff_id=problem.staff[0].id),)), tmp_path / "r.json")
    cli = make_cli()
    res = CliRunner().invoke(cli, ["staff", "stale", str(tmp_path / "p.json"), "--today", "03/03/2025",
                                   "--rota", str(tmp_path / "r.json"), "--format", "json"])
    assert res.exit_code == 1, res.output
    data = json.loads(res.output)
    assert data["rostered_without_working_number"][0]["id"] == problem.staff[0].id
    assert any(r["who"] == problem.roles[0].id and r["verified"] is None for r in data["stale"])
    ok = CliRunner().invoke(cli, ["staff", "stale", str(tmp_path / "p.json"), "--today", "03/03/2025"])
    assert ok.exit_code == 0 and "never" in ok.output
