"""The ``ctpse demo`` step: a synthetic week stored, de-conflicted and published."""

from __future__ import annotations

from typing import Any

from ctpse_core.synthetic.deployments import SPRING_WEEK, synthetic_week

__all__ = ["run_demo_step"]


def run_demo_step(ctx: Any) -> list[str]:
    from ctpse_core.cli.deconflict import conflicts_product, grid_product
    from ctpse_core.deconfliction.engine import deconflict
    from ctpse_core.deconfliction.grid import publish
    from ctpse_core.reports import render

    week = synthetic_week(min(max(ctx.scale // 5, 60), 400), seed=ctx.seed)
    deployments = week.deployments()
    with ctx.store.unit_of_work(user=ctx.user) as uow:
        known = {t.id for t in uow.teams.list()}
        for team in week.teams:
            if team.id not in known:
                uow.teams.add(team)
        known_ops = {o.id for o in uow.operations.list()}
        for op in week.operations:
            if op.id not in known_ops:
                uow.operations.add(op)
        stored = {d.id for d in uow.deployments.list()}
        for d in deployments:
            if d.id not in stored:
                uow.deployments.add(d)
        conflicts = deconflict(deployments, week.teams)
        version = publish(uow, SPRING_WEEK, ctx.user)
        uow.commit()
    out = ctx.out / "deconfliction"
    out.mkdir(parents=True, exist_ok=True)
    product = conflicts_product(conflicts, "Deconfliction of the synthetic week", len(deployments))
    for fmt in ("md", "html"):
        (out / f"conflicts.{fmt}").write_text(render(product, fmt), encoding="utf-8")
        (out / f"grid-v{version.number}.{fmt}").write_text(
            render(grid_product(version), fmt), encoding="utf-8"
        )
    hard = sum(1 for c in conflicts if c.hard)
    return [
        f"deployments: {len(deployments)} (week of {SPRING_WEEK:%d/%m/%Y}, clocks go forward)",
        f"conflicts: {len(conflicts)} ({hard} breaking hard rules)",
        f"grid version {version.number} published: {len(version.entries)} entries",
        f"written to {out}",
    ]
