"""With no ``--as-of`` the performance products are for the latest data's day (like every other
product), not the clock: the same store gives the same figures whatever day they are built."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from kpi_kit import USER, add, at

from ctpse_core.cli import make_cli
from ctpse_core.domain import Action, ActionStatus, Correspondence
from ctpse_core.domain.engagement import Contact
from ctpse_core.errors import InputError
from ctpse_core.performance.latest import latest_data_day
from ctpse_core.products import build
from ctpse_core.testing.security import seed_admin

D = dt.date
LATEST = D(2026, 3, 5)


def _fill(store: Any) -> None:
    """Work recorded up to 5 March 2026; an open action due in September is not data of a later day."""
    add(store, "actions",
        Action(id="A1", description="x", owner="X", due_on=D(2026, 2, 10), status=ActionStatus.DONE,
               completed_on=D(2026, 2, 12)),
        Action(id="A2", description="x", owner="X", due_on=D(2026, 3, 1), status=ActionStatus.DONE,
               completed_on=D(2026, 3, 3)),
        Action(id="A3", description="x", owner="X", due_on=D(2026, 9, 1)))
    add(store, "correspondence", Correspondence(id="K1", partner="Probation", subject="s", received_at=at(LATEST)))
    add(store, "contacts", Contact(id="C1", nominal_id="N1", manager="X", planned_at=at(D(2026, 3, 4)),
                                   done_at=at(D(2026, 3, 4))))


@pytest.mark.parametrize("name", ["performance-dashboard", "national-performance-return"])
def test_default_day_is_the_latest_data(store: Any, name: str) -> None:
    """Built without a day, a product is the one built for the latest recorded work's day, and
    the reading that chose the day is audited."""
    _fill(store)
    with store.unit_of_work(user=USER) as uow:
        default = build(name, uow, None)
        explicit = build(name, uow, LATEST)
        uow.commit()
    assert default.as_of == LATEST
    assert default.data() == explicit.data()
    purposes = {(e.collection, e.detail.split(":")[0]) for e in store.audit_events() if e.action == "consultation"}
    for collection in ("contacts", "correspondence", "actions", "asset_requests"):
        assert (collection, "KPIs") in purposes


def test_latest_day_follows_the_data(store: Any) -> None:
    """A later completed contact moves the day; a London evening counts for its London day."""
    _fill(store)
    late = dt.datetime(2026, 3, 20, 23, 30, tzinfo=dt.UTC)  # 20 March 23:30 UTC is 20 March in London (GMT)
    add(store, "contacts", Contact(id="C2", nominal_id="N1", manager="X", planned_at=late, done_at=late))
    with store.unit_of_work(user=USER) as uow:
        assert latest_data_day(uow) == D(2026, 3, 20)


def test_no_data_asks_for_as_of(store: Any) -> None:
    with store.unit_of_work(user=USER) as uow, pytest.raises(InputError, match="give --as-of"):
        build("performance-dashboard", uow, None)


def test_cli_defaults_to_the_latest_data(tmp_path: Path) -> None:
    """``ctpse kpi return`` without --as-of prints the return for the latest data's day; on a
    store with no data it asks for --as-of (one line, exit 2)."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    seed_admin(url, USER)

    def run(*args: str) -> Any:
        return CliRunner().invoke(make_cli(), ["--store", url, "--user", USER, "-q", *args])

    empty = run("kpi", "return")
    assert empty.exit_code == 2 and "give --as-of" in empty.output and "Traceback" not in empty.output
    from ctpse_core.storage import open_store

    store = open_store(url)
    _fill(store)
    store.close()
    default, explicit = run("kpi", "return"), run("kpi", "return", "--as-of", LATEST.isoformat())
    assert default.exit_code == 0, default.output
    assert default.output == explicit.output and "2026-03-01" in default.output
