"""Every example script under examples/ runs and prints what its docstring promises."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(script: str, *args: str) -> str:
    result = subprocess.run([sys.executable, str(ROOT / "examples" / script), *args], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def test_reconcile_lists() -> None:
    """Two synthetic lists are reconciled: matches, discrepancies and the correction set are printed."""
    out = run("reconcile_lists.py")
    assert "matched pairs: " in out and "discrepancies: " in out
    assert out.rstrip().splitlines()[-1].startswith("correction set: ")


def test_deconflict_week() -> None:
    """A synthetic week is de-conflicted and each party's need-to-know notice printed."""
    out = run("deconflict_week.py")
    assert "40 deployments, " in out and " conflicts (" in out
    assert "Before deploying, call " in out


def test_rota_week(tmp_path: Path) -> None:
    """A week's rota is built with no hard rule broken and published as a report and role feeds."""
    out = run("rota_week.py", str(tmp_path))
    assert "hard rules broken: 0" in out
    assert (tmp_path / "rota.md").read_text(encoding="utf-8").startswith("**OFFICIAL")
    feeds = sorted(tmp_path.glob("role-*.ics"))
    assert feeds and all(f.read_bytes().startswith(b"BEGIN:VCALENDAR") for f in feeds)


def test_partner_feed_plugin() -> None:
    """A new partner's feed registered by an in-house plugin imports its good row and reports the bad one."""
    out = run("partner_feed.py")
    assert "2 rows read, 1 stored, 1 rejected" in out
    assert "rejected row 0002: Born: '31/02/1990' is not a valid date" in out
    assert "stored FSH-0001: Ada Example, force Fictionshire, OFFICIAL-SENSITIVE" in out


@pytest.mark.parametrize("script", sorted(p.name for p in (ROOT / "examples").glob("*.py")))
def test_every_example_script_has_a_test(script: str) -> None:
    """No example script is left untested: each is named in a test of this suite."""
    tests = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("test_*.py"))
    assert f'"{script}"' in tests


def test_access_policy_plugin() -> None:
    """A force's access policy, loaded as a plugin, refuses a caveated disclosure outside office
    hours and any disclosure to a barred organisation; the rest go to the built-in role policy and
    the agreement with the partner, and are sent and audited as disclosures under it."""
    out = run("access_policy.py")
    lines = out.splitlines()
    assert lines[0].startswith("C-1 OFFICIAL-SENSITIVE [PERSONAL] to Fictionshire") and lines[0].endswith(
        "sent (audited as a disclosure)")
    assert lines[1].startswith("C-2 ") and "Sat 22:00: REFUSED: partner: disclosure of OFFICIAL-SENSITIVE [PERSONAL]" \
        in lines[1]
    assert lines[2].startswith("C-3 OFFICIAL-SENSITIVE to") and lines[2].endswith("sent (audited as a disclosure)")
    assert lines[3].startswith("C-4 ") and "REFUSED" in lines[3] and "Example Gazette" in lines[3]
    assert lines[4] == ("disclosures in the audit log: RG0000001 under ISA-PROB-1 (C-1), "
                        "RG0000001 under ISA-PROB-1 (C-3)")
