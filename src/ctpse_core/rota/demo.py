"""The demo step: build a synthetic week's rotas with the built-in solver and publish them."""

from __future__ import annotations

from ctpse_core.demo import DemoContext

__all__ = ["DEMO_ITERATIONS", "demo_step"]

#: Local-search moves for the demo week (about a second on a laptop).
DEMO_ITERATIONS = 20_000


def demo_step(ctx: DemoContext) -> list[str]:
    from ctpse_core.reports import render
    from ctpse_core.rota.io import save_problem, save_roster
    from ctpse_core.rota.publish import RotaProduct, calendar_for_person, calendar_for_role
    from ctpse_core.rota.quality import quality
    from ctpse_core.rota.solvers import solve
    from ctpse_core.rota.synth import synthetic_ct_problem
    from ctpse_core.security.outputs import write_marked

    folder = ctx.out / "rota"
    folder.mkdir(parents=True, exist_ok=True)
    problem = synthetic_ct_problem(staff=60, weeks=1, seed=ctx.seed)
    # a work budget, not a time limit, so every run (and machine) gives the same rota and
    # byte-identical feeds; the time limit is only a safety net
    result, report = solve(problem, "builtin", seed=ctx.seed, time_limit=120, iterations=DEMO_ITERATIONS)
    q = quality(problem, result.roster, report)
    save_problem(problem, folder / "problem.json")
    save_roster(result.roster, folder / "rota.json")
    product = RotaProduct(problem, result.roster)
    marking = product.marking  # owner-only files and folders above OFFICIAL
    write_marked(folder / "rota.md", render(product, "md"), marking)
    write_marked(folder / "rota.html", render(product, "html"), marking)
    for role in problem.roles:
        write_marked(folder / "ics" / f"role-{role.id}.ics", calendar_for_role(problem, result.roster, role.id),
                     marking)
    people = sorted({a.staff_id for a in result.roster.assignments})
    for sid in people:
        write_marked(folder / "ics" / f"{sid}.ics", calendar_for_person(problem, result.roster, sid), marking)
    import attrs

    from ctpse_core.domain.common import changed_fields
    from ctpse_core.products.rota import store_rota_people
    from ctpse_core.rota.adapters import to_domain_rota

    rota_id = f"rota-{problem.start:%Y%m%d}"
    record = to_domain_rota(problem, result.roster, rota_id)
    with ctx.store.unit_of_work(user=ctx.user) as uow:
        # the rota's people and roles as Staff and OnCallRole records (names and numbers on the
        # stored rota; later steps see them, on the first run as on a second)
        store_rota_people(uow, problem.staff, problem.roles)
        stored = uow.rotas.find(rota_id)
        if stored is None:
            uow.rotas.add(record)
            stored_line = f"rota stored as published Rota record {rota_id} (version {record.published_version})"
        elif not changed_fields(stored, record, ignore=("published_version",)):
            # unchanged is unchanged: the same rota again is not a new published version
            record = stored
            stored_line = f"rota unchanged: published Rota record {rota_id} stays at version {stored.published_version}"
        else:
            # a different rota publishes a new version over the stored one (optimistic:
            # the update carries the version we read)
            record = attrs.evolve(
                record, version=stored.version, published_version=stored.published_version + 1
            )
            uow.rotas.update(record)
            stored_line = f"rota stored as published Rota record {rota_id} (version {record.published_version})"
        if record is not stored:  # a write: audited in the same transaction
            uow.record_event(
                "collection" if stored is None else "alteration",
                "rotas",
                rota_id,
                f"demo rota published, version {record.published_version}",
            )
        uow.commit()
    ctx.state["rota_problem"] = problem
    ctx.state["rota"] = result.roster
    return [
        f"{len(problem.staff)} staff, {len(problem.roles)} roles, {problem.days} days",
        f"{len(result.roster.assignments)} shifts; hard violations {report.hard_count}; "
        f"coverage {q.coverage}%; balance {q.balance}",
        f"{len(problem.roles) + len(people)} iCalendar feeds",
        stored_line,
        f"written to {folder}",
    ]
