"""Built-in plugin: the performance framework and meetings (KPI snapshots, metrics, agenda
sources, ``ctpse kpi`` / ``meeting`` / ``actions`` commands, demo step)."""

from __future__ import annotations

from typing import Any

import click

from ctpse_core.plugin import Register, hookimpl


@hookimpl
def ctpse_register_record_types(register: Register) -> None:
    from ctpse_core.domain.performance import KpiSnapshot

    register("kpi_snapshots", KpiSnapshot)


@hookimpl
def ctpse_register_kpi_metrics(register: Register) -> None:
    from ctpse_core.performance.builtin_metrics import BUILTIN_METRICS

    for name, metric in BUILTIN_METRICS.items():
        register(name, metric)


@hookimpl
def ctpse_register_agenda_sources(register: Register) -> None:
    from ctpse_core.meetings.sources import BUILTIN_SOURCES

    for name, source in BUILTIN_SOURCES.items():
        register(name, source)


@hookimpl
def ctpse_register_products(register: Register) -> None:
    from ctpse_core.performance.reports import performance_products

    for name, spec in performance_products():
        register(name, spec)


@hookimpl
def ctpse_register_commands(cli: click.Group) -> None:
    from ctpse_core.cli.lazy import add_lazy_command

    add_lazy_command(cli, "kpi", "ctpse_core.cli.kpi_cmd:kpi",
                     "Performance framework: KPIs with targets, RAG status, trend and the national return.")
    add_lazy_command(cli, "meeting", "ctpse_core.cli.meeting_cmd:meeting",
                     "Meetings: types, agendas from what is open since the last one, minutes.")
    add_lazy_command(cli, "actions", "ctpse_core.cli.actions_cmd:actions",
                     "The action log: owners, chairs, due dates, history; chase what is overdue.")


def _demo(ctx: Any) -> list[str]:
    from ctpse_core.performance.demo import run

    return run(ctx)


@hookimpl
def ctpse_register_demo_steps(register: Register) -> None:
    from ctpse_core.demo import DemoStep

    register("performance", DemoStep(80, _demo, "Compute KPIs, build an agenda and chase actions"))
