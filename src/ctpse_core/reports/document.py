"""The structured, marked product every format lays out.

A :class:`Report` says *what* a product holds — sections of paragraphs, facts, tables and
charts, notices for recipient groups, calendar events — and *how it is marked*; a format
(Markdown, HTML, CSV, JSON, XLSX, DOCX, PPTX, iCalendar, email) only lays it out. The
marking is fixed once, here: the highest of the product's floor and of everything in it
(:func:`ctpse_core.domain.marking.highest`), so no format can mark a product lower.

``stamp`` is the product's publication time, taken from the data (a grid version's
publication, a rota's last change), never from the clock, so the same input gives the
same bytes in every format. :func:`as_report` turns any older product (``kind``,
``title``, ``marking``, ``data()``, optional ``rows()``) into a report, so every format
can render every product.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from ctpse_core.domain.common import UTC
from ctpse_core.domain.marking import Marking, highest

__all__ = [
    "Block",
    "Chart",
    "Column",
    "Event",
    "Facts",
    "Notice",
    "Paragraph",
    "Report",
    "Section",
    "Table",
    "as_report",
    "column",
]

#: Column kinds formats understand: number and date formats in XLSX, alignment in HTML.
KINDS = ("text", "int", "float", "money", "percent", "date", "datetime", "phone")
EPOCH = dt.datetime(2000, 1, 1, tzinfo=UTC)


def _kind(_inst: Any, _attr: Any, value: str) -> None:
    if value not in KINDS:
        raise ValueError(f"column kind {value!r} is not one of {', '.join(KINDS)}")


@attrs.frozen
class Column:
    """One column of a table: the row key it shows, its heading and kind."""

    key: str
    title: str = ""
    kind: str = attrs.field(default="text", validator=_kind)

    @property
    def heading(self) -> str:
        return self.title or self.key.replace("_", " ").capitalize()


def column(spec: str | Column) -> Column:
    """``"name"``, ``"count:int"`` or a :class:`Column`."""
    if isinstance(spec, Column):
        return spec
    key, _, kind = spec.partition(":")
    return Column(key, kind=kind or "text")


def _columns(value: Iterable[str | Column]) -> tuple[Column, ...]:
    return tuple(column(c) for c in value)


def _rows(value: Iterable[Mapping[str, Any]]) -> tuple[Mapping[str, Any], ...]:
    return tuple(dict(r) for r in value)


def _pairs(value: Iterable[tuple[Any, Any]]) -> tuple[tuple[str, Any], ...]:
    return tuple((str(k), x) for k, x in value)


def _labels(value: Iterable[Any]) -> tuple[str, ...]:
    return tuple(str(c) for c in value)


def _series(value: Iterable[tuple[Any, Iterable[float]]]) -> tuple[tuple[str, tuple[float, ...]], ...]:
    return tuple((str(n), tuple(float(x) for x in xs)) for n, xs in value)


def _sections(value: Iterable[Section]) -> tuple[Section, ...]:
    return tuple(value)


def _list_of_sections(value: Iterable[Section]) -> list[Section]:
    return list(value)


def _list_of_notices(value: Iterable[Notice]) -> list[Notice]:
    return list(value)


def _list_of_events(value: Iterable[Event]) -> list[Event]:
    return list(value)


@attrs.frozen
class Paragraph:
    text: str


@attrs.frozen
class Facts:
    """Labelled values (a summary)."""

    items: tuple[tuple[str, Any], ...] = attrs.field(converter=_pairs)
    title: str = ""


@attrs.frozen
class Table:
    """Rows under columns. ``name`` is short (an XLSX sheet name); ``primary`` marks the
    table a one-table format (CSV) writes."""

    name: str
    columns: tuple[Column, ...] = attrs.field(converter=_columns)
    rows: tuple[Mapping[str, Any], ...] = attrs.field(converter=_rows)
    title: str = ""
    primary: bool = False
    note: str = ""


@attrs.frozen
class Chart:
    """A bar chart: categories along the axis, one or more named series of numbers."""

    title: str
    categories: tuple[str, ...] = attrs.field(converter=_labels)
    series: tuple[tuple[str, tuple[float, ...]], ...] = attrs.field(converter=_series)

    def table(self) -> Table:
        """The chart's numbers as a table (for formats without charts)."""
        cols = [Column("category", "Category"), *(Column(f"s{i}", name, "float") for i, (name, _) in
                                                   enumerate(self.series))]
        rows = [
            {"category": c, **{f"s{i}": xs[k] for i, (_, xs) in enumerate(self.series)}}
            for k, c in enumerate(self.categories)
        ]
        return Table(self.title[:31], cols, rows, title=self.title)


Block = Paragraph | Facts | Table | Chart


def _blocks(value: Iterable[Block]) -> tuple[Block, ...]:
    return tuple(value)


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class Section:
    heading: str
    blocks: tuple[Block, ...] = attrs.field(converter=_blocks)



@attrs.frozen
class Notice:
    """What one recipient group must be told (need-to-know: only its part), as an email
    draft or a letter. ``marking`` is the notice's own (never below the report's floor)."""

    group: str
    subject: str
    sections: tuple[Section, ...] = attrs.field(converter=_sections)
    to: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    marking: Marking | None = None


@attrs.frozen
class Event:
    """A calendar event (a shift); ``calendar`` names the feed it belongs to."""

    uid: str
    start: dt.datetime
    end: dt.datetime
    summary: str
    description: str = ""
    contact: str | None = None
    calendar: str = "all"


def _stamp(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("a report's stamp must be timezone-aware")
    return value.astimezone(UTC).replace(microsecond=0)


@attrs.define
class Report:
    """A marked product. ``marking`` is raised to ``floor`` and to every notice's marking."""

    kind: str
    title: str
    marking: Marking = attrs.field(factory=Marking)
    floor: Marking = attrs.field(factory=Marking)
    sections: list[Section] = attrs.field(factory=list, converter=_list_of_sections)
    notices: list[Notice] = attrs.field(factory=list, converter=_list_of_notices)
    events: list[Event] = attrs.field(factory=list, converter=_list_of_events)
    subtitle: str = ""
    role: str = ""
    as_of: dt.date | None = None
    stamp: dt.datetime = attrs.field(default=EPOCH, converter=_stamp)
    author: str = "ctpse_core"
    sender: str = "ctpse@example.invalid"

    def __attrs_post_init__(self) -> None:
        notice_markings = [n.marking for n in self.notices if n.marking is not None]
        self.marking = highest([self.floor, self.marking, *notice_markings])

    def notice_marking(self, notice: Notice) -> Marking:
        """A notice's marking: its own, never below the floor (the report's when it has none)."""
        return highest([self.floor, notice.marking]) if notice.marking is not None else self.marking

    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]

    def primary(self) -> Table | None:
        tables = self.tables()
        return next((t for t in tables if t.primary), tables[0] if tables else None)

    def rows(self) -> list[Mapping[str, Any]]:
        table = self.primary()
        return list(table.rows) if table is not None else []

    def data(self) -> dict[str, Any]:
        """Everything, JSON-ready (the ``json`` format adds kind, title and marking)."""
        return {
            "floor": str(self.floor),
            "subtitle": self.subtitle,
            "role": self.role,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "stamp": self.stamp.isoformat(),
            "sections": [_section_data(s) for s in self.sections],
            "notices": [
                {
                    "group": n.group,
                    "to": list(n.to),
                    "subject": n.subject,
                    "marking": str(self.notice_marking(n)),
                    "sections": [_section_data(s) for s in n.sections],
                }
                for n in self.notices
            ],
            "events": [
                {
                    "uid": e.uid,
                    "calendar": e.calendar,
                    "start": e.start.isoformat(),
                    "end": e.end.isoformat(),
                    "summary": e.summary,
                    "description": e.description,
                    "contact": e.contact,
                }
                for e in self.events
            ],
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _block_data(block: Block) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "text": block.text}
    if isinstance(block, Facts):
        return {"type": "facts", "title": block.title, "items": {k: _jsonable(v) for k, v in block.items}}
    if isinstance(block, Chart):
        return {"type": "chart", "title": block.title, "categories": list(block.categories),
                "series": {n: list(xs) for n, xs in block.series}}
    return {
        "type": "table",
        "name": block.name,
        "title": block.title,
        "columns": [{"key": c.key, "title": c.heading, "kind": c.kind} for c in block.columns],
        "rows": [{c.key: _jsonable(r.get(c.key)) for c in block.columns} for r in block.rows],
    }


def _section_data(section: Section) -> dict[str, Any]:
    return {"heading": section.heading, "blocks": [_block_data(b) for b in section.blocks]}


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool | dt.date):
        return value
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return "; ".join(str(_cell(v)) for v in value)
    return str(value)


def _table_from(name: str, items: Sequence[Any]) -> Table:
    if items and all(isinstance(i, Mapping) for i in items):
        keys: dict[str, None] = {}
        for item in items:
            keys.update(dict.fromkeys(str(k) for k in item))
        rows = [{k: _cell(item.get(k)) for k in keys} for item in items]
        return Table(name[:31], list(keys), rows, title=name.replace("_", " ").capitalize())
    return Table(name[:31], ["value"], [{"value": _cell(i)} for i in items],
                 title=name.replace("_", " ").capitalize())


def as_report(product: Any) -> Report:
    """Any product as a :class:`Report`: scalars and mappings become facts, lists tables
    (a product's own ``rows()``, when it has them, lead as the primary table)."""
    if isinstance(product, Report):
        return product
    data = product.data()
    facts = [(k.replace("_", " ").capitalize(), _cell(v)) for k, v in data.items()
             if not isinstance(v, Mapping | list | tuple)]
    sections: list[Section] = []
    rows_fn = getattr(product, "rows", None)
    rows = list(rows_fn()) if callable(rows_fn) else []
    if facts:
        sections.append(Section("Summary", [Facts(facts)]))
    if rows:
        main = _table_from("Rows", rows)
        sections.append(Section("Rows", [attrs.evolve(main, primary=True)]))
    for key, value in data.items():
        heading = key.replace("_", " ").capitalize()
        if isinstance(value, Mapping):
            if value and all(isinstance(v, Mapping) for v in value.values()):
                items = [{"name": k, **v} for k, v in value.items()]
                sections.append(Section(heading, [_table_from(key, items)]))
            else:
                sections.append(Section(heading, [Facts([(str(k), _cell(v)) for k, v in value.items()])]))
        elif isinstance(value, list | tuple) and value:
            sections.append(Section(heading, [_table_from(key, list(value))]))
    return Report(kind=product.kind, title=product.title, marking=product.marking, sections=sections)
