"""The upkeep's round of open conversations (every minute, on its own clock).

A conversation whose case was closed (in the console, or by ``DONE``) ends and the
worker is told; one whose case went to another organizer is handed over; one silent
for CONVERSATION_SILENCE_DAYS ends, both sides told. A worker left without an answer
for CONVERSATION_ANSWER_MINUTES (URGENT_… for an urgent case) is raised to the
coordinators, as an unclaimed case is (or, with none to reach, to DIGEST_TO), once per
wait; the notice says how long, never what the worker wrote. Each round also sets the
workers' conversation flags again, should Redis have lost them.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import redis

from hotline.conversations import words as say
from hotline.sessions.store import talk_key
from hotline.store.conversations import Conversation, Ended
from hotline.store.deliveries import Purpose, Status, Transport
from hotline.store.organizers import Role

if TYPE_CHECKING:
    from hotline.conversations.talk import Conversations

log = logging.getLogger(__name__)


def sweep(talk: Conversations, now: datetime) -> int:
    """Do one round; return how many conversations ended, moved or were raised."""
    w = talk.w
    moved = 0
    still_open: list[Conversation] = []
    for conversation in talk.store.open_ones():
        assignment = w.assignments.get(conversation.case_id)
        if assignment is None or assignment.closed_at is not None:
            moved += talk.end(conversation, Ended.DONE, now)
            continue
        owner_id = assignment.claimed_by
        if owner_id is not None and owner_id != conversation.organizer_id:
            owner = w.organizers.get(owner_id)
            if owner is not None and talk.hand_over(conversation, owner, now):
                moved += 1
                conversation = talk.store.get(conversation.id) or conversation
        if now - conversation.last_at >= talk.silence:
            moved += talk.end(conversation, Ended.SILENCE, now)
            continue
        still_open.append(conversation)
        if _unanswered(talk, conversation, assignment.urgent, now):
            moved += _raise(talk, conversation, now)
    _flags(talk, still_open)
    return moved


def _unanswered(talk: Conversations, conversation: Conversation, urgent: bool,
                now: datetime) -> bool:
    since = conversation.waiting_since
    if since is None or conversation.escalated_at is not None:
        return False
    s = talk.settings
    minutes = s.urgent_conversation_answer_minutes if urgent else s.conversation_answer_minutes
    return now - since >= timedelta(minutes=minutes)


def _raise(talk: Conversations, conversation: Conversation, now: datetime) -> int:
    """Tell the coordinators (or DIGEST_TO) that a worker waits for an answer."""
    w = talk.w
    assert conversation.waiting_since is not None
    # one notice per wait, named by when the wait began
    scope = say.event_scope(conversation.id, "u", say.wait_stamp(conversation.waiting_since))
    coordinators = [o for o in w.organizers.all() if o.active and o.role == Role.COORDINATOR
                    and o.id != conversation.organizer_id
                    and talk.dispatcher.transports_for(o, Purpose.CONVERSATION)]
    for coordinator in coordinators:
        talk.to_organizer(scope, Purpose.CONVERSATION, coordinator, conversation.case_id,
                           now)
    told = len(coordinators)
    if not told and w.ready("email"):
        for address in (a.strip() for a in w.settings.digest_to.split(",") if a.strip()):
            row = w.deliveries.ensure(
                chain=f"{scope}:{Purpose.CONVERSATION}:{address}", transport=Transport.EMAIL,
                purpose=Purpose.CONVERSATION, case_id=conversation.case_id, recipient=address,
                now=now)
            if row.status == Status.PENDING:
                talk.dispatcher.attempts.enqueue(row)
            told += 1
    talk.store.mark(conversation.id, escalated_at=now)
    w.cases.record(conversation.case_id, "talk_unanswered", f"raised to {told} recipient(s)")
    if told:
        log.warning("case %d: the worker waits for an answer; raised to %d",
                    conversation.case_id, told)
    else:
        log.critical("case %d: the worker waits for an answer and no coordinator or "
                     "DIGEST_TO can be told", conversation.case_id)
    return 1


def _flags(talk: Conversations, conversations: list[Conversation]) -> None:
    """Set the open conversations' flags again (Redis may have lost them)."""
    if not conversations:
        return
    ttl = (talk.settings.conversation_silence_days + 2) * 86400
    prefix = talk.settings.redis_prefix
    try:
        with talk.w.conn.pipeline(transaction=False) as pipe:
            for conversation in conversations:
                pipe.set(talk_key(prefix, conversation.worker_id), str(conversation.id),
                         ex=ttl)
            pipe.execute()
    except redis.RedisError as exc:
        log.error("conversation flags not set again: %s", type(exc).__name__)
