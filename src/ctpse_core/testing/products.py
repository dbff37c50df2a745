"""A synthetic week in a store, for the product tests and the products benchmark.

:func:`fill_week` imports synthetic regional and national nominal lists, stores a week of
deployments with its teams and operations and publishes the grid twice (one deployment
moved three hours and a second team booked twice at once, so there are an amendment and
conflicts), stores a solved rota with its staff and on-call roles, imports a synthetic
region's casework (contact plans, contacts, civil orders, pathways) through its feeds, and
stores the week's CT asset requests (one deployed, one declined, one approved), a funding
bid from the overtime forecast and a signed authorisation cutting one line. With ``hostile``
it plants text a product must show as text: a team leader called ``<script>``, an
operation and a person whose names a spreadsheet would run as formulas.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import attrs

from ctpse_core.storage.base import Store

__all__ = ["BID_ID", "FORMULA_OP", "FORMULA_PERSON", "SCRIPT", "USER", "fill_week"]

SCRIPT = "<script>alert('x')</script>"
FORMULA_OP = '=HYPERLINK("http://example.invalid","x")'
FORMULA_PERSON = "@SUM(1+1) Fictional"
USER = "coordinator"


def _week(uow: Any, count: int, seed: int, hostile: bool) -> None:
    from ctpse_core.deconfliction.amend import save_deployments
    from ctpse_core.deconfliction.grid import publish
    from ctpse_core.synthetic.deployments import SPRING_WEEK, synthetic_week

    week = synthetic_week(count, seed=seed)
    deployments = week.deployments()
    teams = [attrs.evolve(t, leader=SCRIPT) if hostile and t.id == deployments[1].team_id else t
             for t in week.teams]
    planted = deployments[0].operation_id
    ops = [attrs.evolve(o, name=FORMULA_OP) if hostile and o.id == planted else o for o in week.operations]
    clash = attrs.evolve(deployments[1], id="dep-clash")  # the same team twice at once
    for t in teams:
        uow.teams.add(t)
    for o in ops:
        uow.operations.add(o)
    for d in [*deployments, clash]:
        uow.deployments.add(d)
    publish(uow, SPRING_WEEK, USER)
    moved = deployments[0]
    later = dt.timedelta(hours=3)
    save_deployments(uow, [attrs.evolve(moved, start=moved.start + later, end=moved.end + later, version=1)])
    publish(uow, SPRING_WEEK, USER)


def _rota(uow: Any, staff: int, seed: int, hostile: bool) -> None:
    from ctpse_core.products.rota import store_rota_people
    from ctpse_core.rota.adapters import to_domain_rota
    from ctpse_core.rota.solvers import solve
    from ctpse_core.rota.synth import synthetic_ct_problem

    problem = synthetic_ct_problem(staff=staff, weeks=1, seed=seed, roles=min(6, staff // 4))
    result, _report = solve(problem, "builtin", seed=seed, time_limit=30, iterations=2_000)
    people = list(problem.staff)
    first = sorted(a.staff_id for a in result.roster.assignments)[0]
    people = [attrs.evolve(p, name=FORMULA_PERSON) if hostile and p.id == first else p for p in people]
    store_rota_people(uow, people, problem.roles)
    uow.rotas.add(to_domain_rota(problem, result.roster, f"rota-{problem.start:%Y%m%d}"))


def _casework(store: Store, count: int, seed: int) -> None:
    from ctpse_core.feeds.importer import import_feed
    from ctpse_core.synthetic.casework import AS_OF, FEED_FILES, write_casework

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_casework(folder, count=count, seed=seed, as_of=AS_OF)
        for feed, name in FEED_FILES:
            import_feed(store, feed, folder / name, user=USER, rejects=False)


#: The bid the synthetic week stores (its authorisation cuts the largest line, ``tasking.demo.CUT``).
BID_ID = "bid-2025-03-24"


def _tasking(uow: Any, seed: int, hostile: bool) -> None:
    from ctpse_core.domain.common import LONDON
    from ctpse_core.finance.service import forecast_stored
    from ctpse_core.synthetic.deployments import SPRING_WEEK
    from ctpse_core.synthetic.tasking_week import synthetic_tasking_week
    from ctpse_core.tasking.demo import bid_and_authorisation, store_asset_requests

    week, last = SPRING_WEEK, SPRING_WEEK + dt.timedelta(days=6)
    now = dt.datetime.combine(week + dt.timedelta(days=2), dt.time(10), tzinfo=LONDON)  # Wednesday 10:00
    deployments = [d for d in uow.deployments.list() if week <= d.start.astimezone(LONDON).date() <= last]
    named = sorted({s for d in deployments for s in d.staff_ids})
    known = {s.id for s in uow.staff.list()}
    data = synthetic_tasking_week(week, sorted({d.operation_id for d in deployments}), named, seed=seed)
    for person in data.staff:
        if person.id not in known:
            uow.staff.add(person)
    bid_and_authorisation(uow, forecast_stored(uow, week, last), BID_ID, week, now)
    requests = list(data.asset_requests)
    if hostile:
        requests[4] = attrs.evolve(requests[4], objectives=(FORMULA_OP,), requested_by=SCRIPT)
    store_asset_requests(uow, requests, now)


def fill_week(store: Store, *, nominals: int = 60, deployments: int = 16, staff: int = 14, seed: int = 5,
              hostile: bool = False, casework: int = 80) -> Store:
    """Fill ``store`` with a synthetic week (see the module); return it."""
    from ctpse_core.feeds.importer import import_feed
    from ctpse_core.synthetic.nominals import write_nominal_lists
    from ctpse_core.testing.security import seed_users

    seed_users(store, USER)  # no principal, no unit of work: USER is the store's administrator
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_nominal_lists(folder, nominals, seed=seed)
        for feed in ("regional", "national"):
            import_feed(store, feed, folder / f"{feed}.csv", user=USER, rejects=False)
    with store.unit_of_work(user=USER) as uow:
        _week(uow, deployments, 3, hostile)
        _rota(uow, staff, 2, hostile)
        uow.commit()
    _casework(store, casework, seed)
    with store.unit_of_work(user=USER) as uow:
        _tasking(uow, seed, hostile)
        uow.commit()
    return store
