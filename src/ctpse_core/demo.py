"""``ctpse demo``: the weekly cycle on synthetic data in the embedded default store.

Each capability registers a :class:`DemoStep` through ``ctpse_register_demo_steps``;
steps run in ``order`` and share a :class:`DemoContext`. A step returns the lines
it wants in the summary; files it writes go in ``ctx.out``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from ctpse_core.plugin import Registry, registry
from ctpse_core.storage.base import Store

__all__ = ["DemoContext", "DemoStep", "run_demo", "steps"]


@attrs.define
class DemoContext:
    store: Store
    out: Path
    seed: int = 7
    scale: int = 1000
    user: str = "demo"
    progress: Callable[[str], None] = lambda _msg: None
    #: What earlier steps left for later ones (e.g. ``state["nominals_dir"]``).
    state: dict[str, Any] = attrs.Factory(dict)


@attrs.frozen
class DemoStep:
    order: int
    run: Callable[[DemoContext], list[str]]
    title: str = ""


def _check(name: str, item: Any) -> None:
    if not isinstance(item, DemoStep):
        raise TypeError(f"demo step {name!r} must be a DemoStep")


def steps() -> Registry[DemoStep]:
    return registry("ctpse_register_demo_steps", "demo step", _check)


def run_demo(ctx: DemoContext) -> list[tuple[str, list[str]]]:
    """Run every registered step in order; return (step title, summary lines) pairs."""
    ctx.out.mkdir(parents=True, exist_ok=True)
    results: list[tuple[str, list[str]]] = []
    for name, step in sorted(steps().items(), key=lambda item: (item[1].order, item[0])):
        ctx.progress(step.title or name)
        results.append((step.title or name, step.run(ctx)))
    return results
