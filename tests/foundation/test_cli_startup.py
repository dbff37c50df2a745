"""`ctpse --help` starts quickly: commands are registered lazily (name, import path, one-line
help) and loaded when used; plugins' entry points are scanned once. The timing itself is
measured by benchmarks/cli_startup.py against `python -c "import click"`."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import click
import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.cli.lazy import LazyGroup, load_command

_PROBE = """
import json, sys
from ctpse_core.cli import main
sys.argv = ["ctpse", "--help"]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def test_help_imports_no_command_module_and_no_heavy_package() -> None:
    """`ctpse --help` (with the example and xlsx plugins installed) imports no command module,
    no domain, feed or storage code, and none of attrs, SQLAlchemy, openpyxl or Jinja2."""
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True)
    assert "Commands:" in done.stdout and "import " in done.stdout
    modules = set(json.loads(done.stderr.strip().splitlines()[-1]))
    heavy = {m for m in modules if m.split(".")[0] in {"attr", "attrs", "sqlalchemy", "openpyxl", "jinja2", "numpy"}}
    loaded = {m for m in modules if m.startswith(("ctpse_core.domain", "ctpse_core.feeds", "ctpse_core.storage"))}
    commands = {m for m in modules if m.startswith("ctpse_core.cli.") and m not in {
        "ctpse_core.cli.lazy", "ctpse_core.cli.synth"}}
    assert not heavy and not loaded and not commands, (heavy, loaded, commands)


def _lazy_groups() -> list[tuple[str, LazyGroup]]:
    cli = make_cli()
    ctx = click.Context(cli)
    groups: list[tuple[str, LazyGroup]] = [("ctpse", cli)]  # type: ignore[list-item]
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        if isinstance(command, LazyGroup):
            groups.append((f"ctpse {name}", command))
    return groups


def test_registered_help_line_is_the_commands_own() -> None:
    """The one-line help a plugin registers with a lazy command is the command's own first line,
    so `ctpse --help` says what `ctpse COMMAND --help` says (no drift)."""
    checked = 0
    for where, group in _lazy_groups():
        for name, (target, short_help) in group.lazy.items():
            command = load_command(target, name)
            assert short_help == command.get_short_help_str(10_000), f"{where} {name}"
            checked += 1
    assert checked >= 12


def test_lazy_commands_run_and_show_their_help() -> None:
    """A lazily registered command and subcommand load when used: `ctpse import --help` and
    `ctpse synth rota --help` print their own help; `ctpse --help` lists every command."""
    runner = CliRunner()
    top = runner.invoke(make_cli(), ["--help"])
    assert top.exit_code == 0
    for name in ("import", "db", "deconflict", "grid", "reconcile", "review", "rota", "synth", "demo", "plugins"):
        assert f"\n  {name} " in top.output
    assert "--mapping FILE" in runner.invoke(make_cli(), ["import", "--help"]).output
    assert "synth rota [OPTIONS]" in runner.invoke(make_cli(), ["synth", "rota", "--help"]).output


def test_entry_points_are_scanned_once(monkeypatch: pytest.MonkeyPatch, fresh_plugins: Any) -> None:
    """Building the CLI and checking CTPSE_BLOCK_PLUGINS for typos read the installed
    distributions' entry points once, not once per use."""
    import importlib.metadata

    from ctpse_core.plugin import unknown_blocked

    calls = []
    real = importlib.metadata.distributions

    def counted(**kwargs: Any) -> Any:
        calls.append(1)
        return real(**kwargs)

    monkeypatch.setattr(importlib.metadata, "distributions", counted)
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda **kw: pytest.fail("second scan"))
    monkeypatch.setenv("CTPSE_BLOCK_PLUGINS", "exampel")
    make_cli()
    assert unknown_blocked() == ["exampel"]
    assert len(calls) == 1
