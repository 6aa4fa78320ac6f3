"""The worker's side of a conversation with their organizer: what the bot still answers
while one is open, and the few lines the hotline itself says in it. Pure: no I/O.

While a worker talks with the organizer who has their case, their messages go to that
organizer and the bot stays quiet, except for the words that must always work: the
opt-out and opt-in words (STOP, START and theirs), the erase words and the answer to
the erase question, and MENU, which leaves the conversation.
"""

from __future__ import annotations

from enum import StrEnum

from hotline.dialogue.keywords import Command, Lexicon
from hotline.dialogue.session import Session
from hotline.dialogue.steps import StepId
from hotline.dialogue.text import N_


class Route(StrEnum):
    """Where a worker's message goes while a conversation is open."""

    ORGANIZER = "organizer"  # passed on to the organizer; the bot says nothing
    BOT = "bot"              # a word that always works: the bot answers it
    LEAVE = "leave"          # MENU: the conversation ends, the bot shows the menu


def route(session: Session, text: str, lexicon: Lexicon, stamp: int,
          idle_seconds: int) -> Route:
    """Decide where a worker's message goes while they talk with an organizer."""
    if lexicon.consent_word(text) is not None:
        return Route.BOT
    if (session.step == StepId.ERASE and session.updated
            and stamp - session.updated <= idle_seconds):
        return Route.BOT  # the answer to "delete your data?"
    if lexicon.command(text) is Command.MENU:
        return Route.LEAVE
    return Route.ORGANIZER


def first_name(name: str | None) -> str:
    """Return the name an organizer is introduced by: the first word of it."""
    words = (name or "").split()
    return words[0] if words else ""


# TRANSLATORS: put before an organizer's first message to a worker (it follows on the
# next line). {name} is the organizer's first name, {center} the center's name, {ref}
# the case number. Keep the word for MENU in your language.
INTRO = N_("{name} from {center} is writing about your case {ref}. Reply here to answer. "
           "To go back to the menu, send MENU.")
# TRANSLATORS: like the line above, when staff set no center name.
INTRO_NO_CENTER = N_("{name}, an organizer, is writing about your case {ref}. Reply here "
                     "to answer. To go back to the menu, send MENU.")
# TRANSLATORS: the case went to another organizer while the worker talks with one.
# {name} is the new organizer's first name, {center} the center's name.
HANDED_OVER = N_("{name} from {center} now has your case {ref} and will answer you here.")
# TRANSLATORS: like the line above, when staff set no center name.
HANDED_OVER_NO_CENTER = N_("{name}, an organizer, now has your case {ref} and will answer "
                           "you here.")
# TRANSLATORS: the conversation with the organizer ended (they ended it, the case was
# closed, or nobody wrote for days). The worker's next message goes to the bot again.
ENDED = N_("The conversation about your case {ref} has ended. To reach us again, write "
           "here any time; MENU shows the menu.")
# TRANSLATORS: the worker sent MENU while talking with an organizer; the menu follows.
LEFT = N_("You left the conversation with {name}. They can still write to you here.")
# TRANSLATORS: the worker wrote to their organizer outside the center's hours.
# {when} is a day and time, e.g. "Monday 09:00".
CLOSED_NOW = N_("Thank you, {name} will get your message. Our office is closed now; "
                "someone will answer from {when}.")
# TRANSLATORS: the worker's message to their organizer could not be passed on.
NOT_PASSED = N_("Sorry, your message could not be passed on right now. Please send it "
                "again in a few minutes.")
# TRANSLATORS: what the approved WhatsApp template says (kept on the record; the
# template's own words are approved by WhatsApp). {ref} is the case number.
INVITE = N_("An organizer wrote to you about your case {ref}. Reply to this message to "
            "read it.")
