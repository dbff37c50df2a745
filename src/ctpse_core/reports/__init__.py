"""Products and the formats they are written in: one report engine.

A :class:`Product` is anything a coordinator publishes (a reconciliation result,
the regional grid, a rota): it has a ``kind``, a ``title``, a protective
``marking`` at least as high as anything in it, and ``data()`` (JSON-ready). The
structured form every format lays out is :class:`~ctpse_core.reports.document.Report`
(sections of paragraphs, facts, tables and charts; notices; events); any other product
is turned into one by :func:`~ctpse_core.reports.document.as_report`.

Formats are registered through ``ctpse_register_report_formats`` as a renderer
function (text) or a :class:`ReportFormat` (binary files, folders of files, what the
product must hold). Built in: ``json``, ``md``, ``html``, ``csv``, ``ics`` and ``eml``;
the first-party plugins add ``xlsx``, ``docx`` and ``pptx``. ``md`` and ``html`` use the
Jinja2 template ``<kind>.<format>.j2`` found first on the template search path (plugins'
``ctpse_report_template_paths``, then this package's ``templates/``), else
``generic.<format>.j2``; a Report uses ``<kind>.<format>.j2`` from a plugin's folder, else
``report.<format>.j2``. HTML is autoescaped and Markdown escaped (:func:`md_escape` for a
Report, :func:`md_entities` for other products' own templates: ``<script>`` is text either
way); every page carries the marking at top
and bottom (CSV: a ``# MARKING`` comment line first and last). CSV and XLSX cells a
spreadsheet would run as formulas get a leading apostrophe
(:func:`ctpse_core.feeds.rejects.escape_cell`, the one helper for every such file).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any, Protocol, cast, runtime_checkable

import attrs

from ctpse_core.domain.marking import Marking
from ctpse_core.errors import CtpseError
from ctpse_core.plugin import Registry, registry

__all__ = [
    "Output",
    "Product",
    "Renderer",
    "ReportFormat",
    "SimpleProduct",
    "cell_text",
    "csv_text",
    "format_info",
    "formats",
    "heading",
    "london_day",
    "london_time",
    "md_entities",
    "md_escape",
    "render",
    "render_bytes",
    "render_output",
    "template_environment",
    "template_paths",
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


Output = str | bytes | Mapping[str, bytes]
Renderer = Callable[[Product], Any]


@attrs.frozen
class ReportFormat:
    """A format: ``render(product)`` gives text, bytes, or a folder of files (``bundle``:
    file name -> bytes, e.g. one ``.eml`` per recipient group). ``needs`` names what a
    product must hold for the format to apply (``events`` for iCalendar, ``notices`` for
    email); ``binary`` formats are written to a file, never printed."""

    render: Renderer
    suffix: str
    title: str = ""
    binary: bool = False
    bundle: bool = False
    needs: str = ""

    def __call__(self, product: Product) -> Any:
        return self.render(product)


def _check_format(name: str, item: Any) -> None:
    if not callable(item):
        raise TypeError("a report format is a renderer function or a ReportFormat")


def formats() -> Registry[Renderer]:
    return registry("ctpse_register_report_formats", "report format", _check_format)


def format_info(name: str) -> ReportFormat:
    """The registered format ``name`` as a :class:`ReportFormat` (plain renderers: text)."""
    item = formats().get(name, field="--format")
    if isinstance(item, ReportFormat):
        return item
    return ReportFormat(render=item, suffix=f".{name}", title=name)


def render(product: Product, fmt: str) -> str:
    """The product written in the text format ``fmt``."""
    out = formats().get(fmt, field="--format")(product)
    if not isinstance(out, str):
        raise CtpseError(f"format {fmt!r} writes a file, not text: use `ctpse report NAME --format {fmt} --out FILE`")
    return out


def render_output(product: Product, fmt: str) -> Output:
    """The product in format ``fmt``: text, bytes, or file name -> bytes for a bundle."""
    out = formats().get(fmt, field="--format")(product)
    if not isinstance(out, str | bytes | Mapping):
        raise CtpseError(f"format {fmt!r} returned {type(out).__name__}, not text, bytes or files")
    return cast(Output, out)


def render_bytes(product: Product, fmt: str) -> bytes:
    """The product in format ``fmt`` as bytes (a bundle is refused: it is several files)."""
    out = render_output(product, fmt)
    if isinstance(out, Mapping):
        raise CtpseError(f"format {fmt!r} writes several files: give a folder")
    return out.encode("utf-8") if isinstance(out, str) else out


def template_paths() -> tuple[str, ...]:
    """Folders plugins add to the template search path (searched before the built-in one)."""
    from ctpse_core.plugin import get_plugin_manager

    found: list[str] = []
    for paths in get_plugin_manager().hook.ctpse_report_template_paths():
        found += [str(p) for p in paths or ()]
    return tuple(found)


def template_environment() -> Any:
    """The Jinja2 environment (HTML autoescaped) over the template search path."""
    return _environment(template_paths(), False)


def _loader(paths: tuple[str, ...]) -> Any:
    import jinja2

    return jinja2.ChoiceLoader(
        [*(jinja2.FileSystemLoader(p) for p in paths), jinja2.PackageLoader("ctpse_core", "reports/templates")]
    )


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")


def md_escape(value: Any) -> str:
    """A value as Markdown text: every character Markdown or HTML would act on escaped
    with a backslash, line breaks as spaces (a value cannot start a heading or a table row)."""
    if value is None:
        return ""
    text = " ".join(str(value).splitlines())
    return _MD_SPECIAL.sub(r"\\\1", text)


_MD_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def md_entities(value: Any) -> Any:
    """A value for a Markdown page laid out by its own template (not a :class:`Report`):
    ``&``, ``<`` and ``>`` as HTML entities, so ``<script>`` from a partner's file is text in
    any Markdown viewer, as in HTML, while the rest reads as written. Safe markup passes."""
    if value is None or hasattr(value, "__html__") or isinstance(value, _Laid):
        return value
    return str(value).translate(_MD_ENTITIES)


def _md_lines(items: Iterable[Any]) -> Any:
    """Items escaped and joined with ``<br>`` (line breaks inside a Markdown table cell)."""
    from markupsafe import Markup

    return Markup("<br>".join(str(md_entities(item)) for item in items))


class _Laid(str):
    """Markdown a template has already laid out (a macro's output): not escaped again."""


def _md_finalize(value: Any) -> str:
    return str(value) if isinstance(value, _Laid) else md_escape(value)


@cache
def _environment(paths: tuple[str, ...], markdown: bool, entities: bool = False) -> Any:
    """``markdown``: a Report's Markdown (every value escaped by :func:`md_escape`);
    ``entities``: another product's Markdown (:func:`md_entities`); neither: HTML (autoescaped)."""
    import jinja2

    env = jinja2.Environment(
        loader=_loader(paths),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        finalize=_md_finalize if markdown else md_entities if entities else None,
    )
    env.filters["tojson_pretty"] = lambda v: json.dumps(v, indent=2, default=str)
    env.filters["london_day"] = london_day
    env.filters["london_time"] = london_time
    env.filters["heading"] = heading
    env.filters["uk_date"] = uk_date
    env.filters["uk_value"] = uk_value
    env.filters["cell"] = cell_text
    env.filters["svg_chart"] = svg_chart
    env.filters["md_lines"] = _md_lines
    env.filters["laid_out"] = _Laid
    env.tests["table"] = lambda b: type(b).__name__ == "Table"
    env.tests["facts"] = lambda b: type(b).__name__ == "Facts"
    env.tests["chart"] = lambda b: type(b).__name__ == "Chart"
    env.tests["paragraph"] = lambda b: type(b).__name__ == "Paragraph"
    return env


def cell_text(value: Any, kind: str = "text") -> str:
    """A table cell for people to read: dates in UK form, numbers as written, lists joined."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return london_time(value)
    if isinstance(value, dt.date):
        return london_day(value) if kind == "date" else uk_date(value)
    if kind == "percent" and isinstance(value, int | float):
        return f"{value:.1f}%"
    if kind == "money" and isinstance(value, int | float):
        return f"{value:,.2f}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return "; ".join(cell_text(v) for v in value)
    return uk_value(value) if kind in ("text", "date") else str(value)


def svg_chart(chart: Any) -> Any:
    """A chart as inline SVG (matplotlib, fixed metadata so the bytes never change);
    without matplotlib, ``None`` (the template shows the numbers as a table)."""
    from markupsafe import Markup

    from ctpse_core.reports.charts import chart_svg

    svg = chart_svg(chart)
    return Markup(svg) if svg is not None else None


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


def _template(product: Product, fmt: str, markdown: bool = False) -> Any:
    import jinja2

    from ctpse_core.reports.document import Report

    env = _environment(template_paths(), markdown, entities=fmt == "md" and not markdown)
    name = f"{product.kind}.{fmt}.j2"
    if isinstance(product, Report):
        # a structured product's own layout comes only from a plugin's folder: the built-in
        # ``<kind>.<fmt>.j2`` files lay out older product objects that may share its name
        for loader in env.loader.loaders[:-1]:
            try:
                loader.get_source(env, name)
            except jinja2.TemplateNotFound:
                continue
            return env.get_template(name)
        return env.get_template(f"report.{fmt}.j2")
    try:
        return env.get_template(name)
    except jinja2.TemplateNotFound:
        return env.get_template(f"generic.{fmt}.j2")


def render_json(product: Product) -> str:
    marking = str(product.marking)
    payload = {"kind": product.kind, "title": product.title, "marking": marking}
    payload.update(product.data())
    payload["marking"] = marking  # a product's data cannot carry another marking
    return json.dumps(payload, indent=2, default=str, ensure_ascii=False) + "\n"


def _render_text(product: Product, fmt: str) -> str:
    from ctpse_core.reports.document import Report

    structured = isinstance(product, Report)
    template = _template(product, fmt, markdown=structured and fmt == "md")
    return str(template.render(product=product, data=product.data(), marking=str(product.marking)))


def render_md(product: Product) -> str:
    return _render_text(product, "md")


def render_html(product: Product) -> str:
    return _render_text(product, "html")


def csv_text(header: list[str], rows: Iterable[Mapping[str, Any]], marking: Marking | None = None) -> str:
    """CSV of ``rows`` (only ``header``'s columns), formula-like cells escaped; with a
    ``# MARKING`` comment line first and last when ``marking`` is given."""
    from ctpse_core.feeds.rejects import escape_cell

    def safe(value: Any) -> Any:
        # a bare carriage return is not quoted by the csv module (its line end is "\n"):
        # written as a line break, which is quoted
        if isinstance(value, str):
            return escape_cell(value).replace("\r\n", "\n").replace("\r", "\n")
        return value

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


def _csv_value(value: Any) -> Any:
    """A cell for other systems: ISO dates, aware times as ISO on the London clock."""
    import datetime as dt

    from ctpse_core.domain.common import LONDON

    if isinstance(value, dt.datetime):
        return (value.astimezone(LONDON) if value.tzinfo else value).isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return value


def render_csv(product: Product) -> str:
    """The product's primary table (a Report's) or its ``rows()``, marked first and last."""
    from ctpse_core.reports.document import Report

    if isinstance(product, Report):
        table = product.primary()
        if table is None:
            return csv_text([], [], product.marking)
        rows = [{c.heading: _csv_value(row.get(c.key)) for c in table.columns} for row in table.rows]
        return csv_text([c.heading for c in table.columns], rows, product.marking)
    rows_fn = getattr(product, "rows", None)
    rows = list(rows_fn()) if callable(rows_fn) else []
    return csv_text(list(rows[0].keys()) if rows else [], rows, product.marking)
