"""Deconfliction of covert surveillance deployments, the regional grid and allocation.

The public names are re-exported here; the modules behind them are small:
:mod:`.model` (Conflict, Settings, Severity), :mod:`.frame` (deployments as columns),
:mod:`.sweep` and :mod:`.spatial` (the exact sub-quadratic joins), :mod:`.rules`
(the rule interface and built-in rules), :mod:`.engine` (run rules, explain results),
:mod:`.oracle` (the brute-force reference).
"""

from ctpse_core.deconfliction.engine import ConflictSet, conflict_rules, deconflict, find_conflicts
from ctpse_core.deconfliction.frame import DeploymentFrame
from ctpse_core.deconfliction.model import Conflict, Settings, Severity
from ctpse_core.deconfliction.rules import CapacityRule, ConflictRule, Found, PairRule, RestRule

__all__ = [
    "CapacityRule",
    "Conflict",
    "ConflictRule",
    "ConflictSet",
    "DeploymentFrame",
    "Found",
    "PairRule",
    "RestRule",
    "Settings",
    "Severity",
    "conflict_rules",
    "deconflict",
    "find_conflicts",
]
