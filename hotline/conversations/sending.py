"""The jobs' side of a conversation: what goes to the worker, through the one path.

An organizer's message goes as they wrote it, the first of a conversation after a line
in the worker's language that names the organizer and the center and says how to go
back to the menu. Outside WhatsApp's 24-hour window the approved template (if staff set
one for the worker's language) asks the worker to reply, once, and the message itself
is held by the one path until they do; held messages then go in order.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from hotline.dialogue import conversation as worker_words
from hotline.dialogue.inbound import Channel
from hotline.dialogue.replies import Reply
from hotline.outbound.to_worker import Message
from hotline.store.cases import CaseView

if TYPE_CHECKING:
    from hotline.conversations.talk import Conversations

log = logging.getLogger(__name__)

#: What the one path records these messages as.
PURPOSE = "talk"
INVITE_PURPOSE = "talk_invite"
#: What ``tell_worker`` says: the conversation ended, or a new organizer has the case.
TELL_ENDED, TELL_HANDED_OVER = "ended", "handed_over"


def send_to_worker(talk: Conversations, message_id: int, intro: bool,
                   now: datetime) -> str:
    """Send an organizer's message to the worker; say what became of it."""
    store, w = talk.store, talk.w
    message = store.message(message_id)
    if message is None:
        return "gone"  # erased meanwhile
    conversation = store.get(message.conversation_id)
    case = w.cases.get(message.case_id)
    if conversation is None or case is None:
        return "gone"
    if not conversation.open:
        log.info("conversation %d ended before message %d went", conversation.id,
                 message_id)
        return "ended"
    text = message.body or ""
    if intro:
        organizer = w.organizers.get(message.organizer_id or 0)
        msgid = worker_words.INTRO if talk.settings.center_name else worker_words.INTRO_NO_CENTER
        line = _render(talk, msgid, case, name=worker_words.first_name(
            organizer.name if organizer else ""), center=talk.settings.center_name)
        text = f"{line}\n\n{text}"
    _invite(talk, conversation.id, conversation.invited_at is None, case, message_id, now)
    result = w.to_worker.about_case(case.id, Message(
        key=f"talk:{message_id}", purpose=PURPOSE, text=text, locale=case.locale), now)
    store.link(message_id, result.message_id)
    log.info("conversation %d: message %d to the worker %s", conversation.id, message_id,
             result.outcome)
    return str(result.outcome)


def _invite(talk: Conversations, conversation_id: int, not_yet: bool, case: CaseView,
            message_id: int, now: datetime) -> None:
    """Outside WhatsApp's window, ask the worker by the approved template to reply (once
    until they write again); their reply opens the window and releases what is held."""
    w = talk.w
    if not not_yet or case.locale not in talk.settings.conversation_templates:
        return
    contact = w.to_worker.contact_of(case.id)
    if contact.channel != Channel.WHATSAPP or contact.number is None:
        return
    if w.to_worker.window_open(talk.crypto.sender_id(contact.number), now):
        return
    w.to_worker.about_case(case.id, Message(
        key=f"talk-invite:{message_id}", purpose=INVITE_PURPOSE,
        text=_render(talk, worker_words.INVITE, case), locale=case.locale,
        template="conversation", variables={"1": case.ref}), now)
    talk.store.mark(conversation_id, invited_at=now)


def tell_worker(talk: Conversations, conversation_id: int, what: str, organizer_id: int,
                stamp: int, now: datetime) -> str:
    """Tell the worker their conversation ended, or who has their case now (handed over
    at ``stamp``, epoch seconds: each hand-over is told once)."""
    w = talk.w
    conversation = talk.store.get(conversation_id)
    case = w.cases.get(conversation.case_id) if conversation else None
    if conversation is None or case is None:
        return "gone"
    if what == TELL_ENDED:
        key = f"talk-ended:{conversation_id}"
        text = _render(talk, worker_words.ENDED, case)
    else:
        organizer = w.organizers.get(organizer_id)
        if organizer is None or not conversation.open or conversation.organizer_id != organizer_id:
            return "moved on"  # handed over again, or ended, meanwhile
        msgid = (worker_words.HANDED_OVER if talk.settings.center_name
                 else worker_words.HANDED_OVER_NO_CENTER)
        key = f"talk-handed:{conversation_id}:{organizer_id}:{stamp}"
        text = _render(talk, msgid, case, name=worker_words.first_name(organizer.name),
                       center=talk.settings.center_name)
    result = w.to_worker.about_case(case.id, Message(key=key, purpose=PURPOSE, text=text,
                                                     locale=case.locale), now)
    return str(result.outcome)


def _render(talk: Conversations, msgid: str, case: CaseView, **params: str) -> str:
    """Render a line to the worker in their case's language (the one path folds accents
    for SMS)."""
    return talk.catalogs.render(Reply(msgid, {"ref": case.ref, **params}), case.locale)
