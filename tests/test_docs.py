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
