"""``hotline facts [check]``: every dated figure, its window, source and days left."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import click

from hotline import config
from hotline.config import Settings
from hotline.dialogue.facts import FactBook, FactsError


def _today(given: str | None, zone: str) -> date:
    if given:
        try:
            return date.fromisoformat(given)
        except ValueError:
            raise click.BadParameter(f"{given!r} is not a date like 2027-01-01",
                                     param_hint="--today") from None
    return datetime.now(ZoneInfo(zone)).date()


_TODAY = click.option("--today", metavar="YYYY-MM-DD",
                      help="Look as of this day (default: today in CENTER_TIMEZONE).")


@click.group(invoke_without_command=True)
@_TODAY
@click.pass_context
def facts(ctx: click.Context, today: str | None) -> None:
    """List every dated figure: its window, source, last review and days left."""
    ctx.ensure_object(dict)
    ctx.obj["today"] = today
    if ctx.invoked_subcommand is None:
        _list(today)


def _load() -> tuple[Settings, FactBook]:
    from hotline.words.facts import load

    settings = config.load()
    try:
        return settings, load(settings.facts_path)
    except FactsError as exc:
        raise click.ClickException(str(exc)) from None


def _list(given: str | None) -> None:
    from hotline.words.facts import State, standing

    settings, book = _load()
    day = _today(given, settings.center_timezone)
    click.secho(f"Dated facts in {settings.facts_path}, as of {day}:", bold=True)
    for s in standing(book, day):
        click.echo()
        click.secho(f"{s.key}  {s.last.what}", bold=True)
        for fact in book.entries[s.key]:
            start = fact.effective or "long-standing"
            end = f"until {fact.next_change}" if fact.next_change else "no scheduled change"
            value = f"{fact.value}  " if fact.value else ""
            mark = "in use" if fact is s.current else (
                "ended" if fact.next_change and fact.next_change <= day else "next")
            click.echo(f"  {value}from {start}, {end}  [{mark}]  reviewed {fact.reviewed}")
            for source in fact.sources:
                click.echo(f"      source: {source}")
        if s.state is State.RUN_OUT:
            click.secho(f"  RUN OUT on {s.changes_on} ({-(s.days_left or 0)} days ago): the bot "
                        "gives the agency's line instead", fg="red")
        elif s.state is State.NOT_YET:
            click.secho(f"  nothing in force until {s.changes_on}", fg="red")
        elif s.days_left is None:
            click.echo("  days left: no scheduled change")
        elif s.successor is not None:
            click.echo(f"  days left: {s.days_left}, then {s.successor.value or 'the next entry'}"
                       f" from {s.changes_on}")
        else:
            click.secho(f"  days left: {s.days_left} (nothing entered to follow it)",
                        fg="yellow" if s.days_left > 45 else "red")
        recheck = (s.current or s.last).recheck
        if recheck:
            click.echo(f"  recheck: {recheck}")


@facts.command()
@_TODAY
@click.pass_context
def check(ctx: click.Context, today: str | None) -> None:
    """Exit 1 if a figure in use ran out, runs out within 45 days, or needs its review."""
    from hotline.words.facts import EXPIRY_WARNING_DAYS, REVIEW_MONTHS, problems

    settings, book = _load()
    day = _today(today or ctx.obj.get("today"), settings.center_timezone)
    found = problems(book, day)
    for problem in found:
        click.echo(str(problem))
    if found:
        raise click.ClickException(f"{len(found)} dated fact(s) need a person (as of {day})")
    click.secho(f"facts check passed as of {day}: every figure in use is in its window for "
                f"{EXPIRY_WARNING_DAYS} days or more (or has a successor) and was reviewed "
                f"in the last {REVIEW_MONTHS} months", fg="green")
