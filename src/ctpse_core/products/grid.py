"""CATO products of the regional grid: the grid itself, its amendment notice (one notice
per party that must be told, each seeing only its own changes) and the conflict notices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ctpse_core.deconfliction.grid import Change, GridVersion, cell_text, operation_label, reader_clearance
from ctpse_core.domain.common import LONDON, day_text, time_text
from ctpse_core.domain.marking import highest
from ctpse_core.domain.surveillance import COVERT, Deployment, DeploymentStatus
from ctpse_core.errors import InputError, Problem
from ctpse_core.reports.document import EPOCH, Chart, Column, Facts, Notice, Paragraph, Report, Section, Table
from ctpse_core.storage.base import UnitOfWork

__all__ = ["amendment_notice", "conflict_notices", "regional_grid"]

FLOOR = COVERT


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _versions(uow: UnitOfWork, as_of: dt.date | None) -> list[GridVersion]:
    """The published versions of the week holding ``as_of`` (default: the latest week)."""
    from ctpse_core.deconfliction.grid import versions

    if as_of is not None:
        week = _monday(as_of)
    else:
        weeks = [v.week for v in uow.grid_versions.list()]
        if not weeks:
            raise InputError([Problem("grid", "no grid version is published yet (ctpse grid publish --week DAY)")])
        week = max(weeks)
    found = versions(uow, week)
    if not found:
        raise InputError([Problem("--as-of", f"no grid version is published for the week of {day_text(week)}")])
    return found


def regional_grid(uow: UnitOfWork, as_of: dt.date | None) -> Report:
    """The latest published version of the week's grid: teams by London days, and every entry."""
    version = _versions(uow, as_of)[-1]
    uow.record_event("consultation", "grid_versions", version.id, "regional grid product")
    days = [version.week + dt.timedelta(days=i) for i in range(7)]
    teams = {t.id: t for t in uow.teams.list()}
    ops = {o.id: o for o in uow.operations.list()}
    team_ids = sorted({e.team_id for e in version.entries})
    day_keys = [f"d{i}" for i in range(7)]
    grid_rows = []
    clearance = reader_clearance(uow)
    for team in team_ids:
        row: dict[str, object] = {"team": team, "name": teams[team].name if team in teams else team}
        for key, day in zip(day_keys, days, strict=True):
            row[key] = "\n".join(
                cell_text(e, ops.get(e.operation_id), clearance)
                for e in version.entries if e.team_id == team and e.day == day
            ) or "-"
        grid_rows.append(row)
    grid = Table("Grid", [Column("team", "Team"), Column("name", "Team name"),
                          *(Column(k, f"{d:%a %d/%m}") for k, d in zip(day_keys, days, strict=True))],
                 grid_rows, title="Teams by day (Europe/London)")
    entries = Table(
        "Entries",
        [Column("team", "Team"), Column("day", "Day", "date"), Column("deployment", "Deployment"),
         Column("operation", "Operation"), Column("operation_name", "Operation name"),
         Column("start", "Start", "datetime"), Column("end", "End", "datetime"),
         Column("officers", "Officers", "int"), Column("subjects", "Subjects"),
         Column("national_priority", "National priority"), Column("request", "Request")],
        [{"team": e.team_id, "day": e.day, "deployment": e.deployment_id, "operation": e.operation_id,
          "operation_name": operation_label(ops.get(e.operation_id), clearance),
          "start": e.start, "end": e.end, "officers": e.officers, "subjects": e.has_subjects,
          "national_priority": e.national_priority, "request": e.request_id or ""} for e in version.entries],
        title="Every entry", primary=True,
    )
    per_day = [sum(1 for e in version.entries if e.day == d) for d in days]
    officers = [sum(e.officers for e in version.entries if e.day == d) for d in days]
    chart = Chart("Deployments and officers by day", [f"{d:%a %d/%m}" for d in days],
                  [("Deployments", per_day), ("Officers", officers)])
    facts = Facts([("Week beginning", day_text(version.week)), ("Version", version.number),
                   ("Published by", version.published_by), ("Published at", time_text(version.published_at)),
                   ("Teams deployed", len(team_ids)),
                   ("Deployments", len({e.deployment_id for e in version.entries})),
                   ("National priority deployments",
                    len({e.deployment_id for e in version.entries if e.national_priority}))])
    return Report(
        kind="regional-grid",
        title=f"Regional surveillance grid, week of {version.week:%d/%m/%Y}, version {version.number}",
        marking=highest([FLOOR, version.marking]), floor=FLOOR, stamp=version.published_at,
        sections=[Section("Summary", [facts, chart]), Section("Grid", [grid]), Section("Entries", [entries])],
    )


_CHANGE_COLUMNS = [Column("deployment", "Deployment"), Column("kind", "Change"), Column("before", "Before"),
                   Column("after", "After"), Column("tell", "Told")]


def _change_rows(changes: Iterable[Change]) -> list[dict[str, object]]:
    return [{"deployment": c.deployment_id, "kind": c.kind, "before": c.before or "-", "after": c.after or "-",
             "tell": "; ".join(c.tell)} for c in changes]


def amendment_notice(uow: UnitOfWork, as_of: dt.date | None) -> Report:
    """What changed between the week's last two grid versions; one notice per party told."""
    from ctpse_core.deconfliction.grid import diff

    found = _versions(uow, as_of)
    if len(found) < 2:
        only = found[0]
        raise InputError([Problem("grid", f"only version {only.number} of the week of {day_text(only.week)} is "
                                          "published: there is no amendment to notify")])
    old, new = found[-2], found[-1]
    teams = {t.id: t for t in uow.teams.list()}
    changes = diff(old, new, teams)
    uow.record_event("consultation", "grid_versions", new.id, f"amendment notice from version {old.number}")
    marking = highest([FLOOR, old.marking, new.marking])
    week = f"{new.week:%d/%m/%Y}"
    parties = list(dict.fromkeys(p for c in changes for p in c.tell))
    notices = []
    for party in parties:
        mine = [c for c in changes if party in c.tell]
        notices.append(Notice(
            group=party,
            subject=f"Grid amendment, week of {week}: version {old.number} to {new.number} "
                    f"({len(mine)} change{'s' if len(mine) != 1 else ''} for you)",
            sections=[Section("What changed for you", [
                Paragraph(f"The regional grid for the week of {week} is now version {new.number} (published by "
                          f"{new.published_by} at {time_text(new.published_at)}). These changes concern you; "
                          "times are Europe/London."),
                Table("Changes", _CHANGE_COLUMNS[:4], _change_rows(mine)),
            ])],
        ))
    summary = Facts([("Week beginning", day_text(new.week)), ("From version", old.number),
                     ("To version", new.number), ("Published by", new.published_by),
                     ("Published at", time_text(new.published_at)), ("Changes", len(changes)),
                     ("Parties told", len(parties))])
    counts = {k: sum(1 for c in changes if c.kind == k) for k in ("added", "changed", "removed")}
    return Report(
        kind="grid-amendment-notice",
        title=f"Grid amendment notice, week of {week}: version {old.number} to {new.number}",
        marking=marking, floor=FLOOR, stamp=new.published_at, notices=notices,
        sections=[
            Section("Summary", [summary, Chart("Changes by kind", list(counts), [("Deployments", counts.values())])]),
            Section("Changes", [Table("Changes", _CHANGE_COLUMNS, _change_rows(changes), primary=True,
                                      title="Every change and who is told")]),
        ],
    )


def _week_deployments(uow: UnitOfWork, as_of: dt.date | None) -> tuple[list[Deployment], str, dt.datetime]:
    deployments = [d for d in uow.deployments.list() if d.status is not DeploymentStatus.CANCELLED]
    if as_of is None:
        weeks = [v.week for v in uow.grid_versions.list()]
        if not weeks:
            return deployments, "all stored deployments", EPOCH
        monday = max(weeks)
    else:
        monday = _monday(as_of)
    lo = dt.datetime.combine(monday, dt.time(0), tzinfo=LONDON)
    hi = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(0), tzinfo=LONDON)
    inside = [d for d in deployments if d.start < hi and d.end > lo]
    stamps = [v.published_at for v in uow.grid_versions.list() if v.week == monday]
    return inside, f"the week of {monday:%d/%m/%Y}", max(stamps, default=lo)


def conflict_notices(uow: UnitOfWork, as_of: dt.date | None) -> Report:
    """Every conflict among the week's deployments; a notice to each team involved and the
    operations room, each team seeing only the conflicts its deployments are in."""
    from ctpse_core.deconfliction.engine import deconflict
    from ctpse_core.deconfliction.grid import CTPOR

    deployments, scope, stamp = _week_deployments(uow, as_of)
    teams = list(uow.teams.list())
    leaders = {t.id: t.leader for t in teams}
    uow.record_event("consultation", "deployments", detail=f"conflict notices for {scope}")
    conflicts = deconflict(deployments, teams)
    team_of = {d.id: d.team_id for d in deployments}
    rows = [{"rule": c.rule, "hard": c.hard, "severity": c.severity.value,
             "deployments": ", ".join(c.deployment_ids),
             "teams": ", ".join(dict.fromkeys(team_of.get(i, "?") for i in c.deployment_ids)),
             "when": f"{time_text(c.start)} to {time_text(c.end)}", "why": c.why} for c in conflicts]
    columns = [Column("rule", "Rule"), Column("hard", "Hard rule"), Column("severity", "Severity"),
               Column("deployments", "Deployments"), Column("teams", "Teams"), Column("when", "When"),
               Column("why", "Why")]
    marking = highest([FLOOR, *(d.marking for d in deployments)])
    notices = []
    for team in sorted({team_of.get(i, "") for c in conflicts for i in c.deployment_ids} - {""}):
        mine = [r for r, c in zip(rows, conflicts, strict=True)
                if team in {team_of.get(i) for i in c.deployment_ids}]
        mine_marking = highest([FLOOR, *(d.marking for d in deployments if d.team_id == team)])
        who = f"Team leader {team}" + (f" ({leaders[team]})" if leaders.get(team) else "")
        notices.append(Notice(group=who, marking=mine_marking,
                              subject=f"Deconfliction: {len(mine)} conflict{'s' if len(mine) != 1 else ''} "
                                      f"involving team {team}, {scope}",
                              sections=[Section("Conflicts involving your team", [
                                  Paragraph("Resolve or record each conflict with the operations room before "
                                            "deploying. Times are Europe/London."),
                                  Table("Conflicts", columns, mine)])]))
    hard = [r for r in rows if r["hard"]]
    if conflicts:
        notices.append(Notice(group=CTPOR, subject=f"Deconfliction: {len(conflicts)} conflicts ({len(hard)} "
                                                   f"breaking hard rules), {scope}",
                              sections=[Section("Every conflict", [Table("Conflicts", columns, rows)])]))
    by_rule: dict[str, int] = {}
    for c in conflicts:
        by_rule[c.rule] = by_rule.get(c.rule, 0) + 1
    summary = Facts([("Scope", scope), ("Deployments checked", len(deployments)), ("Conflicts", len(conflicts)),
                     ("Breaking hard rules", len(hard)), *sorted(by_rule.items())])
    sections = [Section("Summary", [summary] + ([Chart("Conflicts by rule", list(by_rule),
                                                       [("Conflicts", by_rule.values())])] if by_rule else [])),
                Section("Conflicts", [Table("Conflicts", columns, rows, primary=True)])]
    return Report(kind="conflict-notices", title=f"Conflict notices, {scope}", marking=marking, floor=FLOOR,
                  stamp=stamp, notices=notices, sections=sections)
