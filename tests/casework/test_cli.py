"""The casework commands end to end on synthetic data with known answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.synthetic.casework import FEED_FILES
from ctpse_core.testing.security import seed_admin


def _run(*args: str) -> Any:
    return CliRunner().invoke(make_cli(), ["--user", "dc", *args] if "--user" not in args else list(args),
                              catch_exceptions=False)


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """A store holding a synthetic region of 80 nominals, imported through the feeds."""
    folder = tmp_path_factory.mktemp("casework")
    url = f"sqlite:///{folder / 'store.sqlite'}"
    seed_admin(url, "dc")
    assert _run("synth", "casework", "--count", "80", "--seed", "3", "--out", str(folder / "data")).exit_code == 0
    for feed, name in FEED_FILES:
        result = _run("--store", url, "-q", "import", feed, str(folder / "data" / name))
        assert result.exit_code == 0, result.output
    return url, folder / "data"


def _json(url: str, *args: str) -> dict[str, Any]:
    result = _run("--store", url, *args, "--as-of", "16/03/2026", "--format", "json")
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


def test_lists_match_known_answers(region: tuple[str, Path]) -> None:
    """Overdue contacts, missed order deadlines, unprepared releases and overdue correspondence
    equal the generator's known answers."""
    url, data = region
    truth = json.loads((data / "truth.json").read_text())
    assert sorted(r["nominal_id"] for r in _json(url, "engagement", "overdue")["rows"]) == truth["overdue"]
    horizon = _json(url, "orders", "horizon")
    assert sorted(r["order_id"] for r in horizon["rows"] if r["state"] == "missed") == truth["missed_order_deadlines"]
    assert sorted(r["nominal_id"] for r in horizon["release_unprepared"]) == truth["release_unprepared"]
    overdue = _json(url, "correspondence", "overdue")["rows"]
    assert sorted(r["id"] for r in overdue) == truth["correspondence_overdue"]
    flagged = _json(url, "engagement", "caseload")["flagged"]
    assert sorted(f["nominal_id"] for f in flagged if f["reason"] == "no contact plan") == truth["no_plan"]


@pytest.mark.parametrize("args", [
    ("engagement", "due"), ("engagement", "compliance", "--by", "force"), ("engagement", "schedule"),
    ("pathways", "due"), ("pathways", "unmapped"), ("pathways", "list"), ("orders", "dates"),
    ("correspondence", "log"), ("correspondence", "due"), ("correspondence", "response-times"), ("data-quality",),
])
def test_every_list_is_marked_in_each_format(region: tuple[str, Path], args: tuple[str, ...]) -> None:
    """Each list runs as of a date in json, csv, md and html, carrying the data's marking."""
    url, _data = region
    for fmt in ("json", "csv", "md", "html"):
        result = _run("--store", url, *args, "--as-of", "2026-03-16", "--format", fmt)
        assert result.exit_code == 0, result.output
        assert "OFFICIAL-SENSITIVE" in result.output


def test_schedule_respects_leave(region: tuple[str, Path]) -> None:
    """No proposed contact falls on a day its manager is on leave (staff leave feed)."""
    import csv

    url, data = region
    with (data / "leave.csv").open() as handle:
        leave = list(csv.DictReader(handle))
    rows = _json(url, "engagement", "schedule", "--weeks", "3")["rows"]
    assert rows
    for item in leave:
        assert not [r for r in rows if r["manager"] == item["Staff No"]
                    and item["First Day"] <= r["day"] <= item["Last Day"]]


def test_record_contact_then_not_overdue(region: tuple[str, Path], tmp_path: Path) -> None:
    """Recording a contact today takes the nominal off the overdue list."""
    url, data = region
    truth = json.loads((data / "truth.json").read_text())
    who = truth["overdue"][0]
    result = _run("--store", url, "--user", "dc", "engagement", "record", who, "--manager", "NM01",
                  "--done", "16/03/2026 09:30", "--method", "home-visit")
    assert result.exit_code == 0, result.output
    rows = _json(url, "engagement", "overdue")["rows"]
    assert who not in [r["nominal_id"] for r in rows]


@pytest.mark.parametrize(("args", "words"), [
    (("engagement", "due", "--as-of", "31/02/2026"), "not a valid date"),
    (("engagement", "compliance", "--period", "2026-13"), "not a period"),
    (("engagement", "record", "NOPE", "--manager", "NM01", "--done", "16/03/2026 10:00"), "no nominal 'NOPE'"),
])
def test_bad_input_is_one_error_line(region: tuple[str, Path], args: tuple[str, ...], words: str) -> None:
    """A bad date, period or unknown nominal is a one-line error with exit status 2, no traceback."""
    url, _data = region
    result = CliRunner().invoke(make_cli(), ["--store", url, "--user", "dc", *args])
    assert result.exit_code == 2 and words in result.output and "Traceback" not in result.output


def test_bad_policy_override(region: tuple[str, Path], tmp_path: Path) -> None:
    """An override with a non-positive interval is an error naming the field, exit 2."""
    url, _data = region
    bad = tmp_path / "policy.toml"
    bad.write_text('[intervals.licence]\n"1" = 0\n')
    result = CliRunner().invoke(make_cli(), ["--store", url, "--user", "dc", "engagement", "due", "--config", str(bad)])
    assert result.exit_code == 2 and "intervals.licence.1" in result.output


def test_force_override_tightens_interval(region: tuple[str, Path], tmp_path: Path) -> None:
    """A force override of every interval to 1 day makes nearly everyone in that force overdue."""
    url, _data = region
    override = tmp_path / "policy.toml"
    override.write_text("".join(f'[forces."Kent".intervals.{s}]\n"1" = 1\n"2" = 1\n"3" = 1\n"4" = 1\n'
                                for s in ("licence", "community", "custody", "remand")))
    base = _json(url, "engagement", "overdue")["rows"]
    result = _run("--store", url, "engagement", "overdue", "--as-of", "16/03/2026", "--format", "json",
                  "--config", str(override))
    tight = json.loads(result.output)["rows"]
    assert len([r for r in tight if r["force"] == "Kent"]) > len([r for r in base if r["force"] == "Kent"])
    assert all(r["every_days"] == 1 for r in tight if r["force"] == "Kent")
