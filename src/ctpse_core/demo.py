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

__all__ = ["DemoContext", "DemoStep", "ensure_demo_user", "run_demo", "steps"]


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


def ensure_demo_user(store: Store, user: str) -> bool:
    """Make ``user`` the first user (administrator, cleared for everything: the data is
    synthetic) of a store that has no users; True if it did. On a store with users, an
    unknown ``user`` raises :class:`~ctpse_core.security.UnknownUser`."""
    from ctpse_core.security.principal import TOP_CLEARANCE, Principal, Role
    from ctpse_core.security.users import add_user

    if store.has_users():
        store.principal(user)
        return False
    first = Principal(id=user, name=user, roles=frozenset({Role.ADMINISTRATOR}), clearance=TOP_CLEARANCE)
    with store.unit_of_work(user=first) as uow:
        add_user(uow, user, name=user, organisation="demo", clearance=TOP_CLEARANCE)
        uow.commit()
    return True


def run_demo(ctx: DemoContext) -> list[tuple[str, list[str]]]:
    """Run every registered step in order; return (step title, summary lines) pairs.

    On a store with no users, ``ctx.user`` becomes its first user (see :func:`ensure_demo_user`)."""
    ctx.out.mkdir(parents=True, exist_ok=True)
    results: list[tuple[str, list[str]]] = []
    if ensure_demo_user(ctx.store, ctx.user):
        results.append(("users", [f"{ctx.user}: first user of this store, administrator"]))
    for name, step in sorted(steps().items(), key=lambda item: (item[1].order, item[0])):
        ctx.progress(step.title or name)
        results.append((step.title or name, step.run(ctx)))
    return results
