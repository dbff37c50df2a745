"""The thin CLI: help, version, plugins, synthetic data and the demo."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from ctpse_core import __version__
from ctpse_core.cli import make_cli

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(make_cli(), list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_help_and_version() -> None:
    """`ctpse --help` lists the commands; `--version` prints the package version."""
    code, out = run("--help")
    assert code == 0
    for command in ("demo", "plugins", "synth"):
        assert f"  {command} " in out
    code, out = run("--version")
    assert code == 0 and __version__ in out


def test_plugins_lists_hooks(fresh_plugins: None) -> None:
    """`ctpse plugins` shows each plugin with its version and hooks; --hook filters."""
    code, out = run("plugins", "--json")
    rows = {r["name"]: r for r in json.loads(out)}
    assert code == 0
    assert rows["ctpse_core.memory_store"]["hooks"] == ["ctpse_register_storage"]
    assert rows["ctpse_core.memory_store"]["version"] == __version__
    code, out = run("plugins", "--hook", "ctpse_register_report_formats")
    assert code == 0 and "ctpse_core.report_formats" in out and "ctpse_core.memory_store" not in out
    code, out = run("plugins", "--hook", "no_such_hook")
    assert code == 2 and "--hook: unknown hook 'no_such_hook' (known: " in out and "ctpse_register_commands" in out


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.csv"))}


def test_synth_nominals_reproducible(tmp_path: Path) -> None:
    """The same seed gives byte-identical files; another seed gives different ones."""
    for name, seed in (("a", "5"), ("b", "5"), ("c", "6")):
        code, _ = run("synth", "nominals", "--count", "300", "--seed", seed, "--out", str(tmp_path / name))
        assert code == 0
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a")["regional.csv"] != _digest(tmp_path / "c")["regional.csv"]
    assert set(_digest(tmp_path / "a")) == {"regional.csv", "national.csv", "truth.csv"}


def test_synth_ten_thousand_with_truth(tmp_path: Path) -> None:
    """10,000 people: both lists near that size, and every truth pair names real record IDs."""
    code, _ = run("synth", "nominals", "--count", "10000", "--seed", "3", "--out", str(tmp_path))
    assert code == 0
    ids: dict[str, set[str]] = {}
    for side, key in (("regional", "record_id"), ("national", "JCTPPH Ref")):
        with (tmp_path / f"{side}.csv").open(encoding="utf-8") as handle:
            ids[side] = {row[key] for row in csv.DictReader(handle)}
        assert 9000 < len(ids[side]) < 10_500
    with (tmp_path / "truth.csv").open(encoding="utf-8") as handle:
        truth = list(csv.DictReader(handle))
    relations = {r["relation"] for r in truth}
    assert relations == {"match", "duplicate-regional", "duplicate-national"}
    every = ids["regional"] | ids["national"]
    assert all(r["id_a"] in every and r["id_b"] in every for r in truth)
    matches = [r for r in truth if r["relation"] == "match"]
    assert all(r["id_a"] in ids["regional"] and r["id_b"] in ids["national"] for r in matches)
    assert 0.8 * 10000 < len(matches) < 0.95 * 10000


def test_synthetic_data_is_obviously_fictional(tmp_path: Path) -> None:
    """Addresses are in fictional towns with ZZ postcodes; managers and prisons are invented."""
    from ctpse_core.synthetic import names

    run("synth", "nominals", "--count", "200", "--seed", "9", "--out", str(tmp_path))
    with (tmp_path / "regional.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all(r["postcode"] == "" or r["postcode"].startswith("ZZ") for r in rows)
    assert all(r["town"] in names.TOWNS for r in rows)
    assert all(r["establishment"] in ("", *names.PRISONS) for r in rows)


def test_demo_runs(tmp_path: Path) -> None:
    """`ctpse demo` completes and reports what it produced."""
    code, out = run("--store", "memory://", "-q", "demo", "--out", str(tmp_path / "out"), "--scale", "200")
    assert code == 0, out
    assert "Synthetic nominal lists" in out
    assert (tmp_path / "out" / "nominals" / "regional.csv").exists()


def test_bad_store_url_is_one_line() -> None:
    """A store URL with an unknown scheme is a clear error (a user's mistake: exit 2), not a traceback."""
    code, out = run("--store", "ftp://nowhere", "demo", "--out", "unused")
    assert code == 2
    assert "unknown scheme 'ftp'" in out and "Traceback" not in out


def test_help_is_fast_and_light() -> None:
    """`ctpse --help` does not import the heavy libraries (numpy, sqlalchemy, rapidfuzz...)."""
    code = (
        "import sys; from ctpse_core.cli import make_cli; make_cli();"
        "heavy = [m for m in ('numpy', 'sqlalchemy', 'rapidfuzz', 'jinja2', 'ortools', 'openpyxl', 'pandas')"
        " if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ)
    assert out.stdout.strip() == ""


def test_example_plugin_installs_and_blocks(tmp_path: Path) -> None:
    """The example plugin, once installed, appears in `ctpse plugins` and `--help`; blocking hides it."""
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(ROOT / "examples" / "ctpse_example_plugin")],
        check=True,
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), os.environ.get("PYTHONPATH", "")])}
    ctpse = [sys.executable, "-c", "from ctpse_core.cli import main; main()"]
    listed = subprocess.run([*ctpse, "plugins"], capture_output=True, text=True, env=env, check=True).stdout
    assert "example 1.0.0" in listed and "ctpse_register_report_formats" in listed
    helped = subprocess.run([*ctpse, "--help"], capture_output=True, text=True, env=env, check=True).stdout
    assert "example-marking" in helped
    marked = subprocess.run([*ctpse, "example-marking", "OFFICIAL", "SECRET [UK EYES ONLY]"],
                            capture_output=True, text=True, env=env, check=True).stdout
    assert marked.strip() == "SECRET [UK EYES ONLY]"
    blocked_env = {**env, "CTPSE_BLOCK_PLUGINS": "example"}
    blocked = subprocess.run([*ctpse, "plugins"], capture_output=True, text=True, env=blocked_env, check=True).stdout
    assert "example" not in blocked.split() and "ctpse_core.memory_store" in blocked
