"""``hotline alerts …``: alerts that failed, and sending them again."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from hotline import config

if TYPE_CHECKING:
    from hotline.alerts.dispatch import Dispatcher
    from hotline.store.deliveries import Delivery

#: Keywords pybabel extracts besides its defaults (``_``, ``N_``, ``pgettext``…).
EXTRACT_KEYWORDS = ("NP_:1c,2",)


@click.group("alerts")
def alerts_() -> None:
    """See alerts and messages that reached nobody, and send them again."""


def _describe(dispatcher: Dispatcher, rows: list[Delivery]) -> str:
    first = rows[0]
    ref = "-"
    if first.case_id is not None:
        case = dispatcher.cases.get(first.case_id)
        ref = case.ref if case else "?"
    who = first.recipient or ("webhook" if first.transport == "webhook" else "?")
    if first.organizer_id is not None:
        organizer = dispatcher.organizers.get(first.organizer_id)
        who = f"{organizer.name} (#{organizer.id})" if organizer else "removed organizer"
    tried = ", ".join(f"{d.transport} {d.status}" + (f" ({d.error})" if d.error else "")
                      for d in rows)
    last = max(d.updated_at for d in rows)
    return (f"{first.id:>5}  case {ref:<6} {first.purpose:<11} {who:<28} {tried}  "
            f"[{last:%Y-%m-%d %H:%M} UTC]")


@alerts_.command("failed")
def alerts_failed() -> None:
    """List messages every transport failed to deliver (or stuck unsent)."""
    from datetime import UTC, datetime

    from hotline.alerts.dispatch import Dispatcher

    with Dispatcher.opened(config.load()) as dispatcher:
        failed = dispatcher.deliveries.failed(datetime.now(UTC))
        if not failed:
            click.echo("no failed alerts")
        for rows in failed:
            click.echo(_describe(dispatcher, rows))
    if failed:
        click.echo("retry with: hotline alerts retry ID … (or --all)")


@alerts_.command("retry")
@click.argument("ids", type=int, nargs=-1)
@click.option("--all", "every", is_flag=True, help="Retry every failed message.")
def alerts_retry(ids: tuple[int, ...], every: bool) -> None:
    """Send failed messages again, from their first transport."""
    from datetime import UTC, datetime

    from hotline.alerts.dispatch import Dispatcher

    if not ids and not every:
        raise click.ClickException("give the IDs that `hotline alerts failed` shows, or --all")
    with Dispatcher.opened(config.load()) as dispatcher:
        now = datetime.now(UTC)
        chains = [rows[0].chain for rows in dispatcher.deliveries.failed(now)] if every else []
        for delivery_id in ids:
            row = dispatcher.deliveries.get(delivery_id)
            if row is None:
                raise click.ClickException(f"no delivery {delivery_id}")
            chains.append(row.chain)
        for chain in chains:
            transport = dispatcher.retry(chain, now)
            name = dispatcher.deliveries.chain(chain)[0].id
            if transport is None:
                click.echo(f"{name}: not retried (already delivered, or no usable transport)")
            else:
                click.echo(f"{name}: queued again by {transport}")


@alerts_.command("show")
@click.argument("ref")
def alerts_show(ref: str) -> None:
    """Show who was alerted about a case, how, and what became of it."""
    from hotline.alerts.dispatch import Dispatcher

    with Dispatcher.opened(config.load()) as dispatcher:
        case = dispatcher.cases.by_ref(ref)
        if case is None:
            raise click.ClickException(f"no case {ref}")
        state = dispatcher.assignments.get(case.id)
        if state is None:
            click.echo(f"case {ref}: not alerted yet")
        else:
            taken = (f"taken by {state.claimed_name} at {state.claimed_at:%Y-%m-%d %H:%M}"
                     if state.claimed_at else "not taken")
            urgent = f"URGENT ({', '.join(state.reasons)}), " if state.urgent else ""
            closed = ", closed" if state.closed_at else ""
            click.echo(f"case {ref}: {urgent}level {state.level}, {taken}{closed}")
        for row in dispatcher.deliveries.for_case(case.id):
            who = f"organizer {row.organizer_id}" if row.organizer_id else (
                "webhook" if row.transport == "webhook" else row.purpose)
            click.echo(f"  {row.id:>5}  {row.purpose:<11} {who:<14} {row.transport:<9} "
                       f"{row.status:<8} tries {row.attempts}"
                       + (f"  {row.error}" if row.error else ""))
        told = dispatcher.wiring.messages.for_case(case.id)
        if told:
            click.echo("  to the worker (what they were sent, and what became of it):")
        for message in told:
            segments = f", {message.segments} SMS" if message.segments else ""
            click.echo(f"  {message.created_at:%Y-%m-%d %H:%M}  {message.purpose:<11} "
                       f"{message.channel:<9} {message.status:<11}{segments}"
                       + (f"  {message.error}" if message.error else ""))
            if message.body:
                click.echo(f"         {message.body}")
