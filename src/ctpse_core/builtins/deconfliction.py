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
    from ctpse_core.cli.lazy import add_lazy_command
    from ctpse_core.cli.synth import synth

    add_lazy_command(cli, "deconflict", "ctpse_core.cli.deconflict:deconflict",
                     "Find every conflict among the deployments in FILE (a JSON list) or the store.")
    add_lazy_command(cli, "grid", "ctpse_core.cli.deconflict:grid",
                     "The regional grid (teams x days): publish versions and compare them.")
    add_lazy_command(synth, "deployments", "ctpse_core.cli.deconflict:synth_deployments",
                     "Write COUNT synthetic deployments (a JSON list) from the clock-change week.")
    add_lazy_command(synth, "tasking", "ctpse_core.cli.deconflict:synth_tasking",
                     "Write COUNT synthetic tasking requests, with teams and availability, as a requests file.")


def _demo(ctx: object) -> list[str]:
    from ctpse_core.deconfliction.demo import run_demo_step

    return run_demo_step(ctx)


@hookimpl
def ctpse_register_demo_steps(register: Register) -> None:
    from ctpse_core.demo import DemoStep

    register("deconfliction", DemoStep(50, _demo, "Deconfliction and the regional grid"))
