"""The instant check: one new or amended deployment against everything stored.

:class:`DeconflictionIndex` keeps, per team, operation, person and subject, the stored
deployments sorted by start (with the latest end so far), the places in a
:class:`~ctpse_core.deconfliction.spatial.PlaceIndex` (a packed grid per radius class, so
memory does not depend on the ratio of radii), and per team its stored load over time. A
check looks up only the deployments that could be related to the new one under some rule
(same key, within the rules' time reach, within the spatial reach), then runs the very same
rules on that handful. The answer is exactly what a full run
over stored + new would report for the new deployment, in well under a millisecond
per lookup.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Collection, Iterable, Mapping
from functools import partial
from itertools import accumulate, compress, pairwise
from typing import Any

import numpy as np

from ctpse_core.arrays import sorted_unique
from ctpse_core.deconfliction.engine import ConflictSet, registered_rules
from ctpse_core.deconfliction.frame import _EPOCH, DeploymentFrame, Ints, to_micros
from ctpse_core.deconfliction.model import Conflict, Settings
from ctpse_core.deconfliction.quick import (
    NEW,
    Block,
    Columns,
    Group,
    Lookup,
    Probe,
    Step,
    fast_plan,
    load_profiles,
    place_items,
)
from ctpse_core.deconfliction.rules import CapacityRule, ConflictRule, Found, PairRule
from ctpse_core.deconfliction.spatial import PlaceIndex
from ctpse_core.domain.surveillance import Deployment, DeploymentStatus, Team
from ctpse_core.storage.base import UnitOfWork

__all__ = ["CheckResult", "DeconflictionIndex", "check", "stored_index"]

ACCEPTED = "accepted without conflict"
ACCEPTED_WITH = "accepted with conflict"
_NONE = np.zeros(0, dtype=np.int64)


def _blocks(rows: Ints, keys: Ints, start: Ints, end: Ints) -> dict[int | None, Block]:
    if len(rows) == 0:
        return {}
    order = np.lexsort((start[rows], keys))
    rows, keys = rows[order], keys[order]
    bounds = np.flatnonzero(np.diff(keys)) + 1
    firsts = np.r_[0, bounds]
    lasts = np.r_[bounds, len(rows)]
    out: dict[int | None, Block] = {}
    s_list, e_list, r_list = start[rows].tolist(), end[rows].tolist(), rows.tolist()
    for k, a, b in zip(keys[firsts].tolist(), firsts.tolist(), lasts.tolist(), strict=True):
        ends = e_list[a:b]
        out[k] = Block(s_list[a:b], ends, r_list[a:b], array("q", accumulate(ends, max)))
    return out


class CheckResult:
    """The answer to a check: the status line at once, the conflicts explained on first use
    (building the sentences costs more than finding the conflicts)."""

    __slots__ = ("_build", "_conflicts", "_counted", "_found", "_row", "deployment_id")

    def __init__(
        self,
        deployment_id: str,
        conflicts: Iterable[Conflict] = (),
        *,
        found: ConflictSet | None = None,
        row: int = -1,
        counted: tuple[int, bool] | None = None,
        build: Callable[[], tuple[ConflictSet, int]] | None = None,
    ) -> None:
        self.deployment_id = deployment_id
        self._found = found
        self._row = row
        self._counted = counted
        self._build = build
        lazy = found is not None or build is not None
        self._conflicts: tuple[Conflict, ...] | None = None if lazy else tuple(conflicts)

    @property
    def count(self) -> int:
        """How many conflicts (without explaining them)."""
        if self._counted is not None:
            return self._counted[0]
        if self._found is not None:
            return len(self._found)
        return len(self.conflicts)

    @property
    def conflicts(self) -> tuple[Conflict, ...]:
        if self._conflicts is None:
            if self._found is None:
                assert self._build is not None
                self._found, self._row = self._build()
            self._conflicts = tuple(self._found.conflicts(involving=self._row))
        return self._conflicts

    @property
    def has_conflict(self) -> bool:
        return self.count > 0

    @property
    def hard(self) -> bool:
        """True when a conflict breaks a hard rule (proceeding needs a recorded override)."""
        if self._counted is not None:
            return self._counted[1]
        if self._found is not None:
            return any(rule.hard and len(f) for rule, f in self._found.found)
        return any(c.hard for c in self.conflicts)

    @property
    def status(self) -> str:
        return ACCEPTED_WITH if self.has_conflict else ACCEPTED

    def __repr__(self) -> str:
        return f"CheckResult({self.deployment_id!r}, {self.status!r}, {self.count} conflicts)"


class _Counted(CheckResult):
    """A fast-path answer: counted at once; whether a conflict is hard (which rules found
    something hard) and the conflicts worked out on first use."""

    __slots__ = ("_count", "_hard_rules", "_results")

    def __init__(
        self,
        deployment_id: str,
        count: int,
        hard_rules: list[bool],
        results: list[list[Any]],
        build: Callable[[], tuple[ConflictSet, int]],
    ) -> None:
        self.deployment_id = deployment_id
        self._found = None
        self._row = -1
        self._counted = None
        self._conflicts = None
        self._build = build
        self._hard_rules = hard_rules
        self._results = results
        self._count = count

    @property
    def count(self) -> int:
        return self._count

    @property
    def hard(self) -> bool:
        return any(compress(self._hard_rules, self._results))


class DeconflictionIndex:
    """Stored deployments, indexed for :func:`check`."""

    def __init__(
        self,
        frame: DeploymentFrame,
        capacities: Mapping[str, int],
        rules: Iterable[ConflictRule] | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.frame = frame
        self.capacities = dict(capacities)
        self.settings = settings or Settings()
        self.rules = list(rules) if rules is not None else registered_rules()
        self.slack = max((r.reach(self.settings) for r in self.rules), default=0)
        wanted = set().union(*(r.keys for r in self.rules)) if self.rules else set()
        #: per candidate key, how far apart in time the rules using it look.
        self._slack = {
            key: max((r.reach(self.settings) for r in self.rules if key in r.keys), default=0)
            for key in wanted
        }
        all_rows = np.arange(len(frame), dtype=np.int64)
        self._by: dict[str, dict[int | None, Block]] = {}
        for key, rows, keys in (
            ("team", all_rows, frame.team),
            ("operation", all_rows, frame.op),
            ("staff", frame.staff_row, frame.staff_key),
            ("subject", frame.subject_row, frame.subject_key),
        ):
            if key in wanted:
                self._by[key] = _blocks(rows, keys, frame.start, frame.end)
        id_rows: dict[str, list[int]] = {}
        for row, deployment_id in enumerate(frame.ids):
            id_rows.setdefault(deployment_id, []).append(row)
        #: each ID's stored rows (almost always one: a tuple is the cheapest to build and search)
        self._id_rows: dict[str, Collection[int]] = {
            key: tuple(rows) if len(rows) <= 8 else frozenset(rows) for key, rows in id_rows.items()
        }
        cols = Columns.of(frame)
        self._places: PlaceIndex | None = None
        if "place" in wanted and frame.has_location.any():
            located = np.flatnonzero(frame.has_location)
            self._places = PlaceIndex(
                located,
                frame.lat[located],
                frame.lon[located],
                frame.radius[located],
                frame.start[located],
                frame.end[located],
                buffer_m=self.settings.buffer_m,
                items=place_items(frame, cols, located),
            )
        self._plan = fast_plan(self.rules, self.settings)
        self._evaluators = [step.evaluate for step in self._plan or ()]
        self._hard = [step.rule.hard for step in self._plan or ()]
        if self._plan is not None:
            self._lookup = Lookup(
                cols=cols,
                blocks=self._by,
                named={
                    key: {name: blocks[code] for name, code in frame.code_index(key).items() if code in blocks}
                    for key, blocks in self._by.items()
                    if key in ("staff", "subject")
                },
                places=self._places,
                place_slack=self._slack.get("place", 0),
                frame=frame,
                settings=self.settings,
                loads=load_profiles(frame, self.capacities) if "team" in wanted else {},
            )
        self._op_codes = frame.code_index("op")
        self._team_codes = frame.code_index("team")
        self._staff_codes = frame.code_index("staff")
        self._subject_codes = frame.code_index("subject")

    @classmethod
    def build(
        cls,
        deployments: Iterable[Deployment],
        teams: Iterable[Team] | Mapping[str, int],
        rules: Iterable[ConflictRule] | None = None,
        settings: Settings | None = None,
    ) -> DeconflictionIndex:
        capacities = teams if isinstance(teams, Mapping) else {t.id: t.capacity for t in teams}
        return cls(
            DeploymentFrame.from_deployments(deployments, capacities), capacities, rules, settings
        )

    def __len__(self) -> int:
        return len(self.frame)

    def _block(self, kind: str, code: int | None) -> Block | None:
        return self._by.get(kind, {}).get(code) if code is not None else None

    def candidates(self, d: Deployment) -> Ints:
        """Stored rows that some rule could relate to ``d`` (never its own earlier version)."""
        fr = self.frame
        start, end = to_micros(d.start), to_micros(d.end)
        found: list[Ints] = []

        def look(kind: str, code: int | None) -> None:
            block = self._by.get(kind, {}).get(code) if code is not None else None
            if block is not None:
                found.append(np.array(block.near(start, end, self._slack[kind]), dtype=np.int64))

        if "team" in self._by:
            look("team", fr.code_index("team").get(d.team_id))
            found.append(self._overlap_chain(d.team_id, start, end))
        if "operation" in self._by:
            look("operation", fr.code_index("op").get(d.operation_id))
        if "staff" in self._by:
            index = fr.code_index("staff")
            for person in d.staff_ids:
                look("staff", index.get(person))
        if "subject" in self._by:
            index = fr.code_index("subject")
            for subject in d.subject_ids:
                look("subject", index.get(subject))
        if self._places is not None and d.location is not None:
            loc, slack = d.location, self._slack["place"]
            items = self._places.near_set(
                loc.lat, loc.lon, loc.radius_m, self.settings.buffer_m, start - slack, end + slack
            )
            near = np.array(sorted(item[3] for item in items), dtype=np.int64)
            found.append(near[(fr.start[near] < end + slack) & (fr.end[near] + slack > start)])
        rows = sorted_unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
        own = self._id_rows.get(d.id)
        if own:
            rows = rows[~np.isin(rows, list(own))]
        return rows

    def _overlap_chain(self, team_id: str, start: int, end: int) -> Ints:
        """The team's deployments linked to ``[start, end)`` by a chain of overlaps: everything
        a capacity run through the new deployment can involve."""
        code = self.frame.code_index("team").get(team_id)
        block = self._by["team"].get(code) if code is not None else None
        if block is None:
            return np.zeros(0, dtype=np.int64)
        lo, hi = start, end
        while True:
            rows = np.array(block.near(lo, hi, 1), dtype=np.int64)  # touching counts
            if len(rows) == 0:
                return rows
            new_lo = min(lo, int(self.frame.start[rows].min()))
            new_hi = max(hi, int(self.frame.end[rows].max()))
            if (new_lo, new_hi) == (lo, hi):
                return rows
            lo, hi = new_lo, new_hi

    def check(self, d: Deployment) -> CheckResult:
        """Conflicts between ``d`` and stored deployments (``d`` replaces its stored version)."""
        if d.status is DeploymentStatus.CANCELLED:
            return CheckResult(d.id, ())
        if self._plan is not None:
            return self._quick(d, self._plan)
        sub = self.frame.take(self.candidates(d)).extend_with([d], self.capacities)
        new = len(sub) - 1
        found = [(rule, _found_with(sub, rule, new, self.settings)) for rule in self.rules]
        return CheckResult(d.id, found=ConflictSet(sub, self.settings, found), row=new)


    def _quick(self, d: Deployment, plan: list[Step]) -> CheckResult:
        """The built-in rules in plain Python (see :mod:`.quick`); explained on first use."""
        team_id = d.team_id
        # (to_micros, inline: two calls fewer per check)
        start, end = d.start - _EPOCH, d.end - _EPOCH
        probe = Probe(
            (start.days * 86_400 + start.seconds) * 1_000_000 + start.microseconds,
            (end.days * 86_400 + end.seconds) * 1_000_000 + end.microseconds,
            self._op_codes.get(d.operation_id),
            self._team_codes.get(team_id),
            d.staff_ids,
            d.subject_ids,
            d.officers,
            self.capacities.get(team_id, -1),
            d.location,
            self._id_rows.get(d.id, ()),
        )
        look = self._lookup
        found = [evaluate(look, probe) for evaluate in self._evaluators]
        explain = partial(self._explainable, d, probe, plan, found)
        return _Counted(d.id, sum(map(len, found)), self._hard, found, explain)

    def _explainable(
        self, d: Deployment, probe: Probe, plan: list[Step], results: list[list[Any]]
    ) -> tuple[ConflictSet, int]:
        """A frame of the rows the results name plus ``d``, and the results as :class:`Found`s on it."""
        pairs_of: list[list[int]] = []
        groups_of: list[list[Group]] = []
        for step, got in zip(plan, results, strict=True):
            if step.complete is None:
                pairs_of.append(got)
                groups_of.append([])
            else:
                step.complete(self._lookup, probe, got)
                pairs_of.append([])
                groups_of.append(got)
        used = sorted(
            {r for pairs in pairs_of for r in pairs}
            | {r for groups in groups_of for rows, _s, _e in groups for r in rows if r != NEW}
        )
        sub = self.frame.take(np.array(used, dtype=np.int64)).extend_with([d], self.capacities)
        new = len(sub) - 1
        at = {r: i for i, r in enumerate(used)}
        at[NEW] = new
        found: list[tuple[ConflictRule, Found]] = []
        for step, pairs, groups in zip(plan, pairs_of, groups_of, strict=True):
            members = [[at[r] for r in rows] for rows, _s, _e in groups]
            found.append(
                (
                    step.rule,
                    Found(
                        pairs=np.array([[at[r], new] for r in pairs], dtype=np.int64).reshape(-1, 2),
                        group_start=np.array([g[1] for g in groups], dtype=np.int64),
                        group_end=np.array([g[2] for g in groups], dtype=np.int64),
                        group_of=np.repeat(np.arange(len(members), dtype=np.int64), [len(m) for m in members]),
                        group_row=np.array([r for m in members for r in m], dtype=np.int64),
                    ),
                )
            )
        return ConflictSet(sub, self.settings, found), new


def _found_with(frame: DeploymentFrame, rule: ConflictRule, new: int, settings: Settings) -> Found:
    """What ``rule`` finds that involves row ``new`` (the last row of the candidate frame)."""
    if isinstance(rule, PairRule):
        return _pairs_with(frame, rule, new, settings)
    if type(rule) is CapacityRule:
        return _capacity_with(frame, new)
    found = rule.detect(frame, settings)
    pairs = found.pairs[(found.pairs == new).any(axis=1)] if len(found.pairs) else found.pairs
    if not len(found.group_start):
        return Found(pairs=pairs)
    keep = sorted_unique(found.group_of[found.group_row == new])
    member = np.isin(found.group_of, keep)
    return Found(
        pairs=pairs,
        group_start=found.group_start[keep],
        group_end=found.group_end[keep],
        group_of=np.searchsorted(keep, found.group_of[member]),
        group_row=found.group_row[member],
    )


def _capacity_with(frame: DeploymentFrame, new: int) -> Found:
    """:class:`CapacityRule` for the runs through row ``new``, in plain Python (the team's
    candidate rows are a handful): the deployment alone over capacity (then nothing else:
    it is not counted in runs), or each maximal run of time in which the team's overlapping
    deployments that each fit need more officers than it has and that has ``new`` among two
    or more deployments overlapping it."""
    cap = int(frame.capacity[new])
    s_new, e_new = int(frame.start[new]), int(frame.end[new])
    if cap < 0 or e_new <= s_new:
        return Found()
    starts, ends, officers = frame.start.tolist(), frame.end.tolist(), frame.officers.tolist()
    team = int(frame.team[new])
    if officers[new] > cap:
        return Found(
            group_start=np.array([s_new], dtype=np.int64),
            group_end=np.array([e_new], dtype=np.int64),
            group_of=np.zeros(1, dtype=np.int64),
            group_row=np.array([new], dtype=np.int64),
        )
    rows = [
        r
        for r in np.flatnonzero(frame.team == team).tolist()
        if ends[r] > starts[r] and officers[r] <= cap
    ]
    g_start: list[int] = []
    g_end: list[int] = []
    g_rows: list[list[int]] = []
    delta: dict[int, int] = {}
    for r in rows:
        delta[starts[r]] = delta.get(starts[r], 0) + officers[r]
        delta[ends[r]] = delta.get(ends[r], 0) - officers[r]
    instants = sorted(delta)
    load = 0
    runs: list[list[int]] = []
    for t0, t1 in pairwise(instants):
        load += delta[t0]
        if load > cap:
            if runs and runs[-1][1] == t0:
                runs[-1][1] = t1
            else:
                runs.append([t0, t1])
    for lo, hi in runs:
        if not (s_new < hi and lo < e_new):
            continue
        members = sorted(r for r in rows if starts[r] < hi and lo < ends[r])
        if len(members) >= 2:
            g_start.append(lo)
            g_end.append(hi)
            g_rows.append(members)
    if not g_start:
        return Found()
    return Found(
        group_start=np.array(g_start, dtype=np.int64),
        group_end=np.array(g_end, dtype=np.int64),
        group_of=np.repeat(np.arange(len(g_rows), dtype=np.int64), [len(m) for m in g_rows]),
        group_row=np.array([r for m in g_rows for r in m], dtype=np.int64),
    )


def _related(frame: DeploymentFrame, key: str, new: int) -> Ints:
    """Rows before ``new`` that share its ``key`` (any staff member or subject for those)."""
    if key == "team":
        return np.flatnonzero(frame.team[:new] == frame.team[new])
    if key == "operation":
        return np.flatnonzero(frame.op[:new] == frame.op[new])
    if key == "place":
        return np.flatnonzero(frame.has_location[:new]) if frame.has_location[new] else _NONE
    owner, keys = (frame.staff_row, frame.staff_key) if key == "staff" else (frame.subject_row, frame.subject_key)
    owners, codes = owner.tolist(), keys.tolist()
    mine = {k for o, k in zip(owners, codes, strict=True) if o == new}
    if not mine:
        return _NONE
    hit = sorted({o for o, k in zip(owners, codes, strict=True) if k in mine and o != new})
    return np.array(hit, dtype=np.int64)


def _pairs_with(frame: DeploymentFrame, rule: PairRule, new: int, settings: Settings) -> Found:
    """A pair rule's conflicts between row ``new`` and the others: the same candidates and
    predicate as :meth:`PairRule.detect` (same key, half-open intervals within the rule's
    slack), without joining the other rows with each other."""
    rows = _related(frame, rule.key, new)
    slack = rule.reach(settings)
    start, end = frame.start, frame.end
    s_new, e_new = int(start[new]), int(end[new])
    live_end = slack if rule.key == "place" else 0  # place pairs widen before dropping empties
    if len(rows) == 0 or not e_new + live_end > s_new:
        return Found()
    s, e = start[rows], end[rows]
    hit = (e + live_end > s) & (((s <= s_new) & (s_new < e + slack)) | ((s_new <= s) & (s < e_new + slack)))
    rows = rows[hit]
    if len(rows) == 0:
        return Found()
    others = np.full(len(rows), new, dtype=np.int64)
    rows = rows[rule.predicate(frame, rows, others, settings)]
    return Found(pairs=np.stack([rows, np.full(len(rows), new, dtype=np.int64)], axis=1))


def check(deployment: Deployment, index: DeconflictionIndex) -> CheckResult:
    """ "Accepted with / without conflict", and the conflicts, for one deployment."""
    return index.check(deployment)


def stored_index(
    uow: UnitOfWork, rules: Iterable[ConflictRule] | None = None, settings: Settings | None = None
) -> DeconflictionIndex:
    """An index of every stored (not cancelled) deployment, with the stored teams' capacities."""
    teams = {t.id: t.capacity for t in uow.teams.list()}
    return DeconflictionIndex.build(uow.deployments.list(), teams, rules, settings)
