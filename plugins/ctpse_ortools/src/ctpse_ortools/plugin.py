"""Entry point of the ``ctpse`` plugin group: registers the ``cpsat`` and ``hybrid`` rota solvers."""

from __future__ import annotations

from ctpse_core.plugin import Register, hookimpl


@hookimpl
def ctpse_register_rota_solvers(register: Register) -> None:
    from ctpse_ortools.cpsat import CpSatSolver
    from ctpse_ortools.hybrid import HybridSolver

    register("cpsat", CpSatSolver())
    register("hybrid", HybridSolver())
