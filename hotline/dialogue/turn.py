"""One turn of the conversation: understand the message and pick the step it leads to."""

from __future__ import annotations

from hotline.dialogue import flow, messages
from hotline.dialogue.effects import Erase, OptIn, OptOut
from hotline.dialogue.inbound import Channel
from hotline.dialogue.keywords import TWILIO_RESERVED, Command, Consent, Word, normalize
from hotline.dialogue.language import detect
from hotline.dialogue.prompts import REPORT_THIS, find_topic, topic_nav
from hotline.dialogue.records import replace
from hotline.dialogue.replies import Reply
from hotline.dialogue.report_steps import ReportSteps
from hotline.dialogue.session import Session
from hotline.dialogue.steps import StepId
from hotline.dialogue.topics import TOPICS

#: How many options the main menu lists.
MENU_OPTIONS = 4


class Turn(ReportSteps):
    """Route one inbound: first contact, keywords, menus, explainers, then the report."""

    # -- entry points ------------------------------------------------------------------

    def first_contact(self, s: Session) -> Session:
        lex = self.ctx.lexicon
        chosen = lex.language(self.text)
        if chosen is None and s.step == StepId.LANGUAGE:
            number = self.choice()
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
            # they came with a problem: offer to report it, one number away
            return self.show_topic(s.moved(StepId.TOPIC), topic, 0, offer_report=True)
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
        # Twilio answers its own words (STOP, START…) by SMS itself; not on WhatsApp
        twilio_answers = (normalize(self.text) in TWILIO_RESERVED
                          and self.inbound.channel == Channel.SMS)
        sender = self.inbound.sender
        if kind is Consent.OPT_OUT:
            if s.opted_out:
                return s  # confirmed once already: silence
            self.effects.append(OptOut(sender))
            if not twilio_answers:
                self.say(messages.OPTED_OUT)
            return replace(s, opted_out=True)
        if kind is Consent.OPT_IN:
            self.effects.append(OptIn(sender))
            if not twilio_answers:
                self.say(messages.OPTED_IN)
            return replace(s, opted_out=False)
        if s.opted_out:
            return s  # erasure by keyword waits for START (staff can erase meanwhile)
        if locale is None:
            s = replace(s, locale="en" if "en" in self.ctx.languages else self.ctx.languages[0])
        return self.show(s.moved(StepId.ERASE))

    def on_erase(self, s: Session) -> Session:
        number = self.choice()
        answer = self.yes_or_no(s) if number is None else None
        if number == 1 or answer is True:
            self.effects.append(Erase(self.inbound.sender))
            self.say(messages.ERASED)
            return Session()
        if number == 2 or answer is False:
            return self.leave_language_menu(s)
        if number is not None:
            return self.show(s, out_of_range=2)
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
        number = self.choice()
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
        if number is not None:
            return self.show(replace(s, step=StepId.MENU), out_of_range=MENU_OPTIONS)
        return self.show(replace(s, step=StepId.MENU), not_understood=True)

    def on_language(self, s: Session) -> Session:
        number = self.choice()
        if number and 1 <= number <= len(self.ctx.languages):
            return self.leave_language_menu(replace(s, locale=self.ctx.languages[number - 1]))
        return self.language_menu(s)

    def leave_language_menu(self, s: Session) -> Session:
        if s.history:
            return self.show(replace(s, step=s.history[-1], history=s.history[:-1]))
        return self.show(replace(s, step=StepId.MENU))

    def on_rights(self, s: Session) -> Session:
        number = self.choice()
        if number is not None and 1 <= number <= len(TOPICS):
            return self.show_topic(s.moved(StepId.TOPIC), TOPICS[number - 1].id, 0)
        if number == 0:
            return self.show(replace(s, step=StepId.MENU, history=()))
        topic = self.ctx.lexicon.topic_in(self.text, s.locale)
        if topic is not None:
            return self.show_topic(s.moved(StepId.TOPIC), topic, 0)
        if number is not None:
            return self.show(s, out_of_range=len(TOPICS))
        return self.show(s, not_understood=True)

    def on_topic(self, s: Session) -> Session:
        number = self.choice()
        current = find_topic(s.topic)
        more = current is not None and s.part + 1 < len(current.parts)
        if more and (number == 1 or self.ctx.lexicon.means(Word.MORE, self.text, s.locale)):
            return self.show_topic(s, current.id if current else "", s.part + 1)
        if number == 2 or (number == 1 and not more):
            return self.show(replace(s, step=StepId.RIGHTS, topic=None, part=0))
        if number == 0:
            return self.show(replace(s, step=StepId.MENU, history=(), topic=None, part=0))
        if number == REPORT_THIS or self.ctx.lexicon.means(Word.REPORT, self.text, s.locale):
            # listed only under an explainer that answered a first message, but it is
            # never wrong to take someone who asks to report straight to it
            return self.start_report(replace(s, topic=None, part=0))
        topic = self.ctx.lexicon.topic_in(self.text, s.locale)
        if topic is not None:
            return self.show_topic(s, topic, 0)
        # re-sending the whole part would cost two more SMS; the choices are enough
        self.replies.append(Reply(messages.NOT_UNDERSTOOD, extra=topic_nav(more)))
        return s
