"""The tasking and finance commands end to end on a SQLite store."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from ctpse_core.cli import make_cli
from ctpse_core.domain.common import LONDON, Provenance
from ctpse_core.domain.staff import Staff
from ctpse_core.domain.surveillance import COVERT, Deployment
from ctpse_core.storage import open_store
from ctpse_core.testing.security import seed_users


def _store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'ctpse.sqlite'}"
    store = seed_users(open_store(url), "cato")
    start = dt.datetime(2026, 3, 3, 5, tzinfo=LONDON)
    with store.unit_of_work(user="cato") as uow:
        uow.staff.add(Staff(id="s1", forenames="Ada", surname="Example", rank="DC"))
        uow.deployments.add(Deployment(id="dep-1", operation_id="op-1", team_id="SV-A", start=start,
                                       end=start + dt.timedelta(hours=11), staff_ids=("s1",), marking=COVERT,
                                       provenance=Provenance(source="t", received_at=start - dt.timedelta(days=30))))
        uow.commit()
    store.close()
    return url


def run(url: str, *args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(make_cli(), ["--store", url, "--user", "cato", *args])
    return r.exit_code, r.stdout, r.stderr


def test_forecast_bid_authorise_reconcile(tmp_path: Path) -> None:
    """forecast (3 h of overtime: £86.00), a bid, an authorisation of £80 and the reconciliation,
    which blocks the line; each product is marked SECRET like the deployment."""
    url = _store(tmp_path)
    code, out, _ = run(url, "overtime", "forecast", "--from", "02/03/2026", "--to", "08/03/2026", "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert data["total"] == "86.00" and data["marking"] == "SECRET"
    code, out, err = run(url, "bids", "create", "bid-1", "--from", "02/03/2026", "--to", "08/03/2026")
    assert code == 0, out + err
    code, out, err = run(url, "bids", "authorise", "bid-1", "--id", "auth-1", "--signed-by", "Supt Example",
                         "--signed-at", "20/02/2026 09:00", "--amount", "op-1=80.00")
    assert code == 0, out + err
    code, out, _ = run(url, "bids", "reconcile", "bid-1", "--format", "json")
    recon = json.loads(out)
    assert recon["status"] == "block" and recon["lines"][0]["discrepancies"] == "authorised -£6.00 against the bid"
    code, out, _ = run(url, "bids", "reconcile", "bid-1", "--format", "csv")
    assert out.splitlines()[0] == "# SECRET"


def test_bad_input_exits_2_with_one_error_line(tmp_path: Path) -> None:
    """An unknown breakdown and a refused asset transition each give one `error:` line, exit 2."""
    url = _store(tmp_path)
    code, _out, err = run(url, "overtime", "forecast", "--from", "02/03/2026", "--to", "08/03/2026", "--by", "wek")
    assert code == 2 and err.startswith("error: ") and "wek" in err
    code, _o, err = run(url, "assets", "request", "ar-1", "--kind", "forensic", "--operation", "op-1",
                        "--requested-by", "DI Example", "--objective", "Examine", "--deadline", "06/03/2026 12:00")
    assert code == 0, err
    code, _o, err = run(url, "assets", "complete", "ar-1")
    assert code == 2 and "cannot go from requested to complete" in err and "Traceback" not in err


def test_events_commitments_and_returns(tmp_path: Path) -> None:
    """Events with a missing acknowledgement are listed for escalation; the board and the three
    returns render in every format."""
    url = _store(tmp_path)
    for args in (("events", "receive", "ev-1", "--title", "Briefing", "--source", "CTP East",
                  "--at", "03/03/2026 09:00"),
                 ("events", "assess", "ev-1", "--threat", "severe", "--risk", "high", "--decision", "send"),
                 ("events", "disseminate", "ev-1", "--to", "CTPOR", "--to", "SIO"),
                 ("events", "ack", "ev-1", "CTPOR")):
        code, out, err = run(url, *args)
        assert code == 0, out + err
    code, out, _ = run(url, "events", "list", "--escalations", "--now", "31/12/2099 09:00", "--format", "json")
    assert [x["recipient"] for x in json.loads(out)["escalations"]] == ["SIO"]
    for fmt in ("json", "md", "html", "csv"):
        for args in (("commitments", "--at", "03/03/2026 10:00"), ("weekly-return", "--week", "03/03/2026"),
                     ("tasking-doc", "--week", "03/03/2026"), ("dmm", "--day", "03/03/2026")):
            code, out, err = run(url, *args, "--format", fmt)
            assert code == 0, f"{args} {fmt}: {out}{err}"
            assert "SECRET" in out


def test_overtime_amend_needs_an_override_past_the_authorisation(tmp_path: Path) -> None:
    """Starting the deployment an hour earlier takes op-1 past its authorisation: refused (exit 2)
    without --override, published with one, and the difference is +£28.67."""
    url = _store(tmp_path)
    run(url, "bids", "create", "bid-1", "--from", "02/03/2026", "--to", "08/03/2026")
    run(url, "bids", "authorise", "bid-1", "--id", "auth-1", "--signed-by", "Supt Example",
        "--signed-at", "20/02/2026 09:00")
    code, _out, err = run(url, "overtime", "amend", "dep-1", "--bid", "bid-1", "--start", "03/03/2026 04:00")
    assert code == 2 and "past its authorisation" in err
    code, out, err = run(url, "overtime", "amend", "dep-1", "--bid", "bid-1", "--start", "03/03/2026 04:00",
                         "--override", "SIO decision", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["total_change"] == "28.67" and "audited override" in err


def test_assets_staff_names_who_could_be_committed(tmp_path: Path) -> None:
    """s1 is on dep-1 until 16:00, so for an asset deployment at 10:00 nobody can be committed:
    the shortfall is 1 and s1's reason names the double-booking."""
    url = _store(tmp_path)
    run(url, "assets", "request", "ar-1", "--kind", "forensic", "--operation", "op-1", "--requested-by", "DI X",
        "--objective", "Examine", "--deadline", "06/03/2026 12:00")
    code, out, err = run(url, "assets", "staff", "ar-1", "--start", "03/03/2026 10:00", "--hours", "4",
                         "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["shortfall"] == 1 and data["chosen"] == []
    assert "person-double-booking" in data["board"][0]["would_break"]
