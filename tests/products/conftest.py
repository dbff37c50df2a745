"""The synthetic week of :mod:`ctpse_core.testing.products` in a memory store, with hostile
text planted (a ``<script>`` team leader, formula-like operation and person names)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ctpse_core.testing.products import FORMULA_OP, FORMULA_PERSON, SCRIPT, USER

__all__ = ["FORMULA_OP", "FORMULA_PERSON", "SCRIPT", "USER", "offered"]


@pytest.fixture(scope="session")
def product_store() -> Iterator[Any]:
    from ctpse_core.storage import open_store
    from ctpse_core.testing.products import fill_week

    store = fill_week(open_store("memory://"), hostile=True)
    yield store
    store.close()


def offered() -> list[tuple[str, str]]:
    """Every (product, format) the built-in products offer."""
    from ctpse_core.products.builtin import builtin_products

    return [(name, fmt) for name, spec in builtin_products() for fmt in spec.formats]


@pytest.fixture(scope="session")
def built(product_store: Any) -> dict[str, Any]:
    """Every built-in product, built once from the store."""
    from ctpse_core.products import build
    from ctpse_core.products.builtin import builtin_products

    out = {}
    with product_store.unit_of_work(user=USER) as uow:
        for name, _spec in builtin_products():
            out[name] = build(name, uow, None)
    return out
