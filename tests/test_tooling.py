"""tox, CI and the README install the same things, in an order that works on a fresh machine."""

from __future__ import annotations

import configparser
import re
import shlex
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tox() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "tox.ini", encoding="utf-8")
    return parser


def _needs_core(path: str) -> bool:
    """True when the local package at ``path`` depends on ctpse_core (which no index has)."""
    pyproject = ROOT / path / "pyproject.toml"
    if not pyproject.is_file():
        return False
    deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"].get("dependencies", [])
    return any(re.match(r"ctpse[_-]core\b", d, flags=re.I) for d in deps)


def _local_installs(text: str) -> list[str]:
    """The local paths a pip command line installs with ``-e PATH`` (the project itself excluded)."""
    words = shlex.split(text)
    return [words[i + 1] for i, w in enumerate(words[:-1]) if w == "-e" and not words[i + 1].startswith(".")]


def test_tox_installs_no_local_package_before_ctpse_core() -> None:
    """No tox environment lists a local package that needs ctpse_core in ``deps``: tox installs deps
    before the package itself, so on a fresh machine pip would look for ctpse_core on an index."""
    tox = _tox()
    for section in tox.sections():
        deps = tox.get(section, "deps", fallback="")
        for line in deps.splitlines():
            path = line.strip().removeprefix("-e").strip()
            assert not (path and _needs_core(path)), f"tox.ini [{section}] deps install {path} before ctpse_core"


def test_tox_py_env_installs_what_the_readme_test_command_installs() -> None:
    """The default tox environment installs ctpse_core with the ``test`` extra (and ``docs``, as
    CI does: the suite builds the site), then exactly the local plugin packages of the README's
    test command (after the package, in commands_pre)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    test_command = re.findall(r"```console\n(.*?)\n```", readme, flags=re.S)[1]
    tox = _tox()
    assert [e.strip() for e in tox.get("testenv", "extras").split(",")] == ["test", "docs"]
    assert _local_installs(tox.get("testenv", "commands_pre")) == _local_installs(test_command)
    assert all(_needs_core(p) for p in _local_installs(test_command))


def test_ci_runs_lint_types_and_the_site_as_tox_does() -> None:
    """.ci/run runs the same ruff and mypy commands as ``tox -e lint,types`` and builds the site
    strictly, before the README's test command."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    tox = _tox()
    for env in ("testenv:lint", "testenv:types"):
        command = tox.get(env, "commands").strip()
        assert command in ci, f".ci/run does not run {command!r} (tox {env})"
    assert any(line.startswith("mkdocs build --strict") for line in ci)
    site = next(i for i, line in enumerate(ci) if line.startswith("mkdocs build"))
    tests = next(i for i, line in enumerate(ci) if "python -m pytest" in line)
    assert site < tests
