"""The CP-SAT plugin tests share the rota tests' problem builders (same repository)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tests" / "rota"))
