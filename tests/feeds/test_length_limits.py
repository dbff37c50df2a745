"""Per-field length limits: a cell longer than its field's limit rejects the row with the column,
the length and the limit; the limits are set per feed and per field in a mapping file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctpse_core.errors import ConfigError, InputError
from ctpse_core.feeds.definition import DEFAULT_MAX_LENGTH, feeds
from ctpse_core.feeds.importer import import_feed
from ctpse_core.feeds.load import load_records
from ctpse_core.feeds.mapping import apply_mapping, parse_mapping
from ctpse_core.storage.memory import MemoryStore
from ctpse_core.testing.security import SYSTEM

HEADER = "record_id,surname,forenames,address,town\n"


def _csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "regional.csv"
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_one_megabyte_cell_rejects_its_row(tmp_path: Path) -> None:
    """A 1 MB surname is not stored: its row is rejected naming the column, the length and the
    limit (1,000 characters by default); the other rows are stored."""
    path = _csv(tmp_path, "RG1,Testperson,Alfa,,", f"RG2,{'X' * 1_048_576},Bravo,,")
    result = load_records("regional", path)
    assert [r.id for r in result.records] == ["RG1"]
    (rejected,) = result.rejected
    assert rejected.reasons == [
        f"surname: is 1,048,576 characters long, more than the {DEFAULT_MAX_LENGTH:,} allowed for surname "
        "(a mapping file's max_length or [max_lengths] sets the limit)"
    ]


def test_a_long_cell_inside_a_list_item_names_its_column(tmp_path: Path) -> None:
    """The limit holds for nested fields too (an address line), and the reason names the
    partner's column and the field path."""
    path = _csv(tmp_path, f"RG1,Testperson,Alfa,{'1 Long Road ' * 100},Notown")
    (rejected,) = load_records("regional", path).rejected
    assert rejected.reasons[0].startswith("address: is 1,199 characters long")
    assert "allowed for addresses.0.line1" in rejected.reasons[0]


def test_mapping_file_sets_feed_and_field_limits(tmp_path: Path) -> None:
    """``max_length`` in a mapping file sets every field's limit and ``[max_lengths]`` one field's;
    a cell at the limit is kept, one over it rejected; nothing is stored from a rejected row."""
    mapping = parse_mapping(
        {"extend": True, "max_length": 12, "max_lengths": {"surname": 20}}, "partner.toml"
    )
    feed = apply_mapping(feeds().get("regional"), mapping)
    assert feed.limit_for("forenames") == 12 and feed.limit_for("surname") == 20
    path = _csv(tmp_path, f"RG1,{'S' * 20},{'F' * 12},,", f"RG2,{'S' * 21},Bravo,,", f"RG3,Sampleton,{'F' * 13},,")
    store = MemoryStore()
    summary = import_feed(store, feed, path, rejects=False, user=SYSTEM)
    assert (summary.stored, summary.rejected) == (1, 2)
    with store.unit_of_work(user=SYSTEM) as uow:
        assert uow.nominals.find("RG2") is None and uow.nominals.get("RG1").surname == "S" * 20


def test_json_values_are_limited_too(tmp_path: Path) -> None:
    """A JSON feed's long text value is rejected the same way as a CSV cell."""
    path = tmp_path / "regional.json"
    path.write_text(json.dumps([{"record_id": "RG1", "surname": "Y" * 5000, "forenames": "Alfa"}]), "utf-8")
    (rejected,) = load_records("regional", path).rejected
    assert "is 5,000 characters long" in rejected.reasons[0]


def test_engagement_outcome_allows_a_longer_note(tmp_path: Path) -> None:
    """The engagements feed allows 4,000 characters for a contact's outcome (a note), 1,000 elsewhere."""
    feed = feeds().get("engagements")
    assert feed.limit_for("outcome") == 4000 and feed.limit_for("manager") == DEFAULT_MAX_LENGTH


@pytest.mark.parametrize("value", [0, -5, "long", True, 1.5])
def test_bad_limit_in_a_mapping_file_is_refused(value: object) -> None:
    """A limit that is not a whole number of at least 1 is refused naming the file and setting
    (exit 2 on the command line)."""
    with pytest.raises(ConfigError, match=r"partner.toml: max_length must be a whole number") as info:
        parse_mapping({"extend": True, "max_length": value}, "partner.toml")
    assert isinstance(info.value, InputError)
    with pytest.raises(ConfigError, match=r"partner.toml: max_lengths 'surname' must be a whole number"):
        parse_mapping({"extend": True, "max_lengths": {"surname": value}}, "partner.toml")


def test_limit_for_an_unknown_field_is_refused() -> None:
    """``[max_lengths]`` naming a field the record does not have is refused like a bad column."""
    mapping = parse_mapping({"extend": True, "max_lengths": {"shoe_size": 10}}, "partner.toml")
    with pytest.raises(ConfigError, match=r"partner\.toml: max_lengths: field path 'shoe_size'"):
        apply_mapping(feeds().get("regional"), mapping)
