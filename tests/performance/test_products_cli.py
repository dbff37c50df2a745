"""The dashboard (chart read back from the SVG), the national return, a plugin's KPI, and the
``ctpse kpi`` / ``meeting`` / ``actions`` commands, bad input included."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from kpi_kit import USER, add, at

from ctpse_core.cli import make_cli
from ctpse_core.domain import Action, ActionStatus, Correspondence
from ctpse_core.performance import (
    NATIONAL_RETURN_COLUMNS,
    KpiDashboard,
    NationalReturn,
    compute_kpis,
    load_kpis,
    parse_kpis,
)
from ctpse_core.reports import render
from ctpse_core.testing.security import seed_admin

D = dt.date


def _actions() -> list[Action]:
    """Per month Jan-Apr 2026: two actions due, closed on time in 0, 1, 2, 1 of them."""
    out = []
    for month, on_time in zip((1, 2, 3, 4), (0, 1, 2, 1), strict=True):
        for k in range(2):
            due = D(2026, month, 10 + k)
            done = due if k < on_time else due + dt.timedelta(days=3)
            out.append(Action(id=f"A{month}{k}", description="x", owner="X", due_on=due,
                              status=ActionStatus.DONE, completed_on=done))
    return out


def _svg_texts(uri: str) -> list[str]:
    svg = base64.b64decode(uri.split(",", 1)[1]).decode()
    root = ET.fromstring(svg)
    return ["".join(t.itertext()).strip() for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_dashboard_chart_carries_every_value(store: Any) -> None:
    """The trend chart (matplotlib SVG, text kept as text) shows each month's figure and the target,
    and the same figures give the same bytes."""
    add(store, "actions", *_actions())
    kpis = [k for k in load_kpis() if k.name == "actions-closed-on-time"]
    with store.unit_of_work(user=USER) as uow:
        board = compute_kpis(uow, kpis, D(2026, 4, 30), history=4, save=False)
    data = KpiDashboard(board).data()
    texts = _svg_texts(data["charts"]["actions-closed-on-time"])
    for label in ("0%", "50%", "100%", "Jan 2026", "Apr 2026"):
        assert label in texts
    assert data["kpis"][0]["history"] == [0.0, 50.0, 100.0, 50.0]
    assert data["kpis"][0]["trend"] == "worse" and data["kpis"][0]["rag"] == "red"
    assert KpiDashboard(board).data()["charts"] == data["charts"]
    html = render(KpiDashboard(board), "html")
    assert html.count("OFFICIAL") >= 2 and "data:image/svg+xml;base64," in html


def test_national_return_fixed_columns(store: Any) -> None:
    """The return has exactly the fixed columns, one row per national-return KPI, marked first and last."""
    add(store, "actions", *_actions())
    with store.unit_of_work(user=USER) as uow:
        board = compute_kpis(uow, load_kpis(), D(2026, 4, 30), history=2, save=False)
    text = render(NationalReturn(board), "csv")
    lines = text.splitlines()
    assert lines[0] == "# OFFICIAL" and lines[-1] == "# OFFICIAL"
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:-1]))))
    assert tuple(rows[0]) == NATIONAL_RETURN_COLUMNS
    assert {r["kpi"] for r in rows} == {k.name for k in load_kpis() if k.national_return}


def test_plugin_metric_appears_in_the_dashboard(store: Any, tmp_path: Path) -> None:
    """The example plugin's metric, registered through ``ctpse_register_kpi_metrics`` and named in
    a force's KPI file, is computed and shown like a built-in one."""
    file = tmp_path / "force-kpis.toml"
    file.write_text('[[kpi]]\nname = "open-mail"\ntitle = "Open correspondence"\n'
                    'metric = "example-open-correspondence"\ntarget = 0\ntolerance = 2\ndirection = "lower"\n',
                    encoding="utf-8")
    add(store, "correspondence", *[
        Correspondence(id=f"K{i}", partner="Probation", subject="s", received_at=at(D(2026, 4, i + 1)))
        for i in range(3)])
    kpis = load_kpis(file)
    assert kpis[-1].name == "open-mail" and len(kpis) == len(load_kpis()) + 1
    with store.unit_of_work(user=USER) as uow:
        board = compute_kpis(uow, kpis, D(2026, 4, 30), history=2, save=False)
    line = next(x for x in board.lines if x.kpi.name == "open-mail")
    assert (line.value, line.rag) == (3.0, "red")
    assert "Open correspondence" in render(KpiDashboard(board), "html")


def test_bad_kpi_file_names_file_kpi_and_field() -> None:
    """Every fault in a KPI file is reported at once: unknown metric, bad direction, unknown setting."""
    data = {"kpi": [{"name": "a", "title": "A", "metric": "no-such", "target": 1},
                    {"name": "b", "title": "B", "metric": "actions-overdue", "target": 1, "direction": "up"}],
            "colour": "red"}
    with pytest.raises(Exception) as info:
        parse_kpis(data, "force.toml")
    text = str(info.value)
    assert "force.toml: kpi[0] (a)" in text and "unknown KPI metric 'no-such'" in text
    assert "direction" in text and "'up' is not one of higher, lower" in text
    assert "colour: unknown setting" in text


def _run(args: list[str], store_url: str) -> Any:
    seed_admin(store_url, USER)
    return CliRunner().invoke(make_cli(), ["--store", store_url, "--user", USER, "-q", *args])


def test_commands_end_to_end(tmp_path: Path) -> None:
    """Add, close, reopen and chase actions; build and record an agenda; compute the dashboard and
    the return; explain a snapshot - all through the command line on one SQLite store."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    added = _run(["actions", "add", "--description", "Chase OMU", "--owner", "DS Testperson",
                  "--due", "2026-01-05"], url)
    assert added.exit_code == 0, added.output
    assert _run(["actions", "close", "ACT-0001", "--on", "2026-01-07"], url).exit_code == 0
    reopened = _run(["actions", "reopen", "ACT-0001", "--reason", "not confirmed"], url)
    assert reopened.exit_code == 0, reopened.output
    chased = _run(["actions", "chase", "--as-of", "2026-01-20", "--format", "json"], url)
    assert json.loads(chased.output)["by_owner"]["DS Testperson"][0]["days_overdue"] == 15
    agenda = _run(["meeting", "agenda", "nm-ttcg", "--date", "2026-01-20", "--record", "--format", "json"], url)
    assert agenda.exit_code == 0, agenda.output
    assert "ACT-0001" in json.dumps(json.loads(agenda.output.split("\n", 1)[1])["sections"]["Overdue actions"])
    out = tmp_path / "dash.html"
    dash = _run(["kpi", "dashboard", "--as-of", "2026-01-31", "--format", "html", "--out", str(out)], url)
    assert dash.exit_code == 0, dash.output
    assert "Meeting actions overdue" in out.read_text(encoding="utf-8")
    ret = _run(["kpi", "return", "--as-of", "2026-01-31"], url)
    assert ret.output.splitlines()[1].startswith("region,period_kind")
    snapshot = next(line.split()[0] for line in _run(["kpi", "snapshots", "--kpi", "actions-overdue"], url)
                    .output.splitlines() if ":region:" in line)
    explained = json.loads(_run(["kpi", "explain", snapshot], url).output)
    assert explained["value"] == 1 and explained["evidence"] == [{"item": "ACT-0001", "counted": 1.0}]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["meeting", "agenda", "no-such-meeting"], "unknown meeting type 'no-such-meeting'"),
        (["actions", "add", "--description", "x", "--owner", "y", "--due", "31/02/2026"], "is not a date"),
        (["actions", "add", "--description", "x", "--owner", "y", "--due", "2026-01-01", "--marking", "TOPSECRET"],
         "--marking"),
        (["actions", "reopen", "ACT-0001", "--reason", "r"], "no action 'ACT-0001'"),
        (["kpi", "explain", "kpi:none"], "no KPI snapshot 'kpi:none'"),
        (["meeting", "minute", "MTG-x", "--item", "1", "--note", "n"], "no meeting 'MTG-x'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    """A user's mistake is named on one line with exit status 2, never a traceback."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    assert _run(["db", "init"], url).exit_code == 0
    result = _run(args, url)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert message in result.output
