"""References between feeds are checked on import: leave names a stored staff member, an
engagement contact a stored nominal; a row naming nobody is rejected with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.errors import InputError
from ctpse_core.feeds.definition import feeds
from ctpse_core.feeds.importer import import_feed
from ctpse_core.feeds.mapping import apply_mapping, parse_mapping
from ctpse_core.storage.memory import MemoryStore
from ctpse_core.testing.security import SYSTEM, seed_admin

STAFF = "Staff No,Forename,Surname\nS-1,Alfa,Testperson\n"
LEAVE = "Leave Ref,Staff No,First Day,Last Day,Leave Type\nL-1,S-1,01/04/2025,03/04/2025,annual\n" \
        "L-2,S-999,01/04/2025,02/04/2025,annual\n"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _run(url: str, *args: str) -> tuple[int, str, str]:
    seed_admin(url)  # the store's administrator acts (no principal, no unit of work)
    result = CliRunner().invoke(make_cli(), ["--store", url, "--user", "admin", "--quiet", *args])
    return result.exit_code, result.stdout, result.stderr


def test_leave_for_an_unknown_staff_member_is_rejected(tmp_path: Path) -> None:
    """Leave naming a staff ID the store does not hold is rejected (exit 3) naming the column, the
    ID and the feed to import first; leave for a stored staff member is stored. Importing the
    rejects file once the staff list has the person stores the row."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    assert _run(url, "import", "staff", str(_write(tmp_path, "staff.csv", STAFF)))[0] == 0
    code, out, _ = _run(url, "import", "leave", str(_write(tmp_path, "leave.csv", LEAVE)))
    assert code == 3, out
    rejects = (tmp_path / "leave.rejects.csv").read_text(encoding="utf-8-sig")
    assert ("Staff No: 'S-999' is not a known staff record: no stored staff record has that ID "
            "(import the staff feed first, or correct the ID)") in rejects
    assert "L-1" not in rejects
    more_staff = STAFF + "S-999,Bravo,Sampleton\n"
    assert _run(url, "import", "staff", str(_write(tmp_path, "staff.csv", more_staff)))[0] == 0
    assert _run(url, "import", "leave", str(tmp_path / "leave.rejects.csv"))[0] == 0


def test_contact_for_an_unknown_nominal_is_rejected(tmp_path: Path) -> None:
    """An engagement contact naming no stored nominal is rejected; every nominal feed may fill it."""
    store = MemoryStore()
    nominals = _write(tmp_path, "regional.csv", "record_id,surname,forenames\nRG1,Testperson,Alfa\n")
    assert import_feed(store, "regional", nominals, user=SYSTEM).stored == 1
    contacts = _write(
        tmp_path, "contacts.csv",
        "Contact ID,Nominal Ref,Nominal Manager,Planned,Contact Type\n"
        "C-1,RG1,DC Cara Sample,01/04/2025 10:00,home visit\nC-2,RG404,DC Cara Sample,01/04/2025 11:00,home visit\n",
    )
    summary = import_feed(store, "engagements", contacts, rejects=False, user=SYSTEM)
    assert (summary.stored, summary.rejected) == (1, 1)
    with store.unit_of_work(user=SYSTEM) as uow:
        (row,) = uow.repository("quarantined_rows").list()
        assert uow.contacts.find("C-2") is None
    (reason,) = row.reasons
    assert reason.startswith("Nominal Ref: 'RG404' is not a known nominals record")
    assert "regional" in reason and "national" in reason


def test_a_mapping_file_declares_references_and_unknown_collections_are_refused(tmp_path: Path) -> None:
    """``[references]`` in a mapping file adds a checked reference; one naming a collection that
    no plugin registers is refused before anything is read (exit 2 on the command line)."""
    feed = apply_mapping(feeds().get("nctpoc-tasking"),
                         parse_mapping({"extend": True, "references": {"requested_by": "staff"}}, "x.toml"))
    assert feed.references == {"requested_by": "staff"}
    mapping = _write(tmp_path, "leave.toml", 'extend = true\n[references]\n"staff_id" = "personnel"\n')
    with pytest.raises(InputError, match="unknown record type 'personnel'"):
        import_feed(MemoryStore(), "leave", _write(tmp_path, "leave.csv", LEAVE), mapping=mapping, user=SYSTEM)
    code, _, err = _run("memory://", "import", "leave", str(tmp_path / "leave.csv"), "--mapping", str(mapping))
    assert code == 2 and "personnel" in err and len(err.strip().splitlines()) == 1
