"""The Python examples in docs/storage.md run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "storage.md"


def test_storage_doc_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ```python block of docs/storage.md runs, in order, in one namespace (in a scratch
    folder, so its sqlite:///ctpse.sqlite is a new file); the find_many example finds the
    record the first example stored and reports the two IDs that name nothing."""
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 2
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)
    held = namespace["held"]
    assert isinstance(held, dict) and list(held) == ["RG0000001"]
    assert held["RG0000001"].surname == "Fictitious"
    assert namespace["missing"] == {"RG0000002", "RG0009999"}
