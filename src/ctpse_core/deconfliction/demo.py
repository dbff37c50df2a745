"""The ``ctpse demo`` step: a synthetic week's tasking requests allocated to teams around
the deployments already booked, then everything stored, de-conflicted and published."""

from __future__ import annotations

from typing import Any

from ctpse_core.synthetic.deployments import SPRING_WEEK, synthetic_week

__all__ = ["amend_week", "run_demo_step"]


def amend_week(ctx: Any) -> Any:
    """When the latest grid week has one version, move one deployment two hours later and
    publish version 2, so the amendment notice has something to tell; the new version, or
    ``None`` (already amended: a second run on the same store changes nothing)."""
    import datetime as dt

    import attrs

    from ctpse_core.deconfliction.amend import save_deployments
    from ctpse_core.deconfliction.grid import publish, versions

    with ctx.store.unit_of_work(user=ctx.user) as uow:
        weeks = sorted({v.week for v in uow.grid_versions.list()})
        if not weeks or len(versions(uow, weeks[-1])) != 1:
            return None
        week = weeks[-1]
        entry = versions(uow, week)[-1].entries[0]
        moved = uow.deployments.get(entry.deployment_id)
        later = dt.timedelta(hours=2)
        save_deployments(uow, [attrs.evolve(moved, start=moved.start + later, end=moved.end + later)])
        version = publish(uow, week, ctx.user)
        uow.commit()
    return version, moved.id


def run_demo_step(ctx: Any) -> list[str]:
    from ctpse_core.cli.deconflict import allocation_product, conflicts_product, grid_product
    from ctpse_core.deconfliction.allocation import Availability, allocate
    from ctpse_core.deconfliction.engine import deconflict
    from ctpse_core.deconfliction.grid import UnchangedGridError, publish
    from ctpse_core.reports import render
    from ctpse_core.security.outputs import write_marked
    from ctpse_core.synthetic.tasking import synthetic_tasking

    booked_week = synthetic_week(min(max(ctx.scale // 50, 16), 60), seed=ctx.seed)
    booked = booked_week.deployments()
    tasking = synthetic_tasking(min(max(ctx.scale // 25, 30), 80), seed=ctx.seed)
    teams = tasking.teams or ()
    operations = {o.id: o for o in (*booked_week.operations, *(tasking.operations or ()))}
    with ctx.store.unit_of_work(user=ctx.user) as uow:
        known = {t.id for t in uow.teams.list()}
        for team in teams:
            if team.id not in known:
                uow.teams.add(team)
        known_ops = {o.id for o in uow.operations.list()}
        for op in operations.values():
            if op.id not in known_ops:
                uow.operations.add(op)
        stored = {d.id for d in uow.deployments.list()}
        for d in booked:
            if d.id not in stored:
                uow.deployments.add(d)
        existing = tuple(uow.deployments.list())
        plan = allocate(
            tasking.requests,
            teams,
            Availability(
                deployments=existing,
                leave=tasking.leave or (),
                staff=tasking.staff or (),
                unavailable=tasking.unavailable,
            ),
            operations=operations.values(),
        )
        stored = {d.id for d in existing}
        for d in plan.deployments:
            if d.id not in stored:
                uow.deployments.add(d)
        everything = list(uow.deployments.list())
        conflicts = deconflict(everything, teams)
        try:
            version, published = publish(uow, SPRING_WEEK, ctx.user), "published"
        except UnchangedGridError as exc:  # the demo run again on the same store
            version, published = exc.latest, "unchanged, not published again"
        uow.commit()
    amended = amend_week(ctx)
    out = ctx.out / "deconfliction"
    allocation = allocation_product(plan, "Allocation of the synthetic week's tasking requests", operations,
                                    {t.id: t for t in teams})
    product = conflicts_product(
        conflicts, "Deconfliction of the synthetic week", len(everything), (d.marking for d in everything)
    )
    grid = grid_product(version, operations, {t.id: t for t in teams})
    for fmt in ("md", "html"):  # owner-only files (and folder) above OFFICIAL
        write_marked(out / f"allocation.{fmt}", render(allocation, fmt), allocation.marking)
        write_marked(out / f"conflicts.{fmt}", render(product, fmt), product.marking)
        write_marked(out / f"grid-v{version.number}.{fmt}", render(grid, fmt), grid.marking)
    lines = []
    if amended is not None:
        second, moved = amended
        grid = grid_product(second, operations, {t.id: t for t in teams})
        for fmt in ("md", "html"):
            write_marked(out / f"grid-v{second.number}.{fmt}", render(grid, fmt), grid.marking)
        lines = [f"grid amended: {moved} two hours later, version {second.number} published"]
    hard = sum(1 for c in conflicts if c.hard)
    return [
        f"tasking requests: {len(tasking.requests)}; allocated {len(plan.assignments)}, "
        f"{len(plan.unallocated)} left out with reasons (coverage {plan.coverage}/{plan.requested}, "
        f"optimal, {plan.seconds:.2f} s)",
        f"deployments: {len(everything)} (week of {SPRING_WEEK:%d/%m/%Y}, clocks go forward)",
        f"conflicts: {len(conflicts)} ({hard} breaking hard rules, none involving allocated requests)"
        if not any(c.hard and set(c.deployment_ids) & {d.id for d in plan.deployments} for c in conflicts)
        else f"conflicts: {len(conflicts)} ({hard} breaking hard rules)",
        f"grid version {version.number} {published}: {len(version.entries)} entries",
        *lines,
        f"written to {out}",
    ]
