"""Hypothesis strategies for duties (shared by the finance tests)."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from ctpse_core.domain.common import UTC
from ctpse_core.finance import Duty, builtin_pay_rules

RANKS = sorted(builtin_pay_rules().rates)
_BASE = dt.datetime(2025, 1, 1, tzinfo=UTC)


@st.composite
def duties(draw: st.DrawFn, ident: str | None = None) -> Duty:
    start = _BASE + dt.timedelta(minutes=15 * draw(st.integers(0, 4 * 24 * 730)))
    length = dt.timedelta(minutes=15 * draw(st.integers(0, 4 * 40)))
    notice = dt.timedelta(days=draw(st.integers(0, 40)), hours=draw(st.integers(0, 23)))
    return Duty(
        id=ident or draw(st.text("abcdef", min_size=1, max_size=4)),
        source_id="d",
        kind=draw(st.sampled_from(["deployment", "asset", "on-call"])),
        staff_id=draw(st.sampled_from(["s1", "s2", "s3"])),
        rank=draw(st.sampled_from(RANKS)),
        start=start,
        end=start + length,
        operation_id=draw(st.sampled_from(["op-1", "op-2", "op-3"])),
        team_id=draw(st.sampled_from(["SV-A", "SV-B"])),
        budget_code=draw(st.sampled_from(["BC1", "BC2"])),
        notified_at=start - notice,
        out_of_region=draw(st.booleans()),
    )


@st.composite
def duty_sets(draw: st.DrawFn, max_size: int = 12) -> list[Duty]:
    n = draw(st.integers(0, max_size))
    return [draw(duties(ident=f"duty-{i}")) for i in range(n)]
