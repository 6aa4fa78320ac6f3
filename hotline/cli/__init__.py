"""``hotline``: chat with the bot, serve it, run the worker, manage words, cases and organizers.

One module per command group; this one only gathers them under ``main``.
"""

from __future__ import annotations

import click

from hotline.cli import alerts, cases, db, evidence, facts, i18n, keys, organizers, serve, upkeep


@click.group()
def main() -> None:
    """hotline: a multilingual SMS/WhatsApp worker-rights hotline."""


for _command in (
    serve.chat, serve.run, serve.worker,
    i18n.i18n,
    facts.facts,
    cases.cases, cases.erase,
    evidence.evidence,
    db.db,
    upkeep.upkeep, upkeep.reconcile, upkeep.retention,
    organizers.organizers,
    alerts.alerts_,
):
    main.add_command(_command)
for _command in (keys.new_secret, keys.derived_keys, keys.rotate, keys.accept_secret):
    db.db.add_command(_command)
