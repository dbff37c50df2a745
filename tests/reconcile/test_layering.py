"""The settings module is plain data: no import circle with the engine modules that use it."""

from __future__ import annotations

import ast
from pathlib import Path

import ctpse_core.reconcile.config as config_module
from ctpse_core.reconcile.blocking import key_parts
from ctpse_core.reconcile.config import KEY_PARTS


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_config_imports_no_other_reconcile_module() -> None:
    """reconcile/config.py imports nothing of the engine (blocking, comparisons and explain import it)."""
    engine = {m for m in _imports(Path(config_module.__file__)) if m.startswith("ctpse_core.reconcile")}
    assert engine == set()


def test_key_part_names_match_the_blocking_code() -> None:
    """Every key part the settings accept has code in blocking.py, and every coded part is accepted."""
    assert sorted(KEY_PARTS) == key_parts()
