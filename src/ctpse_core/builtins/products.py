"""Built-in plugin: the products of the engines that exist (headcount return, grid,
amendment and conflict notices, on-call rota, leadership briefing) and ``ctpse report``."""

from __future__ import annotations

import click

from ctpse_core.plugin import Register, hookimpl


@hookimpl
def ctpse_register_products(register: Register) -> None:
    from ctpse_core.products.builtin import builtin_products

    for name, spec in builtin_products():
        register(name, spec)


@hookimpl
def ctpse_register_commands(cli: click.Group) -> None:
    from ctpse_core.cli.lazy import add_lazy_command

    add_lazy_command(cli, "report", "ctpse_core.cli.report_cmd:report",
                     "Build product NAME from the store and write it in a format (--list: what there is).")


@hookimpl
def ctpse_register_demo_steps(register: Register) -> None:
    from ctpse_core.demo import DemoStep
    from ctpse_core.products.demo import demo_step

    register("products", DemoStep(90, demo_step, "Products in every format, with an index page"))
