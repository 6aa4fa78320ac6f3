"""The questions, menus and explainers the worker sees, built as reply data."""

from __future__ import annotations

from datetime import date

from hotline.dialogue import explain, flow, messages
from hotline.dialogue.facts import FactBook
from hotline.dialogue.keywords import LANGUAGE_NAME, NAME_CONTEXT
from hotline.dialogue.replies import Echo, Joined, Msg, Native, Param, Reply
from hotline.dialogue.session import Draft, Session
from hotline.dialogue.steps import StepId
from hotline.dialogue.topics import TOPICS, Topic


def language_menu(languages: tuple[str, ...]) -> Reply:
    """Return the language choice, each language named in itself."""
    header = Joined(tuple(Native(messages.LANGUAGE_WORD, loc) for loc in languages), " / ")
    options = tuple(Native(LANGUAGE_NAME, loc, NAME_CONTEXT) for loc in languages)
    return Reply("{languages}", {"languages": header}, options=options, every_language=True)


#: The number that starts a report from under an explainer.
REPORT_THIS = 3


def topic_part(topic: Topic, part: int, facts: FactBook, day: date, *,
               offer_report: bool = False) -> Reply:
    """Return one part of a rights explainer as it reads on ``day`` (its dated figures
    filled in), with the navigation lines under it.

    ``offer_report`` (the explainer answers a first message that described a problem)
    lists "3 Report this" in place of "2 Other topics", at the same cost in segments.
    """
    text, more = explain.said(topic, part, facts, day)
    return Reply("{text}", {"text": text}, extra=topic_nav(more, offer_report=offer_report))


def prompt(s: Session, languages: tuple[str, ...]) -> Reply:
    """Return the question of the step the session is at."""
    step = s.step
    fixed = _PROMPTS.get(step)
    if fixed is not None:
        return fixed
    if step == StepId.CONFIRM:
        return summary(s.draft)
    names = Joined(tuple(Native(messages.LANGUAGE_WORD, loc) for loc in languages), " / ",
                   sms_optional=True)
    return Reply(messages.MENU, options=(Msg(messages.MENU_RIGHTS), Msg(messages.MENU_REPORT),
                                         Msg(messages.MENU_CALLBACK), names))


def summary(d: Draft) -> Reply:
    """Return the report read back to the worker before it is filed."""
    not_given = Msg(messages.NOT_GIVEN)

    def label(options: tuple[flow.Option, ...], value: str | None) -> Param:
        return Msg(flow.label_of(options, value)) if value else not_given

    issues: list[Param] = [Msg(flow.label_of(flow.ISSUE_TYPES, i))
                           for i in d.issues[:messages.SUMMARY_ISSUES]]
    if len(d.issues) > messages.SUMMARY_ISSUES:
        issues.append(Msg(messages.MORE_ISSUES,
                          params=(("count", len(d.issues) - messages.SUMMARY_ISSUES),)))
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
        "employer": Echo(d.employer) if d.employer else not_given,
        "location": Echo(d.location) if d.location else not_given,
        "issues": Joined(tuple(issues)) if issues else not_given,
        "when": label(flow.WHEN, d.when),
        "still": still,
        "contact": contact,
        "name": Echo(d.name) if d.name else not_given,
    }
    return Reply(messages.SUMMARY, params, options=tuple(Msg(o.label) for o in flow.CONFIRM),
                 budget=messages.SUMMARY_BUDGET)


def topic_nav(more: bool, *, offer_report: bool = False) -> tuple[tuple[str, Param], ...]:
    """Return the navigation lines under a rights explainer."""
    nav: list[tuple[str, Param]] = [("1", Msg(messages.MORE))] if more else []
    if offer_report:
        nav.append((str(REPORT_THIS), Msg(messages.REPORT_THIS)))
    else:
        nav.append(("2", Msg(messages.OTHER_TOPICS)))
    nav.append(("0", Msg(messages.MAIN_MENU)))
    return tuple(nav)


def find_topic(topic_id: str | None) -> Topic | None:
    """Return the topic with this id, or None."""
    for topic in TOPICS:
        if topic.id == topic_id:
            return topic
    return None


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
