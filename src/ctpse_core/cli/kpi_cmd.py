"""``ctpse kpi``: the performance framework (KPIs as data, RAG, trend, snapshots, returns)."""

from __future__ import annotations

from pathlib import Path

import click

from ctpse_core.cli import CliContext
from ctpse_core.cli.options import format_option, pass_ctx
from ctpse_core.cli.output import as_of_option, emit, out_option

__all__ = ["kpi"]

_KPIS = click.option("--kpis", "kpis_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     default=None, help="A force's KPI file (TOML), added to or replacing the built-in framework.")
_FORMATS = ("md", "html", "json", "csv")
_AS_OF = ("The day to report as of (default: the day of the latest contact, correspondence, completed action or "
          "CT asset request step stored).")


@click.group("kpi", invoke_without_command=True)
@click.pass_context
def kpi(click_ctx: click.Context) -> None:
    """Performance framework: KPIs with targets, RAG status, trend and the national return."""
    if click_ctx.invoked_subcommand is None:
        click.echo(click_ctx.get_help())


@kpi.command("metrics")
def metrics_command() -> None:
    """Every registered KPI metric (built-in and from plugins), its unit and levels."""
    from ctpse_core.performance import metrics

    registered = metrics()
    for name in registered.names():
        metric = registered.get(name)
        first = (metric.description.strip().splitlines() or [""])[0]
        click.echo(f"{name}  [{metric.unit}; {', '.join(metric.levels)}; {registered.owner(name)}]  {first}")


@kpi.command("list")
@_KPIS
def list_command(kpis_file: Path | None) -> None:
    """The KPI definitions in force: metric, target, tolerance, direction, period and level."""
    from ctpse_core.performance import load_kpis

    for k in load_kpis(kpis_file):
        better = ">=" if k.direction == "higher" else "<="
        click.echo(f"{k.code or '-':6} {k.name}: {k.title} - {k.metric} {better} {k.target:g} "
                   f"(tolerance {k.tolerance:g}) per {k.period}, by {k.level}"
                   f"{', national return' if k.national_return else ''}")


def _board(ctx: CliContext, kpis_file: Path | None, as_of: object, history: int, save: bool) -> object:
    from ctpse_core.performance import compute_kpis, load_kpis
    from ctpse_core.performance.latest import latest_data_day

    kpis = load_kpis(kpis_file)
    store = ctx.open_store(create=save)
    with store.unit_of_work(user=ctx.user) as uow:
        day = as_of or latest_data_day(uow)
        board = compute_kpis(uow, kpis, day, history=history, save=save, user=ctx.user)  # type: ignore[arg-type]
        uow.commit()
    return board


@kpi.command("dashboard")
@_KPIS
@as_of_option(_AS_OF)
@click.option("--history", default=6, show_default=True, type=click.IntRange(1, 36),
              help="How many periods each trend shows.")
@click.option("--no-save", is_flag=True, help="Do not keep snapshots of the figures.")
@format_option(default="md", only=_FORMATS)
@out_option()
@pass_ctx
def dashboard_command(ctx: CliContext, kpis_file: Path | None, as_of: object, history: int, no_save: bool,
                      fmt: str, out: Path | None) -> None:
    """The regional dashboard: every KPI with RAG, trend and a chart; figures kept as snapshots."""
    from ctpse_core.performance import KpiDashboard

    board = _board(ctx, kpis_file, as_of, history, not no_save)
    emit(KpiDashboard(board), fmt, out)  # type: ignore[arg-type]


@kpi.command("return")
@_KPIS
@as_of_option(_AS_OF)
@click.option("--region", default="CTP SE", show_default=True, help="The region named in the return.")
@format_option(default="csv", only=_FORMATS)
@out_option()
@pass_ctx
def return_command(ctx: CliContext, kpis_file: Path | None, as_of: object, region: str, fmt: str,
                   out: Path | None) -> None:
    """The national performance return (fixed columns) for the period containing --as-of."""
    from ctpse_core.performance import NationalReturn

    board = _board(ctx, kpis_file, as_of, 2, True)
    emit(NationalReturn(board, region), fmt, out)  # type: ignore[arg-type]


@kpi.command("snapshots")
@click.option("--kpi", "kpi_name", default=None, help="Only this KPI.")
@pass_ctx
def snapshots_command(ctx: CliContext, kpi_name: str | None) -> None:
    """Every kept KPI figure: ID, period, scope, value, RAG."""
    store = ctx.open_store(create=False)
    with store.unit_of_work(user=ctx.user) as uow:
        snaps = [s for s in uow.repository("kpi_snapshots").list() if kpi_name in (None, s.kpi)]
        uow.record_event("consultation", "kpi_snapshots", None, f"{len(snaps)} snapshots listed")
        uow.commit()
    for s in snaps:
        value = "-" if s.value is None else f"{s.value:.2f}"
        click.echo(f"{s.id}  {s.scope}  {value}  {s.rag}  ({s.computed_at:%Y-%m-%d %H:%M} UTC)")


@kpi.command("explain")
@click.argument("snapshot_id")
@format_option(default="json", only=("json", "md"))
@pass_ctx
def explain_command(ctx: CliContext, snapshot_id: str, fmt: str) -> None:
    """What a reported figure was computed from, whether it reproduces, and whether the data changed since."""
    from ctpse_core.domain.marking import Marking
    from ctpse_core.performance import explain_snapshot
    from ctpse_core.reports import SimpleProduct, render

    store = ctx.open_store(create=False)
    with store.unit_of_work(user=ctx.user) as uow:
        info = explain_snapshot(uow, snapshot_id)
        uow.commit()
    product = SimpleProduct("kpi-explain", f"KPI figure {snapshot_id}", info, Marking.parse(info["marking"]))
    click.echo(render(product, fmt), nl=False)
