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
    from ctpse_core.cli.rota import rota, synth_rota
    from ctpse_core.cli.staff import staff
    from ctpse_core.cli.synth import synth

    cli.add_command(rota)
    cli.add_command(staff)
    synth.add_command(synth_rota)


@hookimpl
def ctpse_register_demo_steps(register: Register) -> None:
    from ctpse_core.demo import DemoStep
    from ctpse_core.rota.demo import demo_step

    register("rota", DemoStep(60, demo_step, "On-call rotas (synthetic week)"))
