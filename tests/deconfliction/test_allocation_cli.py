"""`ctpse synth tasking`, `ctpse grid plan` (json/md/html, --save, --pinned) and the products."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.cli.deconflict import conflicts_product, grid_product
from ctpse_core.deconfliction.engine import deconflict
from ctpse_core.deconfliction.grid import publish
from ctpse_core.reports import render
from ctpse_core.storage.memory import MemoryStore
from ctpse_core.synthetic.deployments import SPRING_WEEK, synthetic_week
from ctpse_core.testing.security import add_user, seed_admin


@pytest.fixture(autouse=True)
def _cli_store(ctpse_cli_store: str) -> str:
    """Commands without --store run on a seeded store as its administrator (CTPSE_STORE, CTPSE_USER)."""
    return ctpse_cli_store


def _run(args: list[str]) -> str:
    result = CliRunner().invoke(make_cli(), args)
    assert result.exit_code == 0, result.output
    return result.stdout  # standard error says what --save stored


def test_plan_json_accounts_for_every_request(tmp_path: Path) -> None:
    """The synthetic requests file plans to JSON in which every request is either assigned to a
    team in the file or comes back with at least one reason; md and html carry the marking at
    top and bottom."""
    out = tmp_path / "tasking.json"
    _run(["synth", "tasking", "--count", "30", "--seed", "3", "--out", str(out)])
    data = json.loads(out.read_text())
    plan = json.loads(_run(["grid", "plan", str(out), "--format", "json"]))
    ids = {r["id"] for r in data["requests"]}
    teams = {t["id"] for t in data["teams"]}
    assigned = {a["request_id"] for a in plan["assignments"]}
    left = {u["request_id"] for u in plan["unallocated"]}
    assert assigned | left == ids and not assigned & left
    assert {a["team_id"] for a in plan["assignments"]} <= teams
    assert all(u["reasons"] for u in plan["unallocated"])
    assert plan["summary"]["coverage"] <= plan["summary"]["coverage_possible"]
    md = _run(["grid", "plan", str(out), "--format", "md"]).strip().splitlines()
    assert md[0] == md[-1] == "**SECRET**"
    html = _run(["grid", "plan", str(out), "--format", "html"])
    assert html.count('<div class="marking">SECRET</div>') == 2
    assert html.count("<li><strong>req-") == len(left)


def test_save_publish_amend_and_replan_pinned(tmp_path: Path) -> None:
    """Plan and save, publish version 1, amend one request's window, re-plan with --pinned 1:
    every unamended request keeps its team (pinned) and only the amended one may change."""
    store_url = f"sqlite:///{tmp_path / 'ctpse.db'}"
    seed_admin(store_url, "tester", "cato")
    out = tmp_path / "tasking.json"
    _run(["synth", "tasking", "--count", "24", "--seed", "5", "--out", str(out)])
    first = json.loads(_run(["--store", store_url, "grid", "plan", str(out), "--save", "--format", "json"]))
    _run(["--store", store_url, "grid", "publish", "--week", "24/03/2025", "--format", "json"])
    data = json.loads(out.read_text())
    before = {a["request_id"]: a["team_id"] for a in first["assignments"]}
    target = next(r for r in data["requests"] if r["id"] in before)
    target["end"] = target["start"]  # amended: now an empty window
    out.write_text(json.dumps(data))
    again = json.loads(
        _run(["--store", store_url, "grid", "plan", str(out), "--pinned", "1", "--format", "json"])
    )
    after = {a["request_id"]: a["team_id"] for a in again["assignments"]}
    assert again["summary"]["pinned"] == len(before) - 1
    for rid, team_id in before.items():
        if rid != target["id"]:
            assert after[rid] == team_id
    assert again["summary"]["coverage"] >= first["summary"]["coverage"]


def test_bad_requests_file_names_section_item_and_field(tmp_path: Path) -> None:
    """A bad requests file is reported one line per fault (file, section, item, field), no
    traceback; an unknown section is refused by name."""
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "requests": [
                    {"id": "r1", "operation_id": "op", "requested_by": "x", "start": "30/03/2025 09:00",
                     "end": "30/03/2025 08:00"},
                    {"id": "r2", "operation_id": "op", "requested_by": "x", "start": "30/03/2025 01:30",
                     "end": "30/03/2025 04:00"},
                ],
                "tems": [],
            }
        )
    )
    result = CliRunner().invoke(make_cli(), ["grid", "plan", str(bad)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert f"{bad}#requests[0]" in result.output and "end" in result.output
    assert f"{bad}#requests[1]" in result.output and "start" in result.output
    assert "tems" in result.output


def test_grid_and_conflict_templates(tmp_path: Path) -> None:
    """The grid renders as a teams x days table (every team a row, seven day columns, the
    version) and the conflict report lists each conflict's rule and deployments, in md and
    html, marked at top and bottom."""
    week = synthetic_week(40, seed=2)
    store = MemoryStore()
    add_user(store, "cato")
    with store.unit_of_work(user="cato") as uow:
        for t in week.teams:
            uow.teams.add(t)
        for d in week.deployments():
            uow.deployments.add(d)
        version = publish(uow, SPRING_WEEK, "cato")
        uow.commit()
    md = render(grid_product(version), "md")
    lines = md.strip().splitlines()
    assert lines[0] == lines[-1] == "**SECRET**"
    header = next(line for line in lines if line.startswith("| Team |"))
    assert header.count("|") == 9 and "Sun 30/03" in header
    assert sum(1 for line in lines if line.startswith("| SV-")) == len({e.team_id for e in version.entries})
    assert "Version 1" in md
    html = render(grid_product(version), "html")
    assert html.count('class="marking"') == 2 and html.count("<th>SV-") == len({e.team_id for e in version.entries})
    conflicts = deconflict(week.deployments(), week.teams)
    product = conflicts_product(conflicts, "Conflicts", 40)
    cmd = render(product, "md")
    assert cmd.count("\n## ") == len(conflicts)
    assert all(c.rule in cmd and c.deployment_ids[0] in cmd for c in conflicts)
    chtml = render(product, "html")
    assert chtml.count("<tr") - 1 - len(product.data()["summary"]) + 2 == len(conflicts)
