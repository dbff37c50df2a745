"""The synthetic week of :mod:`ctpse_core.testing.products` in a memory store, with hostile
text planted (a ``<script>`` team leader, formula-like operation and person names)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ctpse_core.testing.products import FORMULA_OP, FORMULA_PERSON, SCRIPT, USER
from ctpse_core.testing.security import SYSTEM

__all__ = ["FORMULA_OP", "FORMULA_PERSON", "SCRIPT", "SERVICE_PRODUCTS", "USER", "names", "offered"]


@pytest.fixture(scope="session")
def product_store() -> Iterator[Any]:
    from ctpse_core.storage import open_store
    from ctpse_core.testing.products import fill_week

    store = fill_week(open_store("memory://"), hostile=True)
    yield store
    store.close()


#: The casework, tasking and finance products their built-in plugins register (the synthetic
#: week holds their data; the performance products have their own tests in tests/performance).
SERVICE_PRODUCTS = ("engagement-tracker", "civil-orders-horizon", "asset-requests", "overtime-forecast",
                    "funding-bid", "funding-reconciliation")


def names() -> list[str]:
    """The products these tests render: the built-in products and :data:`SERVICE_PRODUCTS`."""
    from ctpse_core.products.builtin import builtin_products

    return [name for name, _spec in builtin_products()] + list(SERVICE_PRODUCTS)


def offered() -> list[tuple[str, str]]:
    """Every (product, format) of :func:`names`, as registered."""
    from ctpse_core.products import products

    return [(name, fmt) for name in names() for fmt in products().get(name).formats]


@pytest.fixture(scope="session")
def built(product_store: Any) -> dict[str, Any]:
    """Every product of :func:`names`, built once from the store."""
    from ctpse_core.products import build

    out = {}
    with product_store.unit_of_work(user=USER) as uow:
        for name in names():
            out[name] = build(name, uow, None)
    return out


@pytest.fixture
def store_url(tmp_path: Path, product_store: Any) -> str:
    """A SQLite copy of the synthetic week (the CLI opens stores by URL)."""
    from ctpse_core.storage import open_store
    from ctpse_core.storage.archive import export_store, import_archive

    archive = tmp_path / "week.jsonl"
    export_store(product_store, archive, user=USER)
    url = f"sqlite:///{tmp_path / 'week.sqlite'}"
    target = open_store(url)
    import_archive(target, archive, user=SYSTEM)  # a new store: the archive brings its users
    target.close()
    return url
