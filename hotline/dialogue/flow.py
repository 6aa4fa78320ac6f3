"""The report and callback flows as data: questions, their options and where each leads."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from hotline.dialogue.steps import StepId
from hotline.dialogue.text import N_


@dataclass(frozen=True)
class Option:
    """One numbered answer: ``Option("car_wash", N_("Car wash"))`` is stored as ``car_wash``."""

    value: str
    label: str


@dataclass(frozen=True)
class Question:
    """A step that waits for one answer and stores it in the draft ``field``.

    With ``options`` the answer is a number (several if ``multiple``); without, it is
    free text, which ``optional`` lets the worker skip with ``0``. ``branches`` sends
    some option values somewhere other than ``next``.
    """

    step: StepId
    prompt: str
    field: str
    next: StepId
    options: tuple[Option, ...] = ()
    multiple: bool = False
    optional: bool = False
    branches: Mapping[str, StepId] = dataclasses.field(
        default_factory=lambda: MappingProxyType({}))


INDUSTRIES = (
    Option("restaurant", N_("Restaurant")),
    Option("market", N_("Market or grocery")),
    Option("garment", N_("Garment")),
    Option("car_wash", N_("Car wash")),
    Option("cleaning", N_("Cleaning or janitorial")),
    Option("other", N_("Other work")),
)

ISSUE_TYPES = (
    Option("unpaid", N_("Not paid or paid late")),
    Option("min_wage", N_("Below minimum wage")),
    Option("overtime", N_("No overtime pay")),
    Option("breaks", N_("No meal or rest breaks")),
    Option("sick_leave", N_("Sick leave denied")),
    Option("tips", N_("Tips taken")),
    Option("retaliation", N_("Fired or punished")),
    Option("safety", N_("Unsafe, heat, injury")),
    Option("other", N_("Something else")),
)

WHEN = (
    Option("this_week", N_("This week")),
    Option("this_month", N_("This month")),
    Option("this_year", N_("1 to 12 months ago")),
    Option("older", N_("More than a year ago")),
)

YES_NO_STILL = (
    Option("yes", N_("Yes, I still work there")),
    Option("no", N_("No, I left or was fired")),
)

CONTACT_METHODS = (
    Option("text", N_("Text this number")),
    Option("call", N_("Call this number")),
    Option("whatsapp", N_("WhatsApp this number")),
    Option("other", N_("Use another number")),
    Option("none", N_("Do not contact me")),
)

CONSENT = (
    Option("yes", N_("Yes, share it")),
    Option("no", N_("No, delete my report")),
)

CONFIRM = (
    Option("send", N_("Send it")),
    Option("fix", N_("Change something")),
)

RESUME = (
    Option("continue", N_("Continue my report")),
    Option("restart", N_("Start over")),
)

QUESTIONS: Mapping[StepId, Question] = MappingProxyType(
    {
        q.step: q
        for q in (
            # TRANSLATORS: SMS question; the numbered options follow on their own lines.
            Question(StepId.INDUSTRY, N_("What kind of work do you do?"), "industry",
                     StepId.EMPLOYER, INDUSTRIES),
            # TRANSLATORS: SMS question, free text answer. Keep "0" as it is.
            Question(StepId.EMPLOYER, N_("What is the name of the business? Send 0 if "
                                         "you don't know."), "employer", StepId.LOCATION,
                     optional=True),
            # TRANSLATORS: SMS question, free text answer. Keep "0" as it is.
            Question(StepId.LOCATION, N_("Where is the job? A street or area is enough, "
                                         "for example Western & 6th. Send 0 to skip."),
                     "location",
                     StepId.ISSUES, optional=True),
            # TRANSLATORS: SMS question; the worker may send several numbers, e.g. "1 3".
            Question(StepId.ISSUES, N_("What happened? Send one or more numbers, "
                                       "for example: 1 3"),
                     "issues", StepId.DETAILS, ISSUE_TYPES, multiple=True),
            # TRANSLATORS: SMS question, free text in several messages. Keep "1".
            Question(StepId.DETAILS, N_("Tell us what happened in your own words. Send as "
                                        "many messages as you need, then send 1."),
                     "details", StepId.WHEN, optional=True),
            # TRANSLATORS: SMS question; the numbered options follow.
            Question(StepId.WHEN, N_("When did it last happen?"), "when",
                     StepId.STILL_WORKING, WHEN),
            # TRANSLATORS: SMS question; the numbered options follow.
            Question(StepId.STILL_WORKING, N_("Do you still work there?"), "still_working",
                     StepId.CONTACT, YES_NO_STILL),
            # TRANSLATORS: SMS question; the numbered options follow.
            Question(StepId.CONTACT, N_("How should an organizer contact you?"), "contact",
                     StepId.NAME, CONTACT_METHODS,
                     branches=MappingProxyType({"other": StepId.CONTACT_NUMBER})),
            # TRANSLATORS: SMS question, the worker types a US phone number.
            Question(StepId.CONTACT_NUMBER, N_("What number should we use? "
                                               "For example: 213 555 0100"),
                     "contact_number", StepId.NAME),
            # TRANSLATORS: SMS question, free text answer. Keep "0" as it is.
            Question(StepId.NAME, N_("What is your first name? Send 0 to skip."), "name",
                     StepId.CONSENT, optional=True),
            # TRANSLATORS: SMS question; the numbered options follow.
            Question(StepId.CONSENT, N_("May we share your report with our organizers so "
                                        "they can help you?"), "consent", StepId.CONFIRM,
                     CONSENT),
            # TRANSLATORS: SMS question; the numbered options follow.
            Question(StepId.CALLBACK_CONTACT, N_("An organizer will get in touch. How should "
                                                 "they contact you?"), "contact",
                     StepId.SUBMIT_CALLBACK, CONTACT_METHODS[:4],
                     branches=MappingProxyType({"other": StepId.CALLBACK_NUMBER})),
            # TRANSLATORS: SMS question, the worker types a US phone number.
            Question(StepId.CALLBACK_NUMBER, N_("What number should we use? "
                                                "For example: 213 555 0100"),
                     "contact_number", StepId.SUBMIT_CALLBACK),
        )
    }
)

#: The first question of a report.
REPORT_START = StepId.INDUSTRY

#: What the "change something" menu offers, in order: label and the step it reopens.
FIXABLE: tuple[tuple[str, StepId], ...] = (
    (N_("Type of work"), StepId.INDUSTRY),
    (N_("Business name"), StepId.EMPLOYER),
    (N_("Place"), StepId.LOCATION),
    (N_("What happened"), StepId.ISSUES),
    (N_("Add details"), StepId.DETAILS),
    (N_("When"), StepId.WHEN),
    (N_("Still working there"), StepId.STILL_WORKING),
    (N_("Contact"), StepId.CONTACT),
    (N_("Name"), StepId.NAME),
)

#: Steps that belong to a report in progress (a returning worker may resume them).
REPORT_STEPS = frozenset(
    {StepId.INDUSTRY, StepId.EMPLOYER, StepId.LOCATION, StepId.ISSUES, StepId.DETAILS,
     StepId.WHEN, StepId.STILL_WORKING, StepId.CONTACT, StepId.CONTACT_NUMBER, StepId.NAME,
     StepId.CONSENT, StepId.CONFIRM, StepId.FIX}
)


def label_of(options: tuple[Option, ...], value: str) -> str:
    """Return the label msgid of an option value (for the summary)."""
    for option in options:
        if option.value == value:
            return option.label
    return value
