"""What a reconciliation finds, as records a coordinator can read and a product to publish."""

from __future__ import annotations

from typing import Any, NamedTuple

import attrs

from ctpse_core.domain.marking import Marking

__all__ = [
    "Discrepancy",
    "DuplicateCluster",
    "Evidence",
    "EvidenceRows",
    "HeadcountRow",
    "IdentifierConflict",
    "MatchedPair",
    "PossibleMatch",
    "ReconciliationResult",
]


class Evidence(NamedTuple):
    """One comparison on one pair: which level it reached and the weight that carried."""

    comparison: str
    level: str
    weight: float


class EvidenceRows:
    """One pair's row of the level and weight matrices; read as a tuple of :class:`Evidence`.

    Matched pairs keep this reference rather than objects, so a million matches cost
    arrays, not millions of small objects.
    """

    __slots__ = ("_labels", "_levels", "_names", "_per", "_row")

    def __init__(self, names: tuple[str, ...], labels: tuple[tuple[str, ...], ...],
                 levels: Any, per: Any, row: int) -> None:
        self._names, self._labels, self._levels, self._per, self._row = names, labels, levels, per, row

    def items(self) -> tuple[Evidence, ...]:
        levels = self._levels[self._row].tolist()
        weights = self._per[self._row].tolist()
        return tuple(
            Evidence(name, "not compared (missing)" if level < 0 else labels[level], weight)
            for name, labels, level, weight in zip(self._names, self._labels, levels, weights, strict=True)
        )


def _items(value: EvidenceRows | tuple[Evidence, ...]) -> tuple[Evidence, ...]:
    return value.items() if isinstance(value, EvidenceRows) else value


@attrs.frozen
class MatchedPair:
    left: str
    right: str
    probability: float
    weight: float
    #: ``identifier`` (strong identifier agreed), ``probabilistic``, or ``review`` (a reviewer said so).
    basis: str
    source: EvidenceRows | tuple[Evidence, ...] = ()

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        """Per comparison: the level reached and the weight it carried."""
        return _items(self.source)


@attrs.frozen
class PossibleMatch:
    left: str
    right: str
    probability: float
    weight: float
    reason: str
    source: EvidenceRows | tuple[Evidence, ...] = ()

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        return _items(self.source)


@attrs.frozen
class IdentifierConflict:
    """An agreeing identifier on records whose names and date of birth disagree."""

    left: str
    right: str
    identifiers: tuple[str, ...]
    conflicting: tuple[str, ...]


@attrs.frozen
class DuplicateCluster:
    side: str  # "left" or "right"
    ids: tuple[str, ...]
    probability: float


@attrs.frozen
class Discrepancy:
    left: str
    right: str
    field: str
    left_value: str
    right_value: str
    #: ``differs``, ``missing_left`` or ``missing_right``.
    kind: str


@attrs.frozen
class HeadcountRow:
    """Counts of one value of one dimension in each list, and the difference explained."""

    dimension: str
    value: str
    left: int
    right: int
    explained: dict[str, int]

    @property
    def difference(self) -> int:
        return self.left - self.right


def _ev(evidence: tuple[Evidence, ...]) -> list[dict[str, Any]]:
    return [
        {"comparison": e.comparison, "level": e.level, "weight": round(e.weight, 3)}
        for e in evidence
    ]


@attrs.define
class ReconciliationResult:
    """The outcome of :func:`ctpse_core.reconcile.reconcile` (a publishable product)."""

    left_source: str
    right_source: str
    left_count: int
    right_count: int
    matches: list[MatchedPair]
    possible_matches: list[PossibleMatch]
    only_left: list[str]
    only_right: list[str]
    duplicates_left: list[DuplicateCluster]
    duplicates_right: list[DuplicateCluster]
    discrepancies: list[Discrepancy]
    identifier_conflicts: list[IdentifierConflict]
    headcount: list[HeadcountRow]
    corrections: list[dict[str, str]]
    correction_headers: list[str]
    stats: dict[str, Any]
    model: list[dict[str, object]]
    marking: Marking = attrs.Factory(Marking)
    #: Data quality: records reconciled although a name part is blank, per list
    #: (``{"left": [{"id": ..., "missing": ["forenames"]}], "right": [...]}``).
    incomplete: dict[str, list[dict[str, Any]]] = attrs.Factory(lambda: {"left": [], "right": []})
    #: The record each correction row is about (the national ID; an ADD row's regional ID).
    correction_ids: list[str] = attrs.Factory(list)
    #: The fields the correction set's columns carry (``id``, ``surname``...: what is disclosed).
    correction_fields: list[str] = attrs.Factory(list)
    kind: str = "reconciliation"
    title: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.title:
            self.title = f"Reconciliation: {self.left_source} against {self.right_source}"

    def data(self) -> dict[str, Any]:
        return {
            "left_source": self.left_source,
            "right_source": self.right_source,
            "summary": self.summary(),
            "matches": [
                {
                    "left": m.left,
                    "right": m.right,
                    "probability": round(m.probability, 6),
                    "weight": round(m.weight, 3),
                    "basis": m.basis,
                    "evidence": _ev(m.evidence),
                }
                for m in self.matches
            ],
            "possible_matches": [
                {
                    "left": p.left,
                    "right": p.right,
                    "probability": round(p.probability, 6),
                    "weight": round(p.weight, 3),
                    "reason": p.reason,
                    "evidence": _ev(p.evidence),
                }
                for p in self.possible_matches
            ],
            "only_left": list(self.only_left),
            "only_right": list(self.only_right),
            "duplicates": {
                "left": [
                    {"ids": list(c.ids), "probability": round(c.probability, 6)}
                    for c in self.duplicates_left
                ],
                "right": [
                    {"ids": list(c.ids), "probability": round(c.probability, 6)}
                    for c in self.duplicates_right
                ],
            },
            "discrepancies": [attrs.asdict(d) for d in self.discrepancies],
            "identifier_conflicts": [
                {
                    "left": c.left,
                    "right": c.right,
                    "identifiers": list(c.identifiers),
                    "conflicting": list(c.conflicting),
                }
                for c in self.identifier_conflicts
            ],
            "headcount": [
                {
                    "dimension": h.dimension,
                    "value": h.value,
                    "left": h.left,
                    "right": h.right,
                    "difference": h.difference,
                    "explained": dict(h.explained),
                }
                for h in self.headcount
            ],
            "corrections": len(self.corrections),
            "incomplete": {side: [dict(r) for r in rows] for side, rows in self.incomplete.items()},
            "stats": self.stats,
            "model": self.model,
        }

    def summary(self) -> dict[str, int]:
        return {
            "left_records": self.left_count,
            "right_records": self.right_count,
            "matched_pairs": len(self.matches),
            "possible_matches": len(self.possible_matches),
            "only_left": len(self.only_left),
            "only_right": len(self.only_right),
            "duplicate_clusters_left": len(self.duplicates_left),
            "duplicate_clusters_right": len(self.duplicates_right),
            "discrepancies": len(self.discrepancies),
            "identifier_conflicts": len(self.identifier_conflicts),
            "corrections": len(self.corrections),
            "incomplete_left": len(self.incomplete.get("left", ())),
            "incomplete_right": len(self.incomplete.get("right", ())),
        }

    def rows(self) -> list[dict[str, Any]]:
        """One row per finding (the CSV format)."""
        out: list[dict[str, Any]] = []
        blank = {"outcome": "", "left": "", "right": "", "probability": "", "detail": ""}
        for m in self.matches:
            out.append(
                {
                    **blank,
                    "outcome": "match",
                    "left": m.left,
                    "right": m.right,
                    "probability": round(m.probability, 6),
                    "detail": m.basis,
                }
            )
        for p in self.possible_matches:
            out.append(
                {
                    **blank,
                    "outcome": "possible_match",
                    "left": p.left,
                    "right": p.right,
                    "probability": round(p.probability, 6),
                    "detail": p.reason,
                }
            )
        out += [{**blank, "outcome": "only_left", "left": i} for i in self.only_left]
        out += [{**blank, "outcome": "only_right", "right": i} for i in self.only_right]
        for c in self.duplicates_left:
            out.append({**blank, "outcome": "duplicate_left", "left": " ".join(c.ids)})
        for c in self.duplicates_right:
            out.append({**blank, "outcome": "duplicate_right", "right": " ".join(c.ids)})
        for d in self.discrepancies:
            out.append(
                {
                    **blank,
                    "outcome": "discrepancy",
                    "left": d.left,
                    "right": d.right,
                    "detail": f"{d.field}: {d.left_value!r} vs {d.right_value!r} ({d.kind})",
                }
            )
        return out

    def correction_csv(self) -> str:
        """The correction set in the national list's own columns (plus Action and Reason).

        The protective marking is a ``# MARKING`` comment line first and last, as on every
        CSV product; the feed readers skip such lines, so the file stays a national list.
        Formula-like cells are escaped with a leading apostrophe.
        """
        from ctpse_core.reports import csv_text

        return csv_text(self.correction_headers, self.corrections, self.marking)
