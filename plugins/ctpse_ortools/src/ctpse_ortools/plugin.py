"""Entry point of the ``ctpse`` plugin group: registers the ``cpsat`` rota solver."""

from __future__ import annotations

from ctpse_core.plugin import Register, hookimpl


@hookimpl
def ctpse_register_rota_solvers(register: Register) -> None:
    from ctpse_ortools.cpsat import CpSatSolver

    register("cpsat", CpSatSolver())
