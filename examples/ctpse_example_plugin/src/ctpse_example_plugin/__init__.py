"""An example third-party ctpse plugin.

It adds a ``txt`` report format, a ``ctpse example-marking`` command and a KPI metric, and
overrides the regional grid's HTML page with its own template
(``templates/regional-grid.html.j2``, found through ``ctpse_report_template_paths``), through
the same hooks the built-in features use. Install it with ``pip install -e
examples/ctpse_example_plugin``; block it with ``CTPSE_BLOCK_PLUGINS=example``.
"""

from __future__ import annotations

from typing import Any

import click

from ctpse_core.plugin import Register, hookimpl


def render_txt(product: Any) -> str:
    """Plain text: the marking, the title, one line per top-level item, the marking again."""
    lines = [str(product.marking), product.title, ""]
    for key, value in product.data().items():
        lines.append(f"{key}: {value}")
    return "\n".join([*lines, "", str(product.marking)]) + "\n"


@hookimpl
def ctpse_register_report_formats(register: Register) -> None:
    register("txt", render_txt)


@hookimpl
def ctpse_report_template_paths() -> list[str]:
    """This plugin's templates are searched before the built-in ones."""
    from pathlib import Path

    return [str(Path(__file__).parent / "templates")]


@click.command("example-marking")
@click.argument("markings", nargs=-1, required=True)
def example_marking(markings: tuple[str, ...]) -> None:
    """Print the marking a product containing MARKINGS must carry."""
    from ctpse_core.domain import Marking, highest

    try:
        parsed = [Marking.parse(m) for m in markings]
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    click.echo(str(highest(parsed)))


@hookimpl
def ctpse_register_commands(cli: click.Group) -> None:
    cli.add_command(example_marking)


def open_correspondence(ctx: Any) -> Any:
    """Correspondence items received by the end of the period and not yet answered then."""
    from ctpse_core.performance import Tally

    tally = Tally(ratio=False)
    tally.scope(["region"])
    for item in ctx.uow.repository("correspondence").list():
        received = item.received_at.date()
        answered = item.responded_at.date() if item.responded_at is not None else None
        if received <= ctx.until and (answered is None or answered > ctx.until):
            tally.read([item])
            tally.count(["region"], item.id, 1.0)
    return tally.result()


@hookimpl
def ctpse_register_kpi_metrics(register: Register) -> None:
    """A force's own KPI metric; a KPI file names it as ``metric = "example-open-correspondence"``."""
    from ctpse_core.performance import Metric

    register("example-open-correspondence",
             Metric(open_correspondence, "count", open_correspondence.__doc__ or "", ("region",)))
