"""Entry point of the ``ctpse`` plugin group: registers the ``cpsat``, ``cpsat_lns`` and ``hybrid`` rota solvers."""

from __future__ import annotations

from ctpse_core.plugin import Register, hookimpl


@hookimpl
def ctpse_register_rota_solvers(register: Register) -> None:
    from ctpse_ortools.cpsat import CpSatSolver
    from ctpse_ortools.hybrid import HybridSolver

    register("cpsat", CpSatSolver())
    # CP-SAT with the LNS over small sub-models probed beside it from half the time; not the
    # default until seeds 1-3 of Curtois-Qu Instances 5-8 show it better (docs/performance.md,
    # issue 20 fifth pass)
    register("cpsat_lns", CpSatSolver(name="cpsat_lns", rank=28, lns_share=0.5, price_first=0.0))
    register("hybrid", HybridSolver())
