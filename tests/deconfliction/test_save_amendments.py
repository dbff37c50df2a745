"""``ctpse deconflict FILE --save`` stores amendments: same ID updated, not failed or duplicated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.deconfliction.amend import save_deployments
from ctpse_core.deconfliction.files import load_deployments
from ctpse_core.errors import ConflictError
from ctpse_core.storage import open_store
from ctpse_core.testing.security import SYSTEM, seed_admin


@pytest.fixture(autouse=True)
def _cli_store(ctpse_cli_store: str) -> str:
    """Commands without --store run on a seeded store as its administrator (CTPSE_STORE, CTPSE_USER)."""
    return ctpse_cli_store


def _item(i: str, start: str = "2025-03-30T09:00:00+01:00", end: str = "2025-03-30T17:00:00+01:00",
          team: str = "SV-ALPHA", **extra: Any) -> dict[str, Any]:
    return {"id": i, "operation_id": "op-a", "team_id": team, "start": start, "end": end,
            "location": {"lat": 51.45, "lon": -0.97, "radius_m": 300}, **extra}


def _save(url: str, path: Path) -> Any:
    return CliRunner().invoke(make_cli(), ["--store", url, "deconflict", str(path), "--save", "--format", "json"])


def test_save_again_updates_amended_and_adds_new(tmp_path: Path) -> None:
    """Saving a file twice after amending one deployment's window, another's team and place and
    adding a third updates the two in place (version 2), adds the third and leaves the rest."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    seed_admin(url, "tester", "cato")
    week = tmp_path / "week.json"
    week.write_text(json.dumps([_item("d1"), _item("d2", team="SV-BRAVO"), _item("d3", team="SV-CHARLIE")]))
    first = _save(url, week)
    assert first.exit_code == 0, first.output
    assert "saved: 3 added, 0 updated, 0 unchanged" in first.stderr
    amended = [
        _item("d1", start="2025-03-30T10:00:00+01:00"),
        _item("d2", team="SV-DELTA", location={"lat": 51.2, "lon": 1.08, "radius_m": 100}),
        _item("d3", team="SV-CHARLIE"),
        _item("d4", team="SV-ECHO"),
    ]
    week.write_text(json.dumps(amended))
    second = _save(url, week)
    assert second.exit_code == 0, second.output
    assert "saved: 1 added, 2 updated, 1 unchanged" in second.stderr
    store = open_store(url)
    try:
        with store.unit_of_work(user=SYSTEM) as uow:
            stored = {d.id: d for d in uow.deployments.list()}
    finally:
        store.close()
    assert sorted(stored) == ["d1", "d2", "d3", "d4"]
    assert stored["d1"].start.hour == 9 and stored["d1"].version == 2  # 10:00 BST is 09:00 UTC
    assert stored["d2"].team_id == "SV-DELTA" and stored["d2"].location is not None
    assert stored["d2"].location.lat == 51.2 and stored["d2"].version == 2
    assert stored["d3"].version == 1 and stored["d4"].version == 1


def test_stale_version_in_file_is_reported_and_nothing_saved(tmp_path: Path) -> None:
    """A file that amends version 1 of a deployment the store already has at version 2 fails
    with one line naming the deployment and both versions; the other amendment is not saved."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    seed_admin(url, "tester", "cato")
    week = tmp_path / "week.json"
    week.write_text(json.dumps([_item("d1"), _item("d2", team="SV-BRAVO")]))
    assert _save(url, week).exit_code == 0
    week.write_text(json.dumps([_item("d1", team="SV-DELTA"), _item("d2", team="SV-BRAVO")]))
    assert _save(url, week).exit_code == 0  # d1 now at version 2
    week.write_text(json.dumps([_item("d1", team="SV-CHARLIE", version=1), _item("d2", team="SV-ECHO")]))
    result = _save(url, week)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    err = result.stderr.strip()
    assert err.startswith("Error: nothing was saved") and "'d1'" in err and "version 2" in err
    store = open_store(url)
    try:
        with store.unit_of_work(user=SYSTEM) as uow:
            assert uow.deployments.get("d1").team_id == "SV-DELTA"
            assert uow.deployments.get("d2").team_id == "SV-BRAVO"
    finally:
        store.close()


def test_concurrent_amendment_raises_conflict_at_commit(tmp_path: Path) -> None:
    """Two people amend the same deployment at once: the second commit raises ConflictError
    naming the deployment, and the first one's amendment stays."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    seed_admin(url, "tester", "cato")
    week = tmp_path / "week.json"
    week.write_text(json.dumps([_item("d1")]))
    store = open_store(url)
    try:
        with store.unit_of_work(user=SYSTEM) as uow:
            save_deployments(uow, load_deployments(week))
            uow.commit()
        week.write_text(json.dumps([_item("d1", team="SV-BRAVO")]))
        mine = load_deployments(week)
        week.write_text(json.dumps([_item("d1", team="SV-DELTA")]))
        theirs = load_deployments(week)
        with store.unit_of_work(user=SYSTEM) as slow:
            assert save_deployments(slow, mine).updated == ("d1",)
            with store.unit_of_work(user=SYSTEM) as fast:
                save_deployments(fast, theirs)
                fast.commit()
            with pytest.raises(ConflictError, match="'d1'"):
                slow.commit()
        with store.unit_of_work(user=SYSTEM) as uow:
            assert uow.deployments.get("d1").team_id == "SV-DELTA"
    finally:
        store.close()


def test_amendment_never_lowers_the_marking(tmp_path: Path) -> None:
    """A file item without a marking amends a SECRET deployment and it stays SECRET."""
    store = open_store("memory://")
    week = tmp_path / "week.json"
    week.write_text(json.dumps([_item("d1", marking="SECRET")]))
    with store.unit_of_work(user=SYSTEM) as uow:
        save_deployments(uow, load_deployments(week))
        uow.commit()
    week.write_text(json.dumps([_item("d1", team="SV-BRAVO")]))
    with store.unit_of_work(user=SYSTEM) as uow:
        save_deployments(uow, load_deployments(week))
        uow.commit()
    with store.unit_of_work(user=SYSTEM) as uow:
        d1 = uow.deployments.get("d1")
    assert d1.team_id == "SV-BRAVO" and str(d1.marking) == "SECRET"


def test_save_with_stored_is_a_usage_error() -> None:
    """--save with --stored (nothing to store) exits 2 with a message, no traceback."""
    result = CliRunner().invoke(make_cli(), ["--store", "memory://", "deconflict", "--stored", "--save"])
    assert result.exit_code == 2 and "--save" in result.output
