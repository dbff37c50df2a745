"""``ctpse deconflict``, ``ctpse grid publish|diff`` and ``ctpse synth deployments``."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import click

from ctpse_core.cli import CliContext
from ctpse_core.cli.options import done_so_far, format_option, interruptible, pass_ctx

__all__ = ["allocation_product", "deconflict", "grid", "synth_deployments", "synth_tasking"]


def _week(_ctx: Any, _param: Any, value: str | None) -> dt.date | None:
    if value is None:
        return None
    from ctpse_core.parsing import parse_date

    try:
        day = parse_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return day - dt.timedelta(days=day.weekday())


def london_text(moment: dt.datetime) -> str:
    """Europe/London wall-clock time with its zone, e.g. ``Mon 24/03/2025 22:15 GMT``."""
    return moment.astimezone(_london()).strftime("%a %d/%m/%Y %H:%M %Z")


def conflicts_product(conflicts: list[Any], title: str, counted: int, markings: Iterable[Any] = ()) -> Any:
    """The conflict report, marked SECRET or higher if any deployment's ``markings`` is."""
    from ctpse_core.domain.marking import highest
    from ctpse_core.domain.surveillance import COVERT
    from ctpse_core.reports import SimpleProduct

    rows = [
        {
            "rule": c.rule,
            "deployment_ids": list(c.deployment_ids),
            "severity": c.severity.value,
            "hard": c.hard,
            "start": c.start.isoformat(),
            "end": c.end.isoformat(),
            "when": f"{london_text(c.start)} to {london_text(c.end)}",
            "why": c.why,
            "where": None
            if c.where is None
            else {"lat": c.where.lat, "lon": c.where.lon, "radius_m": c.where.radius_m},
        }
        for c in conflicts
    ]
    by_rule: dict[str, int] = {}
    for c in conflicts:
        by_rule[c.rule] = by_rule.get(c.rule, 0) + 1
    summary = {"deployments": counted, "conflicts": len(conflicts), **by_rule}
    return SimpleProduct(
        "deconfliction",
        title,
        {"summary": summary, "conflicts": rows},
        marking=highest([COVERT, *markings]),
        rows=rows,
    )


@click.command()
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--stored", is_flag=True, help="De-conflict the deployments in the store.")
@click.option(
    "--save",
    is_flag=True,
    help="Also store the file's deployments: new IDs are added, amended ones (same ID) updated.",
)
@click.option(
    "--buffer",
    "buffer_m",
    type=click.FloatRange(0),
    default=250.0,
    show_default=True,
    help="Metres added to the two radii for the proximity rule.",
)
@click.option(
    "--rest-hours",
    type=click.FloatRange(0),
    default=11.0,
    show_default=True,
    help="Least rest an officer needs between two deployments (the rest rule).",
)
@click.option(
    "--fail-on-hard",
    is_flag=True,
    help="Exit with status 1 when any hard-rule conflict is found (the report is still printed).",
)
@click.option(
    "--notices",
    "notices_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write one need-to-know notice per operation in a conflict into this folder.",
)
@format_option(default="md", only=("json", "md", "html"))
@pass_ctx
@interruptible("nothing was saved")
def deconflict(
    ctx: CliContext,
    file: Path | None,
    stored: bool,
    save: bool,
    buffer_m: float,
    rest_hours: float,
    fail_on_hard: bool,
    notices_dir: Path | None,
    fmt: str,
) -> None:
    """Find every conflict among the deployments in FILE (a JSON list) or the store.

    Exit status: 0 when it ran (conflicts or not), 1 with --fail-on-hard when any conflict
    breaks a hard rule (double-booking, capacity, rest), 2 for bad input, 130 after Ctrl-C.
    """
    from ctpse_core.deconfliction.engine import deconflict as run
    from ctpse_core.deconfliction.files import load_deployments
    from ctpse_core.deconfliction.model import Settings
    from ctpse_core.reports import render

    if file is None and not stored:
        raise click.UsageError("give a deployments FILE, or --stored to check the stored deployments")
    if file is not None and stored:
        raise click.UsageError("give a deployments FILE or --stored, not both")
    if save and file is None:
        raise click.UsageError("--save stores a FILE's deployments; with --stored they are already stored")
    store = ctx.open_store(create=not stored)  # --stored only reads: a mistyped store is an error
    try:
        with store.unit_of_work(user=ctx.user) as uow:
            teams = {t.id: t.capacity for t in uow.teams.list()}
            deployments = load_deployments(file) if file is not None else list(uow.deployments.list())
            conflicts = run(
                deployments, teams, settings=Settings(buffer_m=buffer_m, rest_hours=rest_hours)
            )
            if save:
                saved = _save(uow, deployments)
                done_so_far("the deployments were saved; the report was not printed")
                click.echo(saved.summary(), err=True)
            if notices_dir is not None:
                written = _write_notices(uow, notices_dir, conflicts, deployments)
                click.echo(f"notices: {written} written to {notices_dir} (one per operation in a conflict)", err=True)
    finally:
        store.close()
    for line in [*_skipped_rules(deployments, teams), *_case_warnings(deployments)]:
        click.echo(line, err=True)
    title = f"Deconfliction of {len(deployments)} deployments"
    product = conflicts_product(conflicts, title, len(deployments), (d.marking for d in deployments))
    click.echo(render(product, fmt), nl=False)
    hard = sum(1 for c in conflicts if c.hard)
    if fail_on_hard and hard:
        click.echo(f"{hard} conflict(s) break a hard rule (--fail-on-hard)", err=True)
        raise click.exceptions.Exit(1)


def _write_notices(uow: Any, folder: Path, conflicts: list[Any], deployments: list[Any]) -> int:
    """Write ``notice-<operation>.md`` per operation involved (each told only of its own
    deployments and whom to call), audited as disclosures; returns how many were written."""
    import re

    from ctpse_core.deconfliction.resolution import party_notices

    uow.require("disclose", "operations", "deconfliction notices")  # before a notice is written
    operations = {o.id: o for o in uow.operations.list()}
    found = party_notices(conflicts, {d.id: d for d in deployments}, operations)
    folder.mkdir(parents=True, exist_ok=True)
    for notice in found:
        name = re.sub(r"[^A-Za-z0-9._-]", "_", notice.operation_id)
        (folder / f"notice-{name}.md").write_text(notice.text(), encoding="utf-8")
        detail = f"deconfliction notice, {len(notice.lines)} conflict(s)"
        uow.record_event("disclosure", "operations", notice.operation_id, detail)
    uow.commit()
    return len(found)


@contextlib.contextmanager
def _nothing_saved_on_conflict() -> Iterator[None]:
    """An optimistic-concurrency conflict while saving becomes one clear line (exit 1)."""
    from ctpse_core.errors import ConflictError

    try:
        yield
    except ConflictError as exc:
        raise click.ClickException(f"nothing was saved: {exc}") from None


def _save(uow: Any, deployments: list[Any]) -> Any:
    """Add new and update amended deployments, and commit."""
    from ctpse_core.deconfliction.amend import save_deployments

    with _nothing_saved_on_conflict():
        saved = save_deployments(uow, deployments)
        uow.commit()
    return saved


def _skipped_rules(deployments: list[Any], capacities: dict[str, int]) -> list[str]:
    """One warning line per registered rule that could not run (fully) on these deployments."""
    from ctpse_core.deconfliction.engine import registered_rules

    if "capacity" not in {rule.name for rule in registered_rules()} or not deployments:
        return []
    if not capacities:
        return ["Warning: rule 'capacity' could not run: no teams are stored, so team capacities are unknown"]
    missing = sorted({d.team_id for d in deployments} - set(capacities))
    if not missing:
        return []
    shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
    return [f"Warning: rule 'capacity' not checked for teams not in the store: {shown}"]


_ID_KINDS = (("team", "teams"), ("operation", "operations"), ("staff", "officers"), ("subject", "subjects"))


def _case_warnings(deployments: list[Any]) -> list[str]:
    """One warning per kind of ID whose values differ only in case (the engine compares IDs
    exactly, after trimming: ``P1`` and ``p1`` are two officers to it)."""
    values: dict[str, set[str]] = {kind: set() for kind, _w in _ID_KINDS}
    for d in deployments:
        values["team"].add(d.team_id)
        values["operation"].add(d.operation_id)
        values["staff"].update(d.staff_ids)
        values["subject"].update(d.subject_ids)
    out: list[str] = []
    for kind, what in _ID_KINDS:
        by_fold: dict[str, set[str]] = {}
        for value in values[kind]:
            by_fold.setdefault(value.casefold(), set()).add(value)
        clashes = sorted(sorted(v) for v in by_fold.values() if len(v) > 1)
        if not clashes:
            continue
        shown = "; ".join(" and ".join(repr(x) for x in group) for group in clashes[:3])
        more = f" (and {len(clashes) - 3} more)" if len(clashes) > 3 else ""
        out.append(
            f"Warning: {kind} IDs {shown}{more} differ only in case: they are different {what} "
            "to the engine (IDs are compared exactly, after trimming spaces)"
        )
    return out


@click.group()
def grid() -> None:
    """The regional grid (teams x days): publish versions and compare them."""


def grid_product(
    version: Any, operations: Any = None, teams: Any = None, clearance: Any = None
) -> Any:
    """The grid as a product: one cell line per deployment and day with what a reader acts
    on and one ID (:func:`ctpse_core.deconfliction.grid.cell_text`: the times, the operation's
    name where the reader's ``clearance`` reaches its marking, the place, the officers and the
    deployment ID). Rows are teams, labelled with the team's name and leader when ``teams``
    (ID -> Team) are given."""
    from ctpse_core.deconfliction.grid import cell_text
    from ctpse_core.domain.marking import highest
    from ctpse_core.domain.surveillance import COVERT
    from ctpse_core.reports import SimpleProduct

    ops, known = operations or {}, teams or {}

    def cell(e: Any) -> str:
        return cell_text(e, ops.get(e.operation_id), clearance)

    def team_label(team_id: str) -> str:
        team = known.get(team_id)
        if team is None:
            return team_id
        extra = [x for x in (team.name if team.name != team_id else None, team.leader) if x]
        return f"{team_id} ({', '.join(extra)})" if extra else team_id

    days = [version.week + dt.timedelta(days=i) for i in range(7)]
    team_ids = sorted({e.team_id for e in version.entries})
    table = {
        team: {
            day.strftime("%a %d/%m"): [
                cell(e) for e in version.entries if e.team_id == team and e.day == day
            ]
            for day in days
        }
        for team in team_ids
    }
    data = {
        "week": version.week.isoformat(),
        "days": [day.strftime("%a %d/%m") for day in days],
        "teams": team_ids,
        "team_labels": {team: team_label(team) for team in team_ids},
        "version": version.number,
        "published_by": version.published_by,
        "published_at": version.published_at.isoformat(),
        "published_at_text": london_text(version.published_at),
        "grid": table,
    }
    return SimpleProduct(
        "grid",
        f"Regional grid, week of {version.week:%d/%m/%Y}, version {version.number}",
        data,
        marking=highest([COVERT, version.marking]),
    )


def change_lines(changes: list[Any]) -> list[str]:
    """One line per grid change: what changed and who must be told."""
    out = []
    for c in changes:
        what = f" ({'; '.join(c.what)})" if c.what else f" ({c.after})" if c.kind in ("moved", "cancelled") else ""
        out.append(f"{c.kind} {c.deployment_id}{what}: tell {', '.join(c.tell)}")
    return out


def _london() -> Any:
    from ctpse_core.domain.common import LONDON

    return LONDON


@grid.command("publish")
@click.option("--week", required=True, callback=_week, help="Any day of the week (DD/MM/YYYY).")
@click.option(
    "--force",
    is_flag=True,
    help="Publish even when the week has no deployments or nothing changed since the last version.",
)
@format_option(default="md", only=("json", "md", "html"))
@pass_ctx
@interruptible("no grid version was published")
def grid_publish(ctx: CliContext, week: dt.date, force: bool, fmt: str) -> None:
    """Publish the next version of the week's grid from the stored deployments.

    An empty week is refused (exit 2), and a grid identical to the last published version is
    not published again ("no change since version N", exit 0); --force publishes either.
    """
    from ctpse_core.deconfliction.grid import (
        EmptyGridError,
        UnchangedGridError,
        diff,
        publish,
        reader_clearance,
        versions,
    )
    from ctpse_core.plugin import get_plugin_manager
    from ctpse_core.reports import render

    store = ctx.open_store()
    try:
        with store.unit_of_work(user=ctx.user) as uow:
            earlier = versions(uow, week)
            version = publish(uow, week, ctx.user, force=force)
            teams = {t.id: t for t in uow.teams.list()}
            operations = {o.id: o for o in uow.operations.list()}
            changes = (
                diff(earlier[-1], version, teams, {d.id: d for d in uow.deployments.list()}) if earlier else []
            )
            clearance = reader_clearance(uow)
            with _nothing_saved_on_conflict():
                uow.commit()
            done_so_far(f"grid version {version.number} was published; ctpse grid diff shows it")
    except EmptyGridError:
        last = week + dt.timedelta(days=6)
        click.echo(
            f"error: nothing to publish: no stored deployments in the week of {week:%a %d/%m/%Y} to "
            f"{last:%a %d/%m/%Y}. Store them first (ctpse deconflict FILE --save, or ctpse grid plan FILE "
            "--save), or give --force to publish an empty grid.",
            err=True,
        )
        raise click.exceptions.Exit(2) from None
    except UnchangedGridError as exc:
        latest = exc.latest
        click.echo(
            f"no change since version {latest.number} (published by {latest.published_by} at "
            f"{london_text(latest.published_at)}): nothing published; give --force to publish anyway",
            err=True,
        )
        return
    finally:
        store.close()
    if earlier:
        click.echo(
            f"published version {version.number}: {len(changes)} change(s) since version {earlier[-1].number}",
            err=True,
        )
        for line in change_lines(changes):
            click.echo(line, err=True)
    product = grid_product(version, operations, teams, clearance)
    click.echo(render(product, fmt), nl=False)
    get_plugin_manager().hook.ctpse_after_publish(kind="grid", product=product)


@grid.command("diff")
@click.argument("v1", type=click.IntRange(1))
@click.argument("v2", type=click.IntRange(1))
@click.option("--week", required=True, callback=_week, help="Any day of the week (DD/MM/YYYY).")
@format_option(default="md", only=("json", "md", "html"))
@pass_ctx
@interruptible("nothing was changed")
def grid_diff(ctx: CliContext, v1: int, v2: int, week: dt.date, fmt: str) -> None:
    """What changed between grid versions V1 and V2, and who must be told."""
    from ctpse_core.deconfliction.grid import diff, get_version
    from ctpse_core.domain.marking import highest
    from ctpse_core.domain.surveillance import COVERT
    from ctpse_core.reports import SimpleProduct, render

    store = ctx.open_store(create=False)
    try:
        with store.unit_of_work(user=ctx.user) as uow:
            old, new = get_version(uow, week, v1), get_version(uow, week, v2)
            teams = {t.id: t for t in uow.teams.list()}
            now = {d.id: d for d in uow.deployments.list()}
    finally:
        store.close()
    rows = [
        {
            "deployment_id": c.deployment_id,
            "kind": c.kind,
            "what": list(c.what),
            "before": c.before,
            "after": c.after,
            "tell": list(c.tell),
        }
        for c in diff(old, new, teams, now)
    ]
    product = SimpleProduct(
        "grid-diff",
        f"Grid changes, week of {week:%d/%m/%Y}: version {v1} to {v2}",
        {"changes": rows},
        marking=highest([COVERT, old.marking, new.marking]),
        rows=rows,
    )
    click.echo(render(product, fmt), nl=False)


@click.command("deployments")
@click.option("--count", type=click.IntRange(1, 10_000_000), default=200, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@interruptible("the file may be incomplete; run the command again")
def synth_deployments(count: int, seed: int, out: Path) -> None:
    """Write COUNT synthetic deployments (a JSON list) from the clock-change week."""
    from ctpse_core.synthetic.deployments import write_deployments_file

    write_deployments_file(out, count, seed)
    click.echo(f"deployments: {count}\nwritten to {out}")


def allocation_product(plan: Any, title: str, operations: Any = None, teams: Any = None) -> Any:
    """The allocation as a product: summary, assignments, unallocated requests with reasons,
    changes against the previous plan, released pins and allowed conflicts. Marked at least as
    high as every deployment on it and every operation and team it names (``operations`` and
    ``teams``: ID -> record)."""
    from ctpse_core.domain.marking import highest
    from ctpse_core.domain.surveillance import COVERT
    from ctpse_core.reports import SimpleProduct

    ops = operations or {}

    def op_name(op_id: str) -> str:
        op = ops.get(op_id)
        return str(op.name) if op is not None else op_id

    assignments = [
        {
            "request_id": d.request_id,
            "team_id": d.team_id,
            "deployment_id": d.id,
            "operation": op_name(d.operation_id),
            "start": d.start.astimezone(_london()).isoformat(),
            "end": d.end.astimezone(_london()).isoformat(),
            "start_text": london_text(d.start),
            "end_text": london_text(d.end),
            "officers": d.officers,
        }
        for d in plan.deployments
    ]
    summary = {
        "requests": len(plan.assignments) + len(plan.unallocated),
        "allocated": len(plan.assignments),
        "unallocated": len(plan.unallocated),
        "coverage": plan.coverage,
        "coverage_possible": plan.requested,
        "changed_from_previous": len(plan.changes),
        "kept_from_previous": plan.kept,
        "pinned": len(plan.pinned),
        "released_pins": len(plan.released),
        "method": plan.method,
        "variables": plan.variables,
        "constraints": plan.rows,
        "seconds": round(plan.seconds, 3),
    }
    data = {
        "summary": summary,
        "assignments": assignments,
        "unallocated": [{"request_id": u.request_id, "reasons": list(u.reasons)} for u in plan.unallocated],
        "changes": [{"request_id": c.request_id, "before": c.before, "after": c.after} for c in plan.changes],
        "released": [{"request_id": u.request_id, "reasons": list(u.reasons)} for u in plan.released],
        "allowed_conflicts": [
            {"rule": c.rule, "deployment_ids": list(c.deployment_ids), "why": c.why} for c in plan.allowed_conflicts
        ],
    }
    crews = teams or {}
    named = [
        *(ops[d.operation_id].marking for d in plan.deployments if d.operation_id in ops),
        *(crews[d.team_id].marking for d in plan.deployments if d.team_id in crews),
    ]
    marking = highest([COVERT, *(d.marking for d in plan.deployments), *named])
    return SimpleProduct("allocation", title, data, marking=marking, rows=assignments)


@grid.command("plan")
@click.argument("requests_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--pinned",
    "pinned_version",
    type=click.IntRange(1),
    help="Keep the assignments of this published grid version whose requests are unchanged.",
)
@click.option("--week", callback=_week, help="Week of the --pinned version (default: the requests' first week).")
@click.option(
    "--allow",
    multiple=True,
    help="A non-hard rule whose conflicts may be created (subject-clash, proximity). Repeatable.",
)
@click.option(
    "--save",
    is_flag=True,
    help="Store the planned deployments (and cancel dropped ones), and the file's teams and operations.",
)
@format_option(default="md", only=("json", "md", "html"))
@pass_ctx
@interruptible("nothing was planned or saved")
def grid_plan(
    ctx: CliContext,
    requests_file: Path,
    pinned_version: int | None,
    week: dt.date | None,
    allow: tuple[str, ...],
    save: bool,
    fmt: str,
) -> None:
    """Allocate the tasking requests in REQUESTS_FILE to teams (best priority-weighted
    coverage under the hard rules), keeping published work pinned."""
    from ctpse_core.deconfliction.allocation import Availability, allocate, allow_problems
    from ctpse_core.deconfliction.engine import registered_rules
    from ctpse_core.deconfliction.files import check_references, load_tasking
    from ctpse_core.deconfliction.grid import get_version
    from ctpse_core.errors import InputError
    from ctpse_core.reports import render

    tasking = load_tasking(requests_file)
    rules = registered_rules()
    wrong = allow_problems(tasking.allow, rules, f"{requests_file}#allow") + allow_problems(allow, rules, "--allow")
    if wrong:
        raise InputError(wrong)
    store = ctx.open_store()
    try:
        with store.unit_of_work(user=ctx.user) as uow:
            teams = tasking.teams if tasking.teams is not None else tuple(uow.teams.list())
            operations = tasking.operations if tasking.operations is not None else tuple(uow.operations.list())
            staff = tasking.staff if tasking.staff is not None else tuple(uow.staff.list())
            leave = tasking.leave if tasking.leave is not None else tuple(uow.leave.list())
            check_references(tasking, requests_file, teams=teams, operations=operations, staff=staff)
            stored = list(uow.deployments.list())
            file_ids = {d.id for d in tasking.deployments}
            existing = (*tasking.deployments, *(d for d in stored if d.id not in file_ids))
            previous: dict[str, str] = {}
            pinned: list[str] = []
            if pinned_version is not None:
                first = min((r.start for r in tasking.requests), default=None)
                if week is None and first is None:
                    raise click.UsageError("--pinned needs --week when the file has no requests")
                if week is None:
                    assert first is not None
                    day = first.astimezone(_london()).date()
                    week = day - dt.timedelta(days=day.weekday())
                version = get_version(uow, week, pinned_version)
                by_id = {r.id: r for r in tasking.requests}
                for e in version.entries:
                    r = by_id.get(e.request_id) if e.request_id else None
                    if r is None:
                        continue
                    previous[r.id] = e.team_id
                    if (r.start, r.end, r.officers) == (e.start, e.end, e.officers):
                        pinned.append(r.id)
            plan = allocate(
                tasking.requests,
                teams,
                Availability(
                    deployments=existing, leave=leave, staff=staff, unavailable=tasking.unavailable
                ),
                operations=operations,
                previous=previous,
                pinned=sorted(set(pinned)),
                allow=(*tasking.allow, *allow),
            )
            if save:
                with _nothing_saved_on_conflict():
                    lines = _save_plan(uow, plan, stored, tasking)
                    uow.commit()
                done_so_far("the plan was saved; the report was not printed")
                for line in lines:
                    click.echo(line, err=True)
    finally:
        store.close()
    title = f"Allocation of {len(tasking.requests)} tasking requests"
    product = allocation_product(plan, title, {o.id: o for o in operations}, {t.id: t for t in teams})
    click.echo(render(product, fmt), nl=False)


def _save_plan(uow: Any, plan: Any, stored: list[Any], tasking: Any) -> list[str]:
    """Store the plan's deployments (updating earlier versions), cancel the deployments of
    planned requests that are no longer allocated, and store the file's teams and operations
    (so the grid, its diff and ``deconflict --stored`` know capacities, leaders and national
    priorities). Returns one summary line per collection saved."""
    import attrs

    from ctpse_core.deconfliction.amend import save_deployments, save_records
    from ctpse_core.domain.surveillance import DeploymentStatus

    planned = set(plan.assignments) | {u.request_id for u in plan.unallocated}
    lines = [save_deployments(uow, plan.deployments).summary("deployments")]
    cancelled: list[str] = []
    for d in stored:
        dropped = d.request_id in planned and d.request_id not in plan.assignments
        if dropped and d.status is not DeploymentStatus.CANCELLED:
            uow.deployments.update(attrs.evolve(d, status=DeploymentStatus.CANCELLED))
            cancelled.append(f"{d.id} (request {d.request_id}, team {d.team_id}: no longer allocated)")
    if cancelled:
        lines.append(f"cancelled deployments: {len(cancelled)}: {'; '.join(cancelled)}")
    if tasking.teams is not None:
        lines.append(save_records(uow.teams, tasking.teams, "team").summary("teams"))
    if tasking.operations is not None:
        lines.append(save_records(uow.operations, tasking.operations, "operation").summary("operations"))
    return lines


@click.command("tasking")
@click.option("--count", type=click.IntRange(1, 100_000), default=60, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@interruptible("the file may be incomplete; run the command again")
def synth_tasking(count: int, seed: int, out: Path) -> None:
    """Write COUNT synthetic tasking requests, with teams and availability, as a requests file."""
    from ctpse_core.synthetic.tasking import write_tasking_file

    data = write_tasking_file(out, count, seed)
    click.echo(f"requests: {count}\nteams: {len(data.teams or ())}\nwritten to {out}")
