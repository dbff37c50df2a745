"""ctpse_core: coordination library for a regional Counter Terrorism Policing unit.

The public namespace is small; see ``docs/`` for the guide. Domain classes live in
:mod:`ctpse_core.domain`, the converter in :mod:`ctpse_core.convert`, stores in
:mod:`ctpse_core.storage`, plugin hooks in :mod:`ctpse_core.plugin`.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
