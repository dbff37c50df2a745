"""Rota solvers, registered through ``ctpse_register_rota_solvers``.

A solver has a ``name`` and ``solve(problem, *, seed, time_limit, extra)`` returning a
:class:`~ctpse_core.rota.search.SolveResult`. The built-in one is ``builtin`` (local
search, no dependency); the ``ctpse_ortools`` plugin adds ``cpsat``. :func:`solve`
runs one and then the independent validator over what it returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from ctpse_core.errors import CtpseError, PluginError
from ctpse_core.plugin import Registry, registry
from ctpse_core.rota.model import RotaProblem
from ctpse_core.rota.rules import BUILTIN_RULES, RotaConstraint
from ctpse_core.rota.search import SolveResult
from ctpse_core.rota.validate import ValidationReport, constraints, validate

__all__ = ["DEFAULT_SEED", "RotaSolver", "SolverError", "default_solver", "solve", "solvers"]

#: the seed `ctpse rota build` and `benchmarks/rota_instances.py` use when none is given
DEFAULT_SEED = 1


class SolverError(CtpseError):
    """A solver could not produce a rota (no solution in time, or the rules cannot all hold)."""


@runtime_checkable
class RotaSolver(Protocol):
    name: str

    def solve(
        self,
        problem: RotaProblem,
        *,
        seed: int = 0,
        time_limit: float = 30.0,
        iterations: int | None = None,
        extra: Sequence[RotaConstraint] = (),
    ) -> SolveResult: ...


def _check(name: str, item: Any) -> None:
    if not isinstance(item, RotaSolver):
        raise PluginError(f"rota solver {name!r} must have a name and a solve() method")


def solvers() -> Registry[RotaSolver]:
    return registry("ctpse_register_rota_solvers", "rota solver", _check)


def default_solver() -> str:
    """The strongest solver installed: the highest ``rank`` (a solver without one counts
    as 0; ties go to the name first in order). ``builtin`` is 10, ``hybrid`` 25 and
    ``cpsat`` 30 (both from ctpse_ortools)."""
    registered = solvers()
    return max(sorted(registered.names()), key=lambda n: int(getattr(registered.get(n), "rank", 0)))


def solve(
    problem: RotaProblem,
    solver: str = "builtin",
    *,
    seed: int = DEFAULT_SEED,
    time_limit: float = 30.0,
    iterations: int | None = None,
) -> tuple[SolveResult, ValidationReport]:
    """Solve with the named solver, then check the result with the validator.

    ``iterations`` caps the search by work rather than time, so the same seed gives the
    same rota on any machine (as long as ``time_limit`` is not reached first).
    """
    chosen = solvers().get(solver)
    rules = [c for _n, c in constraints().items()]
    builtin = {r.name for r in BUILTIN_RULES}
    extra = [r for r in rules if r.name not in builtin]
    budget = {} if iterations is None else {"iterations": iterations}
    result = chosen.solve(problem, seed=seed, time_limit=time_limit, extra=extra, **budget)
    return result, validate(problem, result.roster, rules)
