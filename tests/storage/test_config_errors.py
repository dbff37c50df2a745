"""Bad store configuration becomes one clear ConfigError naming the URL, password hidden."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctpse_core.errors import ConfigError
from ctpse_core.storage import open_store


def test_unknown_scheme_lists_the_known_ones() -> None:
    """An unknown scheme names the URL and every scheme that would work."""
    with pytest.raises(ConfigError, match=r"'mongo://h/db': unknown scheme 'mongo'.*sqlite://"):
        open_store("mongo://h/db")


def test_unreachable_server_hides_the_password() -> None:
    """A PostgreSQL URL that cannot be reached says so, with the password replaced by ***."""
    url = "postgresql+psycopg://ctpse:hunter2@127.0.0.1:1/ctpse"
    with pytest.raises(ConfigError) as caught:
        open_store(url)
    message = str(caught.value)
    assert "hunter2" not in message
    assert "postgresql+psycopg://ctpse:***@127.0.0.1:1/ctpse" in message
    assert "check the server is running" in message


@pytest.mark.parametrize("scheme,name", [("sqlite", "s.sqlite"), ("tinydb", "s.json")])
def test_unwritable_path(tmp_path: Path, scheme: str, name: str) -> None:
    """A store whose folder cannot be made (here: a file is in the way) is refused, naming
    the folder and what to do."""
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    with pytest.raises(ConfigError, match=r"cannot create the folder .*blocker.*choose a path"):
        open_store(f"{scheme}:///{blocker / name}")


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "tinydb://"])
def test_url_without_a_file(url: str) -> None:
    """A file store URL that names no file says how to write one."""
    with pytest.raises(ConfigError, match="names no file"):
        open_store(url)
