"""Bid and authorisation services, and the gate a deployment change passes before publishing.

:func:`publish_amendment` re-prices the change, reconciles its operation against the signed
authorisation and: publishes at ``ok``; publishes and flags at ``warn``; refuses at ``block``
unless given an override reason, which is then audited with the change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from ctpse_core.domain.common import Provenance, utcnow
from ctpse_core.domain.finance import Authorisation, BidLine, FundingBid
from ctpse_core.domain.surveillance import Deployment, DeploymentStatus
from ctpse_core.errors import InputError, NotFoundError, Problem
from ctpse_core.finance.bids import BLOCK, Claim, ReconLine, Thresholds, bid_from_forecast, reconcile
from ctpse_core.finance.forecast import Difference
from ctpse_core.finance.service import StoredForecast, amend_deployment
from ctpse_core.storage.base import UnitOfWork

__all__ = [
    "AmendmentResult",
    "latest_authorisation",
    "publish_amendment",
    "reconcile_stored",
    "record_authorisation",
    "submit_bid",
]


def submit_bid(uow: UnitOfWork, stored: StoredForecast, bid_id: str, start: dt.date, end: dt.date, *,
               out_of_region_only: bool = False, now: dt.datetime | None = None) -> FundingBid:
    """Generate a bid from the forecast and store it as submitted now."""
    bid = attrs.evolve(bid_from_forecast(stored.forecast, bid_id, start, end, out_of_region_only=out_of_region_only),
                       submitted_at=now or utcnow(), marking=stored.marking,
                       provenance=Provenance(source="overtime forecast", user=uow.user))
    stored_bid: FundingBid = uow.funding_bids.add(bid)
    uow.record_event("collection", "funding_bids", bid_id, f"bid of £{bid.total:,} in {len(bid.lines)} lines")
    return stored_bid


def record_authorisation(uow: UnitOfWork, bid_id: str, auth_id: str, signed_by: str, signed_at: dt.datetime,
                         amounts: Mapping[str, Decimal] | None = None) -> Authorisation:
    """Record the signed authorisation against bid ``bid_id``: ``amounts`` per operation (pounds),
    or the bid's own lines when none are given. An operation not in the bid is an input error."""
    bid = uow.funding_bids.find(bid_id)
    if bid is None:
        raise InputError([Problem("bid", f"no funding bid {bid_id!r}")], "unknown bid")
    by_op = {line.operation_id: line for line in bid.lines}
    if amounts is None:
        lines = bid.lines
    else:
        unknown = sorted(set(amounts) - set(by_op))
        if unknown:
            raise InputError([Problem("operation", f"{op!r} is not a line of the bid", bid_id, op) for op in unknown],
                             "authorisation does not match the bid")
        lines = tuple(BidLine(operation_id=op, hours=by_op[op].hours, amount=amount)
                      for op, amount in sorted(amounts.items()))
    record = Authorisation(id=auth_id, bid_id=bid_id, signed_by=signed_by, signed_at=signed_at, lines=lines,
                           marking=bid.marking, provenance=Provenance(source="signed authorisation", user=uow.user))
    out: Authorisation = uow.authorisations.add(record)
    uow.record_event("collection", "authorisations", auth_id, f"signed by {signed_by} against bid {bid_id}")
    return out


def latest_authorisation(uow: UnitOfWork, bid_id: str) -> Authorisation | None:
    found = [a for a in uow.authorisations.list() if a.bid_id == bid_id]
    return max(found, key=lambda a: a.signed_at) if found else None


def reconcile_stored(uow: UnitOfWork, stored: StoredForecast, bid_id: str, claims: Iterable[Claim] = (),
                     thresholds: Thresholds | None = None) -> list[ReconLine]:
    bid = uow.funding_bids.find(bid_id)
    if bid is None:
        raise NotFoundError(f"no funding bid {bid_id!r}")
    auth = latest_authorisation(uow, bid_id)
    uow.record_event("consultation", "authorisations", auth.id if auth else None, f"reconciliation of bid {bid_id}")
    return reconcile(stored.forecast, bid, auth, claims, thresholds)


@attrs.frozen
class AmendmentResult:
    deployment: Deployment
    difference: Difference
    before: ReconLine | None
    after: ReconLine | None
    flagged: bool
    overridden: bool

    @property
    def status(self) -> str:
        return self.after.status if self.after else "ok"


def _line(lines: list[ReconLine], op: str) -> ReconLine | None:
    return next((x for x in lines if x.operation_id == op), None)


def publish_amendment(uow: UnitOfWork, stored: StoredForecast, amended: Deployment, bid_id: str, *,
                      override_reason: str | None = None, claims: Iterable[Claim] = (),
                      thresholds: Thresholds | None = None) -> AmendmentResult:
    """Check a new or amended deployment against its operation's authorisation, then store it.

    A change that leaves the operation at ``warn`` or ``block`` is flagged; at ``block`` it is
    refused (an input error; the forecast is put back) unless ``override_reason`` is given, and
    the override is audited with the reason."""
    claims = list(claims)
    bid = uow.funding_bids.find(bid_id)
    if bid is None:
        raise InputError([Problem("bid", f"no funding bid {bid_id!r}")], "unknown bid")
    auth = latest_authorisation(uow, bid_id)
    before = _line(reconcile(stored.forecast, bid, auth, claims, thresholds), amended.operation_id)
    previous = uow.deployments.find(amended.id)
    if amended.provenance is None:  # notified now: the notice for rest days counts from here
        amended = attrs.evolve(amended, provenance=Provenance(source="amendment", user=uow.user))
    diff = amend_deployment(uow, stored, amended)
    after = _line(reconcile(stored.forecast, bid, auth, claims, thresholds), amended.operation_id)
    blocked = after is not None and after.status == BLOCK
    if blocked and not (override_reason and override_reason.strip()):
        if previous is not None:
            amend_deployment(uow, stored, previous)
        else:
            amend_deployment(uow, stored, attrs.evolve(amended, status=DeploymentStatus.CANCELLED))
        shown = after.as_dict() if after else {"used": "-", "authorised": "0"}
        raise InputError(
            [Problem("override", f"the change takes {amended.operation_id} past its authorisation "
                     f"({shown['used']} of £{shown['authorised']} committed): give an override reason "
                     "to publish it anyway", amended.id)],
            "over authorisation",
        )
    record = amended
    if previous is None:
        saved = uow.deployments.add(record)
        uow.record_event("collection", "deployments", amended.id, "new deployment published")
    else:
        saved = uow.deployments.update(attrs.evolve(record, version=previous.version))
        uow.record_event("alteration", "deployments", amended.id,
                         f"amendment published; forecast change £{diff.as_dict()['total_change']}")
    if blocked:
        uow.record_event("override", "deployments", amended.id,
                         f"published past the authorisation of bid {bid_id}: {override_reason}")
    return AmendmentResult(saved, diff, before, after, flagged=after is not None and after.status != "ok",
                           overridden=blocked)
