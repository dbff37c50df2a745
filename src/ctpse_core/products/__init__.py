"""The product registry: every product a coordinator publishes, by name.

A service declares a product with ``ctpse_register_products``: a :class:`ProductSpec`
with its name, title, floor marking, the role it serves, the formats it offers and
``build(uow, as_of) -> Report``. :func:`build` runs the builder inside the caller's unit of
work and fixes the marking (never below the floor); :func:`write` renders it in a format
and writes the file (or folder, for email drafts and calendar feeds), owner-only when the
marking is above OFFICIAL. ``ctpse report --list`` and ``ctpse report NAME`` use these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NoReturn

import attrs

from ctpse_core.domain.marking import Marking, highest
from ctpse_core.errors import InputError, Problem
from ctpse_core.plugin import Registry, registry
from ctpse_core.reports.document import Report
from ctpse_core.storage.base import UnitOfWork

__all__ = ["CATO", "LEADERSHIP", "NM", "Builder", "ProductSpec", "build", "products", "render_product"]

#: The roles products serve (free text is allowed; these are the ones the built-ins use).
NM = "NM coordinator"
CATO = "CATO"
LEADERSHIP = "senior leadership"

Builder = Callable[[UnitOfWork, "dt.date | None"], Report]


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _marking(value: Marking | str) -> Marking:
    return value if isinstance(value, Marking) else Marking.parse(value)


@attrs.frozen(kw_only=True)
class ProductSpec:
    """What a product is: ``build(uow, as_of)`` returns its :class:`Report`."""

    title: str
    build: Builder
    formats: tuple[str, ...] = attrs.field(converter=_names)
    floor: Marking = attrs.field(default=Marking(), converter=_marking)
    role: str = NM
    description: str = ""

    @formats.validator
    def _formats(self, _attr: object, value: tuple[str, ...]) -> None:
        if not value:
            raise ValueError("a product offers at least one format")


def _check(name: str, item: object) -> None:
    if not isinstance(item, ProductSpec):
        raise TypeError("a product must be a ctpse_core.products.ProductSpec")


def products() -> Registry[ProductSpec]:
    return registry("ctpse_register_products", "product", _check)


def build(name: str, uow: UnitOfWork, as_of: dt.date | None = None) -> Report:
    """Product ``name`` built over ``uow``: its kind is the name, its role and floor the
    spec's, and its marking the highest of the floor and everything in it."""
    spec = products().get(name, field="NAME")
    if not uow.principal.clears(spec.floor):  # refused before anything is read
        _refuse(uow, name, spec.floor)
    report = spec.build(uow, as_of)
    if not isinstance(report, Report):
        raise TypeError(f"product {name!r} built {type(report).__name__}, not a Report")
    built = attrs.evolve(
        report,
        kind=name,
        role=report.role or spec.role,
        floor=highest([spec.floor, report.floor]),
        as_of=report.as_of or as_of,
    )
    _cleared(uow, built)
    return built


def _cleared(uow: UnitOfWork, report: Report) -> None:
    """No read up for products: a product marked above the principal's clearance (its floor, or
    the highest of what went in) is refused, and the refusal logged, before anything is
    rendered or written. The records in it were already filtered one by one by the
    repositories; this is the product's own marking (a SECRET grid is SECRET even when the
    reader could see each deployment in it)."""
    if not uow.principal.clears(report.marking):
        _refuse(uow, report.kind, report.marking)


def _refuse(uow: UnitOfWork, name: str, marking: Marking) -> NoReturn:
    from ctpse_core.security.policy import AccessDenied

    principal = uow.principal
    reason = f"{principal.id} is cleared to {principal.clearance}, below product {name!r}'s marking {marking}"
    uow.record_event("read refused", "products", name, detail=reason, operation="consultation")
    uow.commit()
    raise AccessDenied(reason)


def render_product(name: str, report: Report, fmt: str) -> object:
    """``report`` (product ``name``) in ``fmt``, which the product must offer."""
    from ctpse_core.reports import formats, render_output

    spec = products().get(name, field="NAME")
    if fmt not in spec.formats:
        raise InputError([Problem("--format", f"product {name!r} is offered as {', '.join(spec.formats)}, "
                                              f"not {fmt!r}")])
    if fmt not in formats():
        raise InputError([Problem("--format", f"format {fmt!r} is not installed (install its plugin, "
                                              f"e.g. plugins/ctpse_{fmt})")])
    return render_output(report, fmt)


def write(path: Path, output: object, marking: Marking) -> list[Path]:
    """Write a rendered product: text or bytes to ``path``, a bundle into folder ``path``."""
    from ctpse_core.products.files import write_output

    return write_output(path, output, marking)
