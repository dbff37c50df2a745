"""The plugin system: built-ins as plugins, registration rules, blocking, tracing, misspelt hooks."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from ctpse_core.errors import NotFoundError, PluginError
from ctpse_core.plugin import Registry, builtin_plugin_names, get_plugin_manager, registry


def test_builtins_are_registered_plugins(fresh_plugins: None) -> None:
    """Every module in ctpse_core.builtins is a registered plugin named ctpse_core.<module>."""
    pm = get_plugin_manager()
    names = {name for name, _ in pm.list_name_plugin()}
    assert {f"ctpse_core.{m}" for m in builtin_plugin_names()} <= names
    assert "ctpse_core.memory_store" in names


def test_registry_refuses_duplicates_and_blank_names() -> None:
    """Two plugins cannot register the same name; lookups of unknown names list the known ones."""
    reg: Registry[int] = Registry("widget")
    reg.register("a", 1)
    with pytest.raises(PluginError, match="registered twice"):
        reg.register("a", 2)
    with pytest.raises(PluginError, match="non-empty name"):
        reg.register(" ", 3)
    with pytest.raises(NotFoundError, match=r"unknown widget 'b' \(known: a\)"):
        reg.get("b")


def test_blocking_a_builtin(fresh_plugins: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """CTPSE_BLOCK_PLUGINS removes a built-in, and what it registered goes with it."""
    monkeypatch.setenv("CTPSE_BLOCK_PLUGINS", "ctpse_core.report_formats")
    pm = get_plugin_manager()
    assert pm.get_plugin("ctpse_core.report_formats") is None
    remaining = set(registry("ctpse_register_report_formats", "report format").names())
    assert not remaining & {"json", "md", "html", "csv"}


def _plugin_module(tmp_path: Path, name: str, body: str) -> None:
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(body), encoding="utf-8")


def test_misspelt_hook_is_an_error(fresh_plugins: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A hook implementation with an unknown name stops start-up with an error naming it."""
    _plugin_module(tmp_path, "ctpse_typo_plugin", """
        from ctpse_core.plugin import hookimpl

        @hookimpl
        def ctpse_regster_feeds(register):
            pass
    """)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("CTPSE_PLUGINS", "ctpse_typo_plugin")
    with pytest.raises(PluginError, match="ctpse_regster_feeds"):
        get_plugin_manager()
    sys.modules.pop("ctpse_typo_plugin", None)


def test_duplicate_name_from_third_party(fresh_plugins: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A plugin registering a name a built-in already has is refused, naming the kind and name."""
    _plugin_module(tmp_path, "ctpse_dup_plugin", """
        from ctpse_core.plugin import hookimpl

        @hookimpl
        def ctpse_register_report_formats(register):
            register("json", lambda product: "")
    """)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("CTPSE_PLUGINS", "ctpse_dup_plugin")
    with pytest.raises(PluginError, match="report format 'json' is registered twice"):
        registry("ctpse_register_report_formats", "report format")
    sys.modules.pop("ctpse_dup_plugin", None)


def test_tracing(fresh_plugins: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """CTPSE_TRACE_PLUGINS writes each hook call to standard error."""
    monkeypatch.setenv("CTPSE_TRACE_PLUGINS", "1")
    registry("ctpse_register_storage", "storage backend")
    assert "ctpse_register_storage" in capsys.readouterr().err


def test_broken_entry_point_is_named(fresh_plugins: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An installed plugin that cannot be imported stops start-up with an error naming it and the way out."""
    dist = tmp_path / "ctpse_broken-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: ctpse-broken\nVersion: 1.0\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text("[ctpse]\nbroken = ctpse_no_such_module_anywhere\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    expected = r"plugin 'broken' .*ctpse-broken.* could not be loaded.*CTPSE_BLOCK_PLUGINS=broken"
    with pytest.raises(PluginError, match=expected):
        get_plugin_manager()
    monkeypatch.setenv("CTPSE_BLOCK_PLUGINS", "broken")
    from ctpse_core.plugin import reset

    reset()
    assert get_plugin_manager().get_plugin("broken") is None


def test_duplicate_names_both_plugins(fresh_plugins: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A clash names the plugin that registered first and the one that tried again."""
    _plugin_module(tmp_path, "ctpse_dup2_plugin", """
        from ctpse_core.plugin import hookimpl

        @hookimpl
        def ctpse_register_report_formats(register):
            register("md", lambda product: "")
    """)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("CTPSE_PLUGINS", "ctpse_dup2_plugin")
    with pytest.raises(PluginError, match=r"'md' is registered twice \(by ") as info:
        registry("ctpse_register_report_formats", "report format")
    assert "ctpse_core.report_formats" in str(info.value) and "ctpse_dup2_plugin" in str(info.value)
    sys.modules.pop("ctpse_dup2_plugin", None)


def test_failing_hook_names_plugin(fresh_plugins: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An exception inside a plugin's hook is reported with the plugin, the hook and how to block it."""
    _plugin_module(tmp_path, "ctpse_boom_plugin", """
        from ctpse_core.plugin import hookimpl

        @hookimpl
        def ctpse_register_feeds(register):
            raise RuntimeError("boom")
    """)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("CTPSE_PLUGINS", "ctpse_boom_plugin")
    expected = r"plugin 'ctpse_boom_plugin' failed in ctpse_register_feeds: RuntimeError: boom.*CTPSE_BLOCK_PLUGINS"
    with pytest.raises(PluginError, match=expected):
        registry("ctpse_register_feeds", "feed")
    sys.modules.pop("ctpse_boom_plugin", None)


def test_cli_survives_blocked_report_formats(fresh_plugins: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocking the built-in report formats (the documented example) leaves the CLI usable."""
    from click.testing import CliRunner

    from ctpse_core.cli import make_cli

    monkeypatch.setenv("CTPSE_BLOCK_PLUGINS", "ctpse_core.report_formats")
    for args in (["--help"], ["plugins"]):
        result = CliRunner().invoke(make_cli(), args)
        assert result.exit_code == 0, result.output
    assert "ctpse_core.report_formats" not in CliRunner().invoke(make_cli(), ["plugins"]).output


def test_blocking_typo_is_warned(monkeypatch: pytest.MonkeyPatch) -> None:
    """A name in CTPSE_BLOCK_PLUGINS that is no plugin is reported, so a typo does not pass silently."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "CTPSE_BLOCK_PLUGINS": "ctpse_core.report_format,ctpse_core.memory_store"}
    result = subprocess.run([sys.executable, "-c", "from ctpse_core.cli import main; main()", "plugins"],
                            capture_output=True, text=True, env=env, check=True)
    assert "warning: CTPSE_BLOCK_PLUGINS names 'ctpse_core.report_format', which is not a plugin" in result.stderr
    assert "memory_store" not in result.stderr and "ctpse_core.memory_store" not in result.stdout
