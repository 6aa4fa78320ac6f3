"""While Redis is down: the message kept in the SQL spool and answered at once ("we will
answer soon"), then replayed through the normal path once Redis is back, its replies
texted through the one path to a worker.

A sender's messages are handled in the order they arrived: once one of theirs is kept
while Redis answers (their lock was held, or earlier ones are kept), Redis marks them,
and their later messages are kept behind it until the drain has replayed them all
(``hotline worker`` drains within a second or two of Redis answering again). A message
replayed after later ones were answered anyway (Redis was unreachable, so no mark) is
judged by the dialogue as late: a story part joins the report it belonged to.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import redis
from sqlalchemy.exc import SQLAlchemyError

from hotline.dialogue import messages
from hotline.dialogue.effects import AddToStory, CaseKind, FileCase
from hotline.dialogue.inbound import Inbound
from hotline.dialogue.language import detect
from hotline.dialogue.replies import Reply
from hotline.sessions.store import Behind, Busy

if TYPE_CHECKING:
    from hotline.service import Service

log = logging.getLogger(__name__)

#: How many kept messages one drain replays (``Spool.kept``'s page).
KEPT_PER_PASS = 500

Deliver = Callable[[str, Inbound, tuple[str, ...], bool], bool]
"""Sends replies outside a webhook response (the spool drain) through the one path to a
worker: ``deliver(key, inbound, bodies, forget)``; True once each was sent, held or
refused (False: try again later)."""


@dataclass(frozen=True, slots=True)
class Handled:
    """The bodies to send back, and whether they were a replay of an earlier answer."""

    bodies: tuple[str, ...]
    duplicate: bool = False
    spooled: bool = False
    erased: bool = False


def in_order(service: Service, inbound: Inbound, now: datetime) -> Handled:
    """Answer a worker's message now, or keep it (in order) when Redis cannot take it."""
    token = secrets.token_hex(16)
    try:
        return service.handle_now(inbound, now, token=token)
    except Behind:
        log.info("message spooled behind the sender's earlier ones")
        mark, lock = True, None
    except (redis.RedisError, Busy) as exc:
        log.error("message spooled: %s", type(exc).__name__)
        # busy: Redis answers, so the sender's next ones queue too; a Redis error: the
        # try may still run later and leave the lock, which the replay takes back
        mark, lock = isinstance(exc, Busy), None if isinstance(exc, Busy) else token
    return Handled(answer_later(service, inbound, now, lock=lock, mark=mark), spooled=True)


def answer_later(service: Service, inbound: Inbound, now: datetime, *,
                 lock: str | None = None, mark: bool = False) -> tuple[str, ...]:
    """Keep a message Redis could not take; return the answer that we will answer soon.

    ``lock``: the lock token of its try that timed out; ``mark``: Redis answers (the
    sender was busy, or behind), so mark the sender's later messages to queue behind.
    """
    try:
        service.spool.put(inbound, now, lock=lock)
        if mark:
            with contextlib.suppress(redis.RedisError):
                service.sessions.mark_queued(inbound.sender)
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
    replayed, paused = 0, False
    spool, erased = service.spool, service.erased_replies
    kept = spool.kept()
    senders: set[str] = set()
    for row_id, received_at, inbound, lock in kept:
        try:
            handled = service.handle_now(inbound, received_at, replaying=True, take_over=lock)
        except (redis.RedisError, Busy) as exc:
            log.warning("spool drain paused: %s", type(exc).__name__)
            paused = True
            break
        senders.add(inbound.sender)
        # a duplicate was answered already (Twilio's retry, or reconciliation)
        spool.handled(row_id, () if handled.duplicate else handled.bodies)
        if handled.erased:  # its answer goes out, but nothing is kept about whom
            erased.add(row_id)
        replayed += 1
    if not paused and len(kept) < KEPT_PER_PASS:  # all replayed: they queue no more
        with contextlib.suppress(redis.RedisError):
            for sender in senders:
                service.sessions.unmark_queued(sender)
    for row_id, inbound, bodies in spool.unsent():
        forget = row_id in erased
        if bodies and not deliver(f"spool:{row_id}", inbound, bodies, forget):
            break  # Twilio is failing: the rest wait for the next tick, in order
        spool.sent(row_id)
        erased.discard(row_id)
    return replayed


def add_to_story(service: Service, effect: AddToStory, now: datetime) -> bool:
    """Add a late story part to the report it belonged to (the sender's, still open)."""
    try:
        found = service.cases.open_case_of(effect.sender)
        if found is None or found[1] != effect.ref:
            log.warning("late story part not added: its report is closed or gone")
            return False
        service.cases.add_to(found[0], FileCase(
            kind=CaseKind.REPORT, locale="", channel="", sender=effect.sender,
            contact_method="", details=(effect.text,) if effect.text else (),
            media=effect.media), now)
    except SQLAlchemyError as exc:
        log.error("late story part not added: %s", type(exc).__name__)
        return False
    log.info("case %d: a late story part was added to it", found[0])
    if effect.media:
        service.enqueue_evidence(found[0])  # copied from Twilio like any case's photos
    return True
