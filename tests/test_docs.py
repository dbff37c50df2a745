"""The documentation is a contract: every hook is documented with its exact signature."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from ctpse_core.plugin import hookspecs

ROOT = Path(__file__).resolve().parents[1]
HOOKS = [fn for name, fn in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("ctpse_")]


def signature_text(fn: object) -> str:
    sig = inspect.signature(fn)  # type: ignore[arg-type]
    params = ", ".join(f"{p.name}: {p.annotation}" for p in sig.parameters.values())
    return f"{fn.__name__}({params}) -> {sig.return_annotation}"  # type: ignore[attr-defined]


@pytest.mark.parametrize("hook", HOOKS, ids=lambda f: f.__name__)
def test_hook_documented_with_exact_signature(hook: object) -> None:
    """docs/plugin_hooks.md shows each hook's exact signature, so the docs cannot drift from the code."""
    docs = (ROOT / "docs" / "plugin_hooks.md").read_text(encoding="utf-8")
    assert f"### {hook.__name__}" in docs  # type: ignore[attr-defined]
    assert signature_text(hook) in docs


@pytest.mark.parametrize("hook", HOOKS, ids=lambda f: f.__name__)
def test_hookspec_has_docstring_with_params(hook: object) -> None:
    """Every hookspec says when it is called, documents each parameter and its version."""
    doc = inspect.getdoc(hook) or ""
    for name in inspect.signature(hook).parameters:  # type: ignore[arg-type]
        assert f":param {name}:" in doc
    assert ".. versionadded::" in doc


def _console_commands(text: str) -> list[str]:
    return re.findall(r"```console\n(.*?)\n```", text, flags=re.S)


def test_readme_two_commands_and_ci_runs_the_test_one() -> None:
    """The README's first two commands install+demo and install+test; .ci/run runs the test one verbatim."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    demo, tests = _console_commands(readme)[:2]
    assert demo.strip().endswith("ctpse demo")
    assert "pytest" in tests
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tests.strip() in ci_lines


def test_docs_links_resolve() -> None:
    """Relative links in README and docs point at files that exist."""
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"


def test_readme_python_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """The README's Python examples run, in order, and print what they say they print."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    namespace: dict[str, object] = {}
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
        for expected in re.findall(r"# (\S+: .+ @ \S+)$", block, flags=re.M):
            assert expected in capsys.readouterr().out


def test_docs_index_links_every_page() -> None:
    """docs/index.md links every other page in docs/, so no guide page is left unfindable."""
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    linked = {target for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", index)}
    pages = {p.name for p in (ROOT / "docs").glob("*.md")} - {"index.md"}
    assert pages and not pages - linked, f"docs/index.md does not link {sorted(pages - linked)}"


def _builtin_commands() -> set[str]:
    """Every command and subcommand path the built-in plugins register (``grid diff``)."""
    import click

    from ctpse_core.cli import make_cli

    found: set[str] = set()

    def walk(group: click.Group, prefix: str) -> None:
        for name, command in group.commands.items():
            if not (getattr(command.callback, "__module__", "") or "").startswith("ctpse_core."):
                continue  # a third-party plugin's command (the example plugin's) documents itself
            found.add(prefix + name)
            if isinstance(command, click.Group):
                walk(command, f"{prefix}{name} ")

    walk(make_cli(), "")
    return found


def _readme_command_rows() -> set[str]:
    """The command words of each row of the README's table under "The command line"."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## The command line\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `ctpse ([^`]+)`", section, flags=re.M)
    words = [re.match(r"[a-z][a-z-]*(?: [a-z][a-z-]*)*(?= |$)", row) for row in rows]
    return {w.group(0) for w in words if w is not None}


def test_readme_command_table_lists_every_command() -> None:
    """Each built-in command and subcommand has its row in the README's command table (a group
    is covered by its subcommands' rows), and every row names a command that exists."""
    commands = _builtin_commands()
    rows = _readme_command_rows()
    assert {"reconcile", "review", "import", "deconflict", "grid", "rota", "db", "synth", "demo", "plugins"} <= commands
    missing = sorted(c for c in commands if c not in rows and not any(r.startswith(c + " ") for r in rows))
    assert not missing, f"README's command table has no row for: {', '.join(missing)}"
    assert not rows - commands, f"README's command table names commands that do not exist: {sorted(rows - commands)}"
