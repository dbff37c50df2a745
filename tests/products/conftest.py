"""A synthetic week in a memory store for the product tests: nominal lists imported, a
grid published twice (one deployment amended), a rota with its staff and roles, and
hostile text planted where products show it (a team leader called ``<script>``, an
operation and a person whose names a spreadsheet would run as formulas)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

#: Planted text the products must show as text.
SCRIPT = "<script>alert('x')</script>"
FORMULA_OP = '=HYPERLINK("http://example.invalid","x")'
FORMULA_PERSON = "@SUM(1+1) Fictional"
USER = "coordinator"


def _store_week(uow: Any) -> None:
    from ctpse_core.deconfliction.amend import save_deployments
    from ctpse_core.deconfliction.grid import publish
    from ctpse_core.synthetic.deployments import SPRING_WEEK, synthetic_week

    week = synthetic_week(16, seed=3)
    deployments = week.deployments()
    teams = [attrs.evolve(t, leader=SCRIPT) if t.id == deployments[1].team_id else t for t in week.teams]
    ops = list(week.operations)
    planted = deployments[0].operation_id
    ops = [attrs.evolve(o, name=FORMULA_OP) if o.id == planted else o for o in ops]
    for t in teams:
        uow.teams.add(t)
    for o in ops:
        uow.operations.add(o)
    clash = attrs.evolve(deployments[1], id="dep-clash")  # the same team twice at once
    for d in [*deployments, clash]:
        uow.deployments.add(d)
    publish(uow, SPRING_WEEK, USER)
    moved = deployments[0]
    later = dt.timedelta(hours=3)
    save_deployments(uow, [attrs.evolve(moved, start=moved.start + later, end=moved.end + later, version=1)])
    publish(uow, SPRING_WEEK, USER)


def _store_rota(uow: Any) -> None:
    from ctpse_core.products.rota import store_rota_people
    from ctpse_core.rota.adapters import to_domain_rota
    from ctpse_core.rota.solvers import solve
    from ctpse_core.rota.synth import synthetic_ct_problem

    problem = synthetic_ct_problem(staff=14, weeks=1, seed=2, roles=3)
    result, _report = solve(problem, "builtin", seed=2, time_limit=30, iterations=2_000)
    people = list(problem.staff)
    first = sorted(a.staff_id for a in result.roster.assignments)[0]
    people = [attrs.evolve(p, name=FORMULA_PERSON) if p.id == first else p for p in people]
    store_rota_people(uow, people, problem.roles)
    uow.rotas.add(to_domain_rota(problem, result.roster, f"rota-{problem.start:%Y%m%d}"))


@pytest.fixture(scope="session")
def product_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from ctpse_core.feeds.importer import import_feed
    from ctpse_core.storage import open_store
    from ctpse_core.synthetic.nominals import write_nominal_lists

    folder: Path = tmp_path_factory.mktemp("lists")
    write_nominal_lists(folder, 60, seed=5)
    store = open_store("memory://")
    for feed in ("regional", "national"):
        import_feed(store, feed, folder / f"{feed}.csv", user=USER)
    with store.unit_of_work(user=USER) as uow:
        _store_week(uow)
        _store_rota(uow)
        uow.commit()
    yield store
    store.close()


def offered() -> list[tuple[str, str]]:
    """Every (product, format) the built-in products offer."""
    from ctpse_core.products.builtin import builtin_products

    return [(name, fmt) for name, spec in builtin_products() for fmt in spec.formats]


@pytest.fixture(scope="session")
def built(product_store: Any) -> dict[str, Any]:
    """Every built-in product, built once from the store."""
    from ctpse_core.products import build
    from ctpse_core.products.builtin import builtin_products

    out = {}
    with product_store.unit_of_work(user=USER) as uow:
        for name, _spec in builtin_products():
            out[name] = build(name, uow, None)
    return out
