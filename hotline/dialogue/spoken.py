"""The words of the voice line: written for the ear, spoken by the voice of each language.

Every spoken text carries the gettext context ``voice``, so staff see it is said on a
call (not sent as an SMS: ``hotline i18n check`` measures no SMS cost for it) and so it
never collides with the SMS wording of the same idea. Translators write them as a person
would say them on the phone: short sentences, numbers as they should be read aloud.

The spoken rights summary follows the rules of the SMS explainers (``topics``): it is
dated data like them, a ``[[topic]]`` entry in ``facts.toml`` (``SPOKEN_RIGHTS``) that
lists every figure it states (the tests check), with sources and a review date; once the
entry runs out the caller hears ``RIGHTS_CHANGED`` instead. It states no figure with a
window of its own (no minimum-wage rate: it says the rate depends on the city instead).
"""

from __future__ import annotations

from collections.abc import Mapping

from hotline.dialogue.text import N_, NP_

#: The gettext context of every spoken text.
VOICE = "voice"

# TRANSLATORS: spoken on a phone call, the first thing every caller hears: one
# sentence per language, each said by its own voice. Name YOUR language in it, in
# YOUR language; {digit} is the key to press ("Para español, oprima {digit}.",
# "한국어는 {digit}번을 눌러 주세요.").
CHOOSE_LANGUAGE = NP_("voice", "For English, press {digit}.")
# TRANSLATORS: spoken greeting once the caller's language is known. Short sentences
# for the ear; {emergency} is 911, read digit by digit.
WELCOME = NP_("voice", "Worker rights hotline. This is general information, not legal "
                       "advice. In an emergency, hang up and call {emergency}.")
# TRANSLATORS: spoken: the start of the main menu; the choices follow one by one.
MENU = NP_("voice", "Main menu.")
# TRANSLATORS: spoken menu choice; {key} is the key to press.
MENU_RIGHTS = NP_("voice", "To hear your basic rights at work, press {key}.")
# TRANSLATORS: spoken menu choice; {key} is the key to press.
MENU_MESSAGE = NP_("voice", "To leave a message for an organizer, press {key}.")
# TRANSLATORS: spoken menu choice; {key} is the key to press.
MENU_CALLBACK = NP_("voice", "To ask an organizer to call you back, press {key}.")
# TRANSLATORS: spoken menu choice; {key} is the key to press.
MENU_REPEAT = NP_("voice", "To hear this again, press {key}.")
# TRANSLATORS: spoken before the menu is said again, after a key that is not a choice.
NOT_AN_OPTION = NP_("voice", "Sorry, that key is not one of the choices.")
# TRANSLATORS: spoken before the menu is said again, after the caller pressed nothing.
NOTHING_HEARD = NP_("voice", "Sorry, I did not hear a key.")
# TRANSLATORS: spoken when the caller answered nothing twice; the call ends after it.
NO_ANSWER = NP_("voice", "We did not get an answer. Please call again any time.")
# TRANSLATORS: spoken before the call ends, when the hotline will text the caller.
WILL_TEXT = NP_("voice", "We will send you a text message with the center's phone number.")
# TRANSLATORS: spoken; the call ends after it.
GOODBYE = NP_("voice", "Thank you for calling. Goodbye.")

# TRANSLATORS: spoken on a call before the message is recorded. California law asks
# that callers hear this before the recording starts: keep all of its meaning (it is
# recorded, why, and that the recording stays with the center).
RECORD_CONSENT = NP_("voice", "This call will be recorded so that an organizer can listen "
                              "to your message and help you. The recording stays with "
                              "our center and is not shared outside it.")
# TRANSLATORS: spoken right before the tone that starts the recording. "Pound key" is
# the # key: use the name callers know in your language.
RECORD_HOW = NP_("voice", "After the tone, tell us your name, your work, and what "
                          "happened. When you are done, press the pound key or hang up.")
# TRANSLATORS: spoken after the caller left a message; the call ends after it.
MESSAGE_RECORDED = NP_("voice", "Thank you. Your message was recorded. An organizer will "
                                "listen to it.")
# TRANSLATORS: spoken when the recording had no sound; the menu follows.
NOTHING_RECORDED = NP_("voice", "Sorry, we did not hear a message.")

# TRANSLATORS: spoken after a call-back request was saved.
CALLBACK_SAVED = NP_("voice", "Your request is saved. An organizer will call you back at "
                              "the number you are calling from.")
# TRANSLATORS: spoken; {ref} is the case number, read digit by digit ("4, 8, 2, 1, 3,
# 5"). Put nothing right after {ref} that depends on its sound.
CASE_NUMBER = NP_("voice", "Your case number is {ref}.")
# TRANSLATORS: spoken; the case number once more, digit by digit.
CASE_NUMBER_AGAIN = NP_("voice", "Once more, your case number is {ref}.")
# TRANSLATORS: spoken when the caller asked for a call back while a case of theirs is
# still open; {ref} is that case's number, read digit by digit.
ALREADY_OPEN = NP_("voice", "You already have an open case, so we did not open another. "
                            "An organizer will contact you. Your case number is {ref}.")
# TRANSLATORS: spoken after a saved request when no organizer can be alerted right now.
UNREACHED = NP_("voice", "But no organizer can be reached right now, so it may take a "
                         "while.")
# TRANSLATORS: like the sentence above, with the center's phone number read digit by
# digit in {phone}.
UNREACHED_WITH_PHONE = NP_("voice", "But no organizer can be reached right now. Please "
                                    "call the center at {phone}.")
# TRANSLATORS: spoken when this phone asked for more call backs today than the hotline
# takes; nothing was saved.
CASE_LIMIT = NP_("voice", "We got many requests from this phone today, so this one was "
                          "not saved. Please try again tomorrow.")
# TRANSLATORS: like the sentence above, with the center's phone number read digit by
# digit in {phone}.
CASE_LIMIT_WITH_PHONE = NP_("voice", "We got many requests from this phone today, so this "
                                     "one was not saved. Please call the center at {phone}.")
# TRANSLATORS: spoken when saving a call-back request failed; the menu follows.
SAVE_FAILED = NP_("voice", "Sorry, we could not save your request right now. Please try "
                           "again in a few minutes.")
# TRANSLATORS: spoken when the caller's number is hidden, so nobody could call back;
# the menu follows.
NO_CALLER_ID = NP_("voice", "We cannot see the number you are calling from, so we cannot "
                            "call you back. You can leave a message instead.")

# TRANSLATORS: SMS sent after a call that ended because the caller answered nothing:
# the center's phone number is in {phone}. Keep it short (SMS).
CALL_TEXT = N_("You called the worker rights hotline. To talk to a person, call {phone}. "
               "You can also text us here.")


#: The key of the spoken summary's entry in the dated facts (``facts.toml``): the figures
#: it states, their sources and review, and the day its rules change, if one is set.
SPOKEN_RIGHTS = "spoken_rights"

#: The spoken summary of rights, said in this order after "press 1".
RIGHTS: tuple[str, ...] = (
    # TRANSLATORS: spoken, the start of a short summary of rights on a phone call.
    NP_("voice", "Here are some of your basic rights at work in California."),
    # TRANSLATORS: spoken rights summary, about pay. Short sentences for the ear.
    NP_("voice", "You must be paid for every hour you work, at least the minimum wage, "
                 "whatever your immigration status. The minimum wage depends on the city "
                 "where you work."),
    # TRANSLATORS: spoken rights summary, about overtime. "1.5 times" is one and a half
    # times: write it as it should be read aloud.
    NP_("voice", "Work over 8 hours in a day, or over 40 hours in a week, is paid at 1.5 "
                 "times your regular rate."),
    # TRANSLATORS: spoken rights summary, about meal and rest breaks.
    NP_("voice", "If you work more than 5 hours, you get a meal break of 30 minutes. You "
                 "also get a paid rest of 10 minutes for every 4 hours you work."),
    # TRANSLATORS: spoken rights summary, about retaliation and immigration status.
    NP_("voice", "Your employer may not punish you for asking for your pay or for "
                 "complaining. The Labor Commissioner does not ask about immigration "
                 "status."),
    # TRANSLATORS: spoken rights summary, about deadlines. {labor} is the Labor
    # Commissioner's phone number, read digit by digit.
    NP_("voice", "Many wage claims must be filed within 3 years, some sooner, so act soon. "
                 "The Labor Commissioner's phone number is {labor}."),
)
# TRANSLATORS: spoken instead of the rights summary once its rules change on {date} (a
# date like "January 1, 2027") and staff have not updated it yet. {labor} is the Labor
# Commissioner's phone number, read digit by digit.
RIGHTS_CHANGED = NP_("voice", "New rules apply from {date}, and we are updating this "
                              "summary. For today's rules, call the Labor Commissioner at "
                              "{labor}.")

#: Numbers the spoken texts say digit by digit, filled in by the call flow (a voice reads
#: "833-526-4636" as three large numbers). The Labor Commissioner's line is dated with
#: the summary's figures in ``facts.toml``.
SPELLED: Mapping[str, str] = {"emergency": "911", "labor": "833-526-4636"}

#: The file name (without extension) of a prompt staff recorded instead of the voice
#: (``locales/<lang>/voice/<name>.mp3``); a key to press is part of the name
#: (``menu-rights-1``). Texts that say a case number are always spoken by the voice.
PROMPT_NAMES: Mapping[str, str] = {
    CHOOSE_LANGUAGE: "choose-language",
    WELCOME: "welcome",
    MENU: "menu",
    MENU_RIGHTS: "menu-rights",
    MENU_MESSAGE: "menu-message",
    MENU_CALLBACK: "menu-callback",
    MENU_REPEAT: "menu-repeat",
    NOT_AN_OPTION: "not-an-option",
    NOTHING_HEARD: "nothing-heard",
    NO_ANSWER: "no-answer",
    WILL_TEXT: "will-text",
    GOODBYE: "goodbye",
    RECORD_CONSENT: "record-consent",
    RECORD_HOW: "record-how",
    MESSAGE_RECORDED: "message-recorded",
    NOTHING_RECORDED: "nothing-recorded",
    CALLBACK_SAVED: "callback-saved",
    UNREACHED: "unreached",
    CASE_LIMIT: "case-limit",
    SAVE_FAILED: "save-failed",
    NO_CALLER_ID: "no-caller-id",
    **{msgid: f"rights-{i}" for i, msgid in enumerate(RIGHTS, start=1)},
}
