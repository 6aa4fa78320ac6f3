"""The one path to a worker: everything sent to a worker outside the webhook's own reply.

Late replies (the spool, reconciliation) and notices ("an organizer has your case") come
here, and nothing else calls Twilio to reach a worker. For each message it:

- refuses a number that opted out, a case whose worker was erased, and a worker who
  asked not to be contacted, and records the refusal;
- sends to the number and channel the worker chose in their report (another number is
  texted by SMS; "WhatsApp this number" by WhatsApp), else as they wrote to us;
- on WhatsApp, sends free text only inside the 24-hour window that the worker's last
  message opened; outside it, the approved template of the worker's language, or else
  holds the message (encrypted) and says so: it goes out, in order, when the worker next
  writes (``release``). It never sends free text Twilio would refuse (63016);
- folds accents for SMS as replies do, and counts the segments;
- records every message under its caller's key (``store.messages``), so a retry never
  sends twice and staff can see what a worker was sent and what became of it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.config import Settings
from hotline.crypto import Unreadable
from hotline.dialogue.inbound import Channel
from hotline.outbound import OptedOut, PermanentFailure, TransportError, WindowClosed
from hotline.outbound.twilio_sms import UNCONFIRMED, TwilioSender
from hotline.sessions.store import WHATSAPP_WINDOW_SECONDS, held_key, window_key
from hotline.store.cases import ERASED, EXPIRED, CaseRow, CaseStore
from hotline.store.messages import TAKEN, Draft, MessageStatus, MessageStore, WorkerMessage
from hotline.store.optouts import OptOuts
from hotline.words.segments import fold_to_gsm7, measure

log = logging.getLogger(__name__)

#: Free text stops this long before WhatsApp's window closes (clocks and queues differ).
WINDOW_MARGIN = timedelta(minutes=10)
#: Why a message was not sent, as recorded.
OPTED_OUT = "opted out"
NO_CONTACT = "no contact"
UNREADABLE = "number unreadable"
WINDOW_CLOSED = "whatsapp window closed"


class BeingSent(TransportError):
    """Another process is handing this message to Twilio right now: try again later."""


class Outcome(StrEnum):
    SENT = "sent"            # free text, handed to Twilio
    TEMPLATE = "template"    # the approved WhatsApp template, handed to Twilio
    HELD = "held"            # kept until the worker writes (WhatsApp window closed)
    REFUSED = "refused"      # never sent: opted out, erased, no contact


@dataclass(frozen=True)
class Result:
    """What became of one message: ``Result(Outcome.HELD, 12, reason="whatsapp window closed")``."""

    outcome: Outcome
    message_id: int
    provider_id: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Message:
    """Something to tell a worker, in their language, accents kept (SMS folds them here).

    ``key`` makes it once-only: the same key again is the same message (a retry).
    ``template`` names the approved WhatsApp template that says the same outside the
    24-hour window (``"taken"``, ``"conversation"``), with its ``variables``; None: none
    exists.
    ``forget``: keep that it went, not to whom nor what (the answer to an erasure).
    ``Message("delivery:7", "taken", "Good news: …", "ko", "taken", {"1": "4821"})``
    """

    key: str
    purpose: str
    text: str
    locale: str | None = None
    template: str | None = None
    variables: Mapping[str, str] = field(default_factory=dict)
    forget: bool = False


@dataclass(frozen=True)
class Contact:
    """Where a case's worker wants to hear from us; ``number`` None: nowhere."""

    sender: str | None
    number: str | None
    channel: Channel
    refusal: str | None = None


class ToWorker:
    """Send, hold or refuse messages to workers, and record each."""

    def __init__(self, settings: Settings, cases: CaseStore, conn: redis.Redis,
                 twilio: Callable[[], TwilioSender]) -> None:
        self.settings = settings
        self.cases = cases
        self.crypto = cases.crypto
        self.conn = conn
        self.store = MessageStore(cases.engine, cases.crypto)
        self.optouts = OptOuts(cases)
        self._twilio = twilio

    # -- the ways in -----------------------------------------------------------------

    def reply(self, sender: str, channel: Channel, message: Message,
              now: datetime | None = None) -> Result:
        """Send a late reply to the number that wrote, on the channel it wrote by."""
        now = now or datetime.now(UTC)
        result = self._send(Contact(sender, sender, channel), message, None, now)
        if message.forget:
            self.store.forget(result.message_id, now)
        return result

    def about_case(self, case_id: int, message: Message, now: datetime | None = None) -> Result:
        """Send a notice about a case to where its worker chose to be contacted."""
        return self._send(self.contact_of(case_id), message, case_id, now or datetime.now(UTC))

    def release(self, recipient_id: str, channel: Channel, now: datetime | None = None) -> int:
        """Send the messages held for a number (by pseudonym), oldest first, by the channel
        it now writes from; stop at the first that cannot go. Returns how many went;
        raises TransportError (to be retried) if Twilio failed, the message kept held."""
        now = now or datetime.now(UTC)
        went = 0
        for row in self.store.held_for(recipient_id):
            if channel == Channel.WHATSAPP and not self.window_open(recipient_id, now):
                return went
            if row.recipient is None:
                self.store.mark(row.id, MessageStatus.REFUSED, now, error=ERASED)
                continue
            refusal = self._opted_out(row.recipient, None)
            if refusal:
                self.store.mark(row.id, MessageStatus.REFUSED, now, error=refusal)
                continue
            try:
                result = self._hand_over(row, channel, None, now, held=True)
            except BeingSent:
                return went  # another release has it
            except PermanentFailure:
                continue  # recorded as failed; the next one may go
            except TransportError as exc:  # Twilio is failing: keep it, in its place
                self.store.mark(row.id, MessageStatus.HELD, now, error=exc.code)
                log.warning("held message %d not sent yet: %s", row.id, exc.code)
                raise
            if result.outcome == Outcome.HELD:
                return went
            went += result.outcome in (Outcome.SENT, Outcome.TEMPLATE)
        with contextlib.suppress(redis.RedisError):
            if not self.store.held_for(recipient_id):
                self.conn.delete(held_key(self.settings.redis_prefix, recipient_id))
        return went

    def release_open(self, now: datetime | None = None) -> int:
        """Send what is held for every number whose WhatsApp window is open (the upkeep's
        safety net, should Redis have lost a held mark). Returns how many went."""
        now = now or datetime.now(UTC)
        went = 0
        for who in self.store.held_recipients():
            if self.window_open(who, now):
                try:
                    went += self.release(who, Channel.WHATSAPP, now)
                except TransportError as exc:
                    log.warning("held messages not sent yet: %s", exc.code)
        return went

    # -- where and whether -----------------------------------------------------------

    def contact_of(self, case_id: int) -> Contact:
        """Return where a case's worker asked to be contacted, or why nowhere."""
        with Session(self.cases.engine) as db:
            row = db.scalars(select(CaseRow).where(CaseRow.id == case_id)).first()
            if row is None:
                return Contact(None, None, Channel.SMS, "no case")
            method = row.contact_method
            # a case from a phone call ("voice") is answered by SMS to the calling number
            channel = Channel.WHATSAPP if row.channel == Channel.WHATSAPP else Channel.SMS
            try:
                sender = self.crypto.decrypt(row.sender_enc)
                contact = self.crypto.decrypt(row.contact_enc)
            except Unreadable:  # its key was dropped too soon: nobody we can reach
                log.warning("case %d: the worker's number opens under no configured key",
                            case_id)
                return Contact(None, None, channel, UNREADABLE)
            erased = row.sender_id in (ERASED, EXPIRED) or sender is None
            consent = row.consent
        if erased:
            return Contact(None, None, channel, ERASED)
        if method == "none" or not consent:
            return Contact(sender, None, channel, NO_CONTACT)
        if method == "other":
            if not contact:
                return Contact(sender, None, channel, NO_CONTACT)
            return Contact(sender, contact, Channel.SMS)
        if method == "whatsapp":
            return Contact(sender, sender, Channel.WHATSAPP)
        return Contact(sender, sender, channel)  # text or call: the number and way they wrote

    def window_open(self, recipient_id: str, now: datetime) -> bool:
        """Tell whether WhatsApp lets us send free text to this number (by pseudonym)."""
        try:
            raw = self.conn.get(window_key(self.settings.redis_prefix, recipient_id))
        except redis.RedisError as exc:
            log.warning("WhatsApp window unknown (%s): treated as closed", type(exc).__name__)
            return False
        if not raw:
            return False
        heard = datetime.fromtimestamp(int(raw), UTC)
        return now - heard < timedelta(seconds=WHATSAPP_WINDOW_SECONDS) - WINDOW_MARGIN

    def _opted_out(self, number: str, sender: str | None) -> str | None:
        if self.optouts.opted_out(number) or (sender and sender != number
                                              and self.optouts.opted_out(sender)):
            return OPTED_OUT
        return None

    # -- one message -----------------------------------------------------------------

    def _send(self, contact: Contact, message: Message, case_id: int | None,
              now: datetime) -> Result:
        draft = Draft(key=message.key, purpose=message.purpose, sender=contact.sender,
                      recipient=contact.number, channel=str(contact.channel),
                      body=message.text, locale=message.locale, case_id=case_id)
        row, new = self.store.add(draft, now)
        if not new and (settled := _settled(row)) is not None:
            return settled
        refusal = contact.refusal
        if refusal is None and contact.number is not None:
            refusal = self._opted_out(contact.number, contact.sender)
        if refusal is not None or contact.number is None:
            reason = refusal or NO_CONTACT
            self.store.mark(row.id, MessageStatus.REFUSED, now, error=reason)
            log.info("message %d to a worker refused: %s", row.id, reason)
            return Result(Outcome.REFUSED, row.id, reason=reason)
        return self._hand_over(row, contact.channel, message, now)

    def _hand_over(self, row: WorkerMessage, channel: Channel, message: Message | None,
                   now: datetime, *, held: bool = False) -> Result:
        """Send a recorded message by ``channel``: free text, the template, or hold it."""
        number, text = row.recipient, row.body or ""
        assert number is not None
        content_sid = ""
        if channel == Channel.WHATSAPP and not self.window_open(row.recipient_id, now):
            content_sid = self._template_sid(message, row.locale)
            if not content_sid:
                return self._hold(row, now)
        if channel == Channel.SMS and self.settings.sms_fold_accents:
            text = fold_to_gsm7(text) or text
        if not self.store.take(row.id, now, held=held):
            fresh = self.store.get(row.id)
            settled = _settled(fresh) if fresh else None
            if settled is None:  # another process is sending it right now
                raise BeingSent("being sent")
            return settled
        since = None
        if row.error == UNCONFIRMED or row.status == MessageStatus.SENDING:
            # an earlier try lost Twilio's answer, or died mid-send: look before sending
            since = row.created_at
        variables = dict(message.variables) if message else {}
        try:
            try:
                sid = self._post(number, channel, text, content_sid, variables, since)
            except WindowClosed:
                # Twilio says the window is shut after all: the template, else hold it
                content_sid = "" if content_sid else self._template_sid(message, row.locale)
                if not content_sid:
                    return self._hold(row, now)
                sid = self._post(number, channel, text, content_sid, variables, None)
        except OptedOut:
            self.optouts.record(number, now)
            self.store.mark(row.id, MessageStatus.REFUSED, now, error=OPTED_OUT)
            return Result(Outcome.REFUSED, row.id, reason=OPTED_OUT)
        except WindowClosed:
            return self._hold(row, now)
        except PermanentFailure as exc:
            self.store.mark(row.id, MessageStatus.FAILED, now, error=exc.code)
            log.warning("message %d to a worker failed for good: %s", row.id, exc.code)
            raise
        except TransportError as exc:
            self.store.mark(row.id, MessageStatus.FAILED, now, error=exc.code)
            raise
        segments = measure(text).count if channel == Channel.SMS else None
        self.store.mark(row.id, MessageStatus.QUEUED, now, provider_id=sid, channel=str(channel),
                        mode="template" if content_sid else "text", body=text,
                        template=content_sid or None, segments=segments)
        self.store.settle(sid, now)
        log.info("message %d to a worker sent: %s by %s", row.id, row.purpose, channel)
        return Result(Outcome.TEMPLATE if content_sid else Outcome.SENT, row.id, sid)

    def _post(self, number: str, channel: Channel, text: str, content_sid: str,
              variables: dict[str, str], since: datetime | None) -> str:
        return self._twilio().send(number, text, whatsapp=channel == Channel.WHATSAPP,
                                   template=variables if content_sid else None,
                                   content_sid=content_sid, since=since)

    def _template_sid(self, message: Message | None, locale: str | None) -> str:
        if message is None or not locale:
            return ""
        if message.template == "taken":
            return self.settings.taken_templates.get(locale, "")
        if message.template == "conversation":
            return self.settings.conversation_templates.get(locale, "")
        return ""

    def _hold(self, row: WorkerMessage, now: datetime) -> Result:
        self.store.mark(row.id, MessageStatus.HELD, now, error=WINDOW_CLOSED,
                        channel=str(Channel.WHATSAPP))
        try:
            self.conn.set(held_key(self.settings.redis_prefix, row.recipient_id), "1")
        except redis.RedisError as exc:  # the upkeep's release_open still finds it
            log.warning("held mark not set: %s", type(exc).__name__)
        log.info("message %d to a worker held until they write: WhatsApp window closed",
                 row.id)
        return Result(Outcome.HELD, row.id, reason=WINDOW_CLOSED)


def _settled(row: WorkerMessage) -> Result | None:
    """Return what became of a message already recorded, if nothing is left to do."""
    if row.status in TAKEN:
        outcome = Outcome.TEMPLATE if row.mode == "template" else Outcome.SENT
        return Result(outcome, row.id, row.provider_id)
    if row.status == MessageStatus.HELD:
        return Result(Outcome.HELD, row.id, reason=row.error)
    if row.status == MessageStatus.REFUSED:
        return Result(Outcome.REFUSED, row.id, reason=row.error)
    return None
