"""The ``ctpse demo`` step: every product in every installed format it offers (in
``products/``), and ``index.html`` at the top of the demo's output linking each one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["demo_step", "write_index"]


#: (product, title, role, marking, format, files written)
Written = tuple[str, str, str, str, str, list[Path]]


def write_index(folder: Path, written: list[Written]) -> Path:
    """``index.html``: every product written, by the role it serves, with its marking and
    links to each format."""
    from ctpse_core.domain.marking import Marking, highest
    from ctpse_core.products.files import write_output
    from ctpse_core.reports import _environment, template_paths
    from ctpse_core.reports.document import Column, Report, Section, Table

    rows = []
    for name, title, role, marking, fmt, paths in sorted(written, key=lambda w: (w[2], w[0])):
        for p in paths:
            rows.append({"role": role, "product": name, "title": title, "marking": marking, "format": fmt,
                         "file": str(p.relative_to(folder))})
    top = highest(Marking.parse(str(r["marking"])) for r in rows)
    columns = [Column(key) for key in ("role", "product", "title", "marking", "format", "file")]
    report = Report(kind="index", title="Products of the synthetic week", marking=top,
                    sections=[Section("Products", [Table("Products", columns, rows)])])
    html = _environment(template_paths(), False).get_template("index.html.j2").render(
        product=report, rows=rows, marking=str(top))
    (index,) = write_output(folder / "index.html", html, top)  # marked as its highest product
    return index


def amend_demo_week(ctx: Any) -> str | None:
    """When the latest grid week has one version, move one deployment two hours later and
    publish version 2, so the amendment notice has something to tell."""
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
    return f"grid amended: {moved.id} two hours later, version {version.number} published"


def demo_step(ctx: Any) -> list[str]:
    from ctpse_core.errors import InputError
    from ctpse_core.products import build, products, render_product, write
    from ctpse_core.products.rota import store_rota_people
    from ctpse_core.reports import formats

    problem = ctx.state.get("rota_problem")
    if problem is not None:
        with ctx.store.unit_of_work(user=ctx.user) as uow:
            store_rota_people(uow, problem.staff, problem.roles)
            uow.commit()
    folder = ctx.out / "products"
    folder.mkdir(parents=True, exist_ok=True)
    installed = formats()
    written: list[Written] = []
    amended = amend_demo_week(ctx)
    lines = [amended] if amended else []
    for name, spec in products().items():
        with ctx.store.unit_of_work(user=ctx.user) as uow:
            uow.require("publish", "products", f"report {name}")
            try:
                report = build(name, uow, None)
            except InputError as exc:
                lines.append(f"{name}: not built ({'; '.join(exc.lines())})")
                continue
            offered = [f for f in spec.formats if f in installed]
            for fmt in offered:
                output = render_product(name, report, fmt)
                target = folder / (f"{name}-{fmt}" if isinstance(output, dict) else f"{name}.{fmt}")
                paths = write(target, output, report.marking)
                uow.record_event("disclosure", "products", name, f"{fmt} to {target}")
                written.append((name, report.title, report.role, str(report.marking), fmt, paths))
            uow.commit()
        lines.append(f"{name} ({report.marking}): {', '.join(offered)}")
    index = write_index(ctx.out, written)
    return [*lines, f"index: {index}"]
