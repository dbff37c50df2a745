"""``ctpse grid plan`` reports unknown operation, team and officer references as input errors
(exit 2) naming file, section and row, field and value; never a traceback or a silent plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.synthetic.tasking import write_tasking_file


@pytest.fixture(autouse=True)
def _cli_store(ctpse_cli_store: str) -> str:
    """Commands without --store run on a seeded store as its administrator (CTPSE_STORE, CTPSE_USER)."""
    return ctpse_cli_store


@pytest.fixture
def tasking(tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "tasking.json"
    write_tasking_file(path, 8, 3)
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _plan(tmp_path: Path, data: Any) -> Any:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return CliRunner().invoke(make_cli(), ["grid", "plan", str(path)]), path


def test_unknown_references_name_file_row_field_and_value(tmp_path: Path, tasking: dict[str, Any]) -> None:
    """An unknown operation and officer on requests, an unknown officer on leave, an unknown team
    on unavailability and on a booked deployment: one error line each, exit 2, no plan."""
    tasking["requests"][2]["operation_id"] = "op-nosuch"
    tasking["requests"][5]["staff_ids"] = [tasking["staff"][0]["id"], "staff-ghost"]
    tasking["leave"][0]["staff_id"] = "staff-absent"
    tasking["unavailable"][0]["team_id"] = "SV-NOPE"
    tasking["deployments"] = [{"id": "dep-x", "operation_id": tasking["operations"][0]["id"], "team_id": "SV-GONE",
                               "start": "25/03/2025 09:00", "end": "25/03/2025 17:00"}]
    result, path = _plan(tmp_path, tasking)
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"error: operation_id: unknown operation 'op-nosuch' (not in the file's 'operations' section)"
        f" @ {path}#requests[2]",
        f"error: staff_ids: unknown officer 'staff-ghost' (not in the file's 'staff' section) @ {path}#requests[5]",
        f"error: team_id: unknown team 'SV-GONE' (not in the file's 'teams' section) @ {path}#deployments[0]",
        f"error: staff_id: unknown officer 'staff-absent' (not in the file's 'staff' section) @ {path}#leave[0]",
        f"error: team_id: unknown team 'SV-NOPE' (not in the file's 'teams' section) @ {path}#unavailable[0]",
    ]


def test_nothing_stored_and_no_section_is_one_line_per_kind(tmp_path: Path, tasking: dict[str, Any]) -> None:
    """A bare list of requests against an empty store: one line for the operations (the first
    request named, the rest counted) telling the user to add the section or store them."""
    requests = tasking["requests"]
    named = sum(len(r["staff_ids"]) for r in requests)
    assert named >= 1  # the synthetic week names officers on some requests
    result, path = _plan(tmp_path, requests)
    assert result.exit_code == 2, result.output
    ops, officers = result.stderr.strip().splitlines()
    assert ops.startswith("error: operation_id: unknown operation ")
    assert "no operations are stored: give the file an 'operations' section or store them" in ops
    assert "; 7 more like it" in ops and ops.endswith(f"@ {path}#requests[0]")
    assert officers.startswith("error: staff_ids: unknown officer ")
    assert "no staff are stored: give the file a 'staff' section" in officers
    assert (f"; {named - 1} more like it" in officers) == (named > 1)


def test_clean_file_still_plans(tmp_path: Path, tasking: dict[str, Any]) -> None:
    """The synthetic requests file refers only to what it carries: it plans (exit 0)."""
    result, _ = _plan(tmp_path, tasking)
    assert result.exit_code == 0, result.output
    assert "Allocation of 8 tasking requests" in result.stdout
