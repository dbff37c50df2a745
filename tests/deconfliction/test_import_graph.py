"""The deconfliction package's modules import each other in one direction only."""

from __future__ import annotations

import ast
from pathlib import Path

import ctpse_core.deconfliction as package

PREFIX = "ctpse_core.deconfliction."


def _imports(path: Path) -> set[str]:
    """Every ``ctpse_core.deconfliction.X`` module imported anywhere in the file (function
    bodies too: a deferred import still ties two modules together)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PREFIX):
            out.add(node.module.removeprefix(PREFIX).split(".")[0])
        elif isinstance(node, ast.Import):
            out |= {a.name.removeprefix(PREFIX).split(".")[0] for a in node.names if a.name.startswith(PREFIX)}
    return out


def test_no_import_circles_in_the_deconfliction_package() -> None:
    """No module of ``ctpse_core.deconfliction`` reaches itself through its imports (the
    ``frame`` <-> ``sweep`` circle is untied: the array types live in ``ctpse_core.arrays``)."""
    root = Path(package.__file__).parent
    graph = {p.stem: _imports(p) - {p.stem} for p in root.glob("*.py") if p.stem != "__init__"}
    circles = []
    for start in graph:
        seen: set[str] = set()
        todo = list(graph[start])
        while todo:
            mod = todo.pop()
            if mod == start:
                circles.append(start)
                break
            if mod in seen or mod not in graph:
                continue
            seen.add(mod)
            todo.extend(graph[mod])
    assert circles == [], f"modules that import themselves through others: {sorted(circles)}"
