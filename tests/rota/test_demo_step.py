"""The rota demo step builds and publishes a synthetic week."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar

from ctpse_core.demo import DemoContext, ensure_demo_user, steps
from ctpse_core.storage.memory import MemoryStore
from ctpse_core.testing.security import SYSTEM


def test_demo_step_writes_report_and_feeds(tmp_path: Path) -> None:
    """The registered step (order 60) writes the md report and ics feeds into ctx.out and
    builds a rota with no hard violations."""
    step = steps().get("rota")
    assert step.order == 60
    ctx = DemoContext(store=MemoryStore("memory://"), out=tmp_path, seed=7)
    ensure_demo_user(ctx.store, ctx.user)
    lines = step.run(ctx)
    assert any("hard violations 0" in line for line in lines)
    md = (tmp_path / "rota" / "rota.md").read_text()
    assert "CT SIO on-call" in md
    feeds = list((tmp_path / "rota" / "ics").glob("*.ics"))
    assert len(feeds) > 6
    for feed in feeds:
        assert list(icalendar.Calendar.from_ical(feed.read_bytes()).walk("VEVENT"))


def test_demo_twice_on_one_sqlite_store(tmp_path: Path) -> None:
    """`ctpse demo` run twice against the same SQLite file succeeds both times; the second
    run's rota is the same, so the stored record stays at version 1 (unchanged is unchanged:
    no second published version), and the two runs' iCalendar feeds are byte for byte the same,
    each with a valid UTC DTSTAMP (RFC 5545)
    that does not come from the clock."""
    from click.testing import CliRunner

    from ctpse_core.cli import make_cli
    from ctpse_core.storage import open_store

    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    for run in (1, 2):
        result = CliRunner().invoke(
            make_cli(),
            ["--store", url, "-q", "demo", "--out", str(tmp_path / f"out{run}"), "--scale", "60"],
        )
        assert result.exit_code == 0, (run, result.output)
        if run == 2:
            assert "rota unchanged: published Rota record rota-20250303 stays at version 1" in result.output
    store = open_store(url)
    try:
        with store.unit_of_work(user=SYSTEM) as uow:
            rota = uow.rotas.get("rota-20250303")
        assert rota.published_version == 1 and rota.version == 1
    finally:
        store.close()
    first = sorted((tmp_path / "out1" / "rota" / "ics").glob("*.ics"))
    second = {p.name: p.read_bytes() for p in (tmp_path / "out2" / "rota" / "ics").glob("*.ics")}
    assert len(first) > 6 and {p.name for p in first} == set(second)
    changed = [p.name for p in first if p.read_bytes() != second[p.name]]
    assert not changed
    for path in first:
        events = list(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"))
        stamps = {e.decoded("DTSTAMP") for e in events}
        assert events and len(stamps) == 1
        (stamp,) = stamps
        assert stamp.utcoffset() == dt.timedelta(0)
        assert stamp == dt.datetime(2025, 3, 3, 0, 0, tzinfo=dt.UTC)  # 00:00 GMT on day one
        assert all(b"DTSTAMP:" in line and line.endswith(b"Z") for line in path.read_bytes().splitlines()
                   if line.startswith(b"DTSTAMP"))


def test_demo_step_publishes_a_changed_rota_as_a_new_version(tmp_path: Path) -> None:
    """The rota step publishes version 2 of the stored rota only when the rota differs (another
    seed gives other shifts); the same seed again leaves it as it is."""
    store = MemoryStore("memory://")
    step = steps().get("rota")
    first = DemoContext(store=store, out=tmp_path / "a", seed=7)
    ensure_demo_user(store, first.user)
    step.run(first)
    again = step.run(DemoContext(store=store, out=tmp_path / "b", seed=7))
    assert any("rota unchanged" in line for line in again)
    with store.unit_of_work(user=SYSTEM) as uow:
        assert uow.rotas.get("rota-20250303").published_version == 1
    other = step.run(DemoContext(store=store, out=tmp_path / "c", seed=8))
    assert any("(version 2)" in line for line in other)
    with store.unit_of_work(user=SYSTEM) as uow:
        rota = uow.rotas.get("rota-20250303")
    assert rota.published_version == 2 and rota.version == 2
