"""Build, check and publish a week's on-call rota from Python.

    python examples/rota_week.py [OUT_DIR]

Builds a synthetic CT on-call problem, solves it with the built-in solver (a fixed work budget,
so the same rota every run), checks it with the independent validator, prints its quality and
writes the weekly report and one iCalendar feed per role into OUT_DIR (default: a temporary
folder). All data is synthetic and fictional.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from ctpse_core.reports import render
from ctpse_core.rota.publish import RotaProduct, calendar_for_role
from ctpse_core.rota.quality import quality
from ctpse_core.rota.solvers import solve
from ctpse_core.rota.synth import synthetic_ct_problem
from ctpse_core.rota.validate import validate


def run(out: Path) -> None:
    problem = synthetic_ct_problem(staff=30, weeks=1, seed=5)
    result, report = solve(problem, "builtin", seed=5, time_limit=60, iterations=5_000)
    broken = validate(problem, result.roster)
    q = quality(problem, result.roster, report)
    print(f"{len(problem.staff)} staff, {len(problem.roles)} roles, {len(result.roster.assignments)} shifts")
    print(f"hard rules broken: {broken.hard_count}; coverage {q.coverage}%")
    product = RotaProduct(problem, result.roster)
    (out / "rota.md").write_text(render(product, "md"), encoding="utf-8")
    for role in problem.roles:
        (out / f"role-{role.id}.ics").write_bytes(calendar_for_role(problem, result.roster, role.id))
    print(f"written: rota.md and {len(problem.roles)} role feeds in {out}")


def main(argv: list[str]) -> None:
    if argv:
        out = Path(argv[0])
        out.mkdir(parents=True, exist_ok=True)
        run(out)
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(Path(tmp))


if __name__ == "__main__":
    main(sys.argv[1:])
