"""The report questions of a turn: answers stored in the draft, then the case filed."""

from __future__ import annotations

import bisect
from typing import Any

from hotline.dialogue import flow, messages
from hotline.dialogue.answers import MAX_SHORT_ANSWER, numbers, phone
from hotline.dialogue.effects import AddToStory, CaseKind, FileCase, MediaItem
from hotline.dialogue.inbound import MAX_BODY
from hotline.dialogue.keywords import Word
from hotline.dialogue.records import replace
from hotline.dialogue.session import MAX_DETAIL_MESSAGES, Draft, Session
from hotline.dialogue.speaker import Speaker
from hotline.dialogue.steps import StepId


class ReportSteps(Speaker):
    """Handle the answers of a report (or a call-back request) in progress."""

    def on_resume(self, s: Session) -> Session:
        number = self.choice()
        if number == 1 and s.history:
            return self.show(replace(s, step=s.history[-1], history=s.history[:-1]))
        if number in (1, 2):
            return self.show(replace(s, step=flow.REPORT_START, history=(), draft=Draft(),
                                     fixing=False))
        if number is not None:
            return self.show(s, out_of_range=len(flow.RESUME))
        return self.show(s, not_understood=True)

    def on_question(self, s: Session) -> Session:
        question = flow.QUESTIONS.get(s.step)
        if question is None:
            return self.show(replace(s, step=StepId.MENU, history=()))
        if question.options:
            if not self.text and self.inbound.media:  # a photo: kept (engine), ask again
                return self.show(s, prefix=messages.ADDED_TO_STORY)
            if self.more_story(s):
                # the story went on after the worker sent 1: keep it, ask again
                return self.show(_told(s, self.text, self.stamp),
                                 prefix=messages.ADDED_TO_STORY)
            return self.answer_choice(s, question)
        return self.answer_text(s, question)

    def more_story(self, s: Session) -> bool:
        """Tell whether words at the question right after the story are more of it."""
        return (s.step == StepId.WHEN and bool(s.history) and s.history[-1] == StepId.DETAILS
                and not s.fixing and bool(self.text) and not self.choices()
                and self.yes_or_no(s) is None)

    def on_late(self, s: Session) -> Session:
        """Answer a message that arrived before others we already answered (kept while
        Redis was down, or missed and reconciled): a story part joins the report it
        belonged to, in progress or filed since; anything else was overtaken by what the
        worker sent after it and is left, never replayed where they are now."""
        words = (self.text if self.text and not self.choices()
                 and self.ctx.lexicon.command(self.text) is None else "")
        media = tuple(MediaItem(m.url, m.content_type) for m in self.inbound.media)
        if not words and not media:
            return s
        if s.step in flow.REPORT_STEPS:
            self.say(messages.ADDED_TO_STORY)
            return _told(s, words, self.stamp) if words else s
        if s.last_case and s.last_filed >= self.stamp:
            self.effects.append(AddToStory(s.last_case, self.inbound.sender, words, media))
            self.say(messages.ADDED_TO_REPORT, ref=s.last_case)
        return s

    def answer_choice(self, s: Session, question: flow.Question) -> Session:
        picked = self.choices()
        count = len(question.options)
        if not picked:
            picked = _yes_or_no_option(question, self.yes_or_no(s))
        if not picked:
            return self.show(s, not_understood=True, empty=not self.text)
        if any(not 1 <= n <= count for n in picked):
            return self.show(s, out_of_range=count)
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
            number = phone(text)
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
        done = numbers(text) == [1] or self.ctx.lexicon.means(Word.DONE, text, s.locale)
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
        self.say(messages.DETAILS_NOTED)
        return _told(s, text, self.stamp)

    def on_confirm(self, s: Session) -> Session:
        number = self.choice()
        if number == 1:
            return self.file_report(s)
        if number == 2:
            return self.show(s.moved(StepId.FIX))
        if number is not None:
            return self.show(s, out_of_range=len(flow.CONFIRM))
        return self.show(s, not_understood=True)

    def on_fix(self, s: Session) -> Session:
        number = self.choice()
        if number is None:
            return self.show(s, not_understood=True)
        if not 1 <= number <= len(flow.FIXABLE):
            return self.show(s, out_of_range=len(flow.FIXABLE))
        target = flow.FIXABLE[number - 1][1]
        return self.show(replace(s, fixing=True).moved(target))

    def start_report(self, s: Session) -> Session:
        if s.draft.media and replace(s.draft, media=()).is_empty():
            # only photos sent at the menu so far: they start this report
            return self.show(replace(s, fixing=False).moved(flow.REPORT_START))
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

def _yes_or_no_option(question: flow.Question, answer: bool | None) -> list[int]:
    """Return the number of the yes (or no) option of a yes-or-no question, if it is one."""
    if answer is None:
        return []
    wanted = "yes" if answer else "no"
    return [n for n, option in enumerate(question.options, start=1) if option.value == wanted]


def _told(s: Session, text: str, at: int) -> Session:
    """Add one message, sent at ``at``, to the story in the order it was written (while
    the story has room)."""
    d = s.draft
    if len(d.details) >= MAX_DETAIL_MESSAGES:
        return s
    times = d.told_at if len(d.told_at) == len(d.details) else (0,) * len(d.details)
    i = bisect.bisect_right(times, at)
    return replace(s, draft=replace(d, details=(*d.details[:i], text[:MAX_BODY], *d.details[i:]),
                                    told_at=(*times[:i], at, *times[i:])))


def _answered(draft: Draft, field_name: str, value: Any) -> Draft:
    """Store one answer in the draft field a question names."""
    changes: dict[str, Any] = {field_name: value}
    return replace(draft, **changes)


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
