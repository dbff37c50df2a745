"""The example third-party backend in examples/storage_plugin installs as a real plugin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "storage_plugin"


def _install(target: Path) -> dict[str, str]:
    """Install the example into a private folder (not the test environment); its environment."""
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(EXAMPLE)],
        check=True,
    )
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), os.environ.get("PYTHONPATH", "")])}


def _ctpse(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from ctpse_core.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=120, env=env)


def test_installed_example_backend_is_a_plugin(tmp_path: Path) -> None:
    """Once pip-installed, the example is listed by `ctpse plugins`, serves jsondir:// URLs
    to every command, and passes the storage contract suite run by pytest."""
    env = _install(tmp_path / "site")
    listed = _ctpse(env, "plugins", "--hook", "ctpse_register_storage", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = {row["name"]: row for row in json.loads(listed.stdout)}
    assert rows["jsondir"]["builtin"] is False
    assert rows["jsondir"]["version"] == "0.1.0"
    builtins = {"ctpse_core.sql_store", "ctpse_core.tinydb_store", "ctpse_core.memory_store"}
    assert builtins <= set(rows)

    archive = tmp_path / "a.jsonl"
    archive.write_text(
        json.dumps({"format": "ctpse-archive", "format_version": 1}) + "\n"
        + json.dumps({"collection": "nominals",
                      "record": {"id": "N1", "forenames": "Ann", "surname": "Fictional"}}) + "\n"
    )
    url = f"jsondir:///{tmp_path / 'store'}"
    imported = _ctpse(env, "--store", url, "db", "import", str(archive))
    assert imported.returncode == 0, imported.stderr
    status = _ctpse(env, "--store", url, "db", "status")
    assert "nominals: 1" in status.stdout
    assert (tmp_path / "store" / "nominals" / "N1.json").exists()

    suite = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE / "tests")],
        capture_output=True, text=True, timeout=300, cwd=EXAMPLE, env=env,
    )
    assert suite.returncode == 0, suite.stdout[-2000:]
    assert " passed" in suite.stdout and "failed" not in suite.stdout
