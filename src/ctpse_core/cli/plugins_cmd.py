"""``ctpse plugins``: what is installed and which hooks each implements."""

from __future__ import annotations

import json

import click

from ctpse_core.cli import CliContext
from ctpse_core.cli.options import pass_ctx

__all__ = ["plugin_table", "plugins"]


def plugin_table(hook: str | None = None) -> list[dict[str, object]]:
    from ctpse_core import __version__
    from ctpse_core.plugin import DISTRIBUTIONS, get_plugin_manager

    pm = get_plugin_manager()
    rows: list[dict[str, object]] = []
    for name, plugin in sorted(pm.list_name_plugin(), key=lambda np: np[0]):
        if plugin is None:
            continue
        hooks = sorted(h.name for h in (pm.get_hookcallers(plugin) or []))
        if hook is not None and hook not in hooks:
            continue
        builtin = name.startswith("ctpse_core.")
        distribution, version = DISTRIBUTIONS.get(name, ("ctpse_core", __version__) if builtin else ("", "-"))
        rows.append(
            {"name": name, "version": version, "distribution": distribution, "hooks": hooks, "builtin": builtin}
        )
    return rows


@click.command()
@click.option("--hook", metavar="NAME", help="Only plugins implementing this hook.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
def plugins(_ctx: CliContext, hook: str | None, as_json: bool) -> None:
    """List installed plugins, their versions and the hooks they implement."""
    from ctpse_core.plugin import get_plugin_manager

    if hook is not None and not hasattr(get_plugin_manager().hook, hook):
        from ctpse_core.errors import UnknownName

        known = sorted(name for name in vars(get_plugin_manager().hook) if name.startswith("ctpse_"))
        raise UnknownName("hook", hook, known, field="--hook")
    rows = plugin_table(hook)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(f"{row['name']} {row['version']}")
        for h in row["hooks"]:  # type: ignore[attr-defined]
            click.echo(f"    {h}")
