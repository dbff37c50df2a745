"""An example third-party ctpse plugin.

It adds a ``txt`` report format and a ``ctpse example-marking`` command, and overrides the
regional grid's HTML page with its own template (``templates/regional-grid.html.j2``, found
through ``ctpse_report_template_paths``), through the same hooks the built-in features use.
Install it with ``pip install -e examples/ctpse_example_plugin``; block it with
``CTPSE_BLOCK_PLUGINS=example``.
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
