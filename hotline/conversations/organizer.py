"""An organizer writes to the worker of their case, or ends the conversation.

``482135 your message`` from their registered phone (or the console's form) goes to the
worker, if the case is theirs and the worker asked to be texted or WhatsApped at the
number they wrote from; anyone else is told why not (whose case it is, or the worker's
choice). ``BYE 482135`` ends the conversation and leaves the case open; ``DONE 482135``
closes the case as before, and its conversation with it.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from hotline.alerts import texts as alerts
from hotline.alerts.claims import Verb as ClaimVerb
from hotline.alerts.claims import parse as parse_claim
from hotline.conversations import commands, words
from hotline.conversations.commands import Verb
from hotline.dialogue.inbound import Channel, Inbound
from hotline.outbound.to_worker import ERASED, Contact
from hotline.store import refs
from hotline.store.cases import CaseView
from hotline.store.conversations import Conversation, Direction, Ended
from hotline.store.organizers import Organizer

if TYPE_CHECKING:
    from hotline.conversations.talk import Conversations

log = logging.getLogger(__name__)

#: The job that sends an organizer's message to the worker (hotline never imports workers).
SEND_JOB = "workers.conversation.send_to_worker"
#: Longest message an organizer writes (Twilio takes 1,600 characters).
MAX_TEXT = 1400


def says(talk: Conversations, organizer: Organizer, inbound: Inbound,
         now: datetime) -> str | None:
    """Carry out ``482135 message`` or ``BYE 482135``; return the answer ("" for none),
    or None if the text is not a conversation command."""
    command = commands.parse(inbound.text)
    if command is None:
        return None
    talk.w.organizers.heard_from(organizer.id, now)
    locale = alerts.locale_for(talk.catalogs, organizer.locale)
    if talk.claims.paused(organizer, now):
        return talk.say(alerts.TOO_MANY_TRIES, locale)
    ref = command.ref
    if refs.check(ref) == refs.RefCheck.BAD:
        return talk.claims.failed(organizer, alerts.CHECK_NUMBER, ref, now)
    case_id = talk.w.assignments.case_id(ref)
    if case_id is None:
        return talk.claims.failed(organizer, alerts.NO_SUCH_CASE, ref, now)
    if command.verb == Verb.BYE:
        return _bye(talk, organizer, case_id, ref, locale, now)
    if not command.text:
        return talk.say(words.EMPTY, locale, ref=ref)
    return write(talk, organizer, case_id, command.text, now, provider_id=inbound.sid,
                 locale=locale)


def write(talk: Conversations, organizer: Organizer, case_id: int, text: str, now: datetime,
          *, provider_id: str | None = None, locale: str | None = None) -> str:
    """Write to a case's worker as its organizer (by SMS here, or from the console);
    return what to tell the organizer ("" when all is as expected)."""
    locale = locale or alerts.locale_for(talk.catalogs, organizer.locale)
    case = talk.w.cases.get(case_id)
    assignment = talk.w.assignments.get(case_id)
    if case is None:
        return talk.say(alerts.NO_SUCH_CASE, locale, ref="?")
    ref = case.ref
    if assignment is not None and assignment.closed_at is not None:
        return talk.say(alerts.ALREADY_CLOSED, locale, ref=ref)
    if assignment is None or assignment.claimed_by is None:
        return talk.say(words.NOT_TAKEN, locale, ref=ref)
    if assignment.claimed_by != organizer.id:
        log.warning("organizer %d wrote to the worker of case %d, not theirs",
                    organizer.id, case_id)
        return talk.say(words.NOT_YOURS, locale, ref=ref, name=assignment.claimed_name or "?")
    contact = talk.w.to_worker.contact_of(case_id)
    refused = refusal(talk, case, contact)
    if refused is not None:
        return talk.say(refused, locale, ref=ref)
    assert contact.sender is not None and contact.number is not None
    conversation = talk.store.open_for_case(case_id)
    if conversation is None:
        conversation = _open(talk, case, organizer, contact.sender, now)
    elif conversation.organizer_id != organizer.id:  # reassigned; the sweep not run yet
        talk.hand_over(conversation, organizer, now)
    intro = not conversation.introduced
    message_id = talk.store.add(conversation, Direction.OUT, organizer.id,
                                str(contact.channel), text[:MAX_TEXT], now,
                                provider_id=provider_id)
    if message_id is None:
        return ""  # sent before (a duplicate delivery of the same text)
    talk.flag(conversation)
    talk.job(SEND_JOB, message_id, intro)
    log.info("case %d: organizer %d wrote to the worker", case_id, organizer.id)
    recipient = talk.crypto.sender_id(contact.number)
    if contact.channel == Channel.WHATSAPP and not talk.w.to_worker.window_open(
            recipient, now):
        invited = case.locale in talk.settings.conversation_templates
        return talk.say(words.HELD_INVITED if invited else words.HELD, locale)
    return talk.say(words.OPENED, locale, ref=ref) if intro else ""


def refusal(talk: Conversations, case: CaseView, contact: Contact) -> str | None:
    """Say why the worker of a case may not be written to (the organizer's words); None
    if they may: only a worker who asked for a text or WhatsApp at the number they wrote
    from, and did not opt out or erase themselves since."""
    if contact.refusal == ERASED:
        return words.ERASED
    if contact.sender is None or not case.consent or case.contact_method == "none":
        return words.NO_CONTACT
    if case.contact_method == "call":
        return words.CALL_ONLY
    if case.contact_method == "other":
        return words.OTHER_NUMBER
    if (contact.refusal is not None or contact.number is None
            or case.contact_method not in ("text", "whatsapp")):
        return words.NO_CONTACT
    if talk.w.optouts.opted_out(contact.number):
        return words.OPTED_OUT
    return None


def _open(talk: Conversations, case: CaseView, organizer: Organizer, sender: str,
          now: datetime) -> Conversation:
    worker_id = talk.crypto.sender_id(sender)
    other = talk.store.open_for_worker(worker_id)
    if other is not None:  # one conversation a worker at a time: the newest case's
        talk.end(other, Ended.BYE, now, tell_worker=False)
    conversation = talk.store.start(case.id, organizer.id, worker_id, now)
    log.info("case %d: conversation %d opened", case.id, conversation.id)
    return conversation


def _bye(talk: Conversations, organizer: Organizer, case_id: int, ref: str, locale: str,
         now: datetime) -> str:
    assignment = talk.w.assignments.get(case_id)
    if not organizer.coordinating and (assignment is None
                                       or assignment.claimed_by != organizer.id):
        if assignment is None or assignment.claimed_by is None:
            return talk.say(words.NOT_TAKEN, locale, ref=ref)
        return talk.say(words.NOT_YOURS, locale, ref=ref, name=assignment.claimed_name or "?")
    conversation = talk.store.open_for_case(case_id)
    if conversation is None:
        return talk.say(words.NO_CONVERSATION, locale, ref=ref)
    talk.end(conversation, Ended.BYE, now)
    return talk.say(words.BYE, locale, ref=ref)


def after_claims(talk: Conversations, inbound: Inbound, answer: str, now: datetime) -> str:
    """After ``DONE 482135`` closed a case, end its conversation (the worker is told);
    return the organizer's answer, with a line about it if one was open."""
    command = parse_claim(inbound.text)
    if command is None or command.verb != ClaimVerb.CLOSE:
        return answer
    case_id = talk.w.assignments.case_id(command.ref)
    conversation = talk.store.open_for_case(case_id) if case_id is not None else None
    assignment = talk.w.assignments.get(case_id) if case_id is not None else None
    if conversation is None or assignment is None or assignment.closed_at is None:
        return answer
    talk.end(conversation, Ended.DONE, now)
    organizer = talk.claims.organizer(inbound)
    locale = alerts.locale_for(talk.catalogs, organizer.locale if organizer else "en")
    return answer + "\n" + talk.say(words.DONE_ENDED, locale)
