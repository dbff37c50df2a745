"""Hook specifications: every extension point of ctpse_core.

Built-in features implement these hooks exactly as third-party plugins do (see
:mod:`ctpse_core.builtins`). ``register_*`` hooks receive a callback owned by the
host; it validates each item and rejects a name that is already taken.
Documented, with exact signatures, in ``docs/plugin_hooks.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

    from ctpse_core.plugin.registry import Register
    from ctpse_core.security.principal import Principal

hookspec = pluggy.HookspecMarker("ctpse")


@hookspec
def ctpse_register_record_types(register: Register) -> None:
    """Register stored record types (attrs classes deriving from ``Record``) by collection name.

    Called once, the first time a store needs its schema. Storage backends create a
    collection for each registered type.

    :param register: ``register(collection_name, record_class)``.

    .. versionadded:: 0.1
    """


@hookspec
def ctpse_register_storage(register: Register) -> None:
    """Register storage backends by URL scheme (``sqlite``, ``postgresql``, ``tinydb``, ``memory``).

    Called once, the first time a store URL is opened.

    :param register: ``register(scheme, factory)`` where ``factory(url) -> Store``.

    .. versionadded:: 0.1
    """


@hookspec
def ctpse_register_feed_formats(register: Register) -> None:
    """Register file-format readers for partner feeds (``csv``, ``json``, ``jsonl``, ``xlsx``...).

    Called once, the first time a feed file is opened. A ``FeedFormat`` names the file
    suffixes it claims and a ``read(path, options) -> Table`` function whose rows are
    raw cells (see ``ctpse_core.feeds.formats``); it raises ``FeedFileError`` for a file
    it cannot read at all.

    :param register: ``register(format_name, FeedFormat(name=..., suffixes=(...), read=...))``.

    .. versionadded:: 0.1
    """


@hookspec
def ctpse_register_feeds(register: Register) -> None:
    """Register partner-feed definitions (``national``, ``regional``, ``staff``...).

    :param register: ``register(feed_name, feed_definition)``.

    .. versionadded:: 0.1
    """


@hookspec
def ctpse_register_report_formats(register: Register) -> None:
    """Register output formats for products (``json``, ``md``, ``html``, ``csv``, ``ics``...).

    :param register: ``register(format_name, renderer)``.

    .. versionadded:: 0.1
    """


@hookspec
def ctpse_register_commands(cli: click.Group) -> None:
    """Add click commands or groups to the ``ctpse`` command line.

    Called once when the CLI starts. Keep imports inside command bodies so that
    ``ctpse --help`` stays fast.

    :param cli: the top-level ``ctpse`` group; call ``cli.add_command(...)``.

    .. versionadded:: 0.1
    """


@hookspec
def ctpse_register_match_rules(register: Register) -> None:
    """Register comparisons the reconciliation engine uses to match nominals.

    :param register: ``register(rule_name, rule)``.

    .. versionadded:: 0.1
    """


@hookspec
def ctpse_register_conflict_rules(register: Register) -> None:
    """Register deconfliction rules (double-booking, subject clash, proximity...).

    :param register: ``register(rule_name, rule)``.

    .. versionadded:: 0.1
    """


@hookspec
def ctpse_register_rota_constraints(register: Register) -> None:
    """Register rostering constraints the validator and solvers understand.

    :param register: ``register(constraint_name, constraint)``.

    .. versionadded:: 0.1
    """


@hookspec
def ctpse_register_rota_solvers(register: Register) -> None:
    """Register rota solvers (the built-in local search, OR-Tools CP-SAT...).

    :param register: ``register(solver_name, solver)``.

    .. versionadded:: 0.1
    """


@hookspec
def ctpse_register_demo_steps(register: Register) -> None:
    """Register steps of ``ctpse demo``, the weekly cycle on synthetic data.

    :param register: ``register(step_name, DemoStep(order, run))``; steps run in ``order``.

    .. versionadded:: 0.1
    """


@hookspec(firstresult=True)
def ctpse_access_decision(principal: Principal, action: str, target: Any, purpose: str) -> bool | None:
    """Decide whether ``principal`` may do ``action`` to ``target`` for ``purpose``.

    Asked by ``uow.authorize``/``uow.visible`` (``ctpse_core.security.policy.decide``) before
    the built-in role policy. The first plugin to return a boolean decides; ``None`` passes the
    question on (to the built-in policy when nobody answers). No answer can let a principal
    read up: a target marked above the principal's clearance is always refused.

    :param principal: who is asking (``ctpse_core.security.Principal``: id, roles, clearance).
    :param action: ``read``, ``create``, ``update``, ``delete``, ``combine``, ``disclose``,
        ``publish``, ``downgrade``, ``manage`` or ``audit``.
    :param target: a stored record, a product (anything with a ``marking``) or a collection name.
    :param purpose: why (e.g. ``correction-set``; may be empty).
    :return: ``True`` to allow, ``False`` to refuse, ``None`` to abstain.

    .. versionadded:: 0.1
    .. versionchanged:: 0.2 was ``(marking, partner, purpose)``; now any action by any principal.
    """


@hookspec
def ctpse_after_import(feed: str, summary: Any) -> None:
    """Called after an import has committed.

    :param feed: the feed name.
    :param summary: the import summary (rows read, stored, updated, unchanged, rejected).

    .. versionadded:: 0.1
    """


@hookspec
def ctpse_after_reconcile(result: Any) -> None:
    """Called after a reconciliation run has produced its result.

    :param result: the ``ReconciliationResult``.

    .. versionadded:: 0.1
    """


@hookspec
def ctpse_after_publish(kind: str, product: Any) -> None:
    """Called after a product (grid, rota, report) is published.

    :param kind: what was published (``grid``, ``rota``, ...).
    :param product: the published object.

    .. versionadded:: 0.1
    """


@hookspec
def ctpse_register_kpi_metrics(register: Register) -> None:
    """Register KPI metrics that KPI definitions (TOML) name in their ``metric`` field.

    Called once, the first time KPIs are read or computed. A metric is a
    ``ctpse_core.performance.Metric(compute, unit, description, levels)`` whose
    ``compute(ctx)`` gets a ``MetricContext`` (unit of work, period, level, parameters, as-of
    date) and returns a ``MetricResult`` (one ``Figure`` per scope, the identities of the
    records read, their highest marking). Build results with ``ctpse_core.performance.Tally``.

    :param register: ``register(metric_name, Metric(...))``.

    .. versionadded:: 0.2
    """


@hookspec
def ctpse_register_agenda_sources(register: Register) -> None:
    """Register sources of meeting-agenda items (overdue actions, red KPIs, order deadlines...).

    Called once, the first time an agenda is built. A source is a function
    ``source(uow, since, day) -> list[AgendaItem]`` giving what is open at ``day`` and what
    changed since the last meeting of the same type (``since``); meeting types name the
    sources they want in their ``sources`` list.

    :param register: ``register(source_name, source_function)``.

    .. versionadded:: 0.2
    """


@hookspec
def ctpse_register_products(register: Register) -> None:
    """Register products (the weekly returns, notices, grids, rotas, briefings) by name.

    A product is a ``ProductSpec`` (``ctpse_core.products``): its title, floor marking, the
    role it serves (``NM coordinator``, ``CATO``...), the formats it offers and
    ``build(uow, as_of) -> Report``, a function over a unit of work that returns the
    structured, marked product every format lays out. ``ctpse report --list`` shows them
    all; ``ctpse report NAME --format F --out FILE`` writes one.

    :param register: ``register(product_name, ProductSpec(...))``.

    .. versionadded:: 0.2
    """


@hookspec
def ctpse_report_template_paths() -> list[str]:
    """Folders of Jinja2 templates searched before the built-in ones.

    A template named ``<product>.<format>.j2`` (``html`` or ``md``) overrides how that
    product is laid out; ``report.html.j2`` overrides every structured product's page.
    Templates are autoescaped (HTML) or escaped (Markdown) as the built-in ones are.

    :return: folder paths, searched in order.

    .. versionadded:: 0.2
    """
    return []
