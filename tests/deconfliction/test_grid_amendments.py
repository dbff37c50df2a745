"""Every grid amendment is recorded and told: each field an affected party acts on makes a new
grid version with a diff line and who must be told; the diff says what changed; a deployment
that left the week says where it went; re-planning reports cancellations; grid cells show what
a reader acts on; ``deconflict --notices`` writes one need-to-know notice per party."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.testing.security import seed_admin

BASE: dict[str, Any] = {
    "id": "dep-0001",
    "operation_id": "op-heron",
    "team_id": "SV-ALPHA",
    "start": "25/03/2025 06:15",
    "end": "25/03/2025 18:15",
    "officers": 4,
    "location": {"lat": 51.455, "lon": -0.975, "radius_m": 300, "name": "Fictonbury retail park"},
    "staff_ids": ["staff-0001"],
    "subject_ids": ["subj-0001"],
    "status": "planned",
}
SETUP = {
    "requests": [],
    "teams": [{"id": "SV-ALPHA", "name": "Alpha", "capacity": 8, "leader": "DS Ada Fictional"},
              {"id": "SV-BRAVO", "name": "Bravo", "capacity": 8, "leader": "DS Ben Example"}],
    "operations": [{"id": "op-heron", "name": "Op EXAMPLE-HERON", "sio": "DCI Dev Sample", "contact": "0000 111 222"},
                   {"id": "op-rowan", "name": "Op EXAMPLE-ROWAN", "sio": "DCI Cara Sample", "contact": "0000 333 444"}],
}


def _run(url: str, *args: str) -> Any:
    if not url.startswith("memory:"):
        seed_admin(url, "cato")  # --user must be a user of the store
    return CliRunner().invoke(make_cli(), ["--store", url, "--user", "cato", *args])


def _save(url: str, tmp_path: Path, items: list[dict[str, Any]]) -> None:
    path = tmp_path / "week.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    result = _run(url, "deconflict", str(path), "--save")
    assert result.exit_code == 0, result.output


def _store(tmp_path: Path) -> str:
    """A store with teams and operations (saved the way `grid plan --save` saves them)."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    setup = tmp_path / "setup.json"
    setup.write_text(json.dumps(SETUP), encoding="utf-8")
    assert _run(url, "grid", "plan", str(setup), "--save").exit_code == 0
    return url


def _amended(**changes: Any) -> dict[str, Any]:
    item = copy.deepcopy(BASE)
    item.update(changes)
    return item


AMENDMENTS = {
    "a 22 km move": ({"location": {"lat": 51.655, "lon": -0.975, "radius_m": 300, "name": "Fictonbury retail park"}},
                     "place: Fictonbury retail park (51.45500"),
    "a radius change": ({"location": {"lat": 51.455, "lon": -0.975, "radius_m": 800, "name": "Fictonbury retail park"}},
                        "radius 800 m"),
    "other named officers": ({"staff_ids": ["staff-0002"]}, "named officers: staff-0001 -> staff-0002"),
    "planned -> confirmed": ({"status": "confirmed"}, "status: planned -> confirmed"),
    "a subject-only change": ({"subject_ids": ["subj-0001", "subj-0002"]},
                              "subjects: subj-0001 -> subj-0001, subj-0002"),
}


@pytest.mark.parametrize("name", list(AMENDMENTS))
def test_each_amendment_publishes_a_new_version_with_a_diff_line_and_who_to_tell(tmp_path: Path, name: str) -> None:
    """`deconflict --save` of the amendment then `grid publish` publishes version 2 (not "no
    change"), says what changed and who must be told; `grid diff 1 2` shows the same change
    with different before and after lines."""
    changes, expected = AMENDMENTS[name]
    url = _store(tmp_path)
    _save(url, tmp_path, [BASE])
    assert _run(url, "grid", "publish", "--week", "24/03/2025").exit_code == 0
    _save(url, tmp_path, [_amended(**changes)])
    published = _run(url, "grid", "publish", "--week", "24/03/2025", "--format", "json")
    assert published.exit_code == 0, published.output
    assert "no change" not in published.stderr
    assert json.loads(published.stdout)["version"] == 2
    lines = published.stderr.splitlines()
    assert lines[0] == "published version 2: 1 change(s) since version 1"
    assert lines[1].startswith("changed dep-0001 (") and expected in lines[1]
    assert lines[1].endswith(
        "tell Team leader SV-ALPHA (DS Ada Fictional), Operations room (CTPOR), Research & Analysis"
    )
    shown = _run(url, "grid", "diff", "1", "2", "--week", "24/03/2025", "--format", "json")
    (change,) = json.loads(shown.stdout)["changes"]
    assert change["kind"] == "changed" and change["before"] != change["after"]
    assert any(expected in w for w in change["what"])


def test_a_deployment_moved_out_of_the_week_reads_moved_to(tmp_path: Path) -> None:
    """Moving a deployment to the next week: the diff says "moved to ..." with its new team and
    times (and tells the new team's leader), not "removed"; a cancelled one reads "cancelled"."""
    url = _store(tmp_path)
    other = _amended(id="dep-0002", start="26/03/2025 06:15", end="26/03/2025 10:15")
    _save(url, tmp_path, [BASE, other])
    assert _run(url, "grid", "publish", "--week", "24/03/2025").exit_code == 0
    moved = _amended(team_id="SV-BRAVO", start="01/04/2025 06:15", end="01/04/2025 18:15")
    _save(url, tmp_path, [moved, _amended(id="dep-0002", start="26/03/2025 06:15", end="26/03/2025 10:15",
                                          status="cancelled")])
    published = _run(url, "grid", "publish", "--week", "24/03/2025", "--force")
    assert published.exit_code == 0, published.output
    shown = _run(url, "grid", "diff", "1", "2", "--week", "24/03/2025", "--format", "json")
    changes = {c["deployment_id"]: c for c in json.loads(shown.stdout)["changes"]}
    assert changes["dep-0001"]["kind"] == "moved"
    assert changes["dep-0001"]["after"] == "moved to SV-BRAVO Tue 01/04/2025 06:15 BST to Tue 01/04/2025 18:15 BST"
    assert "Team leader SV-BRAVO (DS Ben Example)" in changes["dep-0001"]["tell"]
    assert changes["dep-0002"]["kind"] == "cancelled"
    md = _run(url, "grid", "diff", "1", "2", "--week", "24/03/2025", "--format", "md").stdout
    assert "removed" not in md and "moved to SV-BRAVO" in md


def test_grid_cells_show_what_a_reader_acts_on_with_one_id(tmp_path: Path) -> None:
    """A grid cell gives the times, the operation's name, the place's name, the officers and
    the deployment's ID once (no operation ID beside it); team rows name the team and leader."""
    url = _store(tmp_path)
    _save(url, tmp_path, [BASE])
    published = _run(url, "grid", "publish", "--week", "24/03/2025", "--format", "json")
    data = json.loads(published.stdout)
    (cell,) = data["grid"]["SV-ALPHA"]["Tue 25/03"]
    assert cell == (
        "06:15-18:15 Op EXAMPLE-HERON, Fictonbury retail park (51.45500, -0.97500, radius 300 m), "
        "4 officers [dep-0001]"
    )
    assert "op-heron" not in cell
    assert data["team_labels"]["SV-ALPHA"] == "SV-ALPHA (Alpha, DS Ada Fictional)"


def test_replanning_with_pins_reports_the_requests_it_cancelled(tmp_path: Path) -> None:
    """`grid plan --pinned 1 --save` after a request can no longer be met (it now needs more
    officers than any team has) cancels its stored deployment and says so on standard error."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    request = {"id": "req-0001", "operation_id": "op-heron", "requested_by": "DCI Dev Sample",
               "start": "25/03/2025 06:15", "end": "25/03/2025 18:15", "officers": 4, "skills": []}
    plan = {**SETUP, "requests": [request]}
    path = tmp_path / "tasking.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    assert _run(url, "grid", "plan", str(path), "--save").exit_code == 0
    assert _run(url, "grid", "publish", "--week", "24/03/2025").exit_code == 0
    path.write_text(json.dumps({**plan, "requests": [{**request, "officers": 12}]}), encoding="utf-8")
    again = _run(url, "grid", "plan", str(path), "--pinned", "1", "--save")
    assert again.exit_code == 0, again.output
    cancelled = [line for line in again.stderr.splitlines() if line.startswith("cancelled deployments")]
    assert cancelled == [
        "cancelled deployments: 1: alloc-req-0001 (request req-0001, team SV-ALPHA: no longer allocated)"
    ]


def test_deconflict_notices_writes_one_need_to_know_notice_per_party(tmp_path: Path) -> None:
    """`ctpse deconflict FILE --notices DIR` writes one notice per operation in a conflict:
    its own deployment, the rule, the time and whom to call, marked at top and bottom, and
    nothing of the other operation's plan (its deployment, place, subjects or name)."""
    url = _store(tmp_path)
    rowan = _amended(id="dep-0002", operation_id="op-rowan", team_id="SV-BRAVO", staff_ids=[],
                     location={"lat": 51.4551, "lon": -0.9751, "radius_m": 100, "name": "Sampleton marina"})
    path = tmp_path / "week.json"
    path.write_text(json.dumps([BASE, rowan]), encoding="utf-8")
    out = tmp_path / "notices"
    result = _run(url, "deconflict", str(path), "--notices", str(out))
    assert result.exit_code == 0, result.output
    assert "notices: 2 written to" in result.stderr
    files = sorted(p.name for p in out.iterdir())
    assert files == ["notice-op-heron.md", "notice-op-rowan.md"]
    heron = (out / "notice-op-heron.md").read_text(encoding="utf-8")
    assert heron.startswith("SECRET") and heron.rstrip().endswith("SECRET")
    assert "dep-0001" in heron and "0000 333 444" in heron
    for secret in ("dep-0002", "Sampleton", "EXAMPLE-ROWAN", "op-rowan"):
        assert secret not in heron
    rowan_text = (out / "notice-op-rowan.md").read_text(encoding="utf-8")
    assert "dep-0002" in rowan_text and "0000 111 222" in rowan_text and "dep-0001" not in rowan_text


def test_a_reader_without_the_operations_clearance_sees_neither_its_name_nor_its_id() -> None:
    """Grid cells name the operation only where the reader's clearance reaches the
    operation's marking: a SECRET reader sees "Op EXAMPLE-HERON", an OFFICIAL-SENSITIVE one
    sees "operation withheld" (not the operation's ID: a cell carries one ID, the
    deployment's); with no clearance known (no principal on the unit of work) the name."""
    import datetime as dt
    import re

    from ctpse_core.cli.deconflict import grid_product
    from ctpse_core.deconfliction.grid import GridVersion, build_entries
    from ctpse_core.domain.common import UTC
    from ctpse_core.domain.marking import Marking
    from ctpse_core.domain.surveillance import Deployment, Operation

    op = Operation(id="op-heron", name="Op EXAMPLE-HERON", sio="DCI Dev Sample", marking=Marking.parse("SECRET"))
    d = Deployment(id="dep-0001", operation_id="op-heron", team_id="SV-ALPHA",
                   start=dt.datetime(2025, 3, 25, 6, tzinfo=UTC), end=dt.datetime(2025, 3, 25, 9, tzinfo=UTC))
    week = dt.date(2025, 3, 24)
    version = GridVersion(id="g", week=week, number=1, published_by="cato",
                          entries=build_entries([d], week, {op.id: op}))

    def cell(clearance: Marking | None) -> str:
        text: str = grid_product(version, {op.id: op}, None, clearance).data()["grid"]["SV-ALPHA"]["Tue 25/03"][0]
        return text

    assert "Op EXAMPLE-HERON" in cell(Marking.parse("SECRET"))
    assert "Op EXAMPLE-HERON" in cell(None)
    hidden = cell(Marking.parse("OFFICIAL-SENSITIVE"))
    assert "operation withheld" in hidden and "HERON" not in hidden.upper().replace("OPERATION", "")
    assert "op-heron" not in hidden
    assert re.findall(r"[a-z]+-[a-z0-9-]*\d", hidden) == ["dep-0001"]  # one ID in the cell


def test_the_regional_grid_report_cells_are_the_grid_cells(tmp_path: Path) -> None:
    """`ctpse report regional-grid` shows the same cell lines as `grid publish` (what a reader
    acts on, one ID), not "dep-0001 op-heron 06:15-18:15"; a reader without the operation's
    clearance sees it withheld there too, in the cell and the entries' operation name."""
    import attrs

    from ctpse_core.domain.marking import Marking
    from ctpse_core.security.principal import Role
    from ctpse_core.storage import open_store
    from ctpse_core.testing.security import add_user

    url = _store(tmp_path)
    _save(url, tmp_path, [BASE])
    published = _run(url, "grid", "publish", "--week", "24/03/2025", "--format", "json")
    (want,) = json.loads(published.stdout)["grid"]["SV-ALPHA"]["Tue 25/03"]

    def report_of(user: str) -> dict[str, Any]:
        result = CliRunner().invoke(make_cli(), ["--store", url, "--user", user, "report", "regional-grid",
                                                 "--as-of", "24/03/2025", "--format", "json"])
        assert result.exit_code == 0, result.output
        blocks = {b.get("name"): b for sec in json.loads(result.stdout)["sections"] for b in sec["blocks"]}
        return blocks

    blocks = report_of("cato")
    (alpha,) = [r for r in blocks["Grid"]["rows"] if r["team"] == "SV-ALPHA"]
    assert alpha["d1"] == want
    assert "op-heron" not in alpha["d1"] and alpha["d1"].endswith("[dep-0001]")
    store = open_store(url)
    try:  # the operation is now TOP SECRET; a tasking officer cleared to SECRET reads the grid
        with store.unit_of_work(user="cato") as uow:
            uow.operations.update(attrs.evolve(uow.operations.get("op-heron"), marking=Marking.parse("TOP SECRET")))
            uow.commit()
        add_user(store, "analyst", roles=(Role.TASKING_OFFICER,), clearance=Marking.parse("SECRET"))
    finally:
        store.close()
    blocks = report_of("analyst")
    (alpha,) = [r for r in blocks["Grid"]["rows"] if r["team"] == "SV-ALPHA"]
    assert alpha["d1"] == want.replace("Op EXAMPLE-HERON", "operation withheld")
    assert [e["operation_name"] for e in blocks["Entries"]["rows"]] == ["operation withheld"]
