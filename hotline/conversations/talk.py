"""``Conversations``: the organizer who has a case and its worker, talking through the
hotline number.

The organizer writes ``482135 your message`` from their registered phone (or from the
console); the worker gets it from the hotline number, through the one path to a worker
(``outbound.to_worker``: opt-out, erasure, their chosen contact, WhatsApp's window),
the first one introduced by a line in their language. While the conversation is open
the worker's messages are recorded on the case and relayed to that organizer
(``[482135] …``); the bot stays quiet but for the words that always work
(``dialogue.conversation.route``). Who may be written to is the worker's choice in
their report: only "text me" or "WhatsApp me" at the number they wrote from.

The webhook does the quick part (records, flags, queueing); sending to the worker is a
job (``workers.conversation``), and the upkeep's sweep ends silent conversations,
follows reassigned and closed cases, and raises unanswered workers to the coordinators
(``sweep``). A worker's Redis flag (``sessions.store.talk_key``, read by the same script
that loads their session) says a conversation is open, so a worker with none costs
nothing more.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import redis
from rq import Retry

from hotline.alerts import texts as alerts
from hotline.alerts.claims import Claims
from hotline.alerts.dispatch import Dispatcher
from hotline.alerts.wiring import FAILURE_TTL
from hotline.conversations import opening, sending, sweeping
from hotline.conversations import organizer as from_organizer
from hotline.conversations import words as say
from hotline.conversations.sending import TELL_ENDED, TELL_HANDED_OVER
from hotline.dialogue import conversation as worker_words
from hotline.dialogue.context import Context
from hotline.dialogue.conversation import Route
from hotline.dialogue.inbound import Channel, Inbound
from hotline.dialogue.replies import Reply
from hotline.dialogue.session import Session
from hotline.sessions.store import talk_key
from hotline.store.assignments import Assignment
from hotline.store.cases import CaseView
from hotline.store.conversations import Conversation, ConversationStore, Direction, Ended
from hotline.store.deliveries import Purpose, Status, Transport
from hotline.store.organizers import Organizer

log = logging.getLogger(__name__)

#: The jobs that write to the worker (hotline never imports workers).
SEND_JOB = "workers.conversation.send_to_worker"
TELL_JOB = "workers.conversation.tell_worker"
#: Retries of those jobs (the one path records each message once, so a retry is safe).
JOB_RETRY = Retry(max=4, interval=[10, 60, 300, 900])
#: Purposes of deliveries to organizers about conversations.
RELAY, NOTICE = Purpose.RELAY, Purpose.CONVERSATION


@dataclass(frozen=True)
class Relayed:
    """What the webhook answers a worker in a conversation: ``bodies`` (usually none);
    with ``to_bot`` the conversation was over and the bot answers after them."""

    bodies: tuple[str, ...] = ()
    to_bot: bool = False


class Conversations:
    """Open, carry and end conversations for one deployment."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self.w = w = dispatcher.wiring
        self.settings = w.settings
        self.crypto = w.cases.crypto
        self.catalogs = w.catalogs
        self.store = ConversationStore(w.cases.engine, w.cases.crypto)
        self.claims = Claims(dispatcher)
        self.hours = opening.center_hours(w.settings)

    # -- the organizer writes (``organizer``) ----------------------------------------

    def organizer_says(self, organizer: Organizer, inbound: Inbound,
                       now: datetime) -> str | None:
        """Carry out ``482135 message`` or ``BYE 482135``; return the answer ("" for none),
        or None if the text is not a conversation command."""
        return from_organizer.says(self, organizer, inbound, now)

    def write(self, organizer: Organizer, case_id: int, text: str, now: datetime, *,
              provider_id: str | None = None, locale: str | None = None) -> str:
        """Write to a case's worker as its organizer (by SMS, or from the console); return
        what to tell the organizer ("" when all is as expected)."""
        return from_organizer.write(self, organizer, case_id, text, now,
                                    provider_id=provider_id, locale=locale)

    def after_claims(self, inbound: Inbound, answer: str, now: datetime) -> str:
        """After ``DONE 482135`` closed a case, end its conversation (the worker is told);
        return the organizer's answer, with a line about it if one was open."""
        return from_organizer.after_claims(self, inbound, answer, now)

    # -- the worker writes ---------------------------------------------------------------

    def worker_turn(self, conversation_id: int, session: Session, inbound: Inbound,
                    now: datetime, ctx: Context, *, flood: bool = False) -> Relayed:
        """Take a message from a worker in a conversation: to their organizer, or (the
        words that always work, and MENU, which leaves) to the bot."""
        way = worker_words.route(session, inbound.text, ctx.lexicon, int(now.timestamp()),
                                 ctx.idle_seconds)
        if way == Route.BOT:
            return Relayed(to_bot=True)
        if way == Route.LEAVE:
            return Relayed(self.leave(conversation_id, inbound, now), to_bot=True)
        return self.from_worker(conversation_id, inbound, now, relay=not flood)

    def not_passed(self, locale: str | None, inbound: Inbound) -> tuple[str, ...]:
        """Say a message could not be passed on (the database is down)."""
        fold = inbound.channel == Channel.SMS and self.settings.sms_fold_accents
        shown = locale if locale in self.settings.languages else "en"
        return (self.catalogs.render(Reply(worker_words.NOT_PASSED), shown or "en",
                                     fold_accents=fold),)

    def from_worker(self, conversation_id: int, inbound: Inbound, now: datetime, *,
                    relay: bool = True) -> Relayed:
        """Record a worker's message on their case and relay it to their organizer
        (``relay`` False, a flood: record only)."""
        live = self._live(conversation_id, inbound, now)
        if isinstance(live, Relayed):
            return live
        conversation, case, assignment = live
        bodies: tuple[str, ...] = ()
        owner = self.w.organizers.get(conversation.organizer_id or 0)
        if assignment.claimed_by is not None and assignment.claimed_by != conversation.organizer_id:
            owner = self.w.organizers.get(assignment.claimed_by)
            if owner is not None:  # reassigned; the sweep has not run yet
                self.hand_over(conversation, owner, now, tell_worker=False)
                bodies += self._worker_line(self._handed_over_msgid(), case, inbound,
                                            name=worker_words.first_name(owner.name),
                                            center=self.settings.center_name, ref=case.ref)
        media = tuple((m.url, m.content_type) for m in inbound.media)
        message_id = self.store.add(conversation, Direction.IN,
                                    owner.id if owner else None, str(inbound.channel),
                                    inbound.text, now, provider_id=inbound.sid, media=media)
        if message_id is None:
            log.info("worker message already relayed (MessageSid seen)")
            return Relayed()
        self.flag(conversation)
        if owner is not None and relay:
            self.to_organizer(say.relay_scope(message_id), RELAY, owner, case.id, now)
        log.info("case %d: the worker wrote to their organizer", case.id)
        return Relayed(bodies + self._closed_now(conversation, case, inbound, owner, now))

    def leave(self, conversation_id: int, inbound: Inbound, now: datetime) -> tuple[str, ...]:
        """End a conversation the worker left with MENU (the organizer is told); return
        the line that goes before the menu."""
        live = self._live(conversation_id, inbound, now)
        if isinstance(live, Relayed):
            return live.bodies
        conversation, case, _ = live
        self.end(conversation, Ended.MENU, now, tell_worker=False)
        owner = self.w.organizers.get(conversation.organizer_id or 0)
        return self._worker_line(worker_words.LEFT, case, inbound,
                                 name=worker_words.first_name(owner.name if owner else ""))

    def _live(self, conversation_id: int, inbound: Inbound, now: datetime
              ) -> tuple[Conversation, CaseView, Assignment] | Relayed:
        """Return a worker's open conversation, its case and who has it; or, if it is
        over, what to tell the worker before the bot answers. One that ended meanwhile
        (the flag outlived it) says nothing; one past its silence, or whose case was
        closed, ends now and the worker is told so."""
        worker_id = self.crypto.sender_id(inbound.sender)
        conversation = self.store.get(conversation_id)
        if conversation is None or not conversation.open or conversation.worker_id != worker_id:
            self._unflag(worker_id)
            return Relayed(to_bot=True)
        case = self.w.cases.get(conversation.case_id)
        assignment = self.w.assignments.get(conversation.case_id)
        silent = now - conversation.last_at >= self.silence
        if case is None or assignment is None or assignment.closed_at is not None or silent:
            self.end(conversation, Ended.SILENCE if silent else Ended.DONE, now,
                     tell_worker=False, tell_organizer=silent)
            ref = case.ref if case else "?"
            return Relayed(self._worker_line(worker_words.ENDED, case, inbound, ref=ref),
                           to_bot=True)
        return conversation, case, assignment

    def worker_gone(self, sender: str, why: Ended, now: datetime) -> None:
        """STOP or erasure: end the worker's conversation (their organizer is told), and
        refuse what was held for them, so nothing more is ever sent."""
        worker_id = self.crypto.sender_id(sender)
        self.w.messages.refuse_held(worker_id, "opted out" if why == Ended.OPTED_OUT
                                    else "erased", now)
        conversation = self.store.open_for_worker(worker_id)
        if conversation is not None:
            self.end(conversation, why, now, tell_worker=False)
        self._unflag(worker_id)
        if why == Ended.ERASED:
            self.store.erase(worker_id)

    # -- ending and handing over ---------------------------------------------------------

    def end(self, conversation: Conversation, why: Ended, now: datetime, *,
            tell_worker: bool = True, tell_organizer: bool = True) -> bool:
        """End a conversation (once); tell the worker (a job) and their organizer."""
        ended = self.store.close(conversation.id, why, now)
        if ended is None:
            return False
        self._unflag(conversation.worker_id)
        log.info("conversation %d ended: %s", conversation.id, why)
        if tell_worker:
            self.job(TELL_JOB, conversation.id, TELL_ENDED, 0, 0)
        event = {Ended.MENU: "m", Ended.SILENCE: "s", Ended.OPTED_OUT: "o",
                 Ended.ERASED: "e"}.get(why)
        owner = self.w.organizers.get(ended.organizer_id or 0)
        if tell_organizer and event and owner is not None:
            self.to_organizer(say.event_scope(conversation.id, event, int(now.timestamp())),
                               NOTICE, owner, conversation.case_id, now)
        return True

    def hand_over(self, conversation: Conversation, organizer: Organizer, now: datetime, *,
                  tell_worker: bool = True) -> bool:
        """Give an open conversation to the organizer who now has its case; the worker is
        told their first name, the new organizer that it is theirs, the old one whose."""
        if not self.store.hand_over(conversation.id, organizer.id, now):
            return False
        stamp = int(now.timestamp())
        if tell_worker:
            self.job(TELL_JOB, conversation.id, TELL_HANDED_OVER, organizer.id, stamp)
        self.to_organizer(say.event_scope(conversation.id, "h", stamp), NOTICE, organizer,
                           conversation.case_id, now)
        before = self.w.organizers.get(conversation.organizer_id or 0)
        if before is not None and before.active:
            self.to_organizer(say.event_scope(conversation.id, "a", stamp), NOTICE, before,
                               conversation.case_id, now)
        log.info("conversation %d handed over to organizer %d", conversation.id,
                 organizer.id)
        return True

    # -- jobs and the upkeep ------------------------------------------------------------

    def send(self, message_id: int, intro: bool, now: datetime | None = None) -> str:
        """Send an organizer's message to the worker (the job)."""
        return sending.send_to_worker(self, message_id, intro, now or datetime.now(UTC))

    def tell(self, conversation_id: int, what: str, organizer_id: int, stamp: int,
             now: datetime | None = None) -> str:
        """Tell the worker the conversation ended or who has their case now (the job)."""
        return sending.tell_worker(self, conversation_id, what, organizer_id, stamp,
                                   now or datetime.now(UTC))

    def sweep(self, now: datetime | None = None) -> int:
        """End silent conversations, follow reassigned and closed cases, raise unanswered
        workers to the coordinators (the upkeep, every minute); return how many moved."""
        return sweeping.sweep(self, now or datetime.now(UTC))

    # -- shared ------------------------------------------------------------------------

    @property
    def silence(self) -> timedelta:
        """How long a conversation may stay silent before it ends."""
        return timedelta(days=self.settings.conversation_silence_days)

    def _handed_over_msgid(self) -> str:
        return (worker_words.HANDED_OVER if self.settings.center_name
                else worker_words.HANDED_OVER_NO_CENTER)

    def _closed_now(self, conversation: Conversation, case: CaseView, inbound: Inbound,
                    owner: Organizer | None, now: datetime) -> tuple[str, ...]:
        """Tell a worker who writes outside the center's hours when someone will answer
        (once until then, or until their organizer answers)."""
        opens = opening.next_open(self.hours, now, self.w.zone)
        if opens is None:
            return ()
        told = conversation.told_closed_until
        if told is not None and now < told:
            return ()
        self.store.mark(conversation.id, told_closed_until=opens)
        return self._worker_line(worker_words.CLOSED_NOW, case, inbound,
                                 name=worker_words.first_name(owner.name if owner else ""),
                                 when=opening.say_when(opens, case.locale))

    def _worker_line(self, msgid: str, case: CaseView | None, inbound: Inbound,
                     **params: str) -> tuple[str, ...]:
        """Render a line to the worker in their case's language, for the channel they
        wrote by."""
        locale = case.locale if case is not None else "en"
        if locale not in self.settings.languages:
            locale = "en"
        fold = inbound.channel == Channel.SMS and self.settings.sms_fold_accents
        return (self.catalogs.render(Reply(msgid, params), locale, fold_accents=fold),)

    def to_organizer(self, scope: str, purpose: Purpose, organizer: Organizer,
                      case_id: int, now: datetime) -> None:
        """Create and queue a delivery to an organizer (its words written at send time)."""
        deliveries = self.w.deliveries
        chain = f"{scope}:{purpose}:o{organizer.id}"
        transports = self.dispatcher.transports_for(organizer, purpose)
        if not transports:
            row = deliveries.ensure(chain=chain, transport=Transport.SMS, purpose=purpose,
                                    case_id=case_id, organizer_id=organizer.id, now=now)
            deliveries.mark(row.id, Status.FAILED, now, error="no usable transport")
            log.error("case %d: organizer %d has no usable transport", case_id, organizer.id)
            return
        row = deliveries.ensure(chain=chain, transport=transports[0], purpose=purpose,
                                case_id=case_id, organizer_id=organizer.id, now=now)
        if row.status == Status.PENDING:
            self.dispatcher.attempts.enqueue(row)

    def job(self, name: str, *args: object) -> None:
        try:
            self.w.queue.enqueue(name, *args, retry=JOB_RETRY, failure_ttl=FAILURE_TTL)
        except redis.RedisError as exc:
            log.error("conversation job not queued: %s", type(exc).__name__)

    def flag(self, conversation: Conversation) -> None:
        """Mark the worker's number as talking (read with their session, no extra trip)."""
        days = self.settings.conversation_silence_days + 2
        try:
            self.w.conn.set(talk_key(self.settings.redis_prefix, conversation.worker_id),
                            str(conversation.id), ex=days * 86400)
        except redis.RedisError as exc:  # the sweep sets it again
            log.error("conversation flag not set: %s", type(exc).__name__)

    def _unflag(self, worker_id: str) -> None:
        with contextlib.suppress(redis.RedisError):
            self.w.conn.delete(talk_key(self.settings.redis_prefix, worker_id))

    def say(self, msgid: str, locale: str, **params: str) -> str:
        return alerts.simple(self.catalogs, msgid, locale, **params)
