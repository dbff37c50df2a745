"""ctpse_ortools: the OR-Tools CP-SAT rota solver for ctpse_core (registered as ``cpsat``)."""

__version__ = "0.1.0"
