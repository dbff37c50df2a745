"""`ctpse rota ...` and `ctpse synth rota` end to end, through click."""

from __future__ import annotations

import json
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("rota-cli")
    runner = CliRunner()
    cli = make_cli()
    problem, rota = folder / "problem.json", folder / "rota.json"
    result = runner.invoke(
        cli,
        ["synth", "rota", "--staff", "60", "--weeks", "1", "--seed", "4", "--out", str(problem)],
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        cli, ["rota", "build", str(problem), "--time-limit", "5", "--iterations", "20000", "--out", str(rota)]
    )
    assert result.exit_code == 0, result.output
    return {"problem": problem, "rota": rota, "folder": folder}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(make_cli(), list(args))
    return result.exit_code, result.stdout, result.stderr


def test_synth_rota_writes_the_ct_instance(files: dict[str, Path]) -> None:
    """The synthetic instance has 60 staff, the six CT roles, drama-range numbers and leave."""
    data = json.loads(files["problem"].read_text())
    assert len(data["staff"]) == 60
    assert {r["id"] for r in data["roles"]} == {
        "intel-ds",
        "ct-sio",
        "alarm",
        "fusion",
        "ssb",
        "slt",
    }
    numbers = [n["number"] for p in data["staff"] for n in p["numbers"]]
    assert numbers and all(n.startswith("+447700900") for n in numbers)


def test_check_json_has_violations_and_quality(files: dict[str, Path]) -> None:
    """`rota check --format json` prints one object with a violations list (rule, person,
    day) and a quality object with coverage and balance."""
    code, out, _ = run(
        "rota", "check", str(files["problem"]), str(files["rota"]), "--format", "json"
    )
    data = json.loads(out)
    assert code == (1 if data["hard_violations"] else 0)
    assert isinstance(data["violations"], list)
    assert all({"rule", "person", "day"} <= set(v) for v in data["violations"])
    assert 0 <= data["quality"]["coverage"] <= 100 and 0 <= data["quality"]["balance"] <= 1
    assert data["hard_violations"] == 0


def test_check_reports_a_hand_broken_rota(files: dict[str, Path], tmp_path: Path) -> None:
    """A rota with someone working twice on a day fails the check with status 1."""
    data = json.loads(files["rota"].read_text())
    first = data["assignments"][0]
    other = next(
        a for a in data["assignments"] if a["day"] == first["day"] and a["shift"] != first["shift"]
    )
    data["assignments"].append({**other, "staff_id": first["staff_id"]})
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data))
    code, out, _ = run("rota", "check", str(files["problem"]), str(broken), "--format", "json")
    assert code == 1
    rules = {(v["rule"], v["person"], v["day"]) for v in json.loads(out)["violations"]}
    assert ("one_shift_per_day", first["staff_id"], first["day"]) in rules


def test_bad_problem_file_is_one_line_per_fault(tmp_path: Path) -> None:
    """A broken problem file gives `error: field: reason @ file` lines and status 2,
    never a traceback."""
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": "x", "start": "31/02/2025", "days": 7, "shifts": []}))
    code, out, err = run("rota", "build", str(bad))
    assert code == 2
    assert (
        f"error: start: '31/02/2025' is not a valid date (day is out of range for month) @ {bad}"
        in err
    )
    assert "Traceback" not in err + out


def test_publish_md_html_and_ics(files: dict[str, Path]) -> None:
    """publish writes the weekly report and ics feeds that icalendar reads back."""
    code, out, _ = run(
        "rota", "publish", str(files["problem"]), str(files["rota"]), "--format", "md"
    )
    assert code == 0 and "# On-call rota Mon 3 Mar 2025 to Sun 9 Mar 2025" in out
    code, out, _ = run(
        "rota", "publish", str(files["problem"]), str(files["rota"]), "--format", "html"
    )
    assert code == 0 and "<html" in out
    code, out, _ = run(
        "rota",
        "publish",
        str(files["problem"]),
        str(files["rota"]),
        "--format",
        "ics",
        "--role",
        "ct-sio",
    )
    assert code == 0
    events = list(icalendar.Calendar.from_ical(out).walk("VEVENT"))
    assert events and all("On-call number: +447700900002" in str(e["DESCRIPTION"]) for e in events)
    feeds = files["folder"] / "feeds"
    code, _, err = run(
        "rota",
        "publish",
        str(files["problem"]),
        str(files["rota"]),
        "--format",
        "ics",
        "--out",
        str(feeds),
    )
    assert code == 0 and "feeds written" in err
    assert len(list((feeds / "roles").glob("*.ics"))) == 6
    code, _, err = run(
        "rota",
        "publish",
        str(files["problem"]),
        str(files["rota"]),
        "--format",
        "ics",
        "--person",
        "NOBODY",
    )
    assert code == 2 and "--person: 'NOBODY' is not on the staff list" in err


def test_repair_and_select(files: dict[str, Path], tmp_path: Path) -> None:
    """repair takes someone off, fills the gap and lists who to tell; select ranks people."""
    rota = json.loads(files["rota"].read_text())
    victim = rota["assignments"][5]
    out_rota = tmp_path / "repaired.json"
    code, out, err = run(
        "rota",
        "repair",
        str(files["problem"]),
        str(files["rota"]),
        "--remove",
        f"{victim['staff_id']}:{victim['day']}",
        "--out",
        str(out_rota),
        "--format",
        "json",
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["removed"][0]["staff_id"] == victim["staff_id"]
    assert any(n["who"] == victim["staff_id"] for n in report["notify"])
    repaired = json.loads(out_rota.read_text())
    assert repaired["changes"][-1]["kind"] == "repair"
    code, out, _ = run(
        "rota",
        "select",
        str(files["problem"]),
        str(files["rota"]),
        "--start",
        "05/03/2025 06:00",
        "--hours",
        "10",
        "-n",
        "12",
        "--qualification",
        "CT SIO",
        "--format",
        "json",
    )
    assert code == 0
    picked = json.loads(out)
    assert picked["shortfall"] == 12 - len(picked["chosen"])
    assert all(any("qualified (CT SIO)" in r for r in c["reasons"]) for c in picked["chosen"])
    assert all(c["reasons"] for c in picked["rejected"])
    code, out, _ = run(
        "rota",
        "select",
        str(files["problem"]),
        str(files["rota"]),
        "--start",
        "05/03/2025 06:00",
        "--hours",
        "10",
        "-n",
        "3",
        "--format",
        "json",
    )
    chosen = json.loads(out)["chosen"]
    assert code == 0 and len(chosen) == 3
    assert all("available" in c["reasons"] for c in chosen)
    code, _, err = run(
        "rota",
        "select",
        str(files["problem"]),
        str(files["rota"]),
        "--start",
        "30/03/2025 01:30",
        "--hours",
        "2",
    )
    assert code == 2 and "does not exist in Europe/London" in err
    code, out, err = run(
        "rota",
        "select",
        str(files["problem"]),
        str(files["rota"]),
        "--start",
        "05/03/2025 06:00",
        "--hours",
        "2",
        "--qualification",
        "CT SOI",
    )
    assert code == 2 and not out
    assert "qualification: unknown qualification 'CT SOI' (known: " in err and "CT SIO" in err


def test_swap_refused_is_a_clear_error(files: dict[str, Path]) -> None:
    """Swapping a shift nobody has is refused with one line, status 2."""
    code, _, err = run(
        "rota",
        "swap",
        str(files["problem"]),
        str(files["rota"]),
        "--a",
        "S001",
        "--day-a",
        "01/01/2030",
        "--b",
        "S002",
        "--day-b",
        "03/03/2025",
    )
    assert code == 2 and "has no shift on Tue 1 Jan 2030" in err


def test_build_with_an_iteration_budget_is_repeatable(files: dict[str, Path], tmp_path: Path) -> None:
    """`rota build --iterations N` stops after N moves: the same seed gives the same rota
    file twice, and a different seed is allowed to differ."""
    outs = []
    for k in range(2):
        out = tmp_path / f"r{k}.json"
        code, _, err = run(
            "rota", "build", str(files["problem"]), "--iterations", "3000", "--seed", "7",
            "--out", str(out),
        )
        assert code == 0 and "hard violations" in err
        outs.append(json.loads(out.read_text())["assignments"])
    assert outs[0] == outs[1]
    code, _, err = run("rota", "build", str(files["problem"]), "--iterations", "0")
    assert code == 2 and "--iterations" in err


def test_build_markdown_report(files: dict[str, Path], tmp_path: Path) -> None:
    """`rota build --format md` writes the rota to --out and prints the build report."""
    out = tmp_path / "r.json"
    code, text, _ = run(
        "rota",
        "build",
        str(files["problem"]),
        "--time-limit",
        "2",
        "--format",
        "md",
        "--out",
        str(out),
    )
    assert code == 0 and "# Rota build:" in text and "Balance" in text
    assert json.loads(out.read_text())["assignments"]
    code, _, err = run("rota", "build", str(files["problem"]), "--format", "md")
    assert code == 2 and "give --out" in err


def test_translate_benchmark(tmp_path: Path) -> None:
    """translate turns a SECTION_ file into a problem file that build accepts."""
    src = Path(__file__).parent / "data" / "tiny_benchmark.txt"
    out = tmp_path / "tiny.json"
    code, text, _ = run("rota", "translate", str(src), "--out", str(out))
    assert code == 0 and "5 staff, 2 shift types, 14 days" in text
    code, _, err = run("rota", "build", str(out), "--time-limit", "3", "--iterations", "5000")
    assert code == 0 and "hard violations 0" in err
