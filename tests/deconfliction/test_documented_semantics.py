"""The choices docs/deconfliction.md states, pinned down in the engine, check() and the oracle:
rest between consecutive deployments, a deployment over capacity alone reported once, ISO
times without an offset read as London time, IDs trimmed and compared exactly (with a warning
for IDs that differ only in case)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.deconfliction import DeploymentFrame, Settings, find_conflicts
from ctpse_core.deconfliction.files import load_deployments
from ctpse_core.deconfliction.index import DeconflictionIndex
from ctpse_core.deconfliction.oracle import brute_force
from ctpse_core.deconfliction.rules import builtin_rules
from ctpse_core.domain.common import LONDON, UTC
from ctpse_core.domain.surveillance import Deployment
from ctpse_core.errors import InputError
from ctpse_core.testing.security import seed_admin

CAPS = {"team-a": 6, "team-b": 6}
DOCS = Path(__file__).parents[2] / "docs" / "deconfliction.md"


def dep(
    i: str, start: int, end: int, staff: tuple[str, ...] = (), officers: int = 1, team: str = "team-a"
) -> Deployment:
    """A deployment on 6 May 2025 from ``start`` to ``end`` o'clock London time."""
    day = dt.datetime(2025, 5, 6, tzinfo=LONDON)
    return Deployment(
        id=i,
        operation_id=f"op-{i}",
        team_id=team,
        start=day + dt.timedelta(hours=start),
        end=day + dt.timedelta(hours=end),
        staff_ids=staff,
        officers=officers,
    )


def keys(ds: list[Deployment]) -> set[tuple[str, tuple[str, ...]]]:
    got = find_conflicts(DeploymentFrame.from_deployments(ds, CAPS), builtin_rules(), Settings()).keys()
    assert got == brute_force(ds, CAPS)
    return got


def checked(stored: list[Deployment], new: Deployment) -> set[tuple[str, tuple[str, ...]]]:
    index = DeconflictionIndex.build(stored, CAPS, builtin_rules())
    return {(c.rule, c.deployment_ids) for c in index.check(new).conflicts}


def test_rest_is_checked_between_consecutive_deployments_only() -> None:
    """An officer on three duties 4 h apart has two short rests (first-second, second-third),
    not three: the first and third are not compared, since the second comes between them.
    check() of any one of them agrees."""
    a = dep("a", 8, 10, ("p1",), team="team-a")
    b = dep("b", 14, 16, ("p1",), team="team-b")
    c = dep("c", 20, 22, ("p1",), team="team-a")
    assert keys([a, b, c]) == {("rest", ("a", "b")), ("rest", ("b", "c"))}
    assert checked([a, b], c) == {("rest", ("b", "c"))}
    assert checked([a, c], b) == {("rest", ("a", "b")), ("rest", ("b", "c"))}


def test_rest_after_a_long_duty_counts_from_its_end() -> None:
    """The next duty is the first to start at or after this one ends: a short job inside a
    long one does not hide the short rest after the long one."""
    long = dep("long", 0, 20, ("p1",))
    inner = dep("inner", 2, 3, ("p1",), team="team-b")
    after = dep("after", 22, 23, ("p1",), team="team-b")
    got = keys([long, inner, after])
    assert ("rest", ("after", "long")) in got and ("rest", ("after", "inner")) not in got


def test_a_deployment_over_capacity_alone_is_one_conflict_and_not_counted_in_runs() -> None:
    """A deployment asking for 7 officers of a team of 6 is one capacity conflict by itself;
    the one-officer job beside it is not blamed with it, while two that each fit but together
    need more (3 + 4) are a run of their own."""
    big = dep("big", 8, 12, officers=7)
    small = dep("small", 9, 11, officers=1)
    b = dep("b", 10, 16, officers=3)
    c = dep("c", 11, 15, officers=4)
    assert keys([big, small]) == {("capacity", ("big",)), ("team-double-booking", ("big", "small"))}
    got = {k for k in keys([big, b, c]) if k[0] == "capacity"}
    assert got == {("capacity", ("big",)), ("capacity", ("b", "c"))}
    assert {k for k in checked([big], small) if k[0] == "capacity"} == set()
    assert {k for k in checked([small], big) if k[0] == "capacity"} == {("capacity", ("big",))}


def _file(tmp_path: Path, items: list[dict[str, object]]) -> Path:
    path = tmp_path / "week.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


def _item(i: str, start: str, end: str, **more: object) -> dict[str, object]:
    return {"id": i, "operation_id": "op-1", "team_id": "SV-ALPHA", "start": start, "end": end, **more}


def test_iso_times_without_an_offset_are_london_time_as_the_docs_say(tmp_path: Path) -> None:
    """``2025-03-24T09:00:00`` is 09:00 London time (GMT that day), ``2025-07-01T09:00:00`` is
    08:00 UTC (BST); a time that does not exist on the clock-change night is refused. The docs'
    file table says so (it said such times were refused)."""
    got = load_deployments(
        _file(tmp_path, [_item("a", "2025-03-24T09:00:00", "2025-03-24T10:00:00"),
                         _item("b", "2025-07-01T09:00:00", "2025-07-01T10:00:00")])
    )
    assert got[0].start == dt.datetime(2025, 3, 24, 9, tzinfo=UTC)
    assert got[1].start == dt.datetime(2025, 7, 1, 8, tzinfo=UTC)
    try:
        load_deployments(_file(tmp_path, [_item("c", "2025-03-30T01:30:00", "2025-03-30T04:00:00")]))
    except InputError as exc:
        assert "does not exist in Europe/London" in str(exc.problems[0])
    else:
        raise AssertionError("a London time that does not exist was accepted")
    text = DOCS.read_text(encoding="utf-8")
    assert "ISO 8601 without an offset is London wall-clock time" in text


def test_ids_are_trimmed_and_exact_and_case_only_differences_are_warned(tmp_path: Path) -> None:
    """`` p1 `` is ``p1``; ``P1`` is another officer to the engine, and ``ctpse deconflict``
    says so in one warning line per kind of ID, so a typing slip does not hide a double-booking."""
    items = [
        _item(" a ", "2025-03-24T09:00:00+00:00", "2025-03-24T12:00:00+00:00", staff_ids=[" p1 "]),
        _item("b", "2025-03-24T10:00:00+00:00", "2025-03-24T13:00:00+00:00", staff_ids=["P1"],
              team_id="sv-alpha"),
    ]
    path = _file(tmp_path, items)
    ds = load_deployments(path)
    assert ds[0].id == "a" and ds[0].staff_ids == ("p1",)
    url = f"sqlite:///{path.parent / 'semantics.sqlite'}"
    seed_admin(url, "cato")
    result = CliRunner().invoke(make_cli(), ["--store", url, "--user", "cato", "deconflict", str(path),
                                             "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["conflicts"] == []
    warnings = [line for line in result.stderr.splitlines() if "differ only in case" in line]
    assert warnings == [
        "Warning: team IDs 'SV-ALPHA' and 'sv-alpha' differ only in case: they are different teams "
        "to the engine (IDs are compared exactly, after trimming spaces)",
        "Warning: staff IDs 'P1' and 'p1' differ only in case: they are different officers "
        "to the engine (IDs are compared exactly, after trimming spaces)",
    ]
