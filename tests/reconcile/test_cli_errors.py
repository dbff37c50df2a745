"""What a new user meets on the reconcile and review commands: clear messages and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ctpse_core.cli import make_cli
from ctpse_core.storage import open_store
from ctpse_core.synthetic.nominals import write_nominal_lists
from ctpse_core.testing.security import SYSTEM, seed_users


@pytest.fixture(autouse=True)
def _cli_store(ctpse_cli_store: str) -> str:
    """Commands without --store run on a seeded store as its administrator (CTPSE_STORE, CTPSE_USER)."""
    return ctpse_cli_store


@pytest.fixture(scope="module")
def lists(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lists")
    write_nominal_lists(folder, count=120, seed=11)
    return folder


def run(*args: str) -> Result:
    return CliRunner().invoke(make_cli(), ["-q", *args])


def reconcile(lists: Path, *args: str, regional: Path | None = None) -> Result:
    return run("reconcile", str(regional or lists / "regional.csv"), str(lists / "national.csv"), *args)


def no_traceback(out: Result) -> None:
    assert "Traceback" not in out.output and not isinstance(out.exception, AssertionError | TypeError | KeyError)


def test_bad_settings_name_file_field_and_reason(lists: Path, tmp_path: Path) -> None:
    """A bad value in --config: exit 2, one line per fault with the file, the field path and why."""
    config = tmp_path / "settings.toml"
    config.write_text("[reconcile]\nmatch_threshold = 1.5\nseed = 'x'\n[reconcile.tolerances]\nrisk_tier = 'one'\n",
                      encoding="utf-8")
    out = reconcile(lists, "--config", str(config))
    assert out.exit_code == 2, out.output
    no_traceback(out)
    assert "settings.toml: reconcile.match_threshold: must be between 0 and 1 (exclusive), got 1.5" in out.output
    assert "settings.toml: reconcile.tolerances.risk_tier: 'one' is not a whole number" in out.output
    assert "reconcile.seed" in out.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[reconcile]\nmatch_threshold = 0.3\nreview_threshold = 0.4\n", "review_threshold 0.4 is above"),
        ("match_treshold = 0.9\n", "unknown field(s): match_treshold"),
        ("disabled_rules = ['nationalty']\n", "disabled_rules: unknown match rule 'nationalty' (known: "),
        ("[[blocking]]\nname = 'x'\nkeys = ['pnc', 'shoe_size']\n",
         "blocking[0].keys: unknown key part(s) 'shoe_size'"),
        ("match_threshold = \n", "not valid TOML"),
    ],
)
def test_settings_faults_are_exit_2(lists: Path, tmp_path: Path, text: str, expected: str) -> None:
    """Cross-field checks, typos, unknown rule names and broken TOML are all readable exit-2 errors."""
    config = tmp_path / "s.toml"
    config.write_text(text, encoding="utf-8")
    out = reconcile(lists, "--config", str(config))
    assert out.exit_code == 2 and expected in out.output and "s.toml" in out.output, out.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[left]\nrecord_id = "idd"\n', "'idd' is not a field; did you mean 'id'?"),
        ('[left]\nrecord_id = "id"\nsurname = ["surname"]\n', "column 'surname' must map to a field"),
        ('[left]\nrecord_id = "id"\n[extra]\nx = "y"\n', "'extra' outside the [left]/[regional]"),
        ('[left]\nrecord_id = "id"\nsurname = "shoe.size"\n', "'shoe.size' is not a field path of a nominal"),
        ('[left]\nsurname = "surname"\n', "no column maps to the record ID"),
        ("[left\n", "not valid TOML"),
    ],
)
def test_mapping_faults_are_exit_2(lists: Path, tmp_path: Path, text: str, expected: str) -> None:
    """--mapping: unknown fields or keys, wrong types, no ID column, broken TOML -> exit 2, file named."""
    mapping = tmp_path / "map.toml"
    mapping.write_text(text, encoding="utf-8")
    out = reconcile(lists, "--mapping", str(mapping))
    assert out.exit_code == 2, out.output
    assert expected in out.output and "map.toml" in out.output, out.output
    no_traceback(out)


def test_missing_mapping_and_list_files_are_exit_2(lists: Path, tmp_path: Path) -> None:
    """A file that is not there is bad input (exit 2) and is named."""
    out = reconcile(lists, "--mapping", str(tmp_path / "nowhere.toml"))
    assert out.exit_code == 2 and "nowhere.toml" in out.output
    out = reconcile(lists, regional=tmp_path / "gone.csv")
    assert out.exit_code == 2 and "gone.csv" in out.output


def test_empty_and_unreadable_lists_are_exit_2(lists: Path, tmp_path: Path) -> None:
    """An empty file or one that is not UTF-8 text stops the run with a message, not a traceback."""
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    out = reconcile(lists, regional=empty)
    assert out.exit_code == 2 and "empty.csv" in out.output and "no rows" in out.output, out.output
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"record_id,surname\nRG1,\xff\xfe\x00Smith\n")
    out = reconcile(lists, regional=binary)
    assert out.exit_code == 2 and "binary.csv" in out.output, out.output
    no_traceback(out)


def test_rejected_rows_give_exit_3_and_the_result(lists: Path, tmp_path: Path) -> None:
    """Rows rejected while reading: the result is still printed, the rows are reported and written
    to a rejects file beside the list, and the exit status is 3."""
    lines = (lists / "regional.csv").read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[4] = "31/02/1990"  # no such date
    regional = tmp_path / "regional.csv"
    regional.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    out = reconcile(lists, "--format", "json", regional=regional)
    assert out.exit_code == 3, out.output
    assert json.loads(out.stdout)["left_source"] == "regional"
    assert "regional.csv:2" in out.stderr and "date_of_birth" in out.stderr
    rejects = tmp_path / "regional.rejects.csv"
    assert "31/02/1990" in rejects.read_text(encoding="utf-8-sig")
    assert str(rejects) in out.stderr


def test_ctrl_c_is_exit_130_without_traceback(lists: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C during the run ends it with status 130 and one line."""
    import ctpse_core.reconcile

    def interrupted(*_a: Any, **_k: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(ctpse_core.reconcile, "reconcile", interrupted)
    out = reconcile(lists)
    assert out.exit_code == 130 and "interrupted" in out.output
    no_traceback(out)


def test_help_states_the_exit_codes() -> None:
    """`ctpse reconcile --help` lists each exit status."""
    out = run("reconcile", "--help")
    for line in ("0    success", "2    bad input", "3    rows were rejected", "130  interrupted"):
        assert line in out.output


def test_reports_show_dates_of_birth_in_uk_form(kit: Any) -> None:
    """md and html show a date-of-birth discrepancy as e.g. 9 Apr 1988, not ISO; json keeps ISO."""
    import datetime as dt

    from ctpse_core.reconcile import reconcile as run_reconcile
    from ctpse_core.reports import render
    result = run_reconcile(*kit.make_lists())
    dob = next(d for d in result.discrepancies if d.field == "date_of_birth")
    shown = dt.date.fromisoformat(dob.left_value)
    uk = f"{shown.day} {shown:%b %Y}"
    for fmt in ("md", "html"):
        text = render(result, fmt)
        assert uk in text and dob.left_value not in text
    assert dob.left_value in render(result, "json")


# ---- review ------------------------------------------------------------------------------


@pytest.fixture
def shared(monkeypatch: pytest.MonkeyPatch) -> Any:
    """One store for every command of a test."""
    import ctpse_core.storage

    store = open_store("memory://")
    seed_users(store)
    store.close = lambda: None
    monkeypatch.setattr(ctpse_core.storage, "open_store", lambda url=None, **_: store)
    return store


def decide(lists: Path, *args: str, user: str = "dc.ada") -> Result:
    return CliRunner().invoke(make_cli(), ["--user", user, "review", "decide", *args, "--regional",
                                           str(lists / "regional.csv"), "--national", str(lists / "national.csv")])


def test_decide_checks_ids_decision_and_reviewer(lists: Path, shared: Any) -> None:
    """Unknown IDs, a bad decision word and an empty reviewer are exit-2 messages; nothing is stored."""
    out = decide(lists, "RG9999999", "JCT-0000001", "same")
    assert out.exit_code == 2 and "'RG9999999' is not on the regional list" in out.output, out.output
    out = decide(lists, "RG0000001", "JCT-0000001", "yes")
    assert out.exit_code == 2 and "decision must be 'same' or 'not-same', not 'yes'" in out.output
    out = decide(lists, "RG0000001", "JCT-0000001")
    assert out.exit_code == 2 and "same or not-same" in out.output
    out = decide(lists, "RG0000001", "JCT-0000001", "same", user="  ")
    assert out.exit_code == 2 and "reviewer's name is empty" in out.output
    with shared.unit_of_work(user=SYSTEM) as uow:
        assert list(uow.repository("review_decisions").list()) == []
    out = decide(lists, "RG0000001", "JCT-0000001", "not-same")
    assert out.exit_code == 0 and "not the same person (by dc.ada)" in out.output, out.output


def test_decide_without_lists_needs_them(shared: Any) -> None:
    """With no files and nothing stored, the IDs cannot be checked: say how to give the lists."""
    out = CliRunner().invoke(make_cli(), ["--user", "dc.ada", "review", "decide", "RG1", "JCT-1", "same"])
    assert out.exit_code == 2 and "--regional FILE --national FILE" in out.output


def test_review_list_is_a_marked_table_with_names_and_decisions(lists: Path, shared: Any) -> None:
    """`review list --all` prints the marking first and last, both records' names and UK dates of
    birth, the score, and the decision with who and when (London time)."""
    ok = decide(lists, "RG0000001", "JCT-0000001", "not-same", user="dc.bea")
    assert ok.exit_code == 0, ok.output
    out = CliRunner().invoke(make_cli(), ["-q", "review", "list", "--all", str(lists / "regional.csv"),
                                          str(lists / "national.csv")])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == lines[-1] == "OFFICIAL-SENSITIVE"
    assert lines[1].split()[:3] == ["regional", "ID", "name"] and "decision" in lines[1]
    decided = next(line for line in lines if line.startswith("RG0000001"))
    regional = (lists / "regional.csv").read_text(encoding="utf-8").splitlines()[1].split(",")
    day, month, year = regional[4].split("/")
    import datetime as dt

    born = dt.date(int(year), int(month), int(day))
    assert f"{regional[2]} {regional[1]}" in decided and f"{born.day} {born:%b %Y}" in decided
    assert "not same" in decided and "dc.bea" in decided and ("GMT" in decided or "BST" in decided)


def test_a_misspelt_column_is_warned_about(lists: Path, tmp_path: Path) -> None:
    """A header no field reads (here a misspelt date of birth) is named, with the columns the list lacks."""
    text = (lists / "regional.csv").read_text(encoding="utf-8")
    bad = tmp_path / "regional.csv"
    bad.write_text(text.replace("date_of_birth", "dob_x", 1), encoding="utf-8")
    out = reconcile(lists, "--format", "json", regional=bad)
    assert out.exit_code == 0
    assert "columns not read by feed regional: dob_x; columns of feed regional it lacks: date_of_birth" in out.stderr
    clean = reconcile(lists, "--format", "json")
    assert clean.exit_code == 0 and "warning" not in clean.stderr
