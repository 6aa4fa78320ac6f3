"""What the case page shows of the conversation between a case's organizer and its
worker: every message both ways with its delivery, what is held and why, and whether
the signed-in person may write (and if not, why not, in words an organizer reads).

The rules are the SMS path's (``conversations.organizer``): only the organizer who has
the case writes, and only to a worker who asked to be texted or WhatsApped at the number
they wrote from; this module only says so before anyone presses a button.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from hotline.conversations import words as sms_words
from hotline.conversations.organizer import refusal
from hotline.dialogue.inbound import Channel
from hotline.store.cases import CaseView
from hotline.store.conversations import Conversation, Direction, TalkMessage
from hotline.store.messages import MessageStatus, WorkerMessage
from hotline.store.organizers import Organizer
from hotline.web.console import labels
from hotline.web.console.access import console, staff
from hotline.web.console.words import L_, t

#: Why the worker may not be written to, by the SMS path's reason.
WHY_NOT = {
    sms_words.CALL_ONLY: L_("The worker asked for a phone call, not messages: they cannot "
                            "be written to through the hotline. Show their number to call "
                            "them."),
    sms_words.OTHER_NUMBER: L_("The worker asked to be reached at another number, not at "
                               "the one they wrote from: they cannot be written to through "
                               "the hotline."),
    sms_words.NO_CONTACT: L_("The worker asked not to be contacted: nothing can be sent to "
                             "them."),
    sms_words.OPTED_OUT: L_("The worker sent STOP: nothing can be sent to them."),
    sms_words.ERASED: L_("The worker erased their data: nothing can be sent to them."),
}
DID_NOT_AGREE = L_("The worker did not agree to be contacted: nothing can be sent to them.")
#: What a message to the worker became, as the one path and /twilio/status recorded it.
STATUSES = {
    MessageStatus.NEW: L_("waiting to be sent"), MessageStatus.SENDING: L_("being sent"),
    MessageStatus.HELD: L_("held"), MessageStatus.REFUSED: L_("not sent"),
    MessageStatus.FAILED: L_("failed"), MessageStatus.QUEUED: L_("sent to Twilio"),
    MessageStatus.SENT: L_("sent"), MessageStatus.UNDELIVERED: L_("not delivered"),
    MessageStatus.DELIVERED: L_("delivered"), MessageStatus.READ: L_("read"),
}
#: Why a conversation ended.
ENDINGS = {
    "bye": L_("ended by the organizer"), "done": L_("the case was closed"),
    "menu": L_("the worker went back to the menu"),
    "silence": L_("nobody wrote for too long"), "opted_out": L_("the worker sent STOP"),
    "erased": L_("the worker erased their data"),
    "no_contact": L_("the worker can no longer be written to"),
}


def once_token() -> str:
    """Return a fresh token for one message form (it becomes the message's provider id)."""
    return secrets.token_urlsafe(16)


@dataclass(frozen=True)
class Line:
    """One message of the conversation, as the case page shows it."""

    id: int
    at: datetime
    incoming: bool
    author: str
    body: str
    channel: str
    photos: int
    status: str = ""      # an organizer's message: what became of it
    held: str = ""        # an organizer's message waiting: why
    failed: bool = False


@dataclass(frozen=True)
class Panel:
    """The conversation of a case for the signed-in person."""

    lines: tuple[Line, ...]
    current: Conversation | None
    owner: str
    may_write: bool
    why_not: str
    may_end: bool
    window_note: str
    past: tuple[tuple[datetime, str], ...]


def lines(case: CaseView) -> list[Line]:
    """Return every message of a case's conversations, oldest first, with what became
    of each of the organizer's."""
    c = console()
    names = {o.id: o.name for o in c.organizers.all()}
    sent = {m.id: m for m in c.messages.for_case(case.id)}
    templated = case.locale in c.service.settings.conversation_templates
    return [_line(m, names, sent, templated) for m in c.service.talk.store.messages_for_case(
        case.id)]


def _line(m: TalkMessage, names: dict[int, str], sent: dict[int, WorkerMessage],
          templated: bool) -> Line:
    photos = len(m.media)
    channel = labels.name(labels.TRANSPORTS, m.channel)
    body = labels.readable(m.body) or ""
    if m.direction == Direction.IN:
        return Line(m.id, m.created_at, True, t(L_("The worker")), body, channel, photos)
    author = names.get(m.organizer_id or 0, "?")
    row = sent.get(m.worker_message_id or 0)
    if row is None:
        return Line(m.id, m.created_at, False, author, body, channel, photos,
                    t(STATUSES[MessageStatus.NEW]))
    status = status_words(row)
    held = ""
    if row.status == MessageStatus.HELD:
        held = t(L_("WhatsApp's 24-hour window is closed; an approved template asked the "
                    "worker to reply, and this goes to them when they do.") if templated
                 else L_("WhatsApp's 24-hour window is closed and no template is set up "
                         "for the worker's language: this goes to them only when they "
                         "write again."))
    failed = row.status in (MessageStatus.FAILED, MessageStatus.UNDELIVERED,
                            MessageStatus.REFUSED)
    return Line(m.id, m.created_at, False, author, body, channel, photos, status,
                held, failed)


def status_words(row: WorkerMessage) -> str:
    """Say what became of a message to the worker, in the reader's language (Twilio's
    status as words, and why it was refused or failed)."""
    status = t(STATUSES.get(row.status, L_("waiting to be sent")))
    if row.status == MessageStatus.REFUSED and row.error:
        status += " (" + t(_REFUSALS.get(row.error, L_("the worker cannot be reached"))) + ")"
    elif row.status in (MessageStatus.FAILED, MessageStatus.UNDELIVERED) and row.error:
        status += f" ({row.error})"
    return status


_REFUSALS = {"opted out": L_("the worker sent STOP"),
             "erased": L_("the worker erased their data"),
             "no contact": L_("the worker asked not to be contacted")}


def why_not_to(case: CaseView, me: Organizer) -> str:
    """Say why the signed-in organizer may not write to the worker of a case ("" if
    they may), in the console's words: the SMS path's rules, checked in its order."""
    c = console()
    assignment = c.assignments.get(case.id)
    if assignment is not None and assignment.closed_at is not None:
        return t(L_("The case is closed: reopen it to write to the worker."))
    if assignment is None or assignment.claimed_by is None:
        return t(L_("Nobody has taken this case yet: take it first to write to the worker."))
    if assignment.claimed_by != me.id:
        return t(L_("This case is with %(name)s: only they can write to the worker."),
                 name=assignment.claimed_name or "?")
    reason = refusal(c.service.talk, case, c.service.talk.w.to_worker.contact_of(case.id))
    if reason is None:
        return ""
    if reason == sms_words.NO_CONTACT and not case.consent:
        return t(DID_NOT_AGREE)
    return t(WHY_NOT.get(reason, WHY_NOT[sms_words.NO_CONTACT]))


def window_note(case: CaseView, now: datetime) -> str:
    """Say, for a worker on WhatsApp whose 24-hour window is closed, what happens to a
    message written now ("" when it goes at once)."""
    c = console()
    contact = c.service.talk.w.to_worker.contact_of(case.id)
    if contact.channel != Channel.WHATSAPP or contact.number is None:
        return ""
    if c.service.talk.w.to_worker.window_open(c.crypto.sender_id(contact.number), now):
        return ""
    if case.locale in c.service.settings.conversation_templates:
        return t(L_("The worker has not written on WhatsApp for a day: a message written "
                    "now is held, an approved template asks them to reply, and it goes to "
                    "them when they do."))
    return t(L_("The worker has not written on WhatsApp for a day and no WhatsApp "
                "template is set up for their language: this worker can only be reached "
                "by SMS. A message written now is held until they write again."))


def panel(case: CaseView, now: datetime | None = None) -> Panel:
    """Gather the conversation of a case for the signed-in person."""
    c, who = console(), staff()
    now = now or datetime.now(UTC)
    store = c.service.talk.store
    current = store.open_for_case(case.id)
    owner = ""
    if current is not None:
        found = c.organizers.get(current.organizer_id or 0)
        owner = found.name if found else "?"
    why_not = why_not_to(case, who.organizer)
    assignment = c.assignments.get(case.id)
    mine = assignment is not None and assignment.claimed_by == who.organizer.id
    past = tuple((conv.closed_at, t(ENDINGS.get(conv.ended or "", L_("ended"))))
                 for conv in store.for_case(case.id) if conv.closed_at is not None)
    return Panel(
        lines=tuple(lines(case)), current=current, owner=owner, may_write=not why_not,
        why_not=why_not, may_end=current is not None and (mine or who.coordinating),
        window_note=window_note(case, now) if not why_not else "", past=past)
