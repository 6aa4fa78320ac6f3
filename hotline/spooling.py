"""While Redis is down: the message kept in the SQL spool and answered at once ("we will
answer soon"), then replayed through the normal path once Redis is back, its replies
texted through the one path to a worker. Moved out of ``service`` as it was."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import redis
from sqlalchemy.exc import SQLAlchemyError

from hotline.dialogue import messages
from hotline.dialogue.inbound import Inbound
from hotline.dialogue.language import detect
from hotline.dialogue.replies import Reply
from hotline.sessions.store import Busy

if TYPE_CHECKING:
    from hotline.service import Service

log = logging.getLogger(__name__)

Deliver = Callable[[str, Inbound, tuple[str, ...], bool], bool]
"""Sends replies outside a webhook response (the spool drain) through the one path to a
worker: ``deliver(key, inbound, bodies, forget)``; True once each was sent, held or
refused (False: try again later)."""


def answer_later(service: Service, inbound: Inbound, now: datetime) -> tuple[str, ...]:
    """Keep a message Redis could not take; return the answer that we will answer soon."""
    try:
        service.spool.put(inbound, now)
        if service.optouts.opted_out(inbound.sender):
            return ()  # kept for START; never answered now
    except SQLAlchemyError as exc:
        log.critical("message lost: Redis and the database are both down (%s)",
                     type(exc).__name__)
    guess = detect(inbound.text)
    locales = [guess] if guess in service.languages else list(service.languages)
    phone = service.settings.center_phone
    reply = Reply(messages.OUTAGE_WITH_PHONE if phone else messages.OUTAGE, {"phone": phone})
    body = "\n\n".join(service.render(reply, loc, inbound.channel, None) for loc in locales)
    return (body,)


def drain(service: Service, deliver: Deliver) -> int:
    """Replay spooled messages once Redis is back; send their replies by ``deliver``.

    Each message goes through the normal path (so a MessageSid is still handled once);
    a message is marked handled before its replies go out and sent after, so a crash
    in between re-sends at most that one message's replies.
    """
    replayed = 0
    spool, erased = service.spool, service.erased_replies
    for row_id, received_at, inbound in spool.waiting():
        try:
            handled = service.handle_now(inbound, received_at)
        except (redis.RedisError, Busy) as exc:
            log.warning("spool drain paused: %s", type(exc).__name__)
            break
        # a duplicate was answered already (Twilio's retry, or reconciliation)
        spool.handled(row_id, () if handled.duplicate else handled.bodies)
        if handled.erased:  # its answer goes out, but nothing is kept about whom
            erased.add(row_id)
        replayed += 1
    for row_id, inbound, bodies in spool.unsent():
        forget = row_id in erased
        if bodies and not deliver(f"spool:{row_id}", inbound, bodies, forget):
            break  # Twilio is failing: the rest wait for the next tick, in order
        spool.sent(row_id)
        erased.discard(row_id)
    return replayed
