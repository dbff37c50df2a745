"""A synthetic week in a store, for the product tests and the products benchmark.

:func:`fill_week` imports synthetic regional and national nominal lists, stores a week of
deployments with its teams and operations and publishes the grid twice (one deployment
moved three hours and a second team booked twice at once, so there are an amendment and
conflicts), and stores a solved rota with its staff and on-call roles. With ``hostile``
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

__all__ = ["FORMULA_OP", "FORMULA_PERSON", "SCRIPT", "USER", "fill_week"]

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


def fill_week(store: Store, *, nominals: int = 60, deployments: int = 16, staff: int = 14, seed: int = 5,
              hostile: bool = False) -> Store:
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
    return store
