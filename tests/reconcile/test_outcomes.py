"""Each kind of outcome on hand-made lists whose answer is obvious."""

from __future__ import annotations

import datetime as dt

import attrs

from ctpse_core.reconcile import ReconcileConfig, reconcile
from ctpse_core.reconcile.result import ReconciliationResult


def _pairs(result: ReconciliationResult) -> set[tuple[str, str]]:
    return {(m.left, m.right) for m in result.matches}


def test_variants_swaps_and_date_swaps_match(lists, kit) -> None:  # type: ignore[no-untyped-def]
    """Transliterated names, swapped forename/surname, day/month-swapped DOB and aliases all match."""
    result = reconcile(*lists)
    pairs = _pairs(result)
    for k in range(9):
        assert (f"R{k:03d}", f"N{k:03d}") in pairs
    assert all(m.left[1:] == m.right[1:] for m in result.matches)  # no wrong pair


def test_evidence_explains_a_match(lists, kit) -> None:  # type: ignore[no-untyped-def]
    """A match carries per-comparison evidence: the DOB swap and the transliteration are named."""
    result = reconcile(*lists)
    swapped = next(m for m in result.matches if m.left == "R004")
    dob = next(e for e in swapped.evidence if e.comparison == "date_of_birth")
    assert dob.level == "day/month swapped" and dob.weight > 0
    osama = next(m for m in result.matches if m.left == "R001")
    forename = next(e for e in osama.evidence if e.comparison == "forename")
    assert forename.level == "transliteration"


def test_only_left_and_only_right(kit) -> None:  # type: ignore[no-untyped-def]
    """Someone on one list only is reported on that side, not matched."""
    left, right = kit.make_lists(
        [kit.nominal("regional", "R900", "Hal", "Onlyleft", dt.date(1961, 2, 3))],
        [kit.nominal("national", "N900", "Ned", "Onlyright", dt.date(1962, 5, 6))],
    )
    result = reconcile(left, right)
    assert result.only_left == ["R900"]
    assert result.only_right == ["N900"]


def test_possible_match_between_thresholds(kit) -> None:  # type: ignore[no-untyped-def]
    """Same rare name, but DOB, sex and nationality disagree: a possible match, neither matched nor only."""
    left, right = kit.make_lists(
        [
            kit.nominal(
                "regional",
                "R901",
                "Quentin",
                "Bramblefeather",
                dt.date(1970, 3, 3),
                sex="M",
                nationality="British",
            )
        ],
        [
            kit.nominal(
                "national",
                "N901",
                "Quentin",
                "Bramblefeather",
                dt.date(1974, 3, 3),
                sex="F",
                nationality="Irish",
            )
        ],
    )
    result = reconcile(left, right, ReconcileConfig(replace=True))  # the built-in rules: scores are stable
    assert ("R901", "N901") not in _pairs(result)
    assert any((p.left, p.right) == ("R901", "N901") for p in result.possible_matches)
    assert "R901" not in result.only_left


def test_duplicates_within_a_list_are_clustered_and_both_matched(kit) -> None:  # type: ignore[no-untyped-def]
    """Two copies of a person in the national list form a cluster; both are linked to the regional record."""
    extra = kit.nominal(
        "national", "N100", "Muhammad", "KHAN", dt.date(1985, 3, 14), sex="M", nationality="British"
    )
    left, right = kit.make_lists(None, [extra])
    result = reconcile(left, right)
    assert any(set(c.ids) == {"N000", "N100"} for c in result.duplicates_right)
    assert {("R000", "N000"), ("R000", "N100")} <= _pairs(result)
    assert any(row["Action"] == "MERGE" for row in result.corrections)


def test_discrepancies_on_matched_pairs(lists, kit) -> None:  # type: ignore[no-untyped-def]
    """A matched pair with different statuses reports the discrepancy and corrects the national row."""
    result = reconcile(*lists)
    found = [d for d in result.discrepancies if d.left == "R007" and d.field == "status"]
    assert found and found[0].left_value == "custody" and found[0].right_value == "licence"
    update = next(r for r in result.corrections if r["JCTPPH Ref"] == "N007")
    assert update["Status"] == "custody" and update["Action"] == "UPDATE"


def test_tier_tolerance_silences_small_differences(kit) -> None:  # type: ignore[no-untyped-def]
    """A tier difference within the configured tolerance is not a discrepancy."""
    left, right = kit.make_lists()
    left[7] = attrs.evolve(left[7], risk_tier="2")
    right[7] = attrs.evolve(right[7], risk_tier="3")
    strict = reconcile(left, right)
    assert any(d.field == "risk_tier" for d in strict.discrepancies)
    from ctpse_core.reconcile import Tolerances

    lenient = reconcile(left, right, ReconcileConfig(tolerances=Tolerances(risk_tier=1)))
    assert not any(d.field == "risk_tier" for d in lenient.discrepancies)


def test_conflicting_identifier_is_reported(kit) -> None:  # type: ignore[no-untyped-def]
    """The same PNC ID on records whose names and DOB disagree is an identifier conflict for review."""
    shared = kit.pnc("05", "777")
    left, right = kit.make_lists(
        [kit.nominal("regional", "R950", "Eve", "Notreal", dt.date(1960, 1, 1), pnc_id=shared)],
        [kit.nominal("national", "N950", "Rex", "Madeupson", dt.date(1991, 9, 19), pnc_id=shared)],
    )
    result = reconcile(left, right)
    assert any((c.left, c.right) == ("R950", "N950") for c in result.identifier_conflicts)
    assert ("R950", "N950") not in _pairs(result)
    assert any(
        (p.left, p.right, p.reason) == ("R950", "N950", "identifier conflict")
        for p in result.possible_matches
    )


def test_headcount_difference_is_fully_explained(kit) -> None:  # type: ignore[no-untyped-def]
    """For every status/force/category value the explained parts add up to the difference."""
    left, right = kit.make_lists(
        [kit.nominal("regional", "R900", "Hal", "Onlyleft", dt.date(1961, 2, 3), status="custody")]
    )
    result = reconcile(left, right)
    assert result.headcount
    for row in result.headcount:
        assert sum(row.explained.values()) == row.difference
    custody = next(h for h in result.headcount if h.dimension == "status" and h.value == "custody")
    assert custody.explained["only_left"] == 1


def test_json_has_the_documented_keys(lists, kit) -> None:  # type: ignore[no-untyped-def]
    """The product data has every key the CLI's JSON promises."""
    data = reconcile(*lists).data()
    for key in (
        "matches",
        "possible_matches",
        "only_left",
        "only_right",
        "duplicates",
        "discrepancies",
        "headcount",
    ):
        assert key in data
    assert set(data["duplicates"]) == {"left", "right"}


def _clustered(result: ReconciliationResult, ids: set[str]) -> bool:
    return any(ids <= set(c.ids) for c in result.duplicates_right)


def test_different_pnc_ids_are_never_merged_as_duplicates_on_score(kit) -> None:  # type: ignore[no-untyped-def]
    """Same name, DOB and postcode but two different PNC IDs: not one person unless a reviewer says so."""
    from ctpse_core.reconcile.review import ReviewDecision

    twins = [
        kit.nominal(
            "national", f"N30{k}", "Tobias", "Fakenamely", dt.date(1979, 6, 1), sex="M", nationality="British",
            pnc_id=kit.pnc("09", f"30{k}"),
        )
        for k in range(2)
    ]
    left, right = kit.make_lists(None, twins)
    assert not _clustered(reconcile(left, right), {"N300", "N301"})
    assert _clustered(reconcile(left, right, ReconcileConfig(dedupe_cannot_link=())), {"N300", "N301"})
    same = ReviewDecision(
        id="d1", left_source="national", left_id="N300", right_source="national", right_id="N301",
        same=True, reviewer="PC Example",
    )
    assert _clustered(reconcile(left, right, decisions=[same]), {"N300", "N301"})


def test_forename_veto_keeps_twins_apart(kit) -> None:  # type: ignore[no-untyped-def]
    """Twins: surname, DOB, sex and nationality agree, forenames do not. Opting in to the forename
    veto keeps them apart even where the summed weights would join them."""
    twins = [
        kit.nominal("national", "N310", "Castor", "Twinnington", dt.date(1990, 4, 4), sex="M", nationality="British"),
        kit.nominal("national", "N311", "Pollux", "Twinnington", dt.date(1990, 4, 4), sex="M", nationality="British"),
    ]
    left, right = kit.make_lists(None, twins)
    loose = reconcile(left, right, ReconcileConfig(dedupe_cannot_link=(), dedupe_threshold=0.01))
    assert _clustered(loose, {"N310", "N311"})  # the weights alone join them at a low threshold
    strict = reconcile(
        left, right, ReconcileConfig(dedupe_cannot_link=("identifiers", "forename"), dedupe_threshold=0.01)
    )
    assert not _clustered(strict, {"N310", "N311"})


def test_national_date_format_must_write_a_whole_date() -> None:
    """A format that does not write day, month and year (or is not a format) is refused up front."""
    import pytest

    for bad in ("%Q", "%H:%M", "%d/%m"):
        with pytest.raises(ValueError, match="does not write a whole date"):
            ReconcileConfig(national_date_format=bad)
    assert ReconcileConfig(national_date_format="%d/%m/%Y").national_date_format == "%d/%m/%Y"


def test_one_correction_row_per_national_record(kit) -> None:  # type: ignore[no-untyped-def]
    """Two regional copies of one person who disagree on status ask one national record for two
    values: one row, the value left alone and queried; a national duplicate is only merged."""
    person = {"sex": "M", "nationality": "British"}
    left, right = kit.make_lists(
        [
            kit.nominal("regional", "R200", "Barnaby", "Quillfeather", dt.date(1971, 7, 7), status="custody", **person),
            kit.nominal("regional", "R201", "Barnaby", "Quillfeather", dt.date(1971, 7, 7), status="licence", **person),
        ],
        [
            kit.nominal("national", "N200", "Barnaby", "Quillfeather", dt.date(1971, 7, 7), status="community",
                        **person),
            kit.nominal("national", "N201", "Barnaby", "Quillfeather", dt.date(1971, 7, 7), status="community",
                        **person),
        ],
    )
    result = reconcile(left, right)
    assert {("R200", "N200"), ("R201", "N200")} <= _pairs(result)
    refs = [row["JCTPPH Ref"] for row in result.corrections if row["JCTPPH Ref"]]
    assert len(refs) == len(set(refs))  # never two rows for one national record
    n200 = next(row for row in result.corrections if row["JCTPPH Ref"] == "N200")
    assert n200["Action"] == "QUERY" and n200["Status"] == "community"
    assert "status disputed: custody (R200), licence (R201)" in n200["Reason"]
    n201 = next(row for row in result.corrections if row["JCTPPH Ref"] == "N201")
    assert n201["Action"] == "MERGE" and "duplicate of N200" in n201["Reason"]
