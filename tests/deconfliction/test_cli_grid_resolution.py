"""The CLI, grid versions and diffs, resolutions and notices, end to end on a memory store."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.deconfliction.grid import diff, london_days, publish
from ctpse_core.deconfliction.model import Conflict, Severity
from ctpse_core.deconfliction.resolution import Decision, notices, resolve
from ctpse_core.domain.common import LONDON, UTC
from ctpse_core.domain.surveillance import Deployment, Operation, Team
from ctpse_core.errors import InputError
from ctpse_core.storage.memory import MemoryStore
from ctpse_core.testing.security import add_user


@pytest.fixture(autouse=True)
def _cli_store(ctpse_cli_store: str) -> str:
    """Commands without --store run on a seeded store as its administrator (CTPSE_STORE, CTPSE_USER)."""
    return ctpse_cli_store


def test_deconflict_json_names_rule_and_ids(tmp_path: Path) -> None:
    """`ctpse synth deployments` then `ctpse deconflict --format json` prints one object whose
    conflicts each name a rule and the deployment IDs, all of which are in the file."""
    runner = CliRunner()
    out = tmp_path / "d.json"
    r = runner.invoke(
        make_cli(), ["synth", "deployments", "--count", "60", "--seed", "4", "--out", str(out)]
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        make_cli(), ["deconflict", str(out), "--format", "json"]
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)  # standard error carries the one-line warning (no teams stored)
    ids = {d["id"] for d in json.loads(out.read_text())}
    assert data["conflicts"]
    for c in data["conflicts"]:
        assert c["rule"] and set(c["deployment_ids"]) <= ids


def test_bad_file_names_item_field_and_reason(tmp_path: Path) -> None:
    """A bad deployment file gives error lines naming file, item index, field and reason."""
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            [
                {
                    "id": "d1",
                    "operation_id": "op",
                    "team_id": "t",
                    "start": "2025-03-30T09:00:00+01:00",
                    "end": "yesterday",
                }
            ]
        )
    )
    r = CliRunner().invoke(make_cli(), ["deconflict", str(bad)])
    assert r.exit_code == 2
    assert "end" in r.output and f"{bad}[0]" in r.output and "Traceback" not in r.output


def _dep(
    i: str,
    team: str,
    start: dt.datetime,
    hours: int,
    op: str = "op-a",
    subjects: tuple[str, ...] = (),
) -> Deployment:
    return Deployment(
        id=i,
        operation_id=op,
        team_id=team,
        start=start,
        end=start + dt.timedelta(hours=hours),
        subject_ids=subjects,
    )


def test_grid_versions_and_diff_tell_the_right_people() -> None:
    """Publishing twice numbers versions 1 and 2; the diff lists the moved deployment and tells
    both team leaders, CTPOR, R&A (subjects) and NCTPOC (national priority)."""
    store = MemoryStore()
    add_user(store, "cato")
    week = dt.date(2025, 3, 24)
    start = dt.datetime(2025, 3, 29, 22, tzinfo=LONDON)  # crosses the clock-change midnight
    with store.unit_of_work(user="cato") as uow:
        uow.teams.add(Team(id="SV-ALPHA", name="Alpha", capacity=8, leader="DS Ada Fictional"))
        uow.teams.add(Team(id="SV-BRAVO", name="Bravo", capacity=8, leader="DS Ben Example"))
        uow.operations.add(
            Operation(id="op-a", name="Op EXAMPLE-ORCHID", sio="DCI Sample", national_priority=True)
        )
        uow.deployments.add(_dep("d1", "SV-ALPHA", start, 8, subjects=("subj-1",)))
        uow.deployments.add(_dep("d2", "SV-BRAVO", start, 2))
        v1 = publish(uow, week, "cato")
        uow.commit()
    with store.unit_of_work(user="cato") as uow:  # the amendment
        d1 = uow.deployments.get("d1")
        uow.deployments.update(attrs.evolve(d1, team_id="SV-BRAVO"))
        v2 = publish(uow, week, "cato")
        teams = {t.id: t for t in uow.teams.list()}
        uow.commit()
    assert (v1.number, v2.number) == (1, 2)
    assert {e.day for e in v1.entries if e.deployment_id == "d1"} == {
        dt.date(2025, 3, 29),
        dt.date(2025, 3, 30),
    }
    changes = diff(v1, v2, teams)
    assert [c.deployment_id for c in changes] == ["d1"]
    tell = changes[0].tell
    assert "Team leader SV-ALPHA (DS Ada Fictional)" in tell
    assert "Team leader SV-BRAVO (DS Ben Example)" in tell
    assert {"Operations room (CTPOR)", "Research & Analysis", "NCTPOC Mobilisation Desk"} <= set(
        tell
    )


def test_london_days_of_a_cross_midnight_window() -> None:
    """22:00-06:00 is on two London days; ending exactly at midnight is on one."""
    s = dt.datetime(2025, 10, 25, 22, tzinfo=LONDON)
    assert london_days(s, s + dt.timedelta(hours=9)) == [
        dt.date(2025, 10, 25),
        dt.date(2025, 10, 26),
    ]
    assert london_days(s, dt.datetime(2025, 10, 26, 0, tzinfo=LONDON)) == [dt.date(2025, 10, 25)]


def _conflict(hard: bool) -> Conflict:
    t = dt.datetime(2025, 3, 30, 9, tzinfo=UTC)
    return Conflict(
        rule="team-double-booking" if hard else "proximity",
        deployment_ids=("d1", "d2"),
        start=t,
        end=t + dt.timedelta(hours=1),
        why="x",
        severity=Severity.HARD if hard else Severity.MEDIUM,
        hard=hard,
    )


def test_override_of_hard_rule_needs_justification_and_is_recorded() -> None:
    """Proceeding despite a hard rule without a justification is refused; with one it is
    stored as an override with who and when, and audited."""
    store = MemoryStore()
    add_user(store, "cato")
    with store.unit_of_work(user="cato") as uow:
        with pytest.raises(InputError, match="justification"):
            resolve(uow, _conflict(True), Decision.PROCEED, "  ", "cato")
        rec = resolve(uow, _conflict(True), Decision.PROCEED, "SIO accepts the risk", "cato")
        soft = resolve(uow, _conflict(False), Decision.DELAY, "", "cato")
        uow.commit()
    assert rec.override and rec.decided_by == "cato" and rec.justification
    assert not soft.override
    assert [e.action for e in store.audit if e.collection == "conflict_resolutions"] == ["override", "decision"]


def test_notice_reveals_only_existence_and_contact() -> None:
    """Each party's notice names its own deployment and whom to call, never the other plan."""
    t = dt.datetime(2025, 3, 30, 9, tzinfo=UTC)
    d1 = _dep("d1", "SV-ALPHA", t, 4, op="op-a", subjects=("subj-secret",))
    d2 = _dep("d2", "SV-BRAVO", t, 4, op="op-b")
    ops = {
        "op-a": Operation(
            id="op-a", name="Op EXAMPLE-ORCHID", sio="DCI A", contact="+447700900001"
        ),
        "op-b": Operation(id="op-b", name="Op EXAMPLE-HERON", sio="DCI B", contact="+447700900002"),
    }
    conflict = attrs.evolve(_conflict(False), rule="subject-clash")
    sent = {n.to_operation: n.text for n in notices(conflict, {"d1": d1, "d2": d2}, ops)}
    assert "+447700900002" in sent["op-a"] and "d2" not in sent["op-a"]
    assert "+447700900001" in sent["op-b"] and "d1" not in sent["op-b"]
    assert "subj-secret" not in sent["op-b"] and "ORCHID" not in sent["op-b"]


def test_demo_step_writes_grid_and_conflicts(tmp_path: Path) -> None:
    """The demo step allocates the week's requests (none in a hard conflict), stores the week,
    publishes grid version 1 and writes allocation, conflicts and grid in md and html."""
    from ctpse_core.deconfliction.demo import run_demo_step
    from ctpse_core.demo import DemoContext, ensure_demo_user

    ctx = DemoContext(store=MemoryStore(), out=tmp_path, scale=300)
    ensure_demo_user(ctx.store, ctx.user)
    lines = run_demo_step(ctx)
    assert any("grid version 1" in line for line in lines)
    names = {p.name for p in (tmp_path / "deconfliction").iterdir()}
    assert {"conflicts.md", "conflicts.html", "grid-v1.md", "grid-v1.html", "allocation.md", "allocation.html"} <= names
    assert any("none involving allocated requests" in line for line in lines)
    assert "| SV-ALPHA (" in (tmp_path / "deconfliction" / "grid-v1.md").read_text()
