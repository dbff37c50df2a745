"""Rota products read as reports: templates per kind, names, London times, markings."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.reports import london_day, london_time

REPRS = ("{'", "['", "Marking(")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("rota-products")
    problem, rota = folder / "problem.json", folder / "rota.json"
    run("synth", "rota", "--staff", "60", "--weeks", "2", "--seed", "4", "--out", str(problem))
    run("rota", "build", str(problem), "--time-limit", "5", "--iterations", "30000", "--out", str(rota))
    return {"problem": problem, "rota": rota, "folder": folder}


def run(*args: str, code: int | None = 0) -> str:
    result = CliRunner().invoke(make_cli(), list(args))
    if code is not None:
        assert result.exit_code == code, (args, result.output)
    return result.stdout


def _staff(files: dict[str, Path]) -> tuple[str, str]:
    rota = json.loads(files["rota"].read_text())
    first = rota["assignments"][0]
    return first["staff_id"], first["day"]


def _check_page(text: str, fmt: str) -> None:
    for bad in REPRS:
        assert bad not in text, (bad, text[:2000])
    lines = text.strip().splitlines()
    if fmt == "md":
        assert lines[0] == lines[-1] == "**OFFICIAL**"
        assert "\n## " not in text.replace("\n\n## ", "")  # a blank line before every heading
    else:
        assert lines[-1] == "</html>" and text.count('<div class="marking">OFFICIAL</div>') == 2


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_every_rota_kind_renders_without_python_reprs(
    files: dict[str, Path], tmp_path: Path, fmt: str
) -> None:
    """build, check, publish, swap-free change (override), repair and select print readable
    pages in md and html: no dict/list/Marking reprs, marking first and last, people by
    name and ID, days as London dates."""
    p, r = str(files["problem"]), str(files["rota"])
    staff, day = _staff(files)
    pages = {
        "build": run("rota", "build", p, "--time-limit", "2", "--iterations", "5000", "--out", str(tmp_path / "b.json"),
                     "--format", fmt),
        "check": run("rota", "check", p, r, "--format", fmt, code=None),
        "publish": run("rota", "publish", p, r, "--format", fmt),
        "select": run("rota", "select", p, r, "--start", "05/03/2025 06:00", "--hours", "4",
                      "-n", "2", "--format", fmt),
        "repair": run("rota", "repair", p, r, "--remove", f"{staff}:{day}", "--out",
                      str(tmp_path / "r.json"), "--format", fmt),
    }
    for kind, text in pages.items():
        _check_page(text, fmt)
        assert "hard_by_rule" not in text and "penalty_by_rule" not in text, kind
    assert "Hard rules broken" in pages["build"]
    assert "Soft penalty by rule" in pages["check"] and "Spread across people" in pages["check"]
    assert "Mon 3 Mar 2025" in pages["publish"] and " GMT" in pages["publish"]
    assert "Wed 5 Mar 2025 06:00 GMT" in pages["select"]
    name = next(x["name"] for x in json.loads(files["problem"].read_text())["staff"]
                if x["id"] == staff)
    assert f"{name} ({staff})" in pages["repair"] and "Stood down" in pages["repair"]


def test_change_record_shows_london_time(files: dict[str, Path]) -> None:
    """A recorded change (swap/override) renders in md and html with its time as London
    wall-clock with zone and the people by name and number, not raw UTC ISO or dicts."""
    from ctpse_core.convert import unstructure
    from ctpse_core.reports import render
    from ctpse_core.rota.io import load_problem, load_roster
    from ctpse_core.rota.model import ChangeRecord
    from ctpse_core.rota.products import RotaReport

    problem = load_problem(files["problem"])
    roster = load_roster(files["rota"], problem)
    a, b = roster.assignments[0], roster.assignments[1]
    record = ChangeRecord(kind="swap", at=dt.datetime(2025, 3, 30, 12, 0, tzinfo=dt.UTC),
                          by="coordinator", reason="childcare", removed=(a,), added=(b,))
    product = RotaReport("rota-change", "Rota swap", unstructure(record), problem)
    for fmt in ("md", "html"):
        text = render(product, fmt)
        _check_page(text, fmt)
        assert "Sun 30 Mar 2025 13:00 BST" in text and "+00:00" not in text
        assert f"{problem.person(a.staff_id).name} ({a.staff_id})" in text


def test_london_filters() -> None:
    """Dates show as 'Mon 3 Mar 2025' (month by name, with the year); times as London
    wall-clock with GMT or BST."""
    assert london_day("2025-03-03") == "Mon 3 Mar 2025"
    assert london_time("2025-03-03T07:00:00+00:00") == "Mon 3 Mar 2025 07:00 GMT"
    assert london_time(dt.datetime(2025, 6, 2, 6, 0, tzinfo=dt.UTC)) == "Mon 2 Jun 2025 07:00 BST"


def test_publish_week_outside_the_rota_is_an_error(files: dict[str, Path]) -> None:
    """`rota publish --week` outside the rota exits 2 and names the rota's dates."""
    result = CliRunner().invoke(make_cli(), ["rota", "publish", str(files["problem"]),
                                             str(files["rota"]), "--week", "01/01/2030"])
    assert result.exit_code == 2
    assert "outside the rota (Mon 3 Mar 2025 to Sun 16 Mar 2025)" in result.stderr


def test_publish_person_filters_the_report(files: dict[str, Path]) -> None:
    """`rota publish --person X --format json|md` shows only X's shifts, titled with X."""
    staff, _ = _staff(files)
    data = json.loads(run("rota", "publish", str(files["problem"]), str(files["rota"]),
                          "--person", staff, "--format", "json"))
    people = {s["staff_id"] for role in data["roles"] for s in role["shifts"]}
    assert people == {staff}
    md = run("rota", "publish", str(files["problem"]), str(files["rota"]), "--person", staff)
    assert f"({staff})" in md.splitlines()[2]
    bad = CliRunner().invoke(make_cli(), ["rota", "publish", str(files["problem"]),
                                          str(files["rota"]), "--person", "NOPE"])
    assert bad.exit_code == 2 and "NOPE" in bad.stderr


@pytest.mark.parametrize("removal", ["{staff}:01/01/2030", "ZZ999:{day}"])
def test_repair_outside_horizon_or_unknown_person_is_an_error(
    files: dict[str, Path], tmp_path: Path, removal: str
) -> None:
    """`rota repair --remove` for a day outside the rota or an unknown staff ID exits 2
    with a one-line reason, and writes nothing."""
    staff, day = _staff(files)
    target = tmp_path / "never.json"
    result = CliRunner().invoke(make_cli(), [
        "rota", "repair", str(files["problem"]), str(files["rota"]), "--remove",
        removal.format(staff=staff, day=day), "--out", str(target)])
    assert result.exit_code == 2
    assert "outside the rota" in result.stderr or "not on the staff list" in result.stderr
    assert not target.exists()


def test_csv_marked_top_and_bottom(files: dict[str, Path]) -> None:
    """`rota publish --format csv` starts and ends with the '# MARKING' line."""
    lines = run("rota", "publish", str(files["problem"]), str(files["rota"]), "--format",
                "csv").splitlines()
    assert lines[0] == lines[-1] == "# OFFICIAL"
    import csv

    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:-1]))))
    assert rows and {"role", "day", "name", "number"} <= set(rows[0])


def test_ics_stamp_marking_and_number(files: dict[str, Path]) -> None:
    """ICS events carry DTSTAMP = the given publication time, the marking as SUMMARY and
    DESCRIPTION prefix and in CATEGORIES, and the on-call number."""
    out = CliRunner().invoke(make_cli(), [
        "rota", "publish", str(files["problem"]), str(files["rota"]), "--format", "ics",
        "--role", "ct-sio", "--stamp", "10/03/2025 09:30"]).stdout_bytes
    events = list(icalendar.Calendar.from_ical(out).walk("VEVENT"))
    assert events
    for e in events:
        assert e.decoded("DTSTAMP") == dt.datetime(2025, 3, 10, 9, 30, tzinfo=dt.UTC)
        assert str(e["SUMMARY"]).startswith("[OFFICIAL] ")
        assert str(e["DESCRIPTION"]).startswith("[OFFICIAL]")
        assert "On-call number: +447700900" in str(e["DESCRIPTION"])
        cats = e["CATEGORIES"].cats
        assert "OFFICIAL" in cats


def test_ctrl_c_during_build_is_rc_130(files: dict[str, Path], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while the solver runs ends `rota build` with status 130 and one line, no rota."""
    from ctpse_core.rota import solvers

    def interrupted(*_a: object, **_k: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(solvers, "solve", interrupted)
    target = tmp_path / "never.json"
    result = CliRunner().invoke(make_cli(), ["rota", "build", str(files["problem"]), "--out",
                                             str(target)])
    assert result.exit_code == 130
    assert result.stderr.strip() == "interrupted: no rota written"
    assert not target.exists()
