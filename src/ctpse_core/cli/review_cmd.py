"""``ctpse review``: clerical review of possible matches (list them, record decisions)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ctpse_core.cli import CliContext
from ctpse_core.cli.options import pass_ctx
from ctpse_core.errors import InputError, Problem

__all__ = ["DECISION_WORDS", "review"]

#: The words ``ctpse review decide`` accepts, and what each means.
DECISION_WORDS = {"same": True, "not-same": False}

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _fail(*reasons: str) -> InputError:
    return InputError([Problem(field="", reason=r) for r in reasons])


@click.group("review", invoke_without_command=True)
@click.pass_context
def review(click_ctx: click.Context) -> None:
    """Clerical review of possible matches: list them, record decisions."""
    if click_ctx.invoked_subcommand is None:
        click.echo(click_ctx.get_help())


def _decision(word: str | None, flag: bool | None) -> bool:
    if word is not None:
        key = word.strip().lower().replace("_", "-")
        if key not in DECISION_WORDS:
            raise _fail(f"decision must be {' or '.join(map(repr, DECISION_WORDS))}, not {word!r}")
        if flag is not None and flag != DECISION_WORDS[key]:
            raise _fail(f"decision {word!r} contradicts {'--same' if flag else '--not-same'}")
        return DECISION_WORDS[key]
    if flag is None:
        raise _fail("say whether the two records are the same person: same or not-same (or --same/--not-same)")
    return flag


def _lists(uow: Any, regional: Path | None, national: Path | None, left_source: str,
           right_source: str) -> tuple[Any, Any, str]:
    """The two lists to check the IDs against: the files given, else the stored lists."""
    from ctpse_core.cli.reconcile_input import check_feeds, load_side
    from ctpse_core.errors import NotFoundError
    from ctpse_core.reconcile.stored import stored_tables

    if (regional is None) != (national is None):
        raise _fail("give both --regional and --national (or neither, to use the stored lists)")
    if regional is not None and national is not None:
        check_feeds(("--left-source", left_source), ("--right-source", right_source))
        left, _ = load_side(regional, left_source, None)
        right, _ = load_side(national, right_source, None)
        return left, right, f"{regional.name} and {national.name}"
    try:
        left, right = stored_tables(uow, left_source, right_source)
    except NotFoundError:
        raise _fail(
            "cannot check the IDs: give the lists with --regional FILE --national FILE, "
            "or import them first (ctpse import)"
        ) from None
    return left, right, "the stored lists"


@review.command("decide")
@click.argument("left_id")
@click.argument("right_id")
@click.argument("decision", required=False, metavar="[same|not-same]")
@click.option("--same/--not-same", "flag", default=None, help="Whether the two records are the same person.")
@click.option("--regional", type=_FILE, help="The regional list the left ID is checked against.")
@click.option("--national", type=_FILE, help="The national list the right ID is checked against.")
@click.option("--left-source", default="regional", show_default=True)
@click.option("--right-source", default="national", show_default=True)
@click.option("--reviewer", help="Who decided (default: --user).")
@click.option("--note", default="", help="Why (kept with the decision).")
@pass_ctx
def decide(
    ctx: CliContext,
    left_id: str,
    right_id: str,
    decision: str | None,
    flag: bool | None,
    regional: Path | None,
    national: Path | None,
    left_source: str,
    right_source: str,
    reviewer: str | None,
    note: str,
) -> None:
    """Record that LEFT_ID and RIGHT_ID are (or are not) the same person.

    Both IDs are checked against the lists (--regional/--national files, or the
    stored lists). Exit status 2 for an unknown ID, a bad decision or no reviewer.
    """
    from ctpse_core.domain.marking import highest
    from ctpse_core.reconcile.review import record_decision

    same = _decision(decision, flag)
    who = (ctx.user if reviewer is None else reviewer).strip()
    if not who:
        raise _fail("the reviewer's name is empty: give --reviewer NAME (or ctpse --user NAME)")
    left_id, right_id = left_id.strip(), right_id.strip()
    if (left_source, left_id) == (right_source, right_id):
        raise _fail(f"{left_source}:{left_id} cannot be compared with itself")
    store = ctx.open_store()
    try:
        with store.unit_of_work(user=ctx.user) as uow:
            left, right, where = _lists(uow, regional, national, left_source, right_source)
            missing = [f"{i!r} is not on the {t.source} list ({where})"
                       for i, t in ((left_id, left), (right_id, right)) if i not in set(t.ids)]
            if missing:
                raise _fail(*missing)
            d = record_decision(uow, left_source, left_id, right_source, right_id, same, note=note, reviewer=who,
                                marking=highest([left.marking, right.marking]))
            uow.commit()
    finally:
        store.close()
    click.echo(
        f"recorded: {d.left_source}:{d.left_id} and {d.right_source}:{d.right_id} are "
        f"{'the same person' if d.same else 'not the same person'} (by {d.reviewer}), marked {d.marking}"
    )


def _person(table: Any, k: int) -> tuple[str, str]:
    """Name and date of birth of the table's record ``k`` (UK date form)."""
    from ctpse_core.reports import uk_date

    name = " ".join(str(v) for v in (table.value("forenames", k), table.value("surname", k)) if v)
    return name, uk_date(table.value("date_of_birth", k))


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


@review.command("list")
@click.argument("regional", type=_FILE)
@click.argument("national", type=_FILE)
@click.option("--config", "config_path", type=_FILE, help="Reconciliation settings (TOML).")
@click.option("--all", "show_all", is_flag=True, help="Also the pairs already decided.")
@pass_ctx
def list_pending(ctx: CliContext, regional: Path, national: Path, config_path: Path | None, show_all: bool) -> None:
    """Possible matches still waiting for a decision, strongest first (--all: decided pairs too,
    each with the marking of the lists it was made on), with both records' names and dates of
    birth, under the listing's protective marking (the lists' and every decision shown)."""
    from ctpse_core.cli.reconcile_input import load_settings, load_side
    from ctpse_core.domain.marking import highest
    from ctpse_core.reconcile import reconcile
    from ctpse_core.reconcile.review import latest, stored_decisions
    from ctpse_core.reports import london_time

    store = ctx.open_store(create=False)
    try:
        with store.unit_of_work(user=ctx.user) as uow:
            decisions = stored_decisions(uow)
    finally:
        store.close()
    config = load_settings(config_path)
    left, _ = load_side(regional, "regional", None)
    right, _ = load_side(national, "national", None)
    result = reconcile(left, right, config, decisions=decisions)
    scores = {(m.left, m.right): m.probability for m in result.matches}
    lpos = {rid: k for k, rid in enumerate(left.ids)}
    rpos = {rid: k for k, rid in enumerate(right.ids)}

    def _pair(lid: str, rid: str) -> list[str]:
        return [lid, *_person(left, lpos[lid]), rid, *_person(right, rpos[rid])]

    rows = [[*_pair(p.left, p.right), f"{p.probability:.3f}", "pending", "", "", "", p.reason]
            for p in result.possible_matches]
    shown = [result.marking]
    if show_all:
        for d in sorted(latest(decisions).values(), key=lambda d: d.decided_at, reverse=True):
            if (d.left_source, d.right_source) != (left.source, right.source):
                continue
            if d.left_id in lpos and d.right_id in rpos:
                score = scores.get((d.left_id, d.right_id))
                rows.append([*_pair(d.left_id, d.right_id),
                             "" if score is None else f"{score:.3f}", "same" if d.same else "not same",
                             d.reviewer, london_time(d.decided_at), str(d.marking), d.note])
                shown.append(d.marking)
    marking = str(highest(shown))
    click.echo(marking)
    if rows:
        header = [f"{left.source} ID", "name", "born", f"{right.source} ID", "name", "born", "score",
                  "decision", "by", "when", "marking", "reason / note"]
        for line in _table([header, *rows]):
            click.echo(line)
    else:
        click.echo("no possible matches pending")
    click.echo(marking)


@review.command("decisions")
@pass_ctx
def list_decisions(ctx: CliContext) -> None:
    """Every stored decision (when: Europe/London time) with the marking of the lists it was made
    on, under the highest of those markings."""
    from ctpse_core.domain.marking import highest
    from ctpse_core.reconcile.review import stored_decisions
    from ctpse_core.reports import london_time

    store = ctx.open_store(create=False)
    try:
        with store.unit_of_work(user=ctx.user) as uow:
            found = stored_decisions(uow)
    finally:
        store.close()
    if not found:
        click.echo("no decisions recorded")
        return
    rows = [["left", "right", "decision", "by", "when", "marking", "note"]]
    rows += [[f"{d.left_source}:{d.left_id}", f"{d.right_source}:{d.right_id}", "same" if d.same else "not same",
              d.reviewer, london_time(d.decided_at), str(d.marking), d.note]
             for d in sorted(found, key=lambda d: d.decided_at)]
    marking = str(highest(d.marking for d in found))
    click.echo(marking)
    for line in _table(rows):
        click.echo(line)
    click.echo(marking)
