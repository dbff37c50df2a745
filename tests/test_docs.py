"""The documentation is a contract: every hook is documented with its exact signature."""

from __future__ import annotations

import inspect
import os
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


def test_readme_says_what_the_library_is_for_in_two_sentences_and_links_the_docs() -> None:
    """The README opens with one paragraph of exactly two sentences saying what the library is
    for, shows a library example before the command table, and links the tutorial, the guide,
    the examples, the plugin hooks and the command-line reference."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    opening = readme.split("\n\n")[1]
    assert not opening.startswith(("#", "-", "`" * 3))
    sentences = re.findall(r"[^.!?]+[.!?](?=\s|$)", " ".join(opening.split()))
    assert len(sentences) == 2, sentences
    assert readme.index("```python") < readme.index("## The command line")
    for page in ("docs/tutorial.md", "docs/index.md", "docs/examples.md", "docs/plugin_hooks.md", "docs/cli.md"):
        assert f"]({page})" in readme, page


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
    from ctpse_core.cli.reference import builtin_commands

    return set(builtin_commands())


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


def _nav_pages() -> list[str]:
    """The pages listed in the ``nav`` of mkdocs.yml (``- Title: page.md`` lines)."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = config.split("\nnav:\n", 1)[1]
    return re.findall(r"^\s+- (?:[^:\n]+: )?(\S+\.md)\s*$", nav, flags=re.M)


def test_site_nav_lists_every_page_once() -> None:
    """mkdocs.yml's nav lists every docs/*.md page exactly once and nothing that does not exist,
    so a page added to docs/ without a nav entry fails here (and in the strict site build)."""
    listed = _nav_pages()
    pages = sorted(p.name for p in (ROOT / "docs").glob("*.md"))
    assert sorted(set(listed)) == sorted(listed), "a page is listed twice in mkdocs.yml's nav"
    assert not set(pages) - set(listed), f"mkdocs.yml's nav does not list {sorted(set(pages) - set(listed))}"
    assert not set(listed) - set(pages), f"mkdocs.yml's nav lists missing pages {sorted(set(listed) - set(pages))}"


def test_every_documented_hook_exists() -> None:
    """Each ``### ctpse_...`` section of docs/plugin_hooks.md is a hookspec: no hook is documented
    that the code does not have (a renamed or removed hook leaves no stale section)."""
    docs = (ROOT / "docs" / "plugin_hooks.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### (ctpse_\w+)", docs, flags=re.M))
    assert documented == {fn.__name__ for fn in HOOKS}  # type: ignore[attr-defined]


def _mkdocs() -> object:
    """The mkdocs package; under CI a missing one fails (the docs extra is part of CI)."""
    if os.environ.get("CI"):
        import mkdocs

        return mkdocs
    return pytest.importorskip("mkdocs")


def test_site_builds_strict_with_generated_cli_reference(tmp_path: Path) -> None:
    """The documentation site builds with warnings as errors, and its command-line reference,
    generated from the click commands at build time, has a section for every built-in command."""
    _mkdocs()
    pytest.importorskip("mkdocs_click")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site"), strict=True)
    build(config)
    page = (tmp_path / "site" / "cli" / "index.html").read_text(encoding="utf-8")
    anchors = set(re.findall(r'id="(ctpse[a-z-]*)"', page))
    expected = {"ctpse-" + path.replace(" ", "-") for path in _builtin_commands()}
    assert expected and not expected - anchors, f"cli reference lacks {sorted(expected - anchors)}"
    assert (tmp_path / "site" / "plugin_hooks" / "index.html").is_file()
