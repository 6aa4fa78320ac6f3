"""``hotline upkeep|reconcile|retention``: the periodic work, by hand."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from hotline import config
from hotline.cli.cases import open_store

if TYPE_CHECKING:
    pass

#: Keywords pybabel extracts besides its defaults (``_``, ``N_``, ``pgettext``…).
EXTRACT_KEYWORDS = ("NP_:1c,2",)


@click.command()
def upkeep() -> None:
    """Run one round of upkeep now: outbox, spool, reconciliation, retention."""
    from hotline.outbound.twilio_sms import TwilioSender
    from hotline.service import Service
    from hotline.upkeep import Upkeep

    settings = config.load()
    service = Service.from_settings(settings)
    twilio = TwilioSender(settings)
    try:
        report = Upkeep(service, twilio).tick()
    finally:
        twilio.close()
        service.close()
    click.echo(f"upkeep: {report.requeued} alert(s) queued, {report.replayed} spooled "
               f"message(s) replayed, {report.reconciled} missed message(s) reconciled, "
               f"{report.released} held message(s) sent, "
               f"{report.expired} case(s) past retention")


@click.command()
def reconcile() -> None:
    """Ask Twilio for recent inbound messages and handle any we never saw."""
    from datetime import UTC, datetime

    from hotline.outbound.twilio_sms import TwilioSender
    from hotline.service import Service
    from hotline.upkeep import Upkeep

    settings = config.load()
    service = Service.from_settings(settings)
    twilio = TwilioSender(settings)
    try:
        if not twilio.configured:
            raise click.ClickException("set TWILIO_ACCOUNT_SID and TWILIO_FROM first")
        count = Upkeep(service, twilio).reconcile(datetime.now(UTC))
    finally:
        twilio.close()
        service.close()
    click.echo(f"reconcile: {count} missed message(s) handled")


@click.command()
def retention() -> None:
    """Strip personal data from cases and messages to workers older than RETENTION_DAYS,
    and delete conversation messages that old."""
    from datetime import UTC, datetime, timedelta

    from hotline.store.conversations import ConversationStore
    from hotline.store.messages import MessageStore

    settings = config.load()
    with open_store() as store:
        cutoff = datetime.now(UTC) - timedelta(days=settings.retention_days)
        MessageStore(store.engine, store.crypto).strip_older_than(cutoff)
        ConversationStore(store.engine, store.crypto).strip_older_than(cutoff)
        count = store.strip_older_than(cutoff)
    click.echo(f"retention: personal data removed from {count} case(s)")
