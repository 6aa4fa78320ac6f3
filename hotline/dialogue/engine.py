"""``step()``: one inbound in, the next session, the replies and the effects out. No I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers

from hotline.dialogue import explain, flow, messages
from hotline.dialogue.effects import CaseKind, Effect, Erase, FileCase, MediaItem, OptIn, OptOut
from hotline.dialogue.facts import FactBook, packaged
from hotline.dialogue.inbound import MAX_BODY, Channel, Inbound
from hotline.dialogue.keywords import (
    LANGUAGE_NAME,
    NAME_CONTEXT,
    TWILIO_RESERVED,
    Command,
    Consent,
    Lexicon,
    Word,
    normalize,
)
from hotline.dialogue.language import detect
from hotline.dialogue.replies import Joined, Msg, Native, Param, Reply
from hotline.dialogue.session import MAX_DETAIL_MESSAGES, MAX_MEDIA, Draft, Session
from hotline.dialogue.steps import StepId
from hotline.dialogue.topics import TOPIC_CHANGES, TOPICS, Topic

#: Longest answer kept for a one-line question (business, place, name).
MAX_SHORT_ANSWER = 200
#: Region assumed for phone numbers typed without a country code.
DEFAULT_REGION = "US"

_NUMBERS = re.compile(r"\d+")


@dataclass(frozen=True)
class Context:
    """What the engine needs to know about this deployment, as plain data."""

    lexicon: Lexicon
    languages: tuple[str, ...]
    idle_seconds: int = 2 * 3600
    report_keep_seconds: int = 72 * 3600
    center_phone: str = ""
    facts: FactBook = field(default_factory=packaged)
    """The dated figures the explainers state (FACTS_FILE)."""
    zone: tzinfo = field(default_factory=lambda: ZoneInfo("America/Los_Angeles"))
    """The center's time zone: a figure's dates are days on its calendar."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of one step: the next session, what to answer, what to do."""

    session: Session
    replies: tuple[Reply, ...]
    effects: tuple[Effect, ...] = ()


def step(session: Session, inbound: Inbound, now: datetime, ctx: Context) -> Outcome:
    """Advance one sender's conversation by one inbound message."""
    turn = _Turn(ctx, inbound, now.astimezone(ctx.zone).date())
    stamp = int(now.timestamp())
    s = session
    if s.locale not in ctx.languages:
        s = replace(s, locale=None)
    if s.updated and stamp - s.updated > ctx.report_keep_seconds:
        s = Session(locale=s.locale)
    fresh = not s.updated or stamp - s.updated > ctx.idle_seconds
    if not fresh and s.step in flow.REPORT_STEPS:
        s = _collect_media(s, inbound)
    consent = ctx.lexicon.consent_word(turn.text)
    if consent is not None:
        s = turn.consent(s, *consent)
    elif s.step == StepId.ERASE and not fresh:
        s = turn.on_erase(s)
    elif s.locale is None:
        s = turn.first_contact(s)
    elif fresh:
        s = turn.returning(s)
    else:
        s = turn.handle(s)
    return Outcome(replace(s, updated=stamp), tuple(turn.replies), tuple(turn.effects))


def _collect_media(s: Session, inbound: Inbound) -> Session:
    if not inbound.media:
        return s
    media = (*s.draft.media, *((m.url, m.content_type) for m in inbound.media))
    return replace(s, draft=replace(s.draft, media=media[:MAX_MEDIA]))


def _numbers(text: str) -> list[int]:
    """Read "1", "1 3", "1,3", "13" (options never go past 9) as option numbers."""
    found = _NUMBERS.findall(text)
    if not found or _NUMBERS.sub("", text).strip(" ,.;/&+-#y").strip():
        return []
    digits: list[int] = []
    for chunk in found:
        digits.extend(int(d) for d in chunk) if len(chunk) > 1 else digits.append(int(chunk))
    return digits


def _one_number(text: str) -> int | None:
    found = _numbers(text)
    return found[0] if len(found) == 1 else None


class _Turn:
    """The replies and effects of one step, built up as the message is understood."""

    def __init__(self, ctx: Context, inbound: Inbound, day: date) -> None:
        self.ctx = ctx
        self.inbound = inbound
        self.day = day  # the center's calendar day: which dated figures hold
        self.text = inbound.text.strip()
        self.replies: list[Reply] = []
        self.effects: list[Effect] = []

    # -- entry points ------------------------------------------------------------------

    def first_contact(self, s: Session) -> Session:
        lex = self.ctx.lexicon
        chosen = lex.language(self.text)
        if chosen is None and s.step == StepId.LANGUAGE:
            number = _one_number(self.text)
            if number and 1 <= number <= len(self.ctx.languages):
                chosen = self.ctx.languages[number - 1]
        if chosen is None:
            guess = detect(self.text)
            chosen = guess if guess in self.ctx.languages else None
        if chosen is None:
            return self.language_menu(replace(s, step=StepId.LANGUAGE, history=()))
        s = replace(s, locale=chosen, step=StepId.MENU, history=())
        self.welcome()
        return self.opening(s)

    def returning(self, s: Session) -> Session:
        self.welcome()
        if s.step in flow.REPORT_STEPS and not s.draft.is_empty():
            s = replace(s, step=s.step, history=())
            if self.ctx.lexicon.command(self.text) is None:
                return self.show(s.moved(StepId.RESUME))
        else:
            s = replace(s, step=StepId.MENU, history=(), topic=None, part=0, fixing=False)
        return self.opening(s)

    def opening(self, s: Session) -> Session:
        """Answer the first message of a conversation: a keyword, a topic, or the menu."""
        lex = self.ctx.lexicon
        command = lex.command(self.text)
        if command is not None:
            return self.command(s, command)
        topic = lex.topic_in(self.text, s.locale)
        if topic is not None:
            return self.show_topic(s.moved(StepId.TOPIC), topic, 0)
        if lex.means(Word.REPORT, self.text, s.locale):
            return self.start_report(s)
        return self.show(replace(s, step=StepId.MENU))

    def handle(self, s: Session) -> Session:
        lex = self.ctx.lexicon
        language = lex.language(self.text)
        if language is not None and language in self.ctx.languages:
            return self.switch_language(s, language)
        command = lex.command(self.text)
        if command is not None:
            return self.command(s, command)
        handler = {
            StepId.START: self.on_menu,
            StepId.MENU: self.on_menu,
            StepId.LANGUAGE: self.on_language,
            StepId.RIGHTS: self.on_rights,
            StepId.TOPIC: self.on_topic,
            StepId.RESUME: self.on_resume,
            StepId.DETAILS: self.on_details,
            StepId.CONFIRM: self.on_confirm,
            StepId.FIX: self.on_fix,
        }.get(s.step, self.on_question)
        return handler(s)

    # -- messages about messages -----------------------------------------------------

    def consent(self, s: Session, kind: Consent, word_locale: str) -> Session:
        """Honour STOP/START words and start the erase confirmation."""
        locale = s.locale or word_locale or None
        if locale not in self.ctx.languages:
            locale = None
        s = replace(s, locale=locale)
        twilio_answers = normalize(self.text) in TWILIO_RESERVED
        sender = self.inbound.sender
        if kind is Consent.OPT_OUT:
            self.effects.append(OptOut(sender))
            if not twilio_answers:
                self.say(messages.OPTED_OUT)
            return s
        if kind is Consent.OPT_IN:
            self.effects.append(OptIn(sender))
            if not twilio_answers:
                self.say(messages.OPTED_IN)
            return s
        if locale is None:
            s = replace(s, locale="en" if "en" in self.ctx.languages else self.ctx.languages[0])
        return self.show(s.moved(StepId.ERASE))

    def on_erase(self, s: Session) -> Session:
        number = _one_number(self.text)
        if number == 1:
            self.effects.append(Erase(self.inbound.sender))
            self.say(messages.ERASED)
            return Session()
        if number == 2:
            return self.leave_language_menu(s)
        return self.show(s, not_understood=True)

    # -- global keywords -------------------------------------------------------------

    def command(self, s: Session, command: Command) -> Session:
        if command is Command.MENU:
            return self.show(replace(s, step=StepId.MENU, history=(), fixing=False))
        if command is Command.BACK:
            if not s.history:
                return self.show(replace(s, step=StepId.MENU))
            previous = s.history[-1]
            return self.show(replace(s, step=previous, history=s.history[:-1]))
        if command is Command.HELP:
            self.say(messages.HELP)
            return self.show(s)
        if command is Command.PERSON:
            return self.show(s.moved(StepId.CALLBACK_CONTACT))
        return self.language_menu(s.moved(StepId.LANGUAGE))

    def switch_language(self, s: Session, locale: str) -> Session:
        s = replace(s, locale=locale)
        if s.step == StepId.LANGUAGE:
            return self.leave_language_menu(s)
        return self.show(s)

    # -- step handlers ---------------------------------------------------------------

    def on_menu(self, s: Session) -> Session:
        lex = self.ctx.lexicon
        number = _one_number(self.text)
        if number == 1 or lex.means(Word.RIGHTS, self.text, s.locale):
            return self.show(s.moved(StepId.RIGHTS))
        if number == 2 or lex.means(Word.REPORT, self.text, s.locale):
            return self.start_report(s)
        if number == 3:
            return self.show(s.moved(StepId.CALLBACK_CONTACT))
        if number == 4:
            return self.language_menu(s.moved(StepId.LANGUAGE))
        topic = lex.topic_in(self.text, s.locale)
        if topic is not None:
            return self.show_topic(s.moved(StepId.TOPIC), topic, 0)
        return self.show(replace(s, step=StepId.MENU), not_understood=True)

    def on_language(self, s: Session) -> Session:
        number = _one_number(self.text)
        if number and 1 <= number <= len(self.ctx.languages):
            return self.leave_language_menu(replace(s, locale=self.ctx.languages[number - 1]))
        return self.language_menu(s)

    def leave_language_menu(self, s: Session) -> Session:
        if s.history:
            return self.show(replace(s, step=s.history[-1], history=s.history[:-1]))
        return self.show(replace(s, step=StepId.MENU))

    def on_rights(self, s: Session) -> Session:
        number = _one_number(self.text)
        if number is not None and 1 <= number <= len(TOPICS):
            return self.show_topic(s.moved(StepId.TOPIC), TOPICS[number - 1].id, 0)
        if number == 0:
            return self.show(replace(s, step=StepId.MENU, history=()))
        topic = self.ctx.lexicon.topic_in(self.text, s.locale)
        if topic is not None:
            return self.show_topic(s.moved(StepId.TOPIC), topic, 0)
        return self.show(s, not_understood=True)

    def on_topic(self, s: Session) -> Session:
        number = _one_number(self.text)
        current = _topic(s.topic)
        more = current is not None and s.part + 1 < len(current.parts)
        if more and (number == 1 or self.ctx.lexicon.means(Word.MORE, self.text, s.locale)):
            return self.show_topic(s, current.id if current else "", s.part + 1)
        if number == 2 or (number == 1 and not more):
            return self.show(replace(s, step=StepId.RIGHTS, topic=None, part=0))
        if number == 0:
            return self.show(replace(s, step=StepId.MENU, history=(), topic=None, part=0))
        topic = self.ctx.lexicon.topic_in(self.text, s.locale)
        if topic is not None:
            return self.show_topic(s, topic, 0)
        # re-sending the whole part would cost two more SMS; the choices are enough
        self.replies.append(Reply(messages.NOT_UNDERSTOOD, extra=_topic_nav(more)))
        return s

    def on_resume(self, s: Session) -> Session:
        number = _one_number(self.text)
        if number == 1 and s.history:
            return self.show(replace(s, step=s.history[-1], history=s.history[:-1]))
        if number in (1, 2):
            return self.show(replace(s, step=flow.REPORT_START, history=(), draft=Draft(),
                                     fixing=False))
        return self.show(s, not_understood=True)

    def on_question(self, s: Session) -> Session:
        question = flow.QUESTIONS.get(s.step)
        if question is None:
            return self.show(replace(s, step=StepId.MENU, history=()))
        if question.options:
            return self.answer_choice(s, question)
        return self.answer_text(s, question)

    def answer_choice(self, s: Session, question: flow.Question) -> Session:
        picked = _numbers(self.text)
        count = len(question.options)
        if not picked or any(not 1 <= n <= count for n in picked):
            return self.show(s, not_understood=True, empty=not self.text)
        if not question.multiple and len(picked) > 1:
            return self.show(s, not_understood=True)
        values = [question.options[n - 1].value for n in dict.fromkeys(picked)]
        value = values[0]
        draft = s.draft
        if question.step == StepId.CONSENT:
            if value == "no":
                self.say(messages.DELETED)
                return self.show(Session(locale=s.locale, step=StepId.MENU))
            return self.advance(s, question.next)
        if question.multiple:
            draft = _answered(draft, question.field, tuple(values))
        elif question.field == "still_working":
            draft = replace(draft, still_working=value == "yes")
        else:
            draft = _answered(draft, question.field, value)
        if question.field == "contact" and value != "other":
            draft = replace(draft, contact_number=None)
        target = question.branches.get(value, question.next)
        if target in (StepId.CONTACT_NUMBER, StepId.CALLBACK_NUMBER):
            return self.show(replace(s, draft=draft).moved(target))
        return self.advance(replace(s, draft=draft), target)

    def answer_text(self, s: Session, question: flow.Question) -> Session:
        text = self.text
        if question.field == "contact_number":
            number = _phone(text)
            if number is None:
                return self.show(s, prefix=messages.BAD_NUMBER)
            return self.advance(replace(s, draft=replace(s.draft, contact_number=number)),
                                question.next)
        if not text:
            if self.inbound.media:
                self.say(messages.PHOTO_NOTED)
                return s
            return self.show(s, empty=True)
        value: str | None = text[:MAX_SHORT_ANSWER]
        if question.optional and text == "0":
            value = None
        return self.advance(replace(s, draft=_answered(s.draft, question.field, value)),
                            question.next)

    def on_details(self, s: Session) -> Session:
        text = self.text
        done = text == "1" or self.ctx.lexicon.means(Word.DONE, text, s.locale)
        if done:
            return self.advance(s, StepId.WHEN)
        if not text:
            if self.inbound.media:
                self.say(messages.PHOTO_NOTED)
                return s
            return self.show(s, empty=True)
        if len(s.draft.details) >= MAX_DETAIL_MESSAGES:
            self.say(messages.DETAILS_FULL)
            return s
        details = (*s.draft.details, text[:MAX_BODY])
        self.say(messages.DETAILS_NOTED)
        return replace(s, draft=replace(s.draft, details=details))

    def on_confirm(self, s: Session) -> Session:
        number = _one_number(self.text)
        if number == 1:
            return self.file_report(s)
        if number == 2:
            return self.show(s.moved(StepId.FIX))
        return self.show(s, not_understood=True)

    def on_fix(self, s: Session) -> Session:
        number = _one_number(self.text)
        if number is None or not 1 <= number <= len(flow.FIXABLE):
            return self.show(s, not_understood=True)
        target = flow.FIXABLE[number - 1][1]
        return self.show(replace(s, fixing=True).moved(target))

    # -- moving on -------------------------------------------------------------------

    def start_report(self, s: Session) -> Session:
        if not s.draft.is_empty():
            s = replace(s, step=_first_unanswered(s.draft), history=())
            return self.show(s.moved(StepId.RESUME))
        return self.show(replace(s, fixing=False).moved(flow.REPORT_START))

    def advance(self, s: Session, target: StepId) -> Session:
        if target == StepId.SUBMIT_CALLBACK:
            return self.file_callback(s)
        if s.fixing and s.step != StepId.ISSUES:
            target = StepId.CONFIRM
        if s.fixing and target == StepId.CONFIRM:
            s = replace(s, fixing=False)
        return self.show(s.moved(target))

    def file_report(self, s: Session) -> Session:
        d = s.draft
        contact = d.contact or "none"
        self.effects.append(self.case(CaseKind.REPORT, s, contact))
        if contact == "none":
            self.say(messages.FILED_NO_CONTACT, needs_ref=True)
        else:
            self.say(messages.FILED, needs_ref=True)
        return Session(locale=s.locale, step=StepId.MENU)

    def file_callback(self, s: Session) -> Session:
        contact = s.draft.contact or ("other" if s.draft.contact_number else "text")
        self.effects.append(self.case(CaseKind.CALLBACK, s, contact))
        self.say(messages.CALLBACK_FILED, needs_ref=True)
        draft = replace(s.draft, contact=None, contact_number=None)
        return replace(s, step=StepId.MENU, history=(), draft=draft)

    def case(self, kind: CaseKind, s: Session, contact: str) -> FileCase:
        d = s.draft
        number = d.contact_number if contact == "other" else self.inbound.sender
        if contact == "none":
            number = None
        report = kind == CaseKind.REPORT
        return FileCase(
            kind=kind,
            locale=s.locale or "en",
            channel=str(self.inbound.channel),
            sender=self.inbound.sender,
            contact_method=contact,
            contact_number=number,
            industry=d.industry if report else None,
            employer=d.employer if report else None,
            location=d.location if report else None,
            issues=d.issues if report else (),
            details=d.details if report else (),
            when=d.when if report else None,
            still_working=d.still_working if report else None,
            name=d.name if report else None,
            media=tuple(MediaItem(u, t) for u, t in d.media) if report else (),
        )

    # -- what the worker sees --------------------------------------------------------

    def say(self, msgid: str, *, needs_ref: bool = False, **params: Param) -> None:
        self.replies.append(Reply(msgid, params, needs_ref=needs_ref))

    def welcome(self) -> None:
        if self.ctx.center_phone:
            self.say(messages.WELCOME_WITH_PHONE, phone=self.ctx.center_phone)
        else:
            self.say(messages.WELCOME)

    def language_menu(self, s: Session) -> Session:
        header = Joined(tuple(Native(messages.LANGUAGE_WORD, loc) for loc in self.ctx.languages),
                        " / ")
        options = tuple(Native(LANGUAGE_NAME, loc, NAME_CONTEXT) for loc in self.ctx.languages)
        self.replies.append(Reply("{languages}", {"languages": header}, options=options,
                                  every_language=True))
        return s

    def show_topic(self, s: Session, topic_id: str, part: int) -> Session:
        topic = _topic(topic_id)
        if topic is None:
            return self.show(replace(s, step=StepId.RIGHTS))
        part = min(part, len(topic.parts) - 1)
        text, more = explain.said(topic, part, self.ctx.facts, self.day)
        self.replies.append(Reply("{text}", {"text": text}, extra=_topic_nav(more)))
        return replace(s, step=StepId.TOPIC, topic=str(topic.id), part=part)

    def show(self, s: Session, *, not_understood: bool = False, empty: bool = False,
             prefix: str | None = None) -> Session:
        """Ask the question of the step the session is at."""
        if empty:
            prefix = messages.EMPTY
        elif not_understood:
            prefix = messages.NOT_UNDERSTOOD
        if s.step == StepId.LANGUAGE:
            return self.language_menu(s)
        if s.step == StepId.TOPIC and s.topic:
            return self.show_topic(s, s.topic, s.part)
        reply = self.prompt(s)
        self.replies.append(replace(reply, prefix=prefix) if prefix else reply)
        return s

    def prompt(self, s: Session) -> Reply:
        step = s.step
        fixed = _PROMPTS.get(step)
        if fixed is not None:
            return fixed
        if step == StepId.CONFIRM:
            return self.summary(s)
        languages = Joined(tuple(Native(messages.LANGUAGE_WORD, loc)
                                 for loc in self.ctx.languages), " / ", sms_optional=True)
        return Reply(messages.MENU, options=(Msg(messages.MENU_RIGHTS), Msg(messages.MENU_REPORT),
                                             Msg(messages.MENU_CALLBACK), languages))

    def summary(self, s: Session) -> Reply:
        d = s.draft
        not_given = Msg(messages.NOT_GIVEN)

        def label(options: tuple[flow.Option, ...], value: str | None) -> Param:
            return Msg(flow.label_of(options, value)) if value else not_given

        issues: list[Param] = [Msg(flow.label_of(flow.ISSUE_TYPES, i)) for i in d.issues]
        if d.media:
            issues.append(Msg(messages.PHOTOS, params=(("count", len(d.media)),)))
        contact: Param = label(flow.CONTACT_METHODS, d.contact)
        if d.contact == "other" and d.contact_number:
            contact = d.contact_number
        still: Param = not_given
        if d.still_working is not None:
            still = label(flow.YES_NO_STILL, "yes" if d.still_working else "no")
        params: dict[str, Param] = {
            "industry": label(flow.INDUSTRIES, d.industry),
            "employer": _clip(d.employer) or not_given,
            "location": _clip(d.location) or not_given,
            "issues": Joined(tuple(issues)) if issues else not_given,
            "when": label(flow.WHEN, d.when),
            "still": still,
            "contact": contact,
            "name": _clip(d.name) or not_given,
        }
        return Reply(messages.SUMMARY, params, options=tuple(Msg(o.label) for o in flow.CONFIRM))


@dataclass(frozen=True)
class FixedReply:
    """A reply whose words all come from the catalogs, for cost checks and previews.

    ``msgid`` is the message the reply is about (its SMS budget applies to the whole
    rendered text, options and navigation lines included): a topic part, a question.
    """

    name: str
    msgid: str
    reply: Reply
    context: str | None = None


#: The answers a sample summary echoes: typical lengths, clipped as the engine clips them.
SAMPLE_DRAFT = Draft(industry="restaurant", employer="Seoul Garden Korean BBQ",
                     location="Western & 6th", issues=("unpaid", "breaks"),
                     details=("...",), when="this_month", still_working=True,
                     contact="text", name="Maria", media=(("https://x", "image/jpeg"),))


def fixed_replies(ctx: Context, locale: str) -> tuple[FixedReply, ...]:
    """List every reply the bot can send whose text is fixed, as ``locale`` gets it.

    Every topic part, every question re-asked after a wrong answer (the longest way it is
    asked), the menus, the confirmations and a summary of a typical report. ``hotline
    i18n check`` measures each of these in SMS segments.
    """
    turn = _Turn(ctx, Inbound("SM0", Channel.SMS, "+12135550100", ""), date.min)
    base = Session(locale=locale)
    found: list[FixedReply] = []

    def take(name: str, msgid: str) -> None:
        found.append(FixedReply(name, msgid, turn.replies[-1]))
        turn.replies.clear()

    for topic in TOPICS:
        for part, pieces in enumerate(topic.parts):
            first = pieces[0] if isinstance(pieces[0], str) else pieces[0].stated
            for label, text in explain.variants(topic, part, ctx.facts):
                more = part + 1 < len(topic.parts)
                turn.replies.append(Reply("{text}", {"text": text}, extra=_topic_nav(more)))
                take(f"{topic.id} {part + 1}/{len(topic.parts)}"
                     + (f" ({label})" if label else ""), first)
    turn.replies.append(Reply("{text}", {"text": explain.changes(explain.SAMPLE_DAY)},
                              extra=_topic_nav(False)))
    take("topic (rules changed)", TOPIC_CHANGES)
    turn.replies.append(Reply(messages.NOT_UNDERSTOOD, extra=_topic_nav(True)))
    take("topic (not understood)", messages.NOT_UNDERSTOOD)
    for step_id in (StepId.MENU, StepId.RIGHTS, StepId.RESUME, StepId.FIX, StepId.ERASE,
                    *flow.QUESTIONS):
        turn.show(replace(base, step=step_id), not_understood=True)
        take(f"{step_id}", turn.prompt(replace(base, step=step_id)).msgid)
    for step_id in (StepId.CONTACT_NUMBER, StepId.CALLBACK_NUMBER):
        turn.show(replace(base, step=step_id), prefix=messages.BAD_NUMBER)
        take(f"{step_id} (bad number)", flow.QUESTIONS[step_id].prompt)
    turn.show(replace(base, step=StepId.CONFIRM, draft=SAMPLE_DRAFT))
    take("summary", messages.SUMMARY)
    ref = {"ref": "48213"}
    for name, msgid, params in (
        ("welcome", messages.WELCOME, {}),
        ("welcome with phone", messages.WELCOME_WITH_PHONE, {"phone": "(213) 555-0100"}),
        ("help", messages.HELP, {}),
        ("filed", messages.FILED, ref),
        ("filed, no contact", messages.FILED_NO_CONTACT, ref),
        ("callback filed", messages.CALLBACK_FILED, ref),
        ("file failed", messages.FILE_FAILED, {}),
        ("deleted", messages.DELETED, {}),
        ("details noted", messages.DETAILS_NOTED, {}),
        ("photo noted", messages.PHOTO_NOTED, {}),
        ("details full", messages.DETAILS_FULL, {}),
    ):
        turn.replies.append(Reply(msgid, params))
        take(name, msgid)
    turn.language_menu(base)
    found.append(FixedReply("language menu", LANGUAGE_NAME, turn.replies.pop(), NAME_CONTEXT))
    return tuple(found)


def _fixed_prompts() -> dict[StepId, Reply]:
    """Build the questions whose words never change, once per process (replies are values)."""
    prompts = {
        StepId.RIGHTS: Reply(messages.RIGHTS, options=tuple(Msg(t.title) for t in TOPICS),
                             extra=(("0", Msg(messages.MAIN_MENU)),)),
        StepId.RESUME: Reply(messages.RESUME, options=tuple(Msg(o.label) for o in flow.RESUME)),
        StepId.ERASE: Reply(messages.ERASE_CONFIRM, options=(Msg(messages.ERASE_YES),
                                                             Msg(messages.ERASE_NO))),
        StepId.FIX: Reply(messages.FIX, options=tuple(Msg(label) for label, _ in flow.FIXABLE)),
    }
    for step, question in flow.QUESTIONS.items():
        prompts[step] = Reply(question.prompt,
                              options=tuple(Msg(o.label) for o in question.options))
    return prompts


_PROMPTS = _fixed_prompts()


def _topic_nav(more: bool) -> tuple[tuple[str, Param], ...]:
    """Return the navigation lines under a rights explainer."""
    nav: list[tuple[str, Param]] = [("1", Msg(messages.MORE))] if more else []
    nav += [("2", Msg(messages.OTHER_TOPICS)), ("0", Msg(messages.MAIN_MENU))]
    return tuple(nav)


def _answered(draft: Draft, field_name: str, value: Any) -> Draft:
    """Store one answer in the draft field a question names."""
    changes: dict[str, Any] = {field_name: value}
    return replace(draft, **changes)


def _topic(topic_id: str | None) -> Topic | None:
    for topic in TOPICS:
        if topic.id == topic_id:
            return topic
    return None


def _first_unanswered(draft: Draft) -> StepId:
    """Where a resumed report picks up: the first required question not yet answered."""
    if draft.industry is None:
        return StepId.INDUSTRY
    if not draft.issues:
        return StepId.ISSUES
    if draft.when is None:
        return StepId.WHEN
    if draft.still_working is None:
        return StepId.STILL_WORKING
    if draft.contact is None:
        return StepId.CONTACT
    return StepId.CONSENT


def _clip(text: str | None, limit: int = 40) -> str:
    if not text:
        return ""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _phone(text: str) -> str | None:
    """Return a typed phone number as E.164, or None if it isn't a possible one."""
    try:
        parsed = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
