"""``ctpse deconflict`` and ``deconflict()`` use registered rules and say which could not run."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.convert import unstructure
from ctpse_core.deconfliction.engine import deconflict
from ctpse_core.domain.common import UTC
from ctpse_core.domain.surveillance import Deployment

PLUGIN = """
    from ctpse_core.deconfliction.rules import PairRule
    from ctpse_core.plugin import hookimpl

    @hookimpl
    def ctpse_register_conflict_rules(register):
        register("same-operation-overlap", PairRule(
            name="same-operation-overlap",
            key="operation",
            predicate=lambda frame, a, b, settings: frame.start[a] < frame.end[b],
            explain=lambda frame, a, b, settings: "one operation deployed twice at once",
        ))
"""
T0 = dt.datetime(2025, 3, 24, 18, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _cli_store(ctpse_cli_store: str) -> str:
    """Commands without --store run on a seeded store as its administrator (CTPSE_STORE, CTPSE_USER)."""
    return ctpse_cli_store


def _deployments() -> list[Deployment]:
    return [
        Deployment(id=f"d{k}", operation_id="op1", team_id=f"T{k}", start=T0, end=T0 + dt.timedelta(hours=4),
                   officers=2)
        for k in (1, 2)
    ]


def test_plugin_rule_is_used_by_cli_and_api(fresh_plugins: None, monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    """A conflict rule a plugin registers (loaded through CTPSE_PLUGINS) is run by
    ``ctpse deconflict`` and by ``deconflict()`` when no rules are given."""
    (tmp_path / "ctpse_rule_plugin.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("CTPSE_PLUGINS", "ctpse_rule_plugin")
    assert [c.rule for c in deconflict(_deployments())] == ["same-operation-overlap"]
    week = tmp_path / "week.json"
    week.write_text(json.dumps([unstructure(d) for d in _deployments()]), encoding="utf-8")
    result = CliRunner().invoke(make_cli(), ["deconflict", str(week), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "same-operation-overlap" in result.output


def test_capacity_rule_skipped_without_teams_is_announced(tmp_path: Path) -> None:
    """With no teams stored, ``ctpse deconflict`` warns in one line on standard error that
    the capacity rule could not run, and why."""
    week = tmp_path / "week.json"
    week.write_text(json.dumps([unstructure(d) for d in _deployments()]), encoding="utf-8")
    result = CliRunner().invoke(make_cli(), ["deconflict", str(week)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning")]
    assert warnings == ["Warning: rule 'capacity' could not run: no teams are stored, so team capacities are unknown"]
