"""Funding bids, signed authorisations, reconciliation thresholds and the publishing gate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from ctpse_core.domain.common import LONDON, Provenance
from ctpse_core.domain.finance import Authorisation, BidLine, FundingBid
from ctpse_core.domain.staff import Staff
from ctpse_core.domain.surveillance import Deployment
from ctpse_core.errors import InputError
from ctpse_core.finance import Duty, builtin_pay_rules, forecast
from ctpse_core.finance.bids import Claim, Thresholds, bid_from_forecast, budget_position, reconcile
from ctpse_core.finance.publish import publish_amendment, record_authorisation, submit_bid
from ctpse_core.finance.service import forecast_stored
from ctpse_core.storage import open_store
from ctpse_core.testing.security import seed_users

RULES = builtin_pay_rules()
MON = dt.date(2026, 3, 2)


def _duty(ident: str, op: str, hours: int) -> Duty:
    """A weekday duty ending at 16:00 whose ``hours`` before 08:00 are overtime (DC: 2866.67 p/h)."""
    start = dt.datetime(2026, 3, 3, 8, tzinfo=LONDON) - dt.timedelta(hours=hours)
    return Duty(id=ident, source_id=ident, kind="deployment", staff_id="s1", rank="DC", start=start,
                end=dt.datetime(2026, 3, 3, 16, tzinfo=LONDON), operation_id=op, team_id="SV-A",
                budget_code=f"BC-{op}", notified_at=start - dt.timedelta(days=30))


def _bid(fc_pence: dict[str, int]) -> FundingBid:
    return FundingBid(id="bid-1", period_start=MON, period_end=MON + dt.timedelta(days=6),
                      lines=tuple(BidLine(operation_id=op, hours=Decimal(0), amount=Decimal(p).scaleb(-2))
                                  for op, p in fc_pence.items()))


def _auth(amounts: dict[str, int]) -> Authorisation:
    return Authorisation(id="auth-1", bid_id="bid-1", signed_by="Supt A Example",
                         signed_at=dt.datetime(2026, 2, 20, 9, tzinfo=LONDON),
                         lines=tuple(BidLine(operation_id=op, hours=Decimal(0), amount=Decimal(p).scaleb(-2))
                                     for op, p in amounts.items()))


def test_bid_has_one_line_per_operation_from_the_forecast() -> None:
    """3 h and 2 h of overtime on op-1 (8,600 + 5,733 p) and 1 h on op-2 (2,867 p) bid as two lines."""
    fc = forecast([_duty("a", "op-1", 3), _duty("b", "op-1", 2), _duty("c", "op-2", 1)], RULES)
    bid = bid_from_forecast(fc, "bid-1", MON, MON + dt.timedelta(days=6))
    assert [(x.operation_id, x.amount, x.hours) for x in bid.lines] == [
        ("op-1", Decimal("143.33"), Decimal("5.00")), ("op-2", Decimal("28.67"), Decimal("1.00"))]
    assert bid.total == Decimal("172.00")


# committed 2,867 p (1 h) against authorisations chosen just either side of each threshold
@pytest.mark.parametrize(("authorised", "status"), [
    (3186, "ok"),     # 2867 / 3186 = 0.8999 < 0.90
    (3185, "warn"),   # 2867 / 3185 = 0.9001 >= 0.90
    (2867, "warn"),   # exactly the authorisation: not past block_at 1.00
    (2866, "block"),  # one penny over the authorisation
])
def test_reconciliation_just_below_and_above_each_threshold(authorised: int, status: str) -> None:
    """Warn at 90 % of the authorisation, block past 100 %: a penny either side changes the grade."""
    fc = forecast([_duty("c", "op-2", 1)], RULES)
    assert fc.total_pence == 2867
    [line] = reconcile(fc, _bid({"op-2": 2867}), _auth({"op-2": authorised}), thresholds=Thresholds())
    assert line.status == status


def test_discrepancies_are_listed_per_line() -> None:
    """An authorisation £10 short of the bid and a claim £5 over the forecast are both named."""
    fc = forecast([_duty("c", "op-2", 1)], RULES)
    claims = [Claim("op-2", "s1", dt.date(2026, 3, 3), Decimal(1), 3367)]
    [line] = reconcile(fc, _bid({"op-2": 2867}), _auth({"op-2": 1867}), claims, Thresholds())
    assert line.discrepancies == ("authorised -£10.00 against the bid", "actual +£5.00 against the forecast")
    assert line.status == "block"  # actual 3,367 p against 1,867 p authorised


def test_thresholds_are_configurable() -> None:
    """With warn at 50 % and block past 120 %, 2,867 p against 2,500 p is a warning only."""
    fc = forecast([_duty("c", "op-2", 1)], RULES)
    [line] = reconcile(fc, _bid({"op-2": 2867}), _auth({"op-2": 2500}),
                       thresholds=Thresholds(Fraction(1, 2), Fraction(6, 5)))
    assert line.status == "warn"


def test_budget_position_per_code() -> None:
    """The position per budget code sums its operations and says what remains."""
    fc = forecast([_duty("a", "op-1", 3), _duty("c", "op-2", 1)], RULES)
    lines = reconcile(fc, _bid({"op-1": 8600, "op-2": 2867}), _auth({"op-1": 10000, "op-2": 2867}))
    rows = {r["budget_code"]: r for r in budget_position(lines)}
    assert rows["BC-op-1"]["remaining"] == "14.00"
    assert rows["BC-op-2"]["remaining"] == "0.00"
    assert rows["BC-op-2"]["status"] == "warn"


def _store_with_deployment():  # type: ignore[no-untyped-def]
    store = seed_users(open_store("memory://"), "cato")
    start = dt.datetime(2026, 3, 3, 5, tzinfo=LONDON)
    d = Deployment(id="dep-1", operation_id="op-1", team_id="SV-A", start=start,
                   end=dt.datetime(2026, 3, 3, 16, tzinfo=LONDON), staff_ids=("s1",),
                   provenance=Provenance(source="test", received_at=start - dt.timedelta(days=30)))
    with store.unit_of_work(user="cato") as uow:
        uow.staff.add(Staff(id="s1", forenames="Ada", surname="Example", rank="DC"))
        uow.deployments.add(d)
        stored = forecast_stored(uow, MON, MON + dt.timedelta(days=6))
        submit_bid(uow, stored, "bid-1", MON, MON + dt.timedelta(days=6))
        record_authorisation(uow, "bid-1", "auth-1", "Supt A Example", dt.datetime(2026, 2, 20, tzinfo=LONDON))
        uow.commit()
    return store, d


def test_a_change_over_the_authorisation_needs_an_audited_override() -> None:
    """Lengthening the deployment past the authorised 3 hours is refused without a reason, and
    stored with an audited override when one is given."""
    import attrs

    store, d = _store_with_deployment()
    longer = attrs.evolve(d, start=d.start - dt.timedelta(hours=1))
    with store.unit_of_work(user="cato") as uow:
        stored = forecast_stored(uow, MON, MON + dt.timedelta(days=6))
        with pytest.raises(InputError, match="past its authorisation"):
            publish_amendment(uow, stored, longer, "bid-1")
        assert stored.forecast.total_pence == 8600  # put back
        result = publish_amendment(uow, stored, longer, "bid-1", override_reason="SIO: subject moved early")
        assert result.overridden and result.difference.total_pence == 2867
        uow.commit()
    events = [e for e in store.audit_events() if e.action == "override"]
    assert len(events) == 1 and "SIO: subject moved early" in events[0].detail
    with store.unit_of_work(user="cato") as uow:
        assert uow.deployments.get("dep-1").start == longer.start


def test_a_change_within_the_authorisation_is_published_without_override() -> None:
    """Shortening the deployment is published at once and not flagged."""
    import attrs

    store, d = _store_with_deployment()
    with store.unit_of_work(user="cato") as uow:
        stored = forecast_stored(uow, MON, MON + dt.timedelta(days=6))
        result = publish_amendment(uow, stored, attrs.evolve(d, start=d.start + dt.timedelta(hours=2)), "bid-1")
        assert not result.overridden and result.status == "ok" and result.difference.total_pence == -5733


def test_a_rota_change_is_recomputed_with_its_difference() -> None:
    """Adding a 48-hour on-call shift to a stored rota adds two days' allowance (4,000 p) and
    nothing else; the forecast equals a fresh one."""
    import attrs

    from ctpse_core.domain.staff import Rota, Shift
    from ctpse_core.finance.service import amend_rota

    store, _d = _store_with_deployment()
    start = dt.datetime(2026, 3, 4, 17, tzinfo=LONDON)
    one = Shift(role_id="oc", staff_id="s1", start=start, end=start + dt.timedelta(hours=15))
    rota = Rota(id="rota-1", first_day=MON, last_day=MON + dt.timedelta(days=6), shifts=(one,))
    with store.unit_of_work(user="cato") as uow:
        uow.rotas.add(rota)
        stored = forecast_stored(uow, MON, MON + dt.timedelta(days=6))
        before = stored.forecast.total_pence
        two = Shift(role_id="oc", staff_id="s1", start=start + dt.timedelta(days=1),
                    end=start + dt.timedelta(days=3))
        diff = amend_rota(uow, stored, attrs.evolve(rota, shifts=(one, two)))
        assert diff.total_pence == 4000 and stored.forecast.total_pence == before + 4000
        assert [x.rule for x in diff.added] == ["on-call"] and not diff.removed
