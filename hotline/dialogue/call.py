"""The voice line as a pure function: what a caller hears next, given what they pressed.

A call keeps no session: the state of a call (``CallState``) travels in the URL Twilio
posts the caller's key to, so every answer is decided from that state and the key
alone. ``answer`` returns a ``CallTurn``: the lines to say (message ids with parameters,
each in one language), what comes after them (wait for a key, record a message, or hang
up) and at most one effect for ``hotline.calls`` to carry out (file a call-back request;
end a call nobody answered). The words of an effect's outcome come from the functions at
the end (``callback_filed`` …), called once the effect is done, so a caller never hears
a case number that is not committed.

No dead ends: silence or a key that is no choice says the question again once, then
the call ends politely (``unanswered``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from hotline.dialogue import spoken

#: Times a question is said again after silence or a wrong key before the call ends.
REPEATS = 1
#: The menu's keys.
RIGHTS_KEY, MESSAGE_KEY, CALLBACK_KEY, REPEAT_KEY = "1", "2", "3", "0"
#: Keys that say the menu again (0, and * as callers expect).
REPEAT_KEYS = frozenset({REPEAT_KEY, "*"})
#: The key that opens the language choice from the menu (the way back when the language
#: was remembered from texting).
LANGUAGE_KEY = "9"
#: Parameters whose value a recorded prompt says: they are part of its file name.
KEYED = frozenset({"key", "digit"})
#: Parameters that change from call to call: only the voice can say them.
VOICE_ONLY = frozenset({"ref", "phone", "date"})


class Step(StrEnum):
    """What the request in hand answers."""

    START = "start"          # the call has just come in
    LANGUAGE = "language"    # the language choice
    MENU = "menu"            # the main menu
    RECORDED = "recorded"    # the message recording ended (Twilio's <Record> action)


@dataclass(frozen=True)
class CallState:
    """Where a call is: ``CallState(Step.MENU, "ko", tries=1, remembered=True)``.

    ``tries`` counts silences and wrong keys at this question; ``remembered`` says the
    language came from texting (the menu then offers the other languages too).
    """

    step: Step = Step.START
    locale: str | None = None
    tries: int = 0
    remembered: bool = False


@dataclass(frozen=True)
class Heard:
    """What the caller did: a key (``"2"``), or None for silence; ``recorded`` says a
    message with sound in it was recorded (``Step.RECORDED``)."""

    key: str | None = None
    recorded: bool = False


@dataclass(frozen=True)
class Line:
    """One sentence to say: ``Line(spoken.MENU_RIGHTS, "ko", (("key", "1"),))``.

    A parameter is text, or a date (written the way the line's language says dates).
    ``prompt`` names the recording staff may have made of it (``menu-rights-1``), or is
    empty when only the voice can say it (it reads a case or phone number, or a date).
    """

    msgid: str
    locale: str
    params: tuple[tuple[str, str | date], ...] = ()

    @property
    def prompt(self) -> str:
        name = spoken.PROMPT_NAMES.get(self.msgid, "")
        if not name or any(key in VOICE_ONLY for key, _ in self.params):
            return ""
        return "-".join([name, *(str(value) for key, value in self.params if key in KEYED)])


def line(msgid: str, locale: str, *params: tuple[str, str | date]) -> Line:
    """Return a line, with the numbers it says digit by digit (``spoken.SPELLED``)."""
    spelled = tuple((key, spell(number)) for key, number in spoken.SPELLED.items()
                    if f"{{{key}}}" in msgid)
    return Line(msgid, locale, (*params, *spelled))


@dataclass(frozen=True)
class Ask:
    """Wait for one key, then post it back with ``state``."""

    state: CallState


@dataclass(frozen=True)
class Record:
    """Record the caller's message (in ``locale``), then post back ``Step.RECORDED``."""

    locale: str


@dataclass(frozen=True)
class Hangup:
    """End the call."""


@dataclass(frozen=True)
class RequestCallback:
    """File a call-back request for the calling number, then say how it went."""

    locale: str
    remembered: bool = False


@dataclass(frozen=True)
class EndUnanswered:
    """The caller answered nothing twice: say goodbye, and text the center's number if
    the caller is a worker we know by text. ``locale`` None: no language was chosen."""

    locale: str | None


Next = Ask | Record | Hangup
Effect = RequestCallback | EndUnanswered


@dataclass(frozen=True)
class CallTurn:
    """What the caller hears now, what comes after, and what to do."""

    lines: tuple[Line, ...]
    next: Next
    effect: Effect | None = None


@dataclass(frozen=True)
class CallContext:
    """The deployment and caller as the call flow sees them.

    ``locales``: the voice line's languages in the order of the language choice (key 1
    is the first); ``remembered``: the caller's language from texting, if any;
    ``rights_changed``: the day the spoken summary's rules changed, if its dated entry
    has run out (``spoken.SPOKEN_RIGHTS``); None while it is in force.
    """

    locales: tuple[str, ...]
    remembered: str | None = None
    rights_changed: date | None = None


def answer(state: CallState, heard: Heard, ctx: CallContext) -> CallTurn:
    """Decide what the caller hears next."""
    if state.step == Step.START or (state.locale not in ctx.locales
                                    and state.step != Step.LANGUAGE):
        return _start(ctx)
    if state.step == Step.LANGUAGE:
        return _language_answer(state, heard, ctx)
    locale = state.locale
    assert locale is not None
    if state.step == Step.RECORDED:
        if heard.recorded:
            return CallTurn((Line(spoken.MESSAGE_RECORDED, locale),
                             Line(spoken.GOODBYE, locale)), Hangup())
        return _again(state, (Line(spoken.NOTHING_RECORDED, locale),), ctx)
    return _menu_answer(state, heard, ctx)


def _start(ctx: CallContext) -> CallTurn:
    if len(ctx.locales) == 1:
        return _welcome(ctx.locales[0], ctx, remembered=False)
    if ctx.remembered in ctx.locales:
        assert ctx.remembered is not None
        return _welcome(ctx.remembered, ctx, remembered=True)
    return language_choice(ctx)


def language_choice(ctx: CallContext, tries: int = 0,
                    before: tuple[Line, ...] = ()) -> CallTurn:
    """Ask for the language: one sentence in each, each in its own voice."""
    lines = tuple(Line(spoken.CHOOSE_LANGUAGE, locale, (("digit", str(number)),))
                  for number, locale in enumerate(ctx.locales, start=1))
    return CallTurn(before + lines, Ask(CallState(Step.LANGUAGE, None, tries)))


def _language_answer(state: CallState, heard: Heard, ctx: CallContext) -> CallTurn:
    key = heard.key or ""
    if key.isdigit() and 1 <= int(key) <= len(ctx.locales):
        return _welcome(ctx.locales[int(key) - 1], ctx, remembered=False)
    if state.tries >= REPEATS:
        return unanswered(None, ctx.locales, texted=False)
    sorry = spoken.NOTHING_HEARD if heard.key is None else spoken.NOT_AN_OPTION
    return language_choice(ctx, state.tries + 1,
                           tuple(Line(sorry, locale) for locale in ctx.locales))


def _welcome(locale: str, ctx: CallContext, *, remembered: bool) -> CallTurn:
    turn = menu(CallState(Step.MENU, locale, 0, remembered), ctx)
    return replace(turn, lines=(line(spoken.WELCOME, locale), *turn.lines))


def menu(state: CallState, ctx: CallContext, before: tuple[Line, ...] = ()) -> CallTurn:
    """Say the main menu (after ``before``) and wait for a key."""
    locale = state.locale
    assert locale is not None
    lines = [*before, Line(spoken.MENU, locale)]
    for msgid, key in ((spoken.MENU_RIGHTS, RIGHTS_KEY), (spoken.MENU_MESSAGE, MESSAGE_KEY),
                       (spoken.MENU_CALLBACK, CALLBACK_KEY), (spoken.MENU_REPEAT, REPEAT_KEY)):
        lines.append(Line(msgid, locale, (("key", key),)))
    if state.remembered:
        # the way back: each other language names itself, in its own voice
        lines += [Line(spoken.CHOOSE_LANGUAGE, other, (("digit", LANGUAGE_KEY),))
                  for other in ctx.locales if other != locale]
    return CallTurn(tuple(lines), Ask(replace(state, step=Step.MENU)))


def _menu_answer(state: CallState, heard: Heard, ctx: CallContext) -> CallTurn:
    locale = state.locale
    assert locale is not None
    key = heard.key
    fresh = replace(state, tries=0)
    if key == RIGHTS_KEY:
        if ctx.rights_changed is not None:
            changed = line(spoken.RIGHTS_CHANGED, locale, ("date", ctx.rights_changed))
            return menu(fresh, ctx, (changed,))
        return menu(fresh, ctx, tuple(line(msgid, locale) for msgid in spoken.RIGHTS))
    if key == MESSAGE_KEY:
        return CallTurn((Line(spoken.RECORD_CONSENT, locale), Line(spoken.RECORD_HOW, locale)),
                        Record(locale))
    if key == CALLBACK_KEY:
        return CallTurn((), Hangup(), RequestCallback(locale, state.remembered))
    if key in REPEAT_KEYS:
        return menu(fresh, ctx)
    if key == LANGUAGE_KEY and len(ctx.locales) > 1:
        return language_choice(ctx)
    sorry = spoken.NOTHING_HEARD if key is None else spoken.NOT_AN_OPTION
    return _again(state, (Line(sorry, locale),), ctx)


def _again(state: CallState, before: tuple[Line, ...], ctx: CallContext) -> CallTurn:
    """Say the menu once more after a miss; after too many, end the call."""
    if state.tries >= REPEATS:
        return unanswered(state.locale, ctx.locales, texted=False)
    return menu(replace(state, step=Step.MENU, tries=state.tries + 1), ctx, before)


# -- the words after an effect ------------------------------------------------------------


def unanswered(locale: str | None, locales: tuple[str, ...], *, texted: bool) -> CallTurn:
    """End a call nobody answered: in its language, or in every one if none was chosen.

    ``texted`` (the effect has queued the SMS) adds that the center's number will come by
    text; the effect rides along only until it is carried out.
    """
    said = (locale,) if locale else locales
    lines = [Line(spoken.NO_ANSWER, loc) for loc in said]
    if texted:
        lines += [Line(spoken.WILL_TEXT, loc) for loc in said]
    lines += [Line(spoken.GOODBYE, loc) for loc in said]
    return CallTurn(tuple(lines), Hangup(), None if texted else EndUnanswered(locale))


def callback_filed(locale: str, ref: str, *, reachable: bool, phone: str) -> CallTurn:
    """Say the request is saved and its case number, digit by digit, twice."""
    number = (("ref", spell(ref)),)
    lines = [Line(spoken.CALLBACK_SAVED, locale), Line(spoken.CASE_NUMBER, locale, number)]
    if not reachable:
        lines.append(Line(spoken.UNREACHED_WITH_PHONE, locale, (("phone", spell(phone)),))
                     if phone else Line(spoken.UNREACHED, locale))
    lines += [Line(spoken.CASE_NUMBER_AGAIN, locale, number), Line(spoken.GOODBYE, locale)]
    return CallTurn(tuple(lines), Hangup())


def callback_already_open(locale: str, ref: str) -> CallTurn:
    """Say the caller's open case number instead of opening another."""
    return CallTurn((Line(spoken.ALREADY_OPEN, locale, (("ref", spell(ref)),)),
                     Line(spoken.CASE_NUMBER_AGAIN, locale, (("ref", spell(ref)),)),
                     Line(spoken.GOODBYE, locale)), Hangup())


def callback_refused(locale: str, phone: str) -> CallTurn:
    """Say this phone asked for too many call backs today; nothing was saved."""
    line = (Line(spoken.CASE_LIMIT_WITH_PHONE, locale, (("phone", spell(phone)),))
            if phone else Line(spoken.CASE_LIMIT, locale))
    return CallTurn((line, Line(spoken.GOODBYE, locale)), Hangup())


def callback_impossible(effect: RequestCallback, why: str, ctx: CallContext) -> CallTurn:
    """Say why no request was filed (``spoken.SAVE_FAILED``, ``NO_CALLER_ID``), then the
    menu again, so the caller can leave a message instead."""
    state = CallState(Step.MENU, effect.locale, 0, effect.remembered)
    return menu(state, ctx, (Line(why, effect.locale),))


_DIGIT_GROUPS = re.compile(r"\d+")


def spell(number: str) -> str:
    """Write a number to be read digit by digit: "482135" → "4, 8, 2, 1, 3, 5"; a phone
    number keeps its groups apart: "(213) 555-0100" → "2, 1, 3. 5, 5, 5. 0, 1, 0, 0"."""
    return ". ".join(", ".join(group) for group in _DIGIT_GROUPS.findall(number))
