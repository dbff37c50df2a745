"""``ctpse grid publish``: an empty week is refused, an unchanged grid is not published again,
``--force`` publishes either, and plugins hear of each publication."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.deconfliction.grid import UnchangedGridError, publish
from ctpse_core.domain.common import UTC
from ctpse_core.domain.surveillance import Deployment
from ctpse_core.storage import open_store
from ctpse_core.testing.security import SYSTEM, seed_admin


@pytest.fixture(autouse=True)
def _cli_store(ctpse_cli_store: str) -> str:
    """Commands without --store run on a seeded store as its administrator (CTPSE_STORE, CTPSE_USER)."""
    return ctpse_cli_store


def _run(url: str, *args: str) -> Any:
    return CliRunner().invoke(make_cli(), ["--store", url, "--user", "cato", *args])


def _store_week(url: str, tmp_path: Path, team: str = "SV-ALPHA") -> None:
    week = tmp_path / "week.json"
    week.write_text(json.dumps([{"id": "d1", "operation_id": "op-a", "team_id": team,
                                 "start": "25/03/2025 22:00", "end": "26/03/2025 06:00"}]))
    result = _run(url, "deconflict", str(week), "--save")
    assert result.exit_code == 0, result.output


def _numbers(url: str) -> list[int]:
    store = open_store(url)
    try:
        with store.unit_of_work(user=SYSTEM) as uow:
            return sorted(v.number for v in uow.grid_versions.list())
    finally:
        store.close()


def test_empty_week_is_refused_unless_forced(tmp_path: Path) -> None:
    """No deployments in the week: exit 2, one line saying so and naming the week, nothing
    stored; --force publishes version 1 all the same."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    seed_admin(url, "tester", "cato")
    result = _run(url, "grid", "publish", "--week", "24/03/2025")
    assert result.exit_code == 2
    assert result.stdout == "" and "Traceback" not in result.output
    err = result.stderr.strip()
    assert err.startswith("error: nothing to publish") and "24/03/2025" in err and "--force" in err
    assert len(err.splitlines()) == 1
    assert _numbers(url) == []
    forced = _run(url, "grid", "publish", "--week", "24/03/2025", "--force", "--format", "json")
    assert forced.exit_code == 0, forced.output
    assert json.loads(forced.stdout)["version"] == 1 and _numbers(url) == [1]


def test_unchanged_grid_is_not_published_again(tmp_path: Path) -> None:
    """Publishing twice with nothing changed says "no change since version 1" and stores no
    version 2; after an amendment version 2 is published; --force publishes version 3."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    seed_admin(url, "tester", "cato")
    _store_week(url, tmp_path)
    assert _run(url, "grid", "publish", "--week", "26/03/2025").exit_code == 0
    again = _run(url, "grid", "publish", "--week", "26/03/2025")
    assert again.exit_code == 0
    assert again.stdout == ""
    assert "no change since version 1" in again.stderr and "--force" in again.stderr
    assert _numbers(url) == [1]
    _store_week(url, tmp_path, team="SV-BRAVO")
    amended = _run(url, "grid", "publish", "--week", "26/03/2025", "--format", "json")
    assert amended.exit_code == 0 and json.loads(amended.stdout)["version"] == 2
    forced = _run(url, "grid", "publish", "--week", "26/03/2025", "--force", "--format", "json")
    assert forced.exit_code == 0 and json.loads(forced.stdout)["version"] == 3
    assert _numbers(url) == [1, 2, 3]


def test_publish_service_raises_unchanged_with_the_latest_version() -> None:
    """grid.publish raises UnchangedGridError carrying the last version (library callers)."""
    store = open_store("memory://")
    week = dt.date(2025, 3, 24)
    start = dt.datetime(2025, 3, 25, 9, tzinfo=UTC)
    with store.unit_of_work(user=SYSTEM) as uow:
        uow.deployments.add(Deployment(id="d1", operation_id="op-a", team_id="SV-ALPHA", start=start,
                                       end=start + dt.timedelta(hours=4)))
        v1 = publish(uow, week, "cato")
        with pytest.raises(UnchangedGridError, match="no change since version 1") as info:
            publish(uow, week, "cato")
    assert info.value.latest.number == v1.number == 1


def test_plugins_hear_of_a_published_grid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ctpse_after_publish is called with kind "grid" and the grid product."""
    from ctpse_core.plugin import get_plugin_manager

    heard: list[tuple[str, Any]] = []

    class Listener:
        from ctpse_core.plugin import hookimpl

        @hookimpl
        def ctpse_after_publish(self, kind: str, product: Any) -> None:
            heard.append((kind, product))

    pm = get_plugin_manager()
    listener = Listener()
    pm.register(listener, name="test-grid-listener")
    try:
        url = f"sqlite:///{tmp_path / 's.db'}"
        seed_admin(url, "tester", "cato")
        _store_week(url, tmp_path)
        assert _run(url, "grid", "publish", "--week", "26/03/2025").exit_code == 0
    finally:
        pm.unregister(listener)
    assert [kind for kind, _ in heard] == ["grid"]
    assert heard[0][1].data()["version"] == 1
