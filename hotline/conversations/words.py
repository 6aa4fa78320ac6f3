"""The words organizers read about conversations, and the writing of each delivery.

A delivery row names what it carries in its chain and holds ids only; the words are
written here at send time: a worker's message relayed to their organizer (``t<id>``),
or a notice about a conversation (``v<id><event><stamp>``: the worker left, it ended,
it was handed over, or nobody answered the worker). The worker's words go only in a
relay to the organizer it was addressed to, never in a notice.
"""

from __future__ import annotations

import re
from datetime import datetime

from hotline.alerts import texts as alerts
from hotline.alerts.wiring import Wiring
from hotline.dialogue.replies import Reply
from hotline.dialogue.text import N_
from hotline.store.conversations import ConversationStore
from hotline.store.deliveries import Delivery, Transport
from hotline.store.organizers import Organizer
from hotline.words.segments import fold_to_gsm7, measure

#: A relayed message by SMS fits in this many segments, as an alert does.
MAX_SEGMENTS = alerts.MAX_SEGMENTS
#: Longest relayed message by WhatsApp or e-mail (Twilio takes 1,600 characters).
MAX_LONG = 1500

# TRANSLATORS: answer to an organizer's first message to a worker. Keep BYE.
OPENED = N_("Sent to the worker of case {ref}. Their answers come here as [{ref}] ...; "
            "send BYE {ref} to end the conversation.")
# TRANSLATORS: answer to an organizer's message to a worker whose WhatsApp has been
# quiet for a day: the approved template asked the worker to reply.
HELD_INVITED = N_("The worker has not written on WhatsApp for a day, so they were asked "
                  "to reply; your message goes to them when they do.")
# TRANSLATORS: as above when no WhatsApp template is set up.
HELD = N_("The worker has not written on WhatsApp for a day and no template is set up: "
          "your message waits until they write.")
# TRANSLATORS: an organizer sent a case number with no message after it.
EMPTY = N_("Write your message after the case number: {ref} your message")
# TRANSLATORS: an organizer wrote to the worker of a case another organizer has.
NOT_YOURS = N_("Case {ref} is with {name}; only they can write to the worker.")
# TRANSLATORS: an organizer wrote to the worker of a case nobody took yet.
NOT_TAKEN = N_("Nobody has taken case {ref}. Send OK {ref} to take it first.")
# TRANSLATORS: why a message to a worker was not sent: their choice in the report.
CALL_ONLY = N_("The worker of case {ref} asked for a phone call, not messages: nothing "
               "was sent.")
OTHER_NUMBER = N_("The worker of case {ref} asked to be reached at another number, not "
                  "here: nothing was sent.")
NO_CONTACT = N_("The worker of case {ref} asked not to be contacted: nothing was sent.")
OPTED_OUT = N_("The worker of case {ref} sent STOP: nothing can be sent to them.")
ERASED = N_("The worker of case {ref} erased their data: nothing was sent.")
# TRANSLATORS: answer to BYE: the conversation ended; the case itself stays open.
BYE = N_("The conversation on case {ref} has ended and the worker was told. The case "
         "stays open.")
# TRANSLATORS: answer to BYE when no conversation is open on the case.
NO_CONVERSATION = N_("There is no conversation open on case {ref}.")
# TRANSLATORS: added to the answer to DONE when a conversation was open.
DONE_ENDED = N_("The conversation with the worker ended too; they were told.")
# TRANSLATORS: a worker's message relayed by SMS was cut to fit.
CUT = N_("(cut: the whole message is on the case page)")
# TRANSLATORS: a worker's message came with photos; they are on the case.
PHOTOS = N_("(photos: {count}, on the case page)")
# TRANSLATORS: e-mail subject of a worker's message relayed by e-mail.
RELAY_SUBJECT = N_("Case {ref}: message from the worker")
# TRANSLATORS: to the organizer: the worker sent MENU and left the conversation.
LEFT = N_("[{ref}] The worker went back to the menu and left the conversation. Write "
          "{ref} and a message to start again.")
# TRANSLATORS: to the organizer: nobody wrote for {days} days.
SILENT = N_("[{ref}] The conversation ended after {days} days without messages; the "
            "worker was told.")
# TRANSLATORS: to the organizer: the worker sent STOP during the conversation.
STOPPED = N_("[{ref}] The worker sent STOP: the conversation ended and nothing more can "
             "be sent to them.")
# TRANSLATORS: to the organizer: the worker erased their data.
GONE = N_("[{ref}] The worker erased their data: the conversation ended.")
# TRANSLATORS: to the organizer a case was given to while its worker talks with the team.
YOURS_NOW = N_("[{ref}] The conversation with the worker is yours now: their messages "
               "come here. Write {ref} and a message to answer.")
# TRANSLATORS: to the organizer who had the case: it went to {name}.
HANDED_AWAY = N_("[{ref}] Case {ref} went to {name}: the worker's messages go to them "
                 "now.")
# TRANSLATORS: to coordinators: the worker wrote {minutes} minutes ago, nobody answered.
UNANSWERED = N_("Hotline case {ref}: the worker wrote {minutes} min ago and {name} has "
                "not answered. Please see to it.")

#: Notice events, as their chains name them (``v<conversation id><event><stamp>``).
EVENTS = {"m": LEFT, "s": SILENT, "o": STOPPED, "e": GONE, "h": YOURS_NOW,
          "a": HANDED_AWAY, "u": UNANSWERED}
_RELAY = re.compile(r"^t(\d+)$")
_EVENT = re.compile(r"^v(\d+)([a-z])(\d+)$")


def relay_scope(message_id: int) -> str:
    """Name the delivery of a worker's message to their organizer."""
    return f"t{message_id}"


def event_scope(conversation_id: int, event: str, stamp: int) -> str:
    """Name a notice about a conversation (``event`` is a key of ``EVENTS``)."""
    assert event in EVENTS
    return f"v{conversation_id}{event}{stamp}"


def wait_stamp(since: datetime) -> int:
    """Name a worker's wait for an answer by when it began (milliseconds)."""
    return int(since.timestamp() * 1000)


def relayed(r: alerts.Renderer, ref: str, text: str, photos: int, locale: str, *,
            sms: bool, fold: bool) -> str:
    """Write a worker's message for their organizer: ``[482135] …``, by SMS within an
    alert's length (cut, saying so), otherwise whole."""
    note = r.render(Reply(PHOTOS, {"count": photos}), locale, fold_accents=fold) if photos else ""
    whole = "\n".join(line for line in (f"[{ref}] {text}".rstrip(), note) if line)
    if not sms:
        return whole[:MAX_LONG]
    if _fits(whole, fold):
        return _folded(whole, fold)
    cut = r.render(Reply(CUT), locale, fold_accents=fold)
    tail = ("\n" + note if note else "") + "\n" + cut

    def shortened(n: int) -> str:
        return f"[{ref}] {text[:n].rstrip()}...{tail}"

    low, high = 0, len(text)
    while low < high:  # the longest start of their words that fits
        middle = (low + high + 1) // 2
        if _fits(shortened(middle), fold):
            low = middle
        else:
            high = middle - 1
    return _folded(shortened(low), fold)


def _folded(text: str, fold: bool) -> str:
    return (fold_to_gsm7(text) or text) if fold else text


def _fits(text: str, fold: bool) -> bool:
    return measure(_folded(text, fold)).count <= MAX_SEGMENTS


def write(wiring: Wiring, row: Delivery) -> tuple[Organizer | None, str, str] | None:
    """Return the recipient (None: an address), words and e-mail subject of a
    conversation delivery; None if there is nothing to send any more."""
    scope = row.chain.split(":", 1)[0]
    recipient = wiring.organizers.get(row.organizer_id) if row.organizer_id else None
    if row.organizer_id and (recipient is None or not recipient.active):
        return None
    r = wiring.catalogs
    locale = alerts.locale_for(r, recipient.locale) if recipient else "en"
    store = ConversationStore(wiring.cases.engine, wiring.cases.crypto)
    if (relay := _RELAY.match(scope)) is not None:
        message = store.message(int(relay[1]))
        case = wiring.cases.get(message.case_id) if message else None
        if message is None or case is None or recipient is None:
            return None  # erased meanwhile
        sms = row.transport == Transport.SMS
        text = relayed(r, case.ref, message.body or "", len(message.media), locale,
                       sms=sms, fold=sms and wiring.settings.sms_fold_accents)
        subject = r.render(Reply(RELAY_SUBJECT, {"ref": case.ref}), locale)
        return recipient, text, subject
    if (event := _EVENT.match(scope)) is None:
        return None
    conversation = store.get(int(event[1]))
    case = wiring.cases.get(conversation.case_id) if conversation else None
    if conversation is None or case is None:
        return None
    params: dict[str, str | int] = {"ref": case.ref}
    if event[2] == "s":
        params["days"] = wiring.settings.conversation_silence_days
    if event[2] in ("a", "u"):
        owner = (wiring.organizers.get(conversation.organizer_id)
                 if conversation.organizer_id else None)
        params["name"] = owner.name if owner else "?"
    if event[2] == "u":
        since = conversation.waiting_since
        if (since is None or conversation.closed_at is not None
                or wait_stamp(since) != int(event[3])):
            return None  # answered (or ended) meanwhile
        waited = row.created_at - since
        params["minutes"] = max(int(waited.total_seconds() // 60), 0)
    text = alerts.simple(r, EVENTS[event[2]], locale, **params)
    return recipient, text, text.split(". ")[0]

