"""The ``ctpse demo`` step: every product in every installed format it offers (in
``products/``), and ``index.html`` at the top of the demo's output linking each one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["ROLE_ORDER", "demo_step", "write_index"]


#: The roles the index lists first, in this order (others follow, by name).
ROLE_ORDER = ("NM coordinator", "CATO")
#: (product, title, role, marking, format, files written)
Written = tuple[str, str, str, str, str, list[Path]]


def write_index(folder: Path, written: list[Written]) -> Path:
    """``index.html``: every product written, grouped by the role it serves (NM coordinator,
    CATO, then any other), each with its marking and a link to every format written."""
    from ctpse_core.domain.marking import Marking, highest
    from ctpse_core.products.files import write_output
    from ctpse_core.reports import _environment, template_paths

    groups: dict[str, dict[str, dict[str, object]]] = {}
    for name, title, role, marking, fmt, paths in written:
        product = groups.setdefault(role, {}).setdefault(
            name, {"product": name, "title": title, "marking": marking, "files": []})
        files = product["files"]
        assert isinstance(files, list)
        files.extend({"format": fmt, "file": p.relative_to(folder).as_posix()} for p in paths)
    roles = sorted(groups, key=lambda r: (ROLE_ORDER.index(r) if r in ROLE_ORDER else len(ROLE_ORDER), r))
    top = highest(Marking.parse(marking) for _n, _t, _r, marking, _f, _p in written)
    html = _environment(template_paths(), False).get_template("index.html.j2").render(
        title="Products of the synthetic week", marking=str(top),
        roles=[(role, list(groups[role].values())) for role in roles])
    (index,) = write_output(folder / "index.html", html, top)  # marked as its highest product
    return index


def demo_step(ctx: Any) -> list[str]:
    from ctpse_core.errors import InputError
    from ctpse_core.products import build, products, render_product, write
    from ctpse_core.reports import formats

    folder = ctx.out / "products"
    folder.mkdir(parents=True, exist_ok=True)
    installed = formats()
    written: list[Written] = []
    lines: list[str] = []
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
