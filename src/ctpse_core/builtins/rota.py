"""Built-in plugin: the rota builder (rules, the local-search solver, ``ctpse rota``,
``ctpse synth rota`` and the demo step)."""

from __future__ import annotations

import click

from ctpse_core.plugin import Register, hookimpl


@hookimpl
def ctpse_register_rota_constraints(register: Register) -> None:
    from ctpse_core.rota.rules import BUILTIN_RULES

    for rule in BUILTIN_RULES:
        register(rule.name, rule)


@hookimpl
def ctpse_register_rota_solvers(register: Register) -> None:
    from ctpse_core.rota.search import LocalSearchSolver

    register("builtin", LocalSearchSolver())


@hookimpl
def ctpse_register_commands(cli: click.Group) -> None:
    from ctpse_core.cli.lazy import add_lazy_command
    from ctpse_core.cli.synth import synth

    add_lazy_command(cli, "rota", "ctpse_core.cli.rota:rota",
                     "On-call rotas: build, check, publish, swap, override, repair, select staff.")
    add_lazy_command(cli, "staff", "ctpse_core.cli.staff:staff",
                     "Staff contact details.")
    add_lazy_command(synth, "rota", "ctpse_core.cli.rota:synth_rota",
                     "Write a synthetic Counter Terrorism on-call rota problem (6 roles, fictional people).")


@hookimpl
def ctpse_register_demo_steps(register: Register) -> None:
    from ctpse_core.demo import DemoStep
    from ctpse_core.rota.demo import demo_step

    register("rota", DemoStep(60, demo_step, "On-call rotas (synthetic week)"))
