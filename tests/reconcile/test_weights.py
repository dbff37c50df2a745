"""Term-frequency adjustment and determinism."""

from __future__ import annotations

import datetime as dt

from ctpse_core.reconcile import reconcile


def test_rare_surname_agreement_weighs_more_than_a_frequent_one(kit) -> None:  # type: ignore[no-untyped-def]
    """Agreeing on a surname many people share is worth less than agreeing on a rare one."""
    common = [
        kit.nominal(
            "regional",
            f"RC{k:03d}",
            f"Person{chr(65 + k % 26)}",
            "Smith",
            dt.date(1960 + k % 40, 2, 2),
        )
        for k in range(40)
    ]
    common_r = [
        kit.nominal(
            "national",
            f"NC{k:03d}",
            f"Person{chr(65 + k % 26)}",
            "SMITH",
            dt.date(1960 + k % 40, 2, 2),
        )
        for k in range(40)
    ]
    left, right = kit.make_lists(common, common_r)
    result = reconcile(left, right)

    def surname_weight(left_id: str) -> float:
        m = next(m for m in result.matches if m.left == left_id)
        return next(e.weight for e in m.evidence if e.comparison == "surname")

    assert surname_weight("R006") > surname_weight("RC000") + 1.0  # Sampleton (rare) vs Smith


def test_same_input_same_result(lists, kit) -> None:  # type: ignore[no-untyped-def]
    """Two runs over the same lists give identical results."""
    first = reconcile(*lists).data()
    second = reconcile(*lists).data()
    first.pop("stats")
    second.pop("stats")
    assert first == second
