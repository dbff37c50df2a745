"""An unknown name in a settings file or an option (a rule, solver, feed, format, store scheme) is
a configuration mistake: exit status 2 and one line naming the file, the field, the name given and
the names allowed, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ctpse_core.cli import make_cli
from ctpse_core.errors import ConfigError, InputError, NotFoundError, UnknownName
from ctpse_core.plugin import Registry
from ctpse_core.reconcile import load_config
from ctpse_core.storage import open_store
from ctpse_core.synthetic.nominals import write_nominal_lists


def run(*args: str) -> Result:
    return CliRunner().invoke(make_cli(), ["-q", *args])


def error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


@pytest.fixture(scope="module")
def lists(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lists")
    write_nominal_lists(folder, count=60, seed=3)
    return folder


def test_unknown_name_is_an_input_error_with_one_line() -> None:
    """UnknownName is a user mistake (InputError: exit 2) and, as registry look-ups always were,
    a NotFoundError; its line names the file, the field, the name and the names allowed."""
    exc = UnknownName("match rule", "nationalty", ["forename", "surname"], where="s.toml", field="disabled_rules")
    assert isinstance(exc, InputError) and isinstance(exc, NotFoundError)
    assert str(exc) == "s.toml: disabled_rules: unknown match rule 'nationalty' (known: forename, surname)"
    assert exc.lines() == [str(exc)] and exc.name == "nationalty"
    assert exc.located(field="--x").line == "s.toml: --x: unknown match rule 'nationalty' (known: forename, surname)"


def test_registry_lookup_raises_unknown_name_placed_where_the_name_came_from() -> None:
    reg: Registry[int] = Registry("widget")
    reg.register("a", 1)
    with pytest.raises(UnknownName) as caught:
        reg.get("b", where="w.toml", field="widgets[0]")
    assert caught.value.line == "w.toml: widgets[0]: unknown widget 'b' (known: a)"


def test_unknown_rota_solver_is_exit_2_naming_the_option(tmp_path: Path) -> None:
    problem = tmp_path / "p.json"
    assert run("synth", "rota", "--staff", "12", "--weeks", "1", "--out", str(problem)).exit_code == 0
    out = run("rota", "build", str(problem), "--solver", "cpsta")
    assert out.exit_code == 2, out.output
    assert error_lines(out) == ["error: --solver: unknown rota solver 'cpsta' (known: " + _known(out)]
    assert "builtin" in out.stderr and "Traceback" not in out.output


def _known(out: Result) -> str:
    return out.stderr.split("(known: ", 1)[1].splitlines()[0]


def test_unknown_feed_and_format_on_import_are_exit_2(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 's.sqlite'}"
    path = tmp_path / "x.csv"
    path.write_text("record_id\nX1\n", encoding="utf-8")
    out = run("--store", store, "import", "regonal", str(path))
    assert out.exit_code == 2, out.output
    assert error_lines(out)[0].startswith("error: FEED: unknown feed 'regonal' (known: ")
    assert "regional" in out.stderr
    out = run("--store", store, "import", "regional", str(path), "--format", "xslx")
    assert out.exit_code == 2, out.output
    assert error_lines(out)[0].startswith("error: --format: unknown feed format 'xslx' (known: ")
    assert "csv" in out.stderr


def test_unknown_feed_on_reconcile_names_the_option(lists: Path) -> None:
    out = run("--store", "memory://", "reconcile", str(lists / "regional.csv"), str(lists / "national.csv"),
              "--right-feed", "natonal")
    assert out.exit_code == 2, out.output
    assert error_lines(out)[0].startswith("error: --right-feed: unknown feed 'natonal' (known: ")


def test_unknown_rule_names_in_settings_file_name_file_field_and_known(lists: Path, tmp_path: Path) -> None:
    """Every unknown rule or field name in the TOML settings, one line each, exit 2."""
    config = tmp_path / "settings.toml"
    config.write_text("[reconcile]\ndisabled_rules = ['nationalty']\ntf_adjust = ['surname', 'forenme']\n",
                      encoding="utf-8")
    with pytest.raises(UnknownName) as caught:
        load_config(config)
    assert caught.value.where == str(config) and caught.value.field == "reconcile.disabled_rules"
    out = run("--store", "memory://", "reconcile", str(lists / "regional.csv"), str(lists / "national.csv"),
              "--config", str(config))
    assert out.exit_code == 2, out.output
    first, second = error_lines(out)
    assert first.startswith(f"error: {config}: reconcile.disabled_rules: unknown match rule 'nationalty' (known: ")
    assert second.startswith(f"error: {config}: reconcile.tf_adjust: unknown match rule 'forenme' (known: ")
    assert "surname" in first


def test_unknown_store_scheme_is_exit_2_and_still_a_config_error() -> None:
    with pytest.raises(UnknownName) as caught:
        open_store("mongo://h/db")
    assert isinstance(caught.value, ConfigError)
    out = run("--store", "sqlit:///x.sqlite", "db", "status")
    assert out.exit_code == 2, out.output
    assert error_lines(out) == [
        "error: store URL 'sqlit:///x.sqlite': unknown scheme 'sqlit' (known: " + _known(out)
    ]
    assert "sqlite://" in out.stderr


def test_unknown_hook_on_plugins_lists_the_hooks() -> None:
    out = run("plugins", "--hook", "ctpse_register_comands")
    assert out.exit_code == 2, out.output
    assert error_lines(out)[0].startswith("error: --hook: unknown hook 'ctpse_register_comands' (known: ")
    assert "ctpse_register_commands" in out.stderr
