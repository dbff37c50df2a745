"""Built-in plugin: deconfliction rules, grid and resolution records, CLI and demo step."""

from __future__ import annotations

import click

from ctpse_core.plugin import Register, hookimpl


@hookimpl
def ctpse_register_conflict_rules(register: Register) -> None:
    from ctpse_core.deconfliction.rules import builtin_rules

    for rule in builtin_rules():
        register(rule.name, rule)


@hookimpl
def ctpse_register_record_types(register: Register) -> None:
    from ctpse_core.deconfliction.grid import GridVersion
    from ctpse_core.deconfliction.resolution import ConflictResolution
    from ctpse_core.domain.surveillance import TeamUnavailability

    register("grid_versions", GridVersion)
    register("team_unavailability", TeamUnavailability)
    register("conflict_resolutions", ConflictResolution)


@hookimpl
def ctpse_register_commands(cli: click.Group) -> None:
    from ctpse_core.cli.deconflict import deconflict, grid, synth_deployments, synth_tasking
    from ctpse_core.cli.synth import synth

    cli.add_command(deconflict)
    cli.add_command(grid)
    synth.add_command(synth_deployments)
    synth.add_command(synth_tasking)


def _demo(ctx: object) -> list[str]:
    from ctpse_core.deconfliction.demo import run_demo_step

    return run_demo_step(ctx)


@hookimpl
def ctpse_register_demo_steps(register: Register) -> None:
    from ctpse_core.demo import DemoStep

    register("deconfliction", DemoStep(50, _demo, "Deconfliction and the regional grid"))
