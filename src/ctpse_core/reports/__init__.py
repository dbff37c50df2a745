"""Products and the formats they are written in.

A :class:`Product` is anything a coordinator publishes (a reconciliation result,
the regional grid, a rota): it has a ``kind``, a ``title``, a protective
``marking`` at least as high as anything in it, and ``data()`` (JSON-ready).
Formats are registered through ``ctpse_register_report_formats``; the built-ins
are ``json``, ``md``, ``html`` and ``csv``. ``md`` and ``html`` use the Jinja2
template ``<kind>.<format>.j2`` when one is found (in this package's
``templates/`` or a plugin's loader) and a generic layout otherwise; every page
carries the marking at top and bottom (CSV: a ``# MARKING`` comment line first and last).
CSV cells a spreadsheet would run as formulas are written with a leading apostrophe
(:func:`ctpse_core.feeds.rejects.escape_cell`, the one helper for every CSV the project writes).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any, Protocol, runtime_checkable

from ctpse_core.domain.marking import Marking
from ctpse_core.plugin import Registry, registry

__all__ = [
    "Product",
    "Renderer",
    "SimpleProduct",
    "csv_text",
    "formats",
    "heading",
    "london_day",
    "london_time",
    "render",
    "template_environment",
    "uk_date",
    "uk_value",
]


@runtime_checkable
class Product(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def marking(self) -> Marking: ...

    def data(self) -> dict[str, Any]: ...


class SimpleProduct:
    """A product from plain data (for steps and plugins that need nothing more)."""

    def __init__(self, kind: str, title: str, data: Mapping[str, Any], marking: Marking | None = None,
                 rows: Iterable[Mapping[str, Any]] | None = None) -> None:
        self.kind = kind
        self.title = title
        self.marking = marking or Marking()
        self._data = dict(data)
        self._rows = list(rows) if rows is not None else None

    def data(self) -> dict[str, Any]:
        return self._data

    def rows(self) -> list[Mapping[str, Any]]:
        if self._rows is not None:
            return self._rows
        return [{"key": k, "value": v} for k, v in self._data.items()]


Renderer = Callable[[Product], str]


def formats() -> Registry[Renderer]:
    return registry("ctpse_register_report_formats", "report format")


def render(product: Product, fmt: str) -> str:
    """The product written in format ``fmt``."""
    return formats().get(fmt)(product)


@cache
def template_environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ctpse_core", "reports/templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["tojson_pretty"] = lambda v: json.dumps(v, indent=2, default=str)
    env.filters["london_day"] = london_day
    env.filters["london_time"] = london_time
    env.filters["heading"] = heading
    env.filters["uk_date"] = uk_date
    env.filters["uk_value"] = uk_value
    return env


def london_day(value: Any) -> str:
    """A date (or ISO date text) as ``Mon 3 Mar 2025``; aware datetimes by their London day."""
    import datetime as dt

    from ctpse_core.domain.common import day_text

    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.date()
    return day_text(value)


def uk_date(value: Any) -> str:
    """A date (or ISO date text) in UK form: ``31 Jan 1990`` (a date of birth has no weekday)."""
    import datetime as dt

    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value.day} {value:%b %Y}"


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def uk_value(value: Any) -> str:
    """A value for people to read: ISO dates (alone or in a ``; ``-list) in UK form, the rest as is."""
    text = "" if value is None else str(value)
    if not text or not text[:1].isdigit():
        return text
    parts = text.split("; ")
    if all(_ISO_DATE.fullmatch(p) for p in parts):
        try:
            return "; ".join(uk_date(p) for p in parts)
        except ValueError:
            return text
    return text


def london_time(value: Any) -> str:
    """An aware datetime (or ISO text) as Europe/London wall-clock with its zone:
    ``Mon 3 Mar 2025 07:00 GMT``."""
    import datetime as dt

    from ctpse_core.domain.common import time_text

    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return time_text(value)


def heading(value: Any) -> str:
    """A snake_case or kebab-case key as a heading: ``hard_by_rule`` -> ``Hard by rule``."""
    text = str(value).replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def _template(product: Product, fmt: str) -> Any:
    import jinja2

    env = template_environment()
    try:
        return env.get_template(f"{product.kind}.{fmt}.j2")
    except jinja2.TemplateNotFound:
        return env.get_template(f"generic.{fmt}.j2")


def render_json(product: Product) -> str:
    payload = {"kind": product.kind, "title": product.title, "marking": str(product.marking)}
    payload.update(product.data())
    return json.dumps(payload, indent=2, default=str, ensure_ascii=False) + "\n"


def render_md(product: Product) -> str:
    return str(_template(product, "md").render(product=product, data=product.data(), marking=str(product.marking)))


def render_html(product: Product) -> str:
    return str(_template(product, "html").render(product=product, data=product.data(), marking=str(product.marking)))


def csv_text(header: list[str], rows: Iterable[Mapping[str, Any]], marking: Marking | None = None) -> str:
    """CSV of ``rows`` (only ``header``'s columns), formula-like cells escaped; with a
    ``# MARKING`` comment line first and last when ``marking`` is given."""
    from ctpse_core.feeds.rejects import escape_cell

    def safe(value: Any) -> Any:
        return escape_cell(value) if isinstance(value, str) else value

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if marking is not None:  # one cell, quoted if the caveats hold a comma
        writer.writerow([f"# {marking}"])
    if header:
        writer.writerow([safe(h) for h in header])
        writer.writerows([safe(row.get(h, "")) for h in header] for row in rows)
    if marking is not None:
        writer.writerow([f"# {marking}"])
    return out.getvalue()


def render_csv(product: Product) -> str:
    rows_fn = getattr(product, "rows", None)
    rows: list[Mapping[str, Any]] = list(rows_fn()) if callable(rows_fn) else []
    return csv_text(list(rows[0].keys()) if rows else [], rows, product.marking)
