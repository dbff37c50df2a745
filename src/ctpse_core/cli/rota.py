"""``ctpse rota ...`` and ``ctpse synth rota``: build, check, publish and change rotas."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

__all__ = ["rota", "synth_rota"]


def _as_date(_ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    from ctpse_core.parsing import parse_date

    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param=param) from None


def _as_datetime(_ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    from ctpse_core.parsing import parse_datetime

    if value is None:
        return None
    try:
        return parse_datetime(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param=param) from None


DATE: dict[str, Any] = {"metavar": "DATE", "callback": _as_date}
DATETIME: dict[str, Any] = {"metavar": "DATETIME", "callback": _as_datetime}
_PATH = click.Path(exists=True, dir_okay=False, path_type=Path)


F = TypeVar("F", bound=Callable[..., Any])


def _fmt(choices: tuple[str, ...], default: str) -> Callable[[F], F]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="Output format.",
    )


def _emit(text: str | bytes, out: Path | None) -> None:
    if out is None:
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
            sys.stdout.flush()
        else:
            click.echo(text, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        out.write_bytes(text)
    else:
        out.write_text(text, encoding="utf-8")


def _render(kind: str, title: str, data: dict[str, Any], fmt: str, problem: Any) -> str:
    from ctpse_core.reports import render
    from ctpse_core.rota.products import RotaReport

    if fmt == "json":
        return json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n"
    return render(RotaReport(kind, title, data, problem), fmt)


@click.group()
def rota() -> None:
    """On-call rotas: build, check, publish, swap, override, repair, select staff."""


@rota.command()
@click.argument("problem_file", metavar="PROBLEM", type=_PATH)
@click.option(
    "--solver",
    default=None,
    help="A registered rota solver: builtin (no dependency); cpsat and hybrid with "
    "ctpse_ortools. Default: the strongest installed (cpsat, else builtin); builtin "
    "with --iterations.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(0.1, 86400),
    default=30.0,
    show_default=True,
    help="Seconds the solver may take.",
)
@click.option(
    "--iterations",
    type=click.IntRange(1),
    default=None,
    help="Stop the built-in solver after this many moves rather than at the time limit: "
    "the same seed and count give the same rota on any machine.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed (the benchmark's first).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the rota JSON (default: standard output, with --format json).",
)
@click.option(
    "--history",
    "history",
    nargs=2,
    multiple=True,
    type=_PATH,
    metavar="PROBLEM ROTA",
    help="An earlier published rota (with its problem) to count nights, weekends and bank "
    "holidays from for fairness over time; repeat for more.",
)
@click.option(
    "--history-days",
    type=click.IntRange(1, 3660),
    default=365,
    show_default=True,
    help="How far back the history counts (a rolling window before the problem's start).",
)
@_fmt(("json", "md", "html"), "json")
def build(
    problem_file: Path,
    solver: str | None,
    time_limit: float,
    iterations: int | None,
    seed: int,
    out: Path | None,
    history: tuple[tuple[Path, Path], ...],
    history_days: int,
    fmt: str,
) -> None:
    """Solve PROBLEM and write the rota; the validator's verdict goes to standard error.

    Exits with status 1, naming each broken rule, when the rota breaks a hard rule (the
    rota is still written, for inspection).

    With --format md or html the rota goes to --out and a build report (solver, objective,
    hard violations by rule, quality) is printed.
    """
    from ctpse_core.rota.io import dump_roster, load_problem
    from ctpse_core.rota.quality import quality
    from ctpse_core.rota.solvers import default_solver, solve, solvers

    if fmt != "json" and out is None:
        raise click.UsageError("give --out for the rota when --format is md or html")
    # --iterations only means something to the built-in solver: it is the default then
    solver = solver or ("builtin" if iterations is not None else default_solver())
    solvers().get(solver, field="--solver")  # an unknown name: exit 2, the known ones listed
    problem = load_problem(problem_file)
    if history:
        import attrs

        from ctpse_core.rota.fairness import history_from
        from ctpse_core.rota.io import load_roster

        published = []
        for old_problem_file, old_rota_file in history:
            old_problem = load_problem(old_problem_file)
            published.append((old_problem, load_roster(old_rota_file, old_problem)))
        problem = attrs.evolve(
            problem, fairness=history_from(problem, published, window_days=history_days)
        )
    try:
        result, report = solve(
            problem, solver, seed=seed, time_limit=time_limit, iterations=iterations
        )
    except KeyboardInterrupt:
        click.echo("interrupted: no rota written", err=True)
        raise click.exceptions.Exit(130) from None
    q = quality(problem, result.roster, report)
    _emit(dump_roster(result.roster), out)
    if fmt != "json":
        data = {
            "solver": solver,
            "seconds": round(result.seconds, 1),
            "shifts": len(result.roster.assignments),
            "objective": result.objective,
            "hard_violations": report.hard_count,
            "hard_by_rule": report.hard_by_rule(),
            "soft_penalty_by_rule": report.penalty_by_rule(),
            "coverage": q.coverage,
            "balance": q.balance,
            "rota": str(out),
        }
        title = f"Rota build: {problem.name}"
        click.echo(_render("rota-build", title, data, fmt, problem), nl=False)
    click.echo(
        f"{solver}: {len(result.roster.assignments)} shifts in {result.seconds:.1f} s; "
        f"hard violations {report.hard_count}; soft penalty {report.soft_penalty}; "
        f"coverage {q.coverage}%; balance {q.balance}",
        err=True,
    )
    if report.hard_count:
        from ctpse_core.rota.changes import warning_text

        shown = report.hard[:20]
        for v in shown:
            click.echo(f"hard: {warning_text(v)}", err=True)
        if report.hard_count > len(shown):
            click.echo(f"hard: ... and {report.hard_count - len(shown)} more", err=True)
        click.echo(
            f"error: the rota breaks {report.hard_count} hard rule(s) "
            f"({', '.join(f'{r} {n}' for r, n in report.hard_by_rule().items())}); "
            "it is written for inspection but is not usable",
            err=True,
        )
        raise click.exceptions.Exit(1)


@rota.command()
@click.argument("problem_file", metavar="PROBLEM", type=_PATH)
@click.argument("roster_file", metavar="ROTA", type=_PATH)
@_fmt(("json", "md", "html"), "md")
@click.option(
    "--today",
    **DATE,
    help="Look for gaps in the 30 days from this date (default: the start of the problem).",
)
@click.option(
    "--stale-days",
    type=click.IntRange(1, 3660),
    default=None,
    help="Numbers not verified within this many days of --today are listed (default 180).",
)
def check(
    problem_file: Path, roster_file: Path, fmt: str, today: dt.date | None, stale_days: int | None
) -> None:
    """Validate ROTA against PROBLEM: every violation by rule, person and day, and quality.

    Exits with status 1 when any hard rule is broken (the report is still printed), 0 otherwise.
    """
    from ctpse_core.rota.io import load_problem, load_roster
    from ctpse_core.rota.quality import quality
    from ctpse_core.rota.validate import validate

    problem = load_problem(problem_file)
    roster = load_roster(roster_file, problem)
    report = validate(problem, roster)
    q = quality(problem, roster, report, today=today, stale_days=stale_days)
    data = {
        "problem": problem.name,
        "hard_violations": report.hard_count,
        "soft_penalty": report.soft_penalty,
        "violations": report.as_rows(),
        "quality": q.as_dict(),
    }
    click.echo(_render("rota-check", f"Rota check: {problem.name}", data, fmt, problem), nl=False)
    if report.hard_count:
        raise click.exceptions.Exit(1)


@rota.command()
@click.argument("problem_file", metavar="PROBLEM", type=_PATH)
@click.argument("roster_file", metavar="ROTA", type=_PATH)
@_fmt(("md", "html", "json", "csv", "ics"), "md")
@click.option("--week", **DATE, help="A day in the week to publish (default: the first).")
@click.option(
    "--person", "person_id", help="Only this person's shifts (ics: their feed)."
)
@click.option("--role", "role_id", help="Only this role's shifts (ics: its feed).")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="File to write (for ics without --person/--role: a folder for every feed).",
)
@click.option(
    "--stamp",
    "--published",
    "stamp",
    **DATETIME,
    help="ics: the DTSTAMP of every event (default: the time of the rota's last change, "
    "else 00:00 on its first day, so the same rota gives the same feeds).",
)
def publish(
    problem_file: Path,
    roster_file: Path,
    fmt: str,
    week: dt.date | None,
    person_id: str | None,
    role_id: str | None,
    out: Path | None,
    stamp: dt.datetime | None,
) -> None:
    """Publish the weekly rota report, or iCalendar feeds per person and per role."""
    from ctpse_core.domain.common import day_text
    from ctpse_core.errors import InputError, Problem
    from ctpse_core.plugin import get_plugin_manager
    from ctpse_core.reports import render
    from ctpse_core.rota.io import load_problem, load_roster
    from ctpse_core.rota.publish import (
        RotaProduct,
        calendar_for_person,
        calendar_for_role,
        week_of,
    )

    problem = load_problem(problem_file)
    roster = load_roster(roster_file, problem)
    if fmt == "ics":
        staff = {p.id for p in problem.staff}
        roles = {r.id for r in problem.roles}
        if person_id is not None and person_id not in staff:
            raise InputError([Problem("--person", f"{person_id!r} is not on the staff list")])
        if role_id is not None and role_id not in roles:
            raise InputError([Problem("--role", f"{role_id!r} is not a role")])
        if person_id is not None:
            _emit(calendar_for_person(problem, roster, person_id, stamp=stamp), out)
        elif role_id is not None:
            _emit(calendar_for_role(problem, roster, role_id, stamp=stamp), out)
        else:
            if out is None:
                raise click.UsageError("ics needs --person, --role or --out FOLDER")
            written = _write_feeds(problem, roster, out, stamp)
            click.echo(f"{written} feeds written to {out}", err=True)
        return
    first, last = week_of(week or problem.start)
    if last < problem.start or first > problem.end:
        raise InputError(
            [
                Problem(
                    "--week",
                    f"the week of {day_text(first)} is outside the rota "
                    f"({day_text(problem.start)} to {day_text(problem.end)})",
                )
            ]
        )
    if person_id is not None and person_id not in {p.id for p in problem.staff}:
        raise InputError([Problem("--person", f"{person_id!r} is not on the staff list")])
    if role_id is not None and role_id not in {r.id for r in problem.roles}:
        raise InputError([Problem("--role", f"{role_id!r} is not a role")])
    product = RotaProduct(
        problem,
        roster,
        max(first, problem.start),
        min(last, problem.end),
        staff_id=person_id,
        role_id=role_id,
    )
    _emit(render(product, fmt), out)
    get_plugin_manager().hook.ctpse_after_publish(kind="rota", product=product)


def _write_feeds(problem: Any, roster: Any, folder: Path, stamp: Any) -> int:
    from ctpse_core.rota.publish import calendar_for_person, calendar_for_role

    (folder / "people").mkdir(parents=True, exist_ok=True)
    (folder / "roles").mkdir(parents=True, exist_ok=True)
    rostered = {a.staff_id for a in roster.assignments}
    count = 0
    for person in problem.staff:
        if person.id in rostered:
            (folder / "people" / f"{person.id}.ics").write_bytes(
                calendar_for_person(problem, roster, person.id, stamp=stamp)
            )
            count += 1
    for role in problem.roles:
        (folder / "roles" / f"{role.id}.ics").write_bytes(
            calendar_for_role(problem, roster, role.id, stamp=stamp)
        )
        count += 1
    return count


def _save_change(roster: Any, roster_file: Path, out: Path | None, fmt: str, problem: Any) -> None:
    from ctpse_core.convert import unstructure
    from ctpse_core.rota.io import save_roster

    save_roster(roster, out or roster_file)
    record = unstructure(roster.changes[-1])
    click.echo(_render("rota-change", f"Rota {record['kind']}", record, fmt, problem), nl=False)
    for line in roster.changes[-1].warnings:
        click.echo(f"warning: {line}", err=True)


@rota.command()
@click.argument("problem_file", metavar="PROBLEM", type=_PATH)
@click.argument("roster_file", metavar="ROTA", type=_PATH)
@click.option("--a", "staff_a", required=True, help="First person.")
@click.option("--day-a", **DATE, required=True, help="The day of their shift.")
@click.option("--b", "staff_b", required=True, help="Second person.")
@click.option("--day-b", **DATE, required=True, help="The day of their shift.")
@click.option("--reason", default="", help="Why (recorded).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the changed rota here (default: update ROTA).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Refuse the change when it breaks any hard rule, even one a coordinator may accept "
    "(contractual totals, consecutive days, weekends).",
)
@_fmt(("json", "md", "html"), "md")
@click.pass_obj
def swap(
    obj: Any,
    problem_file: Path,
    roster_file: Path,
    staff_a: str,
    day_a: dt.date,
    staff_b: str,
    day_b: dt.date,
    reason: str,
    out: Path | None,
    strict: bool,
    fmt: str,
) -> None:
    """Swap A's shift on DAY_A with B's shift on DAY_B.

    Refused if it breaks rest, qualification, leave or one-place-at-a-time; contractual
    totals, consecutive-day limits and weekends it breaks are warnings, recorded and shown
    (refused too with --strict)."""
    from ctpse_core.rota import changes
    from ctpse_core.rota.io import load_problem, load_roster

    problem = load_problem(problem_file)
    roster = load_roster(roster_file, problem)
    new = changes.swap(
        problem,
        roster,
        staff_a=staff_a,
        day_a=day_a,
        staff_b=staff_b,
        day_b=day_b,
        by=getattr(obj, "user", "unknown"),
        reason=reason,
        strict=strict,
    )
    _save_change(new, roster_file, out, fmt, problem)


@rota.command()
@click.argument("problem_file", metavar="PROBLEM", type=_PATH)
@click.argument("roster_file", metavar="ROTA", type=_PATH)
@click.option("--day", **DATE, required=True)
@click.option("--shift", required=True)
@click.option("--from", "from_staff", required=True, help="Who is rostered now.")
@click.option("--to", "to_staff", required=True, help="Who covers instead.")
@click.option("--reason", default="", help="Why (recorded).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the changed rota here (default: update ROTA).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Refuse the change when it breaks any hard rule, even one a coordinator may accept "
    "(contractual totals, consecutive days, weekends).",
)
@_fmt(("json", "md", "html"), "md")
@click.pass_obj
def override(
    obj: Any,
    problem_file: Path,
    roster_file: Path,
    day: dt.date,
    shift: str,
    from_staff: str,
    to_staff: str,
    reason: str,
    out: Path | None,
    strict: bool,
    fmt: str,
) -> None:
    """Put TO on FROM's SHIFT on DAY (refused or warned about as `rota swap`)."""
    from ctpse_core.rota import changes
    from ctpse_core.rota.io import load_problem, load_roster

    problem = load_problem(problem_file)
    roster = load_roster(roster_file, problem)
    new = changes.override(
        problem,
        roster,
        day=day,
        shift=shift,
        from_staff=from_staff,
        to_staff=to_staff,
        by=getattr(obj, "user", "unknown"),
        reason=reason,
        strict=strict,
    )
    _save_change(new, roster_file, out, fmt, problem)


def _removal(text: str) -> Any:
    from ctpse_core.errors import InputError, Problem
    from ctpse_core.parsing import parse_date
    from ctpse_core.rota.changes import Removal

    parts = text.split(":")
    if len(parts) not in (2, 3):
        raise InputError([Problem("--remove", f"{text!r} is not STAFF:DAY or STAFF:FIRST:LAST")])
    try:
        first = parse_date(parts[1])
        last = parse_date(parts[2]) if len(parts) == 3 else first
    except ValueError as exc:
        raise InputError([Problem("--remove", str(exc))]) from None
    if last < first:
        raise InputError([Problem("--remove", f"{text!r}: the last day is before the first")])
    return Removal(parts[0], first, last)


@rota.command()
@click.argument("problem_file", metavar="PROBLEM", type=_PATH)
@click.argument("roster_file", metavar="ROTA", type=_PATH)
@click.option(
    "--remove",
    "removals",
    multiple=True,
    required=True,
    metavar="STAFF:DAY[:LAST]",
    help="Someone who cannot work those days (repeat for more). Dates as DD/MM/YYYY or ISO.",
)
@click.option("--reason", default="sick", show_default=True, help="sick, deployed, training...")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the repaired rota here (default: update ROTA).",
)
@click.option(
    "--problem-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the problem with the new absences.",
)
@_fmt(("json", "md", "html"), "md")
@click.pass_obj
def repair(
    obj: Any,
    problem_file: Path,
    roster_file: Path,
    removals: tuple[str, ...],
    reason: str,
    out: Path | None,
    problem_out: Path | None,
    fmt: str,
) -> None:
    """Short-notice repair: re-plan only the affected days and list who must be told."""
    import attrs

    from ctpse_core.rota import changes
    from ctpse_core.rota.io import load_problem, load_roster, save_problem, save_roster

    problem = load_problem(problem_file)
    roster = load_roster(roster_file, problem)
    items = [attrs.evolve(_removal(r), reason=reason) for r in removals]
    result = changes.repair(problem, roster, items, by=getattr(obj, "user", "unknown"))
    save_roster(result.roster, out or roster_file)
    if problem_out is not None:
        save_problem(result.problem, problem_out)
    click.echo(_render("rota-repair", "Rota repair", result.as_dict(), fmt, problem), nl=False)
    for line in result.warnings:
        click.echo(f"warning: {line}", err=True)
    for line in result.breaks:
        click.echo(f"breaks: {line}", err=True)


@rota.command("select")
@click.argument("problem_file", metavar="PROBLEM", type=_PATH)
@click.argument("roster_file", metavar="ROTA", type=_PATH)
@click.option(
    "--start",
    **DATETIME,
    required=True,
    help="When the deployment starts (Europe/London, e.g. '05/03/2025 06:00').",
)
@click.option(
    "--hours", type=click.FloatRange(0.25, 24 * 31), required=True, help="How long it lasts."
)
@click.option(
    "-n",
    "--count",
    type=click.IntRange(1, 1000),
    default=1,
    show_default=True,
    help="How many people are needed.",
)
@click.option("--qualification", help="The qualification they must hold.")
@_fmt(("json", "md", "html"), "md")
def select_cmd(
    problem_file: Path,
    roster_file: Path,
    start: dt.datetime,
    hours: float,
    count: int,
    qualification: str | None,
    fmt: str,
) -> None:
    """Pick N qualified, available, rested people for a deployment, ranked with reasons."""
    from ctpse_core.rota.io import load_problem, load_roster
    from ctpse_core.rota.select import select_staff

    problem = load_problem(problem_file)
    roster = load_roster(roster_file, problem)
    found = select_staff(
        problem,
        roster,
        start=start,
        end=start + dt.timedelta(hours=hours),
        count=count,
        qualification=qualification,
    )
    data = {
        "start": start.isoformat(),
        "end": (start + dt.timedelta(hours=hours)).isoformat(),
        "qualification": qualification,
        **found.as_dict(),
        "shortfall": max(0, count - len(found.chosen)),
    }
    click.echo(_render("rota-selection", "Short-notice selection", data, fmt, problem), nl=False)


@rota.command()
@click.argument("instance", type=_PATH)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--start",
    **DATE,
    default="2024-01-01",
    show_default=True,
    help="The Monday the instance's day 0 falls on.",
)
def translate(instance: Path, out: Path, start: dt.date) -> None:
    """Translate a Shift Scheduling Benchmark instance (SECTION_... text) into PROBLEM JSON."""
    from ctpse_core.rota.benchmark_format import read_benchmark
    from ctpse_core.rota.io import save_problem

    problem = read_benchmark(instance, start=start)
    save_problem(problem, out)
    click.echo(
        f"{problem.name}: {len(problem.staff)} staff, {len(problem.shifts)} shift types, "
        f"{problem.days} days -> {out}"
    )


@click.command("rota")
@click.option("--staff", type=click.IntRange(12, 10_000), default=60, show_default=True)
@click.option("--weeks", type=click.IntRange(1, 104), default=13, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--start",
    **DATE,
    help="First day (default: Monday 3 March 2025, so the spring clock change falls inside).",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--as-drawn",
    is_flag=True,
    help="Keep the minimum hours as drawn, even where no rota can meet them "
    "(the problem may then be infeasible).",
)
def synth_rota(
    staff: int, weeks: int, seed: int, start: dt.date | None, out: Path, as_drawn: bool
) -> None:
    """Write a synthetic Counter Terrorism on-call rota problem (6 roles, fictional people).

    By default the problem is feasible: a rota breaking no hard rule is built and checked
    (person by person), and anyone whose minimum hours it cannot reach has the minimum
    lowered to what it can; the command says how many."""
    from ctpse_core.rota.io import save_problem
    from ctpse_core.rota.synth import DEFAULT_START, make_feasible, synthetic_ct_problem

    problem = synthetic_ct_problem(
        staff=staff, weeks=weeks, seed=seed, start=start or DEFAULT_START, feasible=False
    )
    if as_drawn:
        verdict = "feasibility not checked (--as-drawn)"
    else:
        problem, lowered = make_feasible(problem, seed)
        verdict = "feasible (a rota meeting every hard rule was built and checked)"
        if lowered:
            verdict += f"; minimum hours lowered for {len(lowered)}: {', '.join(lowered)}"
    save_problem(problem, out)
    click.echo(
        f"{problem.name}: {len(problem.staff)} staff, {len(problem.roles)} roles, "
        f"{problem.days} days -> {out}; {verdict}"
    )
